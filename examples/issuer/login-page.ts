// The login step of the authorization code flow: GET /authorize shows a form that echoes the OAuth parameters and asks
// for a user name and password; the POST back is checked here, and the issuer then redirects to the client with a code.
import type { AuthorizationDecision, AuthorizationRequest } from '@tessera/issuer';
import type { Context } from 'koa';
import { checkUser } from './users.js';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;background:#f4f5f7;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;padding:2rem 2.5rem;border-radius:12px;box-shadow:0 2px 12px #0002;width:20rem}
h1{font-size:1.25rem;margin:0 0 .5rem}label{display:block;margin:.75rem 0 .25rem}input{width:100%;box-sizing:border-box;padding:.5rem;font:inherit}
button{margin-top:1.25rem;width:100%;padding:.6rem;font:inherit;background:#2457d6;color:#fff;border:0;border-radius:6px;cursor:pointer}
.hint{background:#eef3ff;padding:.5rem .75rem;border-radius:6px}.error{color:#b00020}.muted{color:#555;font-size:.9rem}code{font-size:.95em}`;

function renderLogin(ctx: Context, request: AuthorizationRequest, error?: string): void {
  const hidden = Object.entries(request.parameters)
    .filter(([name]) => name !== 'username' && name !== 'password')
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n    ');
  ctx.status = error === undefined ? 200 : 401;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  ctx.body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign in — Tessera demo issuer</title><style>${STYLE}</style></head>
<body><main>
  <h1>Sign in</h1>
  <p class="muted"><code>${escapeHtml(request.client.id)}</code> asks for <code>${escapeHtml(request.scope.join(' ') || '(no scope)')}</code>.</p>
  <p class="hint">Demo account: user <code>demo</code>, password <code>demo</code></p>
  ${error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(error)}</p>`}
  <form method="post" action="${escapeHtml(ctx.path)}">
    ${hidden}
    <label for="username">User name</label>
    <input id="username" name="username" autocomplete="username" autofocus required>
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit">Sign in</button>
  </form>
</main></body></html>`;
}

/**
 * The issuer's `authorize` step: shows the login form (GET, or a POST without credentials), or checks the credentials
 * posted back with the OAuth parameters. The `profile` scope puts the user's `name` in the access token.
 * @param request - the authorization request the issuer has already checked (client, redirect URI, PKCE, scope)
 * @param ctx - the Koa context, to render the page on
 * @returns the user, or undefined when the page was rendered
 */
export async function loginStep(request: AuthorizationRequest, ctx: Context): Promise<AuthorizationDecision> {
  const { username, password } = request.parameters;
  if (request.method !== 'POST' || username === undefined) {
    renderLogin(ctx, request);
    return undefined;
  }
  const user = checkUser(username, password ?? '');
  if (user === null) {
    renderLogin(ctx, request, 'Wrong user name or password.');
    return undefined;
  }
  return request.scope.includes('profile') ? user : { subject: user.subject };
}
