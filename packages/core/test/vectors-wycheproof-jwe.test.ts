/**
 * Project Wycheproof's JWE vectors (json_web_encryption_test.json, 139 tests, and the JWE half of
 * json_web_crypto_test.json, 34 tests) through Tessera's verifier, on both engines, one test per tcId.
 *
 * How verdicts are read:
 * - valid, in our set (`dir`, `ECDH-ES`, `ECDH-ES+A*KW`, `RSA-OAEP`, `RSA-OAEP-256`, `A*KW`, `A*GCMKW` with
 *   `A*GCM` / `A*CBC-HS*`) → decrypted, and the plaintext equals the vector's `pt`. The plaintexts are not JWTs, so the run goes through
 *   createJweDecrypter (the token verifier's policy up to decryption, then the raw plaintext; see vectors-helpers.ts).
 * - invalid → rejected with a TesseraError whose code (and message) the rules below name per defect.
 * - acceptable → none in these files; the suites' rule is "rejected unless Tessera documents why accepting is safe".
 * - JsonSerialization → invalid for our compact-only API: rejected as `token_malformed`.
 * - Outside our set (`RSA1_5`: PKCS #1 v1.5 key transport invites Bleichenbacher's padding oracle), valid or not →
 *   rejected. The group key's material is still handed to the verifier, bound to an in-set stand-in of its type
 *   (`RSA-OAEP-256`), so the rejection is the allowlist's (`alg_not_allowed`, or `token_malformed` for a token that
 *   does not parse) and not a missing key; importing the key for its own algorithm fails with `unsupported_algorithm`.
 * - A key-wrapping key used with the other wrapping cipher (WrongCipher: an `A128GCMKW` key, an `A128KW` token) finds
 *   no key: every key is bound to its one `alg` (`key_not_found`).
 * - Keys keep their JWK `alg`, except in the rfc_7520 groups, whose keys carry an `alg` the RFC never gave them
 *   (`A128GCM` for a `dir` key): there the key is bound to the token's `alg` (and `enc`).
 *
 * Every verdict agrees with Wycheproof except the valid RSA1_5 vectors, which Tessera rejects by design.
 */
import { describe, expect, it } from 'vitest';
import type { KeyAlgorithm } from '../src/algorithms.js';
import { importJwk } from '../src/keys/index.js';
import type { Jwk } from '../src/types.js';
import {
  bindGroupKey,
  ENGINES,
  expectAccepted,
  expectRejected,
  hexBytes,
  peekHeader,
  readWycheproof,
  runVector,
  tokenOf,
  withoutAlg,
  type Rejection,
  type WycheproofGroup,
  type WycheproofTest,
  SEGMENTS,
  NOT_CANONICAL,
  HEADER_NOT_JSON,
  DECRYPTION,
} from './vectors-helpers.js';

type Outcome = 'accept' | Rejection;

const ALG_NOT_ALLOWED: Rejection = { code: 'alg_not_allowed', message: /^"alg" header parameter value is not allowed$/, stage: 'verify' };
const ALG_NOT_STRING: Rejection = { code: 'header_invalid', message: /^"alg" header parameter must be a string$/ };
const KEY_NOT_FOUND: Rejection = { code: 'key_not_found', message: /^no key matches the token$/, stage: 'verify' };

/** Expected outcome per Wycheproof comment (the comment names the defect), for groups in our set. */
const BY_COMMENT: readonly (readonly [RegExp, Outcome])[] = [
  [/^(accepts[\w-]+|valid|validPadding|Figure\d+)$/, 'accept'],
  [/^rejects(Modified|Missing)(AuthenticationTag|Ciphertext|Iv|EncryptedKey)$/, DECRYPTION],
  [/^rejects(AuthenticationTagTooLong|TruncatedAuthenticationTagBy\d+Bytes?|TruncatedGhashBy\d+Bytes?)$/, DECRYPTION],
  // A*CBC-HS* under A256GCMKW with a bad padding, IV, ciphertext or MAC: the MAC fails first (no padding oracle).
  [/^(WrongPKCS5Padding|ModifiedIV|ModifiedCiphertext|ModifiedHmac)$/, DECRYPTION],
  [/^(GcmKeyUsedWithKw|KwKeyUsedWithGcm)$/, KEY_NOT_FOUND],
  [/^tagTruncatedBy\d+$/, DECRYPTION],
  // An `epk` that is not on P-256: the key agreement fails inside the engine, before any content is decrypted.
  [/^rejectsInvalidCurvePoint$/, DECRYPTION],
  // The tag's last character was changed (or characters appended) so that unused bits are set: caught as
  // non-canonical base64url before anything is decrypted.
  [/^(rejectsModifiedAuthenticationTagAtEnd|rejectsGhashTooLong)$/, NOT_CANONICAL],
  [/^rejectsMissing\w*AndSeparator$/, SEGMENTS],
  [/^rejectsMissingHeader$/, HEADER_NOT_JSON],
];

/**
 * rejectsModifiedHeader changes one letter of the header: "Alg" for "alg" (then there is no "alg" at all), or
 * "Xid" for the group key's "kid" (then no configured key has that kid: the key was imported with one).
 */
function modifiedHeader(token: string): Rejection {
  return typeof peekHeader(token)?.alg === 'string' ? KEY_NOT_FOUND : ALG_NOT_STRING;
}

function expected(file: string, group: WycheproofGroup, test: WycheproofTest, outOfSet: boolean): Outcome {
  let outcome: Outcome | undefined;
  if (test.flags.includes('JsonSerialization')) outcome = NOT_CANONICAL;
  else if (test.comment === 'rejectsModifiedHeader') outcome = modifiedHeader(tokenOf(test.jwe));
  // An RSA1_5 token sent to an RSA-OAEP-256 key: RSA1_5 is in no allowlist.
  else if (test.flags.includes('Pkcs15WithOaepKey')) outcome = ALG_NOT_ALLOWED;
  else outcome = BY_COMMENT.find(([pattern]) => pattern.test(test.comment))?.[1];
  if (outcome === undefined && !outOfSet) {
    throw new Error(`no expectation for ${file} tc ${test.tcId} (${group.comment}/${test.comment})`);
  }
  if (outOfSet && (outcome === undefined || outcome === 'accept' || outcome.code !== 'token_malformed')) return ALG_NOT_ALLOWED;
  return outcome as Outcome;
}

interface Case {
  readonly title: string;
  readonly token: string;
  readonly outcome: Outcome;
  readonly plaintext: Uint8Array;
  readonly binding: ReturnType<typeof bindGroupKey>;
}

const encryption = readWycheproof('json_web_encryption_test.json');
/** Plaintext by token: json_web_crypto_test.json's valid JWE tokens are tokens of this file, without `pt`. */
const plaintextOf = new Map(encryption.testGroups.flatMap((g) => g.tests.map((t) => [tokenOf(t.jwe), t.pt] as const)));

function casesOf(file: string, only: (test: WycheproofTest) => boolean = () => true): Case[] {
  return readWycheproof(file).testGroups.flatMap((group) =>
    group.tests.filter(only).map((test) => {
      const token = tokenOf(test.jwe);
      const binding = bindGroupKey(group, token, 'enc');
      const outcome = expected(file, group, test, binding.outOfSet);
      const pt = test.pt ?? plaintextOf.get(token);
      if (outcome === 'accept' && pt === undefined) throw new Error(`${file} tc ${test.tcId}: no known plaintext`);
      const verdict = outcome === 'accept' ? 'accepted' : `rejected: ${outcome.code}`;
      const flags = test.flags.length > 0 ? ` [${test.flags.join(', ')}]` : '';
      const scope = binding.outOfSet ? `, ${String(binding.alg)} is outside our set` : '';
      const title = `tc ${test.tcId} ${test.comment} (${test.result}${flags}${scope}) is ${verdict}`;
      return { title, token, outcome, plaintext: hexBytes(pt ?? ''), binding };
    }),
  );
}

const encryptionCases = casesOf('json_web_encryption_test.json');
const cryptoCases = casesOf('json_web_crypto_test.json', (test) => test.jwe !== undefined);

describe.each(ENGINES)('Wycheproof JWE vectors on the $name engine', (engine) => {
  const check = async ({ token, outcome, plaintext, binding }: Case): Promise<void> => {
    const verdict = await runVector(token, binding.setup, engine);
    if (outcome === 'accept') expectAccepted(verdict, plaintext);
    else expectRejected(verdict, outcome);
  };

  describe('json_web_encryption_test.json', () => {
    it.each(encryptionCases.map((c) => [c.title, c] as const))('%s', (_title, c) => check(c));
  });

  describe('json_web_crypto_test.json (JWE tests)', () => {
    it.each(cryptoCases.map((c) => [c.title, c] as const))('%s', (_title, c) => check(c));
  });
});

/** One entry per distinct key of a group outside our set, with the algorithm the vectors use it for. */
const outOfSetKeys = [
  ...new Map(
    encryption.testGroups.flatMap((group) =>
      group.tests.map((test) => bindGroupKey(group, tokenOf(test.jwe), 'enc'))
        .filter((binding) => binding.outOfSet)
        .map((binding) => {
          const jwk = group.private as Jwk;
          return [`${String(binding.alg)} ${JSON.stringify(jwk)}`, [String(binding.alg), String(jwk.kid), jwk]] as const;
        }),
    ),
  ).values(),
];

describe('Wycheproof JWE vectors: keys outside our set and coverage', () => {
  it.each(outOfSetKeys)('refuses to import the vectors\' %s key %j (unsupported_algorithm)', async (alg, _kid, jwk) => {
    await expect(importJwk(withoutAlg(jwk), { alg: alg as KeyAlgorithm })).rejects.toMatchObject({
      code: 'unsupported_algorithm',
      message: `alg ${JSON.stringify(alg)} is not supported`,
    });
  });

  it('runs every test of both files', () => {
    expect(encryptionCases).toHaveLength(encryption.numberOfTests);
    expect(cryptoCases).toHaveLength(34);
  });
});
