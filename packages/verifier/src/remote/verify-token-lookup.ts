import type { JwtClaims } from '@tessera/core';
import type { HttpClient } from '../lib/http-client.js';
import { InvalidTokenError, IssuerUnavailableError } from '../errors.js';
import { unreachable } from './deadline.js';
import type { VerifyTokenRemoteOptions } from './remote-options.js';

/** What an upstream said about a token that it accepted. */
export interface RemoteAnswer {
  claims: JwtClaims;
  subject: string | undefined;
  /** Seconds since the epoch, when the answer tells. */
  expiresAt: number | undefined;
}

export type Lookup = (token: string, signal: AbortSignal) => Promise<RemoteAnswer>;

const WHAT = 'the verify-token endpoint';

/** A message from the upstream, fit for a header and a log: printable ASCII, at most 200 characters. */
function safeMessage(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}

/**
 * Verify-token delegation: the token as `Authorization: Bearer` to the endpoint (GET by default), and the answer
 * `{ valid, systemId, message }` (names configurable). 2xx with `valid: true` and a subject → accepted; `valid:
 * false`, or a 400/401/403 → `invalid_token` with the upstream's message; anything else (5xx, 408, 429, other
 * statuses, a body that is not that JSON object) → `issuer_unavailable`.
 */
export function verifyTokenLookup(options: VerifyTokenRemoteOptions, http: HttpClient): Lookup {
  const fields = {
    valid: options.fields?.valid ?? 'valid',
    subject: options.fields?.subject ?? 'systemId',
    message: options.fields?.message ?? 'message',
    expiresAt: options.fields?.expiresAt ?? 'exp',
  };
  const method = options.method ?? 'GET';
  return async (token, signal) => {
    let response: Response;
    let body: unknown;
    try {
      response = await http(options.url, { method, signal, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
      body = await response.json().catch(() => undefined);
    } catch (err) {
      throw unreachable(err, WHAT);
    }
    const status = response.status;
    const answer = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
    if (status === 400 || status === 401 || status === 403) {
      throw new InvalidTokenError(safeMessage(answer?.[fields.message]) ?? 'the issuer rejected the token');
    }
    if (status < 200 || status > 299) throw new IssuerUnavailableError(`${WHAT} answered ${status}`);
    if (answer === undefined || typeof answer[fields.valid] !== 'boolean') {
      throw new IssuerUnavailableError(`${WHAT} gave a malformed answer (no boolean "${fields.valid}")`);
    }
    if (answer[fields.valid] !== true) {
      throw new InvalidTokenError(safeMessage(answer[fields.message]) ?? 'the issuer says the token is not valid');
    }
    const subject = answer[fields.subject];
    if (typeof subject !== 'string' || subject === '') {
      throw new IssuerUnavailableError(`${WHAT} gave a malformed answer (no string "${fields.subject}")`);
    }
    const exp = answer[fields.expiresAt];
    const claims: JwtClaims = {};
    for (const [name, value] of Object.entries(answer)) {
      if (name !== fields.valid && name !== fields.message) claims[name] = value;
    }
    claims.sub = subject;
    const expiresAt = typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined;
    if (expiresAt === undefined) delete claims.exp;
    else claims.exp = expiresAt;
    return { claims, subject, expiresAt };
  };
}
