// Shared helpers of the examples' tests: a demo on free 127.0.0.1 ports (stopped after the file), HTTP helpers, the
// demo's clients, and the authorization code flow driven through the login page with oauth4webapi.
import * as oauth from 'oauth4webapi';
import { afterAll, expect } from 'vitest';
import { startDemo, type Demo, type DemoOptions, type IssuerOnlyDemo } from '../../examples/demo.js';
import { demoSecret } from '../../examples/issuer/clients.js';

export { API_SCOPE, FORMAT_CLIENT_IDS, SERVICE_CLIENT_ID, SPA_CLIENT_ID, demoSecret } from '../../examples/issuer/clients.js';

/** Every port free. */
export const FREE_PORTS = { spa: 0, issuer: 0, koaApi: 0, expressApi: 0 } as const;

const running: Array<Demo | IssuerOnlyDemo> = [];
afterAll(async () => {
  await Promise.all(running.splice(0).map((demo) => demo.stop()));
});

/** A quiet demo on free ports, without the browser app (the flows are driven over HTTP), stopped after the file. */
export async function demo(options: DemoOptions & { issuerOnly?: false } = {}): Promise<Demo> {
  const started = await startDemo({ ports: FREE_PORTS, quiet: true, spa: false, ...options });
  running.push(started);
  return started;
}

/** A quiet issuer-only demo on a free port, stopped after the file. */
export async function issuerOnly(options: DemoOptions = {}): Promise<IssuerOnlyDemo> {
  const started = await startDemo({ ports: FREE_PORTS, quiet: true, ...options, issuerOnly: true });
  running.push(started);
  return started;
}

/** `Authorization: Basic` for a demo client with its demo secret. */
export function basic(clientId: string, secret = demoSecret(clientId)): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
}

/** An HTTP answer with its JSON body (or `{}` when empty / not JSON). */
export interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    json = { text };
  }
  return { status: response.status, headers: response.headers, json };
}

/** POST a form. */
export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
  return answer(await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  }));
}

/** POST JSON, as `curl -H "Content-Type: application/json" -d '…'` does; no body when `body` is undefined. */
export async function postJson(url: string, body?: unknown): Promise<Answer> {
  return answer(await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }));
}

/** GET with headers. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return answer(await fetch(url, { headers }));
}

/** A client_credentials access token of a demo client. */
export async function clientToken(issuer: string, clientId: string): Promise<string> {
  const tokens = await postForm(`${issuer}/token`, { grant_type: 'client_credentials' }, { authorization: basic(clientId) });
  expect(tokens.status, JSON.stringify(tokens.json)).toBe(200);
  return tokens.json.access_token as string;
}

/** oauth4webapi's option for the demo's http:// loopback URLs. */
export const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** The issuer's metadata, discovered by oauth4webapi (RFC 8414). */
export async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer);
  return oauth.processDiscoveryResponse(url, await oauth.discoveryRequest(url, { algorithm: 'oauth2', ...insecure }));
}

/** A token response of the SPA client. */
export type SpaTokens = oauth.TokenEndpointResponse;

/**
 * The SPA's login as a browser does it: the authorization URL (PKCE S256, state), the login page, the form posted
 * back with the user's credentials, the redirect to `<spa>/` with the code, and the code exchanged by oauth4webapi.
 */
export async function spaLogin(demoUrls: { spa: string; issuer: string }, username = 'demo', password = 'demo'): Promise<SpaTokens> {
  const as = await discover(demoUrls.issuer);
  const client: oauth.Client = { client_id: 'spa' };
  const redirectUri = `${new URL(demoUrls.spa).origin}/`;
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const authorize = new URL(as.authorization_endpoint!);
  const parameters = {
    client_id: 'spa', response_type: 'code', redirect_uri: redirectUri, scope: 'openid profile api:read', state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  };
  for (const [name, value] of Object.entries(parameters)) authorize.searchParams.set(name, value);

  const page = await fetch(authorize, { redirect: 'manual' });
  expect(page.status).toBe(200);
  const html = await page.text();
  const form = /<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/.exec(html);
  expect(form, 'the login page has a form').not.toBeNull();
  const hidden = Object.fromEntries([...form![2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)]
    .map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')]));
  const submitted = await fetch(new URL(form![1]!, authorize), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hidden, username, password }),
  });
  expect(submitted.status).toBe(303);
  const callback = new URL(submitted.headers.get('location')!);
  expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
  const params = oauth.validateAuthResponse(as, client, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, insecure);
  return oauth.processAuthorizationCodeResponse(as, client, response);
}
