// Shared helpers of the issuer tests: a listening issuer on 127.0.0.1 (port 0) and oauth4webapi as its client.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, type GeneratedKeyPair } from '@tessera/core';
import Koa from 'koa';
import * as oauth from 'oauth4webapi';
import { afterAll } from 'vitest';
import { createIssuer, hashClientSecret, type ClientConfig, type Issuer, type IssuerOptions } from '../src/index.js';

/** Keys generated once per test file. */
export interface TestKeys {
  sig: GeneratedKeyPair;
  enc: GeneratedKeyPair;
}

let keys: Promise<TestKeys> | undefined;

/** An ES256 signing pair and an ECDH-ES+A256KW encryption pair, generated once per file. */
export function testKeys(): Promise<TestKeys> {
  keys ??= Promise.all([generateKeyPair('ES256'), generateKeyPair('ECDH-ES+A256KW')]).then(([sig, enc]) => ({ sig, enc }));
  return keys;
}

/** A client secret long enough for the issuer (≥ 16 characters). */
export const SECRET = 'correct-horse-battery-staple-42';

let secretHash: Promise<string> | undefined;

/**
 * Clients whose secret is {@link SECRET} get its scrypt hash (computed once per file) instead, so each issuer a test
 * starts does not hash it again; the `secret` path itself is covered by the client-file tests.
 */
async function prehashed(clients: readonly ClientConfig[]): Promise<ClientConfig[]> {
  secretHash ??= hashClientSecret(SECRET);
  const hash = await secretHash;
  // Other clients stay the same objects: a client loaded from a file keeps its file's field names for errors.
  return clients.map((client) => {
    if (client.secret !== SECRET) return client;
    const { secret: _secret, ...rest } = client;
    return { ...rest, secretHash: hash };
  });
}

/** A running issuer and what tests use to talk to it. */
export interface RunningIssuer {
  /** The issuer identifier, e.g. `http://127.0.0.1:43121`. */
  url: string;
  issuer: Issuer;
  app: Koa;
  server: Server;
  /** The metadata as oauth4webapi discovered it. */
  as: oauth.AuthorizationServer;
  close(): Promise<void>;
}

/** Options for {@link startIssuer}: the issuer's, minus what the helper fills in. */
export type StartOptions = Omit<IssuerOptions, 'issuer' | 'signingKeys'> & Partial<Pick<IssuerOptions, 'signingKeys'>>;

const running: RunningIssuer[] = [];
afterAll(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

/**
 * Starts an issuer behind a real HTTP server on 127.0.0.1, port 0, and discovers it with oauth4webapi. Closed after
 * the file's tests (or by `close()`).
 */
export async function startIssuer(options: StartOptions): Promise<RunningIssuer> {
  const { sig, enc } = await testKeys();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let issuer: Issuer;
  try {
    issuer = await createIssuer({
      issuer: url,
      signingKeys: [sig.privateKey],
      encryptionKeys: [enc.privateKey],
      ...options,
      clients: await prehashed(options.clients),
    });
  } catch (err) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw err;
  }
  const app = new Koa();
  app.silent = true;
  app.use(issuer.routes());
  server.on('request', app.callback());
  const issuerUrl = new URL(url);
  const response = await oauth.discoveryRequest(issuerUrl, { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true });
  const as = await oauth.processDiscoveryResponse(issuerUrl, response);
  let closed = false;
  const handle: RunningIssuer = {
    url, issuer, app, server, as,
    async close() {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await issuer.close();
    },
  };
  running.push(handle);
  return handle;
}

/** oauth4webapi's options for plain-http loopback servers. */
export const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** POSTs a form body (or raw text with a content type) and returns status, headers and parsed JSON. */
export async function post(url: string, body: string | URLSearchParams | Record<string, string>,
  init: { headers?: Record<string, string>; contentType?: string } = {}): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const text = typeof body === 'string' ? body : new URLSearchParams(body).toString();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': init.contentType ?? 'application/x-www-form-urlencoded', ...init.headers },
    body: text,
  });
  const raw = await response.text();
  return { status: response.status, headers: response.headers, json: raw === '' ? {} : JSON.parse(raw) as Record<string, unknown> };
}

/** `Authorization: Basic` for a client id and secret (RFC 6749 §2.3.1 encoding). */
export function basic(id: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

/** Decodes a JWS payload without checking it (tests read what the issuer wrote). */
export function payloadOf(jws: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jws.split('.')[1] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Decodes a JOSE protected header without checking it. */
export function headerOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
}
