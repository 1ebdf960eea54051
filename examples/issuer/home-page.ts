// GET / on the demo issuer: what it is, where its endpoints are, and who can log in.
import type { Middleware } from 'koa';
import { FORMAT_CLIENT_IDS, SERVICE_CLIENT_ID, SPA_CLIENT_ID, demoSecret } from './clients.js';
import { DEMO_USERS } from './users.js';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/**
 * The issuer's home page.
 * @param where - the issuer identifier and the SPA's origin
 * @returns middleware answering `GET /` (everything else goes on)
 */
export function homePage(where: { issuer: string; spaOrigin: string }): Middleware {
  const link = (path: string): string => `<li><a href="${escapeHtml(path)}"><code>${escapeHtml(path)}</code></a></li>`;
  const clients = [SERVICE_CLIENT_ID, ...Object.values(FORMAT_CLIENT_IDS)]
    .map((id) => `<li><code>${escapeHtml(id)}</code> / <code>${escapeHtml(demoSecret(id))}</code></li>`).join('');
  const users = DEMO_USERS.map((u) => `<code>${escapeHtml(u.username)}</code> / <code>${escapeHtml(u.password)}</code>`).join(', ');
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tessera demo issuer</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}code{font-size:.95em}</style></head>
<body>
<h1>Tessera demo issuer</h1>
<p>Issuer identifier <code>${escapeHtml(where.issuer)}</code>. The app to open is the SPA:
<a href="${escapeHtml(where.spaOrigin)}/">${escapeHtml(where.spaOrigin)}/</a> (client <code>${SPA_CLIENT_ID}</code>).</p>
<h2>Endpoints</h2>
<ul>${link('/.well-known/oauth-authorization-server')}${link('/jwks.json')}${link('/health')}
<li><code>POST /token</code>, <code>POST /revoke</code>, <code>POST /introspect</code>, <code>GET /verify-token</code>, <code>GET /authorize</code></li>
<li>Developer tools (loopback only): <code>POST /generate-jwe-key</code>, <code>/encrypt-jwe</code>, <code>/decrypt-jwe</code>,
<code>/decode</code>, <code>/issue</code>, <code>/verify</code></li></ul>
<h2>Demo accounts</h2>
<p>Users: ${users}.</p>
<p>Service clients (client_credentials, HTTP Basic): <ul>${clients}</ul></p>
</body></html>`;
  return async (ctx, next) => {
    if (ctx.path !== '/' || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    ctx.type = 'html';
    ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    ctx.body = page;
  };
}
