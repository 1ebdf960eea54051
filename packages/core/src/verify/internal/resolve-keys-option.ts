import { isJweKeyAlgorithm, isJwsAlgorithm } from '../../algorithms.js';
import { TesseraArgumentError } from '../../errors.js';
import type { KeyResolver, KeyUse, TesseraKey } from '../../types.js';
import { createStaticKeyResolver } from './static-key-resolver.js';

/** A validated key option: where keys are resolved from, and the keys known now. */
export interface KeySource {
  readonly resolver: KeyResolver;
  /** Keys usable for this option's purpose that the source lists right now. */
  readonly listed: readonly TesseraKey[];
  /**
   * The algorithms of the keys the source can resolve right now: those of `listed`, and for a resolver's private
   * signing keys (which a `KeySet` resolves as their public halves) theirs too.
   */
  readonly listedAlgorithms: ReadonlySet<string>;
  /** True for a resolver (its keys may change), false for keys given directly. */
  readonly dynamic: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isResolver(value: unknown): value is KeyResolver {
  return isObject(value) && typeof value.resolve === 'function';
}

function looksLikeKey(value: unknown): value is TesseraKey {
  return (
    isObject(value) &&
    typeof value.alg === 'string' &&
    (value.use === 'sig' || value.use === 'enc') &&
    (value.type === 'secret' || value.type === 'public' || value.type === 'private') &&
    isObject(value.key)
  );
}

/** Why `key` cannot serve `use` in a verifier, or undefined when it can. */
export function unusableReason(key: TesseraKey, use: KeyUse): string | undefined {
  if (use === 'sig') {
    if (key.use !== 'sig') return 'is an encryption key (use "enc"); put it in "decryptionKeys"';
    if (!isJwsAlgorithm(key.alg)) return 'is not bound to a supported JWS algorithm';
    if (key.type === 'private') return 'is a private key; verify with its public key';
    return undefined;
  }
  if (key.use !== 'enc') return 'is a signing key (use "sig"); put it in "keys"';
  if (!isJweKeyAlgorithm(key.alg)) return 'is not bound to a supported JWE algorithm';
  if (key.type === 'public') return 'is a public key; decrypt with its private key';
  if (key.alg === 'dir' && key.enc === undefined) return 'is a "dir" key without "enc"';
  return undefined;
}

function checkedKey(value: unknown, name: string, use: KeyUse): TesseraKey {
  if (!looksLikeKey(value)) throw new TesseraArgumentError(`"${name}" must be a TesseraKey`);
  const reason = unusableReason(value, use);
  if (reason !== undefined) throw new TesseraArgumentError(`"${name}" ${reason}`);
  return value;
}

/**
 * Validates `keys` / `decryptionKeys`: a {@link KeyResolver}, one key, or a non-empty list of keys. Keys given
 * directly must fit `use`; a resolver may list keys of both uses (one `KeySet` can serve both options), so its list
 * is filtered instead.
 *
 * @throws {TesseraArgumentError} `invalid_argument` naming the option (and index) at fault.
 */
export function resolveKeysOption(value: unknown, name: string, use: KeyUse): KeySource | undefined {
  if (value === undefined) return undefined;
  if (isResolver(value)) {
    if (value.list !== undefined && typeof value.list !== 'function') {
      throw new TesseraArgumentError(`"${name}.list" must be a function when present`);
    }
    const all = (value.list?.() ?? []).filter(looksLikeKey);
    const listed = all.filter((key) => unusableReason(key, use) === undefined);
    const resolvable = use === 'sig' ? all.filter((key) => key.use === 'sig' && isJwsAlgorithm(key.alg)) : listed;
    return Object.freeze({
      resolver: value,
      listed: Object.freeze(listed),
      listedAlgorithms: new Set(resolvable.map((key) => key.alg)),
      dynamic: true,
    });
  }
  let keys: TesseraKey[];
  if (Array.isArray(value)) {
    if (value.length === 0) throw new TesseraArgumentError(`"${name}" must not be empty`);
    keys = value.map((key: unknown, i) => checkedKey(key, `${name}[${i}]`, use));
  } else if (looksLikeKey(value)) {
    keys = [checkedKey(value, name, use)];
  } else {
    throw new TesseraArgumentError(`"${name}" must be a TesseraKey, an array of TesseraKeys, or a KeyResolver`);
  }
  return Object.freeze({
    resolver: createStaticKeyResolver(keys),
    listed: Object.freeze(keys),
    listedAlgorithms: new Set(keys.map((key) => key.alg)),
    dynamic: false,
  });
}
