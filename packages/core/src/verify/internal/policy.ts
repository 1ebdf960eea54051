import {
  JWE_CONTENT_ALGORITHMS,
  JWE_KEY_ALGORITHMS,
  isJweContentAlgorithm,
  isJweKeyAlgorithm,
  isJwsAlgorithm,
} from '../../algorithms.js';
import { TesseraArgumentError } from '../../errors.js';
import { parseDuration } from '../../lib/duration.js';
import type { DecryptLimits, VerificationEngine } from '../../lib/engine.js';
import { getDefaultEngine } from '../../lib/default-engine.js';
import type { KeyResolver } from '../../types.js';
import type { VerifyCompatOptions, VerifyOptions } from '../verify-options.js';
import { normalizeMediaType } from './media-type.js';
import { resolveKeysOption, type KeySource } from './resolve-keys-option.js';

/** How many candidate keys a token may make the verifier try, unless `maxKeyTries` says otherwise. */
export const DEFAULT_MAX_KEY_TRIES = 8;

/** Verify-side durations may be fractional (a 0.5 s clock tolerance is meaningful). */
const FRACTIONAL = Object.freeze({ wholeSeconds: false });

/** Verify options after validation: plain, frozen fields the hot path reads without further checks. */
export interface Policy {
  readonly keys: KeyResolver | undefined;
  readonly decryptionKeys: KeyResolver | undefined;
  /** At most this many candidate keys are tried per signature or ciphertext. */
  readonly maxKeyTries: number;
  readonly algorithms: ReadonlySet<string>;
  readonly keyManagementAlgorithms: ReadonlySet<string>;
  readonly contentEncryptionAlgorithms: ReadonlySet<string>;
  readonly allowCompression: boolean;
  /** Normalized (see {@link normalizeMediaType}) expected `typ` values. */
  readonly typ: ReadonlySet<string> | undefined;
  readonly issuer: readonly string[] | undefined;
  readonly audience: readonly string[] | undefined;
  readonly subject: string | undefined;
  readonly subjectClaim: string;
  readonly requireExp: boolean;
  readonly maxTokenAge: number | undefined;
  readonly clockTolerance: number;
  readonly requiredClaims: readonly string[];
  readonly maxTokenSize: number;
  readonly limits: DecryptLimits;
  readonly currentDate: (() => Date) | undefined;
  readonly engine: VerificationEngine;
  readonly critical: ReadonlySet<string>;
  readonly requireSignedJwe: boolean;
  readonly compat: CompatPolicy;
  /**
   * Whether `typ` names the JWE header and is checked with its other rules, before decryption (a JWE decrypter),
   * rather than the header the claims were signed under (the token verifier).
   */
  readonly jweTyp: boolean;
}

/** The `compat` option resolved: every setting a plain boolean. */
export type CompatPolicy = Readonly<Required<VerifyCompatOptions>>;

type CompatSetting = keyof VerifyCompatOptions;

/** Which options a kind of verifier takes, which compatibility settings, and which key option it requires. */
export interface PolicyShape {
  readonly options: ReadonlySet<string>;
  readonly compat: readonly CompatSetting[];
  readonly requires: 'keys' | 'decryptionKeys' | 'either';
  /** See {@link Policy.jweTyp}. */
  readonly jweTyp: boolean;
}

/** The header and key options of signed and of encrypted tokens: all that a raw entry point takes. */
const SIGNED = ['keys', 'algorithms', 'typ', 'critical', 'maxTokenSize', 'maxKeyTries', 'engine'];
const ENCRYPTED = ['decryptionKeys', 'keyManagementAlgorithms', 'contentEncryptionAlgorithms', 'allowCompression',
  'typ', 'critical', 'maxTokenSize', 'maxKeyTries', 'maxInflatedSize', 'engine', 'compat'];

/** `createTokenVerifier`: every option. */
export const TOKEN_SHAPE: PolicyShape = Object.freeze({
  options: new Set([...SIGNED, ...ENCRYPTED, 'issuer', 'audience', 'subject', 'subjectClaim', 'requireExp',
    'maxTokenAge', 'clockTolerance', 'requiredClaims', 'currentDate', 'requireSignedJwe']),
  compat: Object.freeze(['gcmIv128', 'zlibDeflate', 'jwtEnvelope', 'nestedWithoutCty'] as const),
  requires: 'either',
  jweTyp: false,
});

/** `createJwsVerifier`: JWS header and key options only. */
export const JWS_SHAPE: PolicyShape = Object.freeze({
  options: new Set(SIGNED),
  compat: Object.freeze([]),
  requires: 'keys',
  jweTyp: false,
});

/** `createJweDecrypter`: JWE header, key and decryption options only (no nested-token settings). */
export const JWE_SHAPE: PolicyShape = Object.freeze({
  options: new Set(ENCRYPTED),
  compat: Object.freeze(['gcmIv128', 'zlibDeflate'] as const),
  requires: 'decryptionKeys',
  jweTyp: true,
});

/** Remote key sets hold public keys, so a resolver that lists nothing yet is trusted with these by default. */
const ASYMMETRIC_JWS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** Header parameters RFC 7515/7516/7518 define; `crit` must not name them (RFC 7515 §4.1.11). */
const REGISTERED_HEADERS: ReadonlySet<string> = new Set([
  'alg', 'jku', 'jwk', 'kid', 'x5u', 'x5c', 'x5t', 'x5t#S256', 'typ', 'cty', 'crit', 'enc', 'zip', 'epk', 'apu',
  'apv', 'iv', 'tag', 'p2s', 'p2c',
]);

function bool(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TesseraArgumentError(`"${name}" must be a boolean`);
  return value;
}

function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new TesseraArgumentError(`"${name}" must be a positive integer`);
  }
  return value as number;
}

function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TesseraArgumentError(`"${name}" must be a non-empty string`);
  }
  return value;
}

/** A string or a non-empty array of strings, as an array; undefined stays undefined. */
function stringList(value: unknown, name: string, allowEmpty = false): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return Object.freeze([nonEmptyString(value, name)]);
  if (!Array.isArray(value) || (value.length === 0 && !allowEmpty)) {
    throw new TesseraArgumentError(`"${name}" must be a non-empty string or a non-empty array of strings`);
  }
  return Object.freeze(value.map((item: unknown, i) => nonEmptyString(item, `${name}[${i}]`)));
}

function algorithmSet(value: unknown, name: string, supported: (alg: unknown) => boolean): ReadonlySet<string> {
  const list = stringList(value, name) ?? [];
  list.forEach((alg, i) => {
    if (alg.toLowerCase() === 'none') {
      throw new TesseraArgumentError(`"${name}" must not contain "none": unsecured tokens are never accepted`);
    }
    if (!supported(alg)) throw new TesseraArgumentError(`"${name}[${i}]" is not an algorithm Tessera supports`);
  });
  return new Set(list);
}

function defaultAlgorithms(source: KeySource | undefined): ReadonlySet<string> {
  if (source === undefined) return new Set();
  if (source.listedAlgorithms.size === 0 && source.dynamic) return new Set(ASYMMETRIC_JWS);
  return source.listedAlgorithms;
}

function criticalSet(value: unknown): ReadonlySet<string> {
  const list = stringList(value, 'critical', true) ?? [];
  for (const name of list) {
    if (name === 'b64') {
      throw new TesseraArgumentError('"critical" must not contain "b64": unencoded payloads (RFC 7797) are not supported');
    }
    if (REGISTERED_HEADERS.has(name)) {
      throw new TesseraArgumentError(`"critical" must not contain the registered header "${name}"`);
    }
  }
  return new Set(list);
}

/** Validates `compat`: a plain object of settings `known`, each a boolean; every setting absent is off. */
function compatOption(value: unknown, known: readonly CompatSetting[]): CompatPolicy {
  if (value === undefined) value = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TesseraArgumentError('"compat" must be an object of compatibility settings');
  }
  const settings = value as Record<string, unknown>;
  for (const name of Object.keys(settings)) {
    if (!(known as readonly string[]).includes(name)) {
      const names = known.join(', ');
      throw new TesseraArgumentError(`unknown compatibility setting "compat.${name.slice(0, 40)}" (known: ${names})`);
    }
  }
  return Object.freeze({
    gcmIv128: bool(settings['gcmIv128'], 'compat.gcmIv128', false),
    zlibDeflate: bool(settings['zlibDeflate'], 'compat.zlibDeflate', false),
    jwtEnvelope: bool(settings['jwtEnvelope'], 'compat.jwtEnvelope', false),
    nestedWithoutCty: bool(settings['nestedWithoutCty'], 'compat.nestedWithoutCty', false),
  });
}

function engineOption(value: unknown): VerificationEngine {
  if (value === undefined) return getDefaultEngine();
  const engine = value as Partial<Record<keyof VerificationEngine, unknown>> | null;
  if (
    typeof engine !== 'object' || engine === null || typeof engine.name !== 'string' ||
    typeof engine.verifyJws !== 'function' || typeof engine.decryptJwe !== 'function' ||
    (engine.prepareKey !== undefined && typeof engine.prepareKey !== 'function')
  ) {
    throw new TesseraArgumentError('"engine" must be a VerificationEngine (name, verifyJws, decryptJwe)');
  }
  return value as VerificationEngine;
}

function requireKeys(shape: PolicyShape, keys: KeySource | undefined, decryptionKeys: KeySource | undefined): void {
  if (shape.requires === 'either') {
    if (keys === undefined && decryptionKeys === undefined) {
      throw new TesseraArgumentError('"keys" or "decryptionKeys" is required');
    }
  } else if ((shape.requires === 'keys' ? keys : decryptionKeys) === undefined) {
    throw new TesseraArgumentError(`"${shape.requires}" is required`);
  }
}

/**
 * Validates verify options once and returns the frozen policy; prepares every key the sources list with the engine.
 * `shape` says which options this kind of verifier takes: any other is an unknown option.
 *
 * @throws {TesseraArgumentError} `invalid_argument` naming the first bad or unknown option.
 */
export function resolvePolicy(options: VerifyOptions, shape: PolicyShape = TOKEN_SHAPE): Policy {
  if (typeof options !== 'object' || options === null) throw new TesseraArgumentError('"options" must be an object');
  for (const name of Object.keys(options)) {
    if (!shape.options.has(name)) throw new TesseraArgumentError(`unknown option "${name}"`);
  }
  const keys = resolveKeysOption(options.keys, 'keys', 'sig');
  const decryptionKeys = resolveKeysOption(options.decryptionKeys, 'decryptionKeys', 'enc');
  requireKeys(shape, keys, decryptionKeys);
  const typ = stringList(options.typ, 'typ');
  const currentDate = options.currentDate;
  if (currentDate !== undefined && typeof currentDate !== 'function') {
    throw new TesseraArgumentError('"currentDate" must be a function returning a Date');
  }
  const engine = engineOption(options.engine);
  const compat = compatOption(options.compat, shape.compat);
  const policy: Policy = Object.freeze({
    keys: keys?.resolver,
    decryptionKeys: decryptionKeys?.resolver,
    maxKeyTries: positiveInteger(options.maxKeyTries, 'maxKeyTries', DEFAULT_MAX_KEY_TRIES),
    algorithms:
      options.algorithms === undefined
        ? defaultAlgorithms(keys)
        : algorithmSet(options.algorithms, 'algorithms', isJwsAlgorithm),
    keyManagementAlgorithms: algorithmSet(
      options.keyManagementAlgorithms ?? JWE_KEY_ALGORITHMS,
      'keyManagementAlgorithms',
      isJweKeyAlgorithm,
    ),
    contentEncryptionAlgorithms: algorithmSet(
      options.contentEncryptionAlgorithms ?? JWE_CONTENT_ALGORITHMS,
      'contentEncryptionAlgorithms',
      isJweContentAlgorithm,
    ),
    allowCompression: bool(options.allowCompression, 'allowCompression', true),
    typ: typ === undefined ? undefined : new Set(typ.map(normalizeMediaType)),
    issuer: stringList(options.issuer, 'issuer'),
    audience: stringList(options.audience, 'audience'),
    subject: options.subject === undefined ? undefined : nonEmptyString(options.subject, 'subject'),
    subjectClaim: options.subjectClaim === undefined ? 'sub' : nonEmptyString(options.subjectClaim, 'subjectClaim'),
    requireExp: bool(options.requireExp, 'requireExp', true),
    maxTokenAge: options.maxTokenAge === undefined ? undefined : parseDuration(options.maxTokenAge, 'maxTokenAge', FRACTIONAL),
    clockTolerance: options.clockTolerance === undefined ? 0 : parseDuration(options.clockTolerance, 'clockTolerance', FRACTIONAL),
    requiredClaims: stringList(options.requiredClaims, 'requiredClaims', true) ?? Object.freeze([]),
    maxTokenSize: positiveInteger(options.maxTokenSize, 'maxTokenSize', 8192),
    limits: Object.freeze({
      maxInflatedSize: positiveInteger(options.maxInflatedSize, 'maxInflatedSize', 262_144),
      compat: Object.freeze({ gcmIv128: compat.gcmIv128, zlibDeflate: compat.zlibDeflate }),
    }),
    currentDate,
    engine,
    critical: criticalSet(options.critical),
    requireSignedJwe: bool(options.requireSignedJwe, 'requireSignedJwe', false),
    compat,
    jweTyp: shape.jweTyp,
  });
  if (engine.prepareKey !== undefined) {
    for (const key of keys?.listed ?? []) engine.prepareKey(key);
    for (const key of decryptionKeys?.listed ?? []) engine.prepareKey(key);
  }
  return policy;
}
