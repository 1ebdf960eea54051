import {
  KeyNotFoundError,
  TesseraArgumentError,
  TokenFormatError,
  createTokenVerifier,
  importJwk,
  importPem,
  importSecret,
  isJwsAlgorithm,
  parseDuration,
  type JoseHeader,
  type JwsAlgorithm,
  type KeyResolver,
  type TesseraKey,
  type TokenVerifier,
  type VerifyKeys,
  type VerifyOptions,
} from '@tessera/core';
import { base64url } from 'jose';
import { InvalidTokenError } from '../errors.js';
import { buildResult } from '../lib/build-result.js';
import { checkKnownOptions } from '../lib/known-options.js';
import { createHttpClient } from '../lib/http-client.js';
import { createRemoteJwksResolver } from '../lib/remote-jwks.js';
import type { LocalIssuerOptions } from './local-options.js';
import type { Strategy, TokenShape, Verdict } from './strategy.js';

interface Tenant {
  readonly name: string;
  readonly issuer: string | undefined;
  readonly jws: boolean;
  readonly jwe: boolean;
  verifier: TokenVerifier | undefined;
  readonly ready: Promise<TokenVerifier>;
}

const SOURCES = ['keys', 'secret', 'publicKey', 'jwksUri'] as const;
const decoder = new TextDecoder();

function keySource(options: LocalIssuerOptions, name: string): Promise<VerifyKeys> | VerifyKeys | undefined {
  const given = SOURCES.filter((s) => options[s] !== undefined);
  if (given.length > 1) throw new TesseraArgumentError(`"${name}" takes one of ${SOURCES.join(', ')}; got ${given.join(' and ')}`);
  const algs = options.algorithms;
  if (options.secret !== undefined) {
    const secret = options.secret;
    if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) throw new TesseraArgumentError(`"${name}.secret" must be a string or bytes`);
    const hs = (algs ?? ['HS256']).filter((a): a is 'HS256' | 'HS384' | 'HS512' => a.startsWith('HS'));
    if (hs.length === 0) throw new TesseraArgumentError(`"${name}.algorithms" has no HS* algorithm for "secret"`);
    return Promise.all(hs.map((alg) => importSecret(secret, { alg })));
  }
  if (options.publicKey !== undefined) {
    const pk = options.publicKey;
    if (typeof pk === 'string') {
      const asym = (algs ?? []).filter((a) => !a.startsWith('HS'));
      if (asym.length === 0) throw new TesseraArgumentError(`"${name}.algorithms" must name the algorithm(s) of a PEM "publicKey"`);
      // A PEM names no key id: the key stands for any `kid` the issuer writes (selection stays bound to `alg`).
      return Promise.all(asym.map((alg) => importPem(pk, { alg, use: 'sig' }))).then(anyKid);
    }
    if (typeof pk !== 'object' || pk === null) throw new TesseraArgumentError(`"${name}.publicKey" must be a PEM string or a JWK`);
    const alg = (pk.alg as JwsAlgorithm | undefined) ?? algs?.[0];
    if (alg === undefined || !isJwsAlgorithm(alg)) throw new TesseraArgumentError(`"${name}.publicKey" needs an "alg" (in the JWK or in "algorithms")`);
    return importJwk(pk, { alg, use: 'sig' });
  }
  if (options.jwksUri !== undefined) {
    let url: URL;
    try {
      url = new URL(options.jwksUri);
    } catch (cause) {
      throw new TesseraArgumentError(`"${name}.jwksUri" must be an absolute http(s) URL`, { cause });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TesseraArgumentError(`"${name}.jwksUri" must be an absolute http(s) URL`);
    const j = options.jwks ?? {};
    const ms = (value: number | string | undefined, fallback: string, key: string): number =>
      parseDuration(value ?? fallback, `${name}.jwks.${key}`, { wholeSeconds: false }) * 1000;
    const timeout = j.timeout ?? 5000;
    if (!Number.isSafeInteger(timeout) || timeout <= 0) throw new TesseraArgumentError(`"${name}.jwks.timeout" must be a positive integer of milliseconds`);
    return createRemoteJwksResolver(url.href, createHttpClient({ timeout, retries: 0, backoffLimit: 0 }), {
      cacheMaxAge: ms(j.cacheMaxAge, '10m', 'cacheMaxAge'),
      cooldown: ms(j.cooldown, '30s', 'cooldown'),
      keepKeysFor: ms(j.keepKeysFor, '1h', 'keepKeysFor'),
      algorithms: algs,
    });
  }
  return options.keys;
}

/** A resolver over keys that ignores the token's `kid` (still one key per `alg`). */
function anyKid(keys: readonly TesseraKey[]): KeyResolver {
  const listed = Object.freeze([...keys]);
  return Object.freeze({
    resolve: (header: JoseHeader) => listed.filter((k) => k.alg === header.alg),
    list: () => listed,
  });
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

function buildTenant(options: LocalIssuerOptions, name: string, currentDate: (() => Date) | undefined): Tenant {
  if (typeof options !== 'object' || options === null) throw new TesseraArgumentError(`"${name}" must be an object`);
  const { keys: _k, secret: _s, publicKey: _p, jwksUri: _u, jwks: _j, decryptionKeys, ...policy } = options;
  checkKnownOptions(options.jwks, ['cacheMaxAge', 'cooldown', 'keepKeysFor', 'timeout'], `${name}.jwks`);
  const keys = keySource(options, name);
  if (keys === undefined && decryptionKeys === undefined) {
    throw new TesseraArgumentError(`"${name}" needs keys: one of ${SOURCES.join(', ')}, or decryptionKeys`);
  }
  const base: VerifyOptions = { ...policy, ...(currentDate !== undefined && policy.currentDate === undefined ? { currentDate } : {}) };
  const build = (k: VerifyKeys | undefined, d: VerifyKeys | undefined): TokenVerifier => {
    try {
      return createTokenVerifier({ ...base, ...(k === undefined ? {} : { keys: k }), ...(d === undefined ? {} : { decryptionKeys: d }) });
    } catch (err) {
      if (err instanceof TesseraArgumentError) throw new TesseraArgumentError(`"${name}": ${err.message}`, { cause: err });
      throw err;
    }
  };
  const issuer = typeof policy.issuer === 'string' ? policy.issuer : undefined;
  const tenant: Tenant = {
    name,
    issuer,
    jws: keys !== undefined,
    jwe: decryptionKeys !== undefined,
    verifier: undefined,
    ready: Promise.resolve() as unknown as Promise<TokenVerifier>,
  };
  if (!isPromise(keys) && !isPromise(decryptionKeys)) {
    tenant.verifier = build(keys, decryptionKeys);
    (tenant as { ready: Promise<TokenVerifier> }).ready = Promise.resolve(tenant.verifier);
    return tenant;
  }
  // Validate every other option now, with a placeholder key source, so a bad option fails at construction.
  const placeholder = { resolve: () => [] };
  build(keys === undefined ? undefined : placeholder, decryptionKeys === undefined ? undefined : placeholder);
  const ready = Promise.all([keys, decryptionKeys]).then(([k, d]) => (tenant.verifier = build(k, d)));
  ready.catch(() => undefined);
  (tenant as { ready: Promise<TokenVerifier> }).ready = ready;
  return tenant;
}

function peekJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(decoder.decode(base64url.decode(segment)));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The local strategy: tokens verified here by core's `createTokenVerifier` (JWS, JWE, nested, compat settings).
 * Several issuers (multi-tenant) are told apart by the token's `iss` — read unverified only to pick the issuer's
 * verifier, whose own `issuer` check then confirms it.
 */
export function createLocalStrategy(
  options: LocalIssuerOptions | readonly LocalIssuerOptions[],
  maxTtlMs: number,
  currentDate: (() => Date) | undefined,
): Strategy {
  const list = Array.isArray(options) ? (options as readonly LocalIssuerOptions[]) : [options as LocalIssuerOptions];
  if (list.length === 0) throw new TesseraArgumentError('"local" must not be an empty list');
  const multi = Array.isArray(options);
  const tenants = list.map((o, i) => buildTenant(o, multi ? `local[${i}]` : 'local', currentDate));
  const byIssuer = new Map<string, Tenant>();
  if (multi) {
    for (const t of tenants) {
      if (t.issuer === undefined) throw new TesseraArgumentError(`"${t.name}.issuer" must be one string when "local" lists several issuers`);
      if (byIssuer.has(t.issuer)) throw new TesseraArgumentError(`"${t.name}.issuer" ${JSON.stringify(t.issuer)} is listed twice`);
      byIssuer.set(t.issuer, t);
    }
  }
  const single = multi ? undefined : tenants[0];
  const jweTenants = tenants.filter((t) => t.jwe);
  const now = currentDate ?? (() => new Date());

  function pick(token: string, shape: TokenShape): Tenant {
    if (single !== undefined) return single;
    let iss: unknown;
    if (shape === 'jws') {
      const start = token.indexOf('.') + 1;
      const claims = peekJson(token.slice(start, token.indexOf('.', start)));
      if (claims === undefined) throw new TokenFormatError('token payload is not base64url-encoded JSON');
      iss = claims.iss;
    } else {
      if (jweTenants.length === 1) return jweTenants[0] as Tenant;
      iss = peekJson(token.slice(0, token.indexOf('.')))?.iss;
      if (iss === undefined) throw new InvalidTokenError('an encrypted token must carry "iss" in its header to choose among several issuers');
    }
    const tenant = typeof iss === 'string' ? byIssuer.get(iss) : undefined;
    if (tenant === undefined) throw new InvalidTokenError('the token\'s issuer is not accepted here');
    return tenant;
  }

  return Object.freeze({
    name: 'local' as const,
    accepts(shape: TokenShape): boolean {
      return shape === 'jws' ? tenants.some((t) => t.jws) : shape === 'jwe' && jweTenants.length > 0;
    },
    async verify(token: string, _fingerprint: string, shape: TokenShape): Promise<Verdict> {
      const tenant = pick(token, shape);
      if (shape === 'jws' && !tenant.jws) throw new KeyNotFoundError('no signature keys are configured for this issuer');
      const verifier = tenant.verifier ?? (await tenant.ready);
      const { payload, header } = await verifier.verify(token);
      // The payload is this call's own object (parsed for this token): frozen in place, not copied.
      const result = buildResult('local', token, payload, header);
      const limit = now().getTime() + maxTtlMs;
      return { result, cacheUntil: typeof payload.exp === 'number' ? Math.min(payload.exp * 1000, limit) : limit };
    },
    async ready(): Promise<void> {
      await Promise.all(tenants.map((t) => t.ready));
    },
    async close(): Promise<void> {},
  });
}
