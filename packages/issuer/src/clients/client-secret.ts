import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { TesseraArgumentError } from '@tessera/core';
import { sha256Bytes } from '../internal/sha256.js';

const PREFIX = 'scrypt';
const PARAMS = { N: 16_384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const HASH = /^scrypt\$N=(\d{1,7}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9_-]{16,128})\$([A-Za-z0-9_-]{32,128})$/;

interface ParsedHash {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

function derive(secret: string, salt: Buffer, N: number, r: number, p: number, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, length, { N, r, p, maxmem: 256 * N * r }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * Hashes a client secret for storage (scrypt, N=16384, r=8, p=1, random 16-byte salt), so configuration files and
 * memory hold no usable secret. Put the result in a client's `secretHash`.
 *
 * @param secret - the client secret (at least 16 characters)
 * @returns `scrypt$N=16384,r=8,p=1$<salt>$<hash>` (base64url)
 * @throws {TesseraArgumentError} `invalid_argument` when `secret` is not a string of at least 16 characters
 * @see https://www.rfc-editor.org/rfc/rfc7914 RFC 7914 (scrypt)
 * @example
 * ```ts
 * const secretHash = await hashClientSecret(process.env.SERVICE_SECRET!);
 * ```
 */
export async function hashClientSecret(secret: string): Promise<string> {
  if (typeof secret !== 'string' || secret.length < 16) {
    throw new TesseraArgumentError('"secret" must be a string of at least 16 characters');
  }
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(secret, salt, PARAMS.N, PARAMS.r, PARAMS.p, KEY_BYTES);
  return `${PREFIX}$N=${PARAMS.N},r=${PARAMS.r},p=${PARAMS.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Parses a `secretHash`; undefined when it is not one `hashClientSecret` writes. */
export function parseSecretHash(text: string): ParsedHash | undefined {
  const m = HASH.exec(text);
  if (m === null) return undefined;
  const N = Number(m[1]);
  const r = Number(m[2]);
  const p = Number(m[3]);
  // N a power of two between 2^10 and 2^20; anything else is a hand-edited or hostile value.
  if (N < 1024 || N > 1_048_576 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return undefined;
  return { N, r, p, salt: Buffer.from(m[4] as string, 'base64url'), hash: Buffer.from(m[5] as string, 'base64url') };
}

/**
 * The verified-secret fast path's MAC: SHA-256 over a process-local random key (never leaves memory) and the secret.
 * Only ever compared in constant time, never shown, so a keyed prefix hash is as good as an HMAC here, at a fraction
 * of its cost on every authenticated request.
 */
const MAC_KEY = randomBytes(32).toString('hex');

function mac(secret: string): Buffer {
  return sha256Bytes(MAC_KEY + secret);
}

/**
 * Checks presented secrets against one client's hash. The first correct secret costs one scrypt; after that a
 * process-keyed HMAC of the secret is compared instead (constant time), and — since only one secret matches the hash —
 * any other secret is refused without another scrypt, so wrong guesses cannot make the issuer burn CPU.
 */
export class SecretChecker {
  readonly #parsed: ParsedHash;
  #verified: Buffer | undefined;
  /** Checks in flight by the secret's MAC: a burst of requests with one secret costs one scrypt, not one each. */
  readonly #pending = new Map<string, Promise<boolean>>();

  /** @param parsed - from {@link parseSecretHash} */
  constructor(parsed: ParsedHash) {
    this.#parsed = parsed;
  }

  /** Whether `presented` is the client's secret. */
  async check(presented: string): Promise<boolean> {
    const presentedMac = mac(presented);
    const verified = this.#verified;
    if (verified !== undefined) return timingSafeEqual(presentedMac, verified);
    const key = presentedMac.toString('base64url');
    let pending = this.#pending.get(key);
    if (pending === undefined) {
      pending = this.#derive(presented, presentedMac).finally(() => this.#pending.delete(key));
      if (this.#pending.size < 64) this.#pending.set(key, pending);
    }
    return pending;
  }

  async #derive(presented: string, presentedMac: Buffer): Promise<boolean> {
    const { N, r, p, salt, hash } = this.#parsed;
    const derived = await derive(presented, salt, N, r, p, hash.length);
    if (!timingSafeEqual(derived, hash)) return false;
    this.#verified = presentedMac;
    return true;
  }
}
