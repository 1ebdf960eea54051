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

/**
 * Resolves the keys that may check `header` (by `kid` and `alg`, never from the token) and runs `attempt` with each
 * until one succeeds. Only a signature or decryption failure moves on to the next key; anything else (a token too
 * large once inflated, a source outage) stops at once.
 *
 * @throws {KeyNotFoundError} `key_not_found` when no key fits.
 * @throws {SignatureError | DecryptionError} `signature_invalid` / `decryption_failed` when every key fails.
 */
export async function withCandidateKeys(
  resolver: KeyResolver | undefined,
  header: JoseHeader,
  use: KeyUse,
  attempt: (key: TesseraKey) => Promise<Uint8Array>,
): Promise<KeyedResult> {
  const found = resolver === undefined ? NONE : candidates(resolver, header, use);
  const keys = Array.isArray(found) ? (found as readonly TesseraKey[]) : await found;
  if (keys.length === 0) throw new KeyNotFoundError();
  let failure: TesseraError | undefined;
  for (const key of keys) {
    try {
      return { bytes: await attempt(key), key };
    } catch (err) {
      failure = engineFailure(err, use);
      if (!(failure instanceof SignatureError || failure instanceof DecryptionError)) throw failure;
    }
  }
  throw failure as TesseraError;
}

/** An engine must throw Tessera errors; anything else (an engine bug) still fails closed. */
function engineFailure(err: unknown, use: KeyUse): TesseraError {
  if (err instanceof TesseraError) return err;
  return use === 'sig' ? new SignatureError(undefined, { cause: err }) : new DecryptionError(undefined, { cause: err });
}
