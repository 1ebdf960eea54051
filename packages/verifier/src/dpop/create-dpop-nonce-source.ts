import { TesseraArgumentError, parseDuration } from '@tessera/core';
import { base64url } from 'jose';
import { constantTimeEqual } from '../lib/constant-time.js';

/**
 * Where server-provided DPoP nonces (RFC 9449 §8, §9) come from: the nonce to hand out now, and whether a nonce a
 * proof carries is still acceptable.
 */
export interface DpopNonceSource {
  /** The nonce clients should put in their next proof (sent as `DPoP-Nonce`). */
  current(): string | Promise<string>;
  /** Whether `nonce` (from a proof) is acceptable now. */
  isValid(nonce: string): boolean | Promise<boolean>;
}

/** Options of {@link createDpopNonceSource}. */
export interface DpopNonceSourceOptions {
  /**
   * The HMAC key nonces are made with (≥ 32 bytes; a string is taken as UTF-8). Give every instance behind one
   * load balancer the same secret so a nonce from one is accepted by all.
   * @default 32 random bytes (one process only)
   */
  secret?: string | Uint8Array;
  /**
   * How long one nonce is handed out, in seconds or as a duration (`'5m'`); a nonce stays valid for this long after
   * it is replaced, so a client that just learnt one is not refused at once.
   * @default 300
   */
  rotateEvery?: number | string;
  /** The clock. @default () => new Date() */
  currentDate?: () => Date;
}

const encoder = new TextEncoder();

/**
 * A stateless source of server DPoP nonces: `<window>.<HMAC(secret, window)>`, where the window is the current
 * `rotateEvery` slot. The current and the previous window's nonce are accepted; nothing is stored, so any instance
 * sharing the secret checks any other's nonces.
 *
 * @param options - see {@link DpopNonceSourceOptions}
 * @returns a {@link DpopNonceSource}
 * @throws {TesseraArgumentError} `invalid_argument` for a secret under 32 bytes or a bad `rotateEvery`
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-8
 * @example
 * ```ts
 * const nonce = createDpopNonceSource({ secret: process.env.DPOP_NONCE_SECRET });
 * const verifier = createVerifier({ local: { jwksUri }, dpop: { mode: 'dpop', nonce } });
 * ```
 */
export function createDpopNonceSource(options: DpopNonceSourceOptions = {}): DpopNonceSource {
  const raw = options.secret === undefined
    ? globalThis.crypto.getRandomValues(new Uint8Array(32))
    : typeof options.secret === 'string' ? encoder.encode(options.secret) : options.secret;
  if (!(raw instanceof Uint8Array) || raw.byteLength < 32) {
    throw new TesseraArgumentError('"secret" must be a string or bytes of at least 32 bytes');
  }
  const windowMs = parseDuration(options.rotateEvery ?? 300, 'rotateEvery') * 1000;
  if (windowMs <= 0) throw new TesseraArgumentError('"rotateEvery" must be positive');
  const now = options.currentDate ?? (() => new Date());
  if (typeof now !== 'function') throw new TesseraArgumentError('"currentDate" must be a function');
  const key = globalThis.crypto.subtle.importKey('raw', new Uint8Array(raw), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);

  async function nonceFor(slot: number): Promise<string> {
    const label = slot.toString(36);
    const mac = await globalThis.crypto.subtle.sign('HMAC', await key, encoder.encode(`dpop-nonce:${label}`));
    return `${label}.${base64url.encode(new Uint8Array(mac).subarray(0, 18))}`;
  }
  const slotNow = (): number => Math.floor(now().getTime() / windowMs);

  return Object.freeze({
    current: () => nonceFor(slotNow()),
    async isValid(nonce: string): Promise<boolean> {
      if (typeof nonce !== 'string' || nonce.length > 64) return false;
      const dot = nonce.indexOf('.');
      const slot = parseInt(nonce.slice(0, dot), 36);
      const current = slotNow();
      if (dot <= 0 || !Number.isSafeInteger(slot) || (slot !== current && slot !== current - 1)) return false;
      return constantTimeEqual(nonce, await nonceFor(slot));
    },
  });
}
