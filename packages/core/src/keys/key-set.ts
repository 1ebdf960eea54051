import { TesseraArgumentError } from '../errors.js';
import { candidatesFor, indexCandidates, type KeyCandidates } from '../lib/key-candidates.js';
import type { JoseHeader, Jwk, Jwks, KeyResolver, KeyUse, TesseraKey } from '../types.js';
import { publicTwinOf } from './asymmetric.js';
import { isKeyAlgorithm, quote } from './validate-key.js';

/** Options of the {@link KeySet} constructor. */
export interface KeySetOptions {
  /** Clock in milliseconds since the epoch (inject one in tests). @default Date.now */
  now?: () => number;
}

/** When a key starts being used for issuing, and when it stops being accepted at all. */
export interface KeyTiming {
  /** From then on the key may be {@link KeySet.current}; it resolves for checking tokens before that. @default now */
  activeFrom?: Date | number;
  /** From then on the key neither issues nor checks tokens, and is dropped. @default never */
  retireAt?: Date | number;
}

/** Options of {@link KeySet.rotate}. */
export interface RotateOptions {
  /** How long the keys being replaced keep checking tokens: at least the lifetime of the tokens they issued. */
  overlapSeconds: number;
}

interface Entry {
  readonly key: TesseraKey;
  /** What `resolve` hands out: the public twin of a private signing key; undefined for a public `enc` key. */
  readonly check: TesseraKey | undefined;
  /** What `current` hands out: undefined for a public `sig` key (it cannot sign) and for a verify-only key. */
  readonly issue: TesseraKey | undefined;
  readonly activeFrom: number;
  retireAt: number;
  readonly seq: number;
}

const EMPTY: readonly TesseraKey[] = Object.freeze([]);

function toMs(value: Date | number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new TesseraArgumentError(`${name} must be a valid Date or a finite number of milliseconds`);
  return ms;
}

/**
 * use → alg → candidates (for dir: use → enc → candidates: a dir key opens only the enc it is sized for). Nested
 * maps, so a lookup builds no key string.
 */
type Index<T> = Map<KeyUse, Map<unknown, T>>;

function listFor(index: Index<TesseraKey[]>, use: KeyUse, name: unknown): TesseraKey[] {
  let byName = index.get(use);
  if (byName === undefined) index.set(use, (byName = new Map()));
  let list = byName.get(name);
  if (list === undefined) byName.set(name, (list = []));
  return list;
}

function indexed(lists: Index<TesseraKey[]>): Index<KeyCandidates> {
  const index: Index<KeyCandidates> = new Map();
  for (const [use, byName] of lists) {
    index.set(use, new Map([...byName].map(([name, list]) => [name, indexCandidates(list)] as const)));
  }
  return index;
}

function roles(key: TesseraKey): { check: TesseraKey | undefined; issue: TesseraKey | undefined } {
  // A verify-only key (imported with allowShortKey) checks a peer's tokens and is never handed out for issuing.
  if (key.type === 'secret') return { check: key, issue: key.verifyOnly === undefined ? key : undefined };
  const twin = key.type === 'private' ? (publicTwinOf(key) ?? key) : key;
  return key.use === 'sig'
    ? { check: twin, issue: key.type === 'private' ? key : undefined }
    : { check: key.type === 'private' ? key : undefined, issue: twin.type === 'public' ? twin : undefined };
}

/**
 * The keys of one party, with rotation: several keys per use, one current for issuing, older ones still checking
 * tokens until they retire. Implements {@link KeyResolver} for the verifier.
 *
 * Selection never crosses algorithms: `resolve` returns only keys whose `alg` equals the header's (and, for `dir`,
 * whose `enc` equals the header's), so a token cannot choose to be checked with a key meant for another algorithm.
 * A token's `kid` selects the keys with that `kid`, then the keys added without one (a secret without `kid`, or an
 * asymmetric key whose `kid` is the thumbprint Tessera computed); a token without `kid` gets every key of its `alg`.
 * For `sig`, a private key resolves as its public half; for `enc`, only keys that can decrypt resolve.
 *
 * Indexes are rebuilt when the set changes or a scheduled activation/retirement passes, so `resolve` is a clock
 * read and a map lookup.
 *
 * @see RFC 7517 §5 (JWK Set), RFC 7515 §4.1.4 (`kid`)
 * @example
 * ```ts
 * const keys = new KeySet([await importPem(pem, { alg: 'ES256', kid: '2024-01' })]);
 * keys.rotate((await generateKeyPair('ES256')).privateKey, { overlapSeconds: 3600 });
 * keys.current('sig'); // the new key
 * keys.resolve({ alg: 'ES256', kid: '2024-01' }, 'sig'); // still the old key's public half, for an hour
 * ```
 */
export class KeySet implements KeyResolver {
  readonly #now: () => number;
  #entries: Entry[] = [];
  #seq = 0;
  #validUntil = -Infinity;
  #index: Index<KeyCandidates> = new Map();
  #dirIndex: Index<KeyCandidates> = new Map();
  #current = new Map<string, TesseraKey>();
  #live: readonly TesseraKey[] = EMPTY;

  /**
   * @param keys - keys active from now, the last one newest
   * @param options - see {@link KeySetOptions}
   * @throws {TesseraArgumentError} `invalid_argument`: not a TesseraKey, a duplicate kid+alg, a bad clock
   */
  constructor(keys: readonly TesseraKey[] = [], options: KeySetOptions = {}) {
    const now = options?.now ?? Date.now;
    if (typeof now !== 'function') throw new TesseraArgumentError('options.now must be a function returning milliseconds');
    this.#now = now;
    if (!Array.isArray(keys)) throw new TesseraArgumentError('keys must be an array of TesseraKeys');
    for (const key of keys) this.add(key);
  }

  /**
   * Adds a key, optionally scheduled.
   * @param key - a key from one of the importers or {@link generateKeyPair}
   * @param timing - see {@link KeyTiming}
   * @returns this set
   * @throws {TesseraArgumentError} `invalid_argument`: not a TesseraKey, the same key or kid+alg+use twice, bad times
   */
  add(key: TesseraKey, timing: KeyTiming = {}): this {
    if (typeof key !== 'object' || key === null || !isKeyAlgorithm(key.alg) || (key.use !== 'sig' && key.use !== 'enc')) {
      throw new TesseraArgumentError('key must be a TesseraKey (from importSecret, importPem, importJwk or generateKeyPair)');
    }
    const now = this.#now();
    const activeFrom = toMs(timing?.activeFrom, 'activeFrom') ?? now;
    const retireAt = toMs(timing?.retireAt, 'retireAt') ?? Infinity;
    if (retireAt <= activeFrom) throw new TesseraArgumentError('retireAt must be later than activeFrom');
    for (const e of this.#entries) {
      if (e.retireAt <= now) continue;
      if (e.key === key) throw new TesseraArgumentError('this key is already in the set');
      if (key.kid !== undefined && e.key.kid === key.kid && e.key.alg === key.alg && e.key.use === key.use) {
        throw new TesseraArgumentError(`a key with kid ${quote(key.kid)} for ${key.alg} is already in the set`);
      }
    }
    this.#entries.push({ key, ...roles(key), activeFrom, retireAt, seq: this.#seq++ });
    this.#validUntil = -Infinity;
    return this;
  }

  /**
   * Makes `newKey` the current key for its use now, and retires the keys that were current for that use (those
   * that could issue) after `overlapSeconds`, so tokens they issued keep verifying until then.
   * @param newKey - the key to issue with from now on
   * @param options - see {@link RotateOptions}
   * @returns this set
   * @throws {TesseraArgumentError} `invalid_argument`: bad `overlapSeconds`, or what {@link KeySet.add} throws
   */
  rotate(newKey: TesseraKey, options: RotateOptions): this {
    const overlap = options?.overlapSeconds;
    if (typeof overlap !== 'number' || !Number.isFinite(overlap) || overlap < 0) {
      throw new TesseraArgumentError('options.overlapSeconds must be a finite number ≥ 0');
    }
    const now = this.#now();
    const previous = this.#entries.filter((e) => e.key.use === newKey?.use && e.issue !== undefined && e.activeFrom <= now && e.retireAt > now);
    this.add(newKey, { activeFrom: now });
    const retireAt = now + overlap * 1000;
    for (const e of previous) e.retireAt = Math.min(e.retireAt, retireAt);
    this.#validUntil = -Infinity;
    return this;
  }

  /**
   * Retires every key with this kid at `at` (now by default): from then on it neither issues nor checks tokens.
   * @param kid - the key id
   * @param at - when; a time already past retires at once @default now
   * @returns this set
   * @throws {TesseraArgumentError} `invalid_argument`: no key has this kid, or a bad time
   */
  retire(kid: string, at?: Date | number): this {
    const now = this.#now();
    const when = toMs(at, 'at') ?? now;
    const matches = this.#entries.filter((e) => e.key.kid === kid && e.retireAt > now);
    if (matches.length === 0) throw new TesseraArgumentError(`no key with kid ${quote(kid)} in the set`);
    for (const e of matches) e.retireAt = Math.min(e.retireAt, when);
    this.#validUntil = -Infinity;
    return this;
  }

  /**
   * The key to issue with: the newest active key for `use` (and `alg`, if given) that can sign (`sig`: private
   * or secret) or encrypt (`enc`: public, the public half of a private key, or secret).
   * @param use - `sig` or `enc`
   * @param alg - restrict to one algorithm
   * @returns the key, or undefined when none is active
   */
  current(use: KeyUse, alg?: string): TesseraKey | undefined {
    this.#refresh();
    return this.#current.get(alg === undefined ? use : `${use} ${alg}`);
  }

  /**
   * Keys that may check a token with this header, newest first: `alg` must equal the key's (and `enc` too for
   * dir); with a `kid`, the keys with that kid, then the keys added without a kid of their own (newest first each).
   * Retired keys never resolve; keys not yet active do.
   * @param header - the token's protected header (only `alg`, `enc` and `kid` are read)
   * @param use - `sig` to verify, `enc` to decrypt
   * @returns a frozen list, empty when nothing matches
   */
  resolve(header: JoseHeader, use: KeyUse): readonly TesseraKey[] {
    this.#refresh();
    const { alg, kid } = header;
    if (typeof alg !== 'string') return EMPTY;
    const candidates = alg === 'dir'
      ? typeof header.enc === 'string' ? this.#dirIndex.get(use)?.get(header.enc) : undefined
      : this.#index.get(use)?.get(alg);
    return candidatesFor(candidates, kid);
  }

  /** Every key not yet retired, as added (private keys included), newest first. */
  list(): readonly TesseraKey[] {
    this.#refresh();
    return this.#live;
  }

  /** The newest key not yet retired with this kid, if any. */
  get(kid: string): TesseraKey | undefined {
    return this.list().find((k) => k.kid === kid);
  }

  /**
   * The public JWK Set to publish: the public half of every asymmetric key not yet retired (including keys not yet
   * active, so verifiers learn them first). Secret keys and private members are never included.
   * @see RFC 7517 §5
   */
  toPublicJwks(): Jwks {
    const keys: Jwk[] = [];
    const seen = new Set<string>();
    for (const key of this.list()) {
      if (key.type === 'secret' || key.publicJwk === undefined) continue;
      const id = JSON.stringify(key.publicJwk);
      if (seen.has(id)) continue;
      seen.add(id);
      keys.push({ ...key.publicJwk });
    }
    return { keys };
  }

  #refresh(): void {
    const now = this.#now();
    if (now < this.#validUntil) return;
    this.#entries = this.#entries.filter((e) => e.retireAt > now);
    const sorted = [...this.#entries].sort((a, b) => b.activeFrom - a.activeFrom || b.seq - a.seq);
    const lists: Index<TesseraKey[]> = new Map();
    const dirLists: Index<TesseraKey[]> = new Map();
    const current = new Map<string, TesseraKey>();
    let validUntil = Infinity;
    for (const e of sorted) {
      validUntil = Math.min(validUntil, e.retireAt, e.activeFrom > now ? e.activeFrom : Infinity);
      const { key, check, issue } = e;
      if (check !== undefined) {
        (key.alg === 'dir' ? listFor(dirLists, key.use, key.enc) : listFor(lists, key.use, key.alg)).push(check);
      }
      if (issue !== undefined && e.activeFrom <= now) {
        if (!current.has(key.use)) current.set(key.use, issue);
        const k = `${key.use} ${key.alg}`;
        if (!current.has(k)) current.set(k, issue);
      }
    }
    this.#index = indexed(lists);
    this.#dirIndex = indexed(dirLists);
    this.#current = current;
    this.#live = Object.freeze(sorted.map((e) => e.key));
    this.#validUntil = validUntil;
  }
}
