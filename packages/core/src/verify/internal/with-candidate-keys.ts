import { DecryptionError, KeyNotFoundError, SignatureError, TesseraError, UnavailableError } from '../../errors.js';
import type { JoseHeader, KeyResolver, KeyUse, TesseraKey } from '../../types.js';

const NONE: readonly TesseraKey[] = Object.freeze([]);

/** A key may check this header only with the header's exact `alg`, the right use and type, and (`dir`) `enc`. */
function fits(key: TesseraKey, header: JoseHeader, use: KeyUse): boolean {
  if (key.alg !== header.alg || key.use !== use) return false;
  if (use === 'sig') return key.type !== 'private';
  if (key.type === 'public') return false;
  return key.alg !== 'dir' || key.enc === undefined || key.enc === header.enc;
}

/** Keeps only fitting keys; allocates only when a resolver returned one that does not fit. */
function fitting(keys: readonly TesseraKey[], header: JoseHeader, use: KeyUse): readonly TesseraKey[] {
  for (const key of keys) {
    if (!fits(key, header, use)) return keys.filter((candidate) => fits(candidate, header, use));
  }
  return keys;
}

function sourceFailure(cause: unknown): TesseraError {
  if (cause instanceof TesseraError) return cause;
  return new UnavailableError('jwks_unavailable', 'key source failed', { cause });
}

function checkedList(keys: unknown, header: JoseHeader, use: KeyUse): readonly TesseraKey[] {
  if (!Array.isArray(keys)) throw new UnavailableError('jwks_unavailable', 'key source returned no key list');
  return fitting(keys as readonly TesseraKey[], header, use);
}

/** The fitting keys for `header`; a resolver's synchronous answer stays synchronous (no extra await). */
function candidates(
  resolver: KeyResolver,
  header: JoseHeader,
  use: KeyUse,
): readonly TesseraKey[] | Promise<readonly TesseraKey[]> {
  let resolved: unknown;
  try {
    resolved = resolver.resolve(header, use);
  } catch (err) {
    throw sourceFailure(err);
  }
  if (Array.isArray(resolved)) return fitting(resolved as readonly TesseraKey[], header, use);
  return Promise.resolve(resolved).then(
    (keys) => checkedList(keys, header, use),
    (err: unknown) => {
      throw sourceFailure(err);
    },
  );
}

/** The result of one successful engine call and the key it succeeded with. */
export interface KeyedResult {
  readonly bytes: Uint8Array;
  readonly key: TesseraKey;
}

/** One engine call under one key: the bytes at once, or a promise of them (see {@link VerificationEngine}). */
export type Attempt = (key: TesseraKey) => Uint8Array | Promise<Uint8Array>;

/**
 * Resolves the keys that may check `header` (by `kid` and `alg`, never from the token) and runs `attempt` with each
 * until one succeeds, trying at most `maxTries` of them (best candidates first), so a token without `kid` cannot make
 * one request cost a signature check per key of a large set. Only a signature or decryption failure moves on to the
 * next key; anything else (a token too large once inflated, a source outage) stops at once; when every key tried
 * fails, the last one's failure is thrown.
 *
 * Synchronous as long as the resolver and the engine are: the answer is returned (or thrown) at once, and becomes a
 * promise only from the first step that returns one. Callers on the hot path thereby skip every promise hop.
 *
 * @throws {KeyNotFoundError} `key_not_found` when no key fits.
 * @throws {SignatureError | DecryptionError} `signature_invalid` / `decryption_failed` when every key fails.
 */
export function withCandidateKeys(
  resolver: KeyResolver | undefined,
  header: JoseHeader,
  use: KeyUse,
  maxTries: number,
  attempt: Attempt,
): KeyedResult | Promise<KeyedResult> {
  const found = resolver === undefined ? NONE : candidates(resolver, header, use);
  if (!Array.isArray(found)) {
    return (found as Promise<readonly TesseraKey[]>).then((keys) => firstGood(keys, use, maxTries, attempt));
  }
  return firstGood(found as readonly TesseraKey[], use, maxTries, attempt);
}

function firstGood(keys: readonly TesseraKey[], use: KeyUse, maxTries: number, attempt: Attempt)
  : KeyedResult | Promise<KeyedResult> {
  if (keys.length === 0) throw new KeyNotFoundError();
  return tryFrom(keys, 0, Math.min(keys.length, maxTries), use, attempt);
}

/**
 * Tries `keys[index]` and, on a signature or decryption failure, the keys after it up to (not including) `end`;
 * rethrows the last failure.
 */
function tryFrom(keys: readonly TesseraKey[], index: number, end: number, use: KeyUse, attempt: Attempt)
  : KeyedResult | Promise<KeyedResult> {
  for (let i = index; ; i++) {
    const key = keys[i] as TesseraKey;
    const last = i === end - 1;
    let answer: Uint8Array | Promise<Uint8Array>;
    try {
      answer = attempt(key);
    } catch (err) {
      const failure = retryable(err, use);
      if (last) throw failure;
      continue;
    }
    // Anything but bytes is treated as a promise (an engine may return any thenable), as `await` would.
    if (answer instanceof Uint8Array) return { bytes: answer, key };
    return Promise.resolve(answer).then(
      (bytes) => ({ bytes, key }),
      (err: unknown) => {
        const failure = retryable(err, use);
        if (last) throw failure;
        return tryFrom(keys, i + 1, end, use, attempt);
      },
    );
  }
}

/**
 * The Tessera error for a failed attempt, when the next key may still succeed (a signature or decryption failure);
 * any other failure is thrown at once.
 */
function retryable(err: unknown, use: KeyUse): TesseraError {
  const failure = engineFailure(err, use);
  if (!(failure instanceof SignatureError || failure instanceof DecryptionError)) throw failure;
  return failure;
}

/** An engine must throw Tessera errors; anything else (an engine bug) still fails closed. */
function engineFailure(err: unknown, use: KeyUse): TesseraError {
  if (err instanceof TesseraError) return err;
  return use === 'sig' ? new SignatureError(undefined, { cause: err }) : new DecryptionError(undefined, { cause: err });
}
