/**
 * Project Wycheproof's JWS vectors (json_web_signature_test.json, 401 tests, and the JWS half of
 * json_web_crypto_test.json, 49 tests) through Tessera's verifier, on both engines, one test per tcId.
 *
 * How verdicts are read:
 * - valid → verified, and the bytes the signature proved equal the vector's payload. The payloads are not JWT
 *   claims ("foo", "Test", empty), so the run goes through createJwsVerifier (see vectors-helpers.ts).
 * - invalid → rejected with a TesseraError whose code (and message) the rules below name per defect.
 * - acceptable → none in these files; the suites' rule is "rejected unless Tessera documents why accepting is safe".
 * - JsonSerialization → invalid for our compact-only API: the JSON text is rejected as `token_malformed`.
 * - Keys keep their JWK `alg` (so an RS256 token under a PS512 key is `alg_not_allowed`), except in the RFC 7520
 *   groups, whose keys carry an `alg` the RFC never gave them (PS256 for a PS384 token, "ES521"): there the key is
 *   selected by `kid`/`kty` and bound to the token's `alg` (tc 346, 347, 350, 351).
 *
 * Where Tessera's verdict differs from Wycheproof's (see DISAGREEMENTS):
 * - tc 367, 370 (invalid "padding" cases) are byte-for-byte the valid token of tc 357: a defect of the vectors. The
 *   token is accepted, as tc 357 requires; the padded spellings the comments describe are rejected below.
 * - tc 372, 373 ("valid") contain a `?` inside a segment; the MAC only matches once it is dropped. Tessera rejects.
 * - crypto tc 47 (mixed HS256 + ES256 key set) is accepted: every key is bound to its own `alg`, so one cannot stand
 *   in for the other (the position of keys-jwk.test.ts for json_web_key_test tc 1).
 */
import { describe, expect, it } from 'vitest';
import {
  bindGroupKey,
  ENGINES,
  expectAccepted,
  expectRejected,
  jwsPayloadOf,
  peekHeader,
  readWycheproof,
  runVector,
  tokenOf,
  type Rejection,
  type WycheproofGroup,
  type WycheproofTest,
  SEGMENTS,
  NOT_CANONICAL,
  HEADER_NOT_JSON,
} from './vectors-helpers.js';

type Outcome = 'accept' | Rejection;

const BAD_SIGNATURE: Rejection = { code: 'signature_invalid', message: /^signature verification failed$/, stage: 'verify' };
const NO_KEY: Rejection = { code: 'key_not_found', message: /^no key matches the token$/ };
const ALG_NONE: Rejection = { code: 'alg_not_allowed', message: /^unsecured tokens \(alg "none"\) are never accepted$/ };
const ALG_NOT_ALLOWED: Rejection = { code: 'alg_not_allowed', message: /^"alg" header parameter value is not allowed$/ };
const WRONG_USE: Rejection = { code: 'invalid_key', message: /^JWK "use" "enc" does not fit (RS|ES)256 \(a "sig" algorithm\)$/, stage: 'import' };
const WRONG_KEY_OPS: Rejection = { code: 'invalid_key', message: /^JWK "key_ops" allows no sig operation$/, stage: 'import' };
const ROCA_KEY: Rejection = {
  code: 'invalid_key',
  message: /^RSA modulus has the ROCA fingerprint \(CVE-2017-15361\): its generator makes keys that can be factored; replace the key$/,
  stage: 'import',
};

/** Expected outcome per Wycheproof comment (the comment names the defect); flags are handled in {@link expected}. */
const BY_COMMENT: readonly (readonly [RegExp, Outcome])[] = [
  [/^(acceptsValid|valid|Figure\d+|ValidMac|ValidEdgeCaseMac|ValidSpacesInJsonHeader|ValidWhiteSpaceInJsonHeader)$/, 'accept'],
  [/^(emptyPayload|allZeroPayload|oneBytePayload|normalPayload|saltIsAll[01])$/, 'accept'],
  [/^rejects(Modified|Missing)(Signature|Payload)$/, BAD_SIGNATURE],
  [/^rejectsMissing\w*(Separator|Separators)$|^rejects(EmptyString|ExtraEmptyComponent|ExtraComponent)$/, SEGMENTS],
  [/^rejectsMissingHeader(AndSignature)?$/, HEADER_NOT_JSON],
  [/^rejectsModifiedHeader$/, NO_KEY],
  [/^rejectsNoneAlgorithmAndMissingSignature$/, ALG_NONE],
  // An HS256 token against an ES256 key: HS256 is not in the allowlist the key implies.
  [/^rejectsSymmetryConfusionAttacks/, ALG_NOT_ALLOWED],
  // The `jwk` a token carries is never used, so the attacker's signature is checked with the configured key.
  [/^rejectsAttackerProvidedEmbeddedJwk$/, BAD_SIGNATURE],
  [/^rejectWrongUse$/, WRONG_USE],
  [/^rejectWrongKeyOps$/, WRONG_KEY_OPS],
  // An RSALib (CVE-2017-15361) modulus: refused at import, before any token is looked at.
  [/^rejectsKeyWithRocaVulnerability$/, ROCA_KEY],
  // The "base64" group: spaces, padding, stray characters, non-zero unused bits.
  [/^(rejectsSpacesInMac|rejectsInvalidCharacterInsertedInMac|rejects0ReplacedbyInvalidCharacter|rejectsInvalidCharacters)$/, NOT_CANONICAL],
  [/^(spacesIn|invalidCharactersIn)(Header|Payload)$|^InvalidCharacterInPayload$/, NOT_CANONICAL],
  [/^(ModifiedUnusedBitsInPayload|MacOfIncorrectlyEncodedMessage)$/, NOT_CANONICAL],
  // The "SpecialCaseEs256" group: out-of-range or mis-sized r and s.
  [/^(SignatureTooLong|TrailingZeros|RisTooBig|SisTooBig|IntegerOverflow|BufferOverflow|rIs\w+_sIs\w+)$/, BAD_SIGNATURE],
];

/** Where Tessera's verdict differs from Wycheproof's, by file and tcId, and why (see the top of this file). */
const DISAGREEMENTS: Readonly<Record<string, { outcome: Outcome; why: string }>> = {
  'json_web_signature_test.json#367': { outcome: 'accept', why: 'the token is identical to valid tc 357' },
  'json_web_signature_test.json#370': { outcome: 'accept', why: 'the token is identical to valid tc 357' },
  'json_web_signature_test.json#372': { outcome: NOT_CANONICAL, why: 'a "?" inside the header segment' },
  'json_web_signature_test.json#373': { outcome: NOT_CANONICAL, why: 'a "?" inside the payload segment' },
  'json_web_crypto_test.json#47': { outcome: 'accept', why: 'keys are bound to their own alg' },
};

function expected(file: string, group: WycheproofGroup, test: WycheproofTest, token: string, keyAlg: string | undefined): Outcome {
  const override = DISAGREEMENTS[`${file}#${test.tcId}`];
  if (override !== undefined) return override.outcome;
  if (test.flags.includes('JsonSerialization')) return NOT_CANONICAL;
  if (test.flags.includes('AlgIsNone')) return ALG_NONE;
  if (test.flags.includes('ModifiedPadding') || test.flags.includes('ModifiedSignature')) return BAD_SIGNATURE;
  // Signed with another RSA scheme: caught by the allowlist when the header says so, by the signature otherwise.
  if (test.flags.includes('WrongPrimitive')) return peekHeader(token)?.alg === keyAlg ? BAD_SIGNATURE : ALG_NOT_ALLOWED;
  const rule = BY_COMMENT.find(([pattern]) => pattern.test(test.comment));
  if (rule === undefined) throw new Error(`no expectation for ${file} tc ${test.tcId} (${group.comment}/${test.comment})`);
  return rule[1];
}

interface Case {
  readonly title: string;
  readonly token: string;
  readonly outcome: Outcome;
  readonly binding: ReturnType<typeof bindGroupKey>;
}

function casesOf(file: string, only: (test: WycheproofTest) => boolean = () => true): Case[] {
  return readWycheproof(file).testGroups.flatMap((group) =>
    group.tests.filter(only).map((test) => {
      const token = tokenOf(test.jws);
      const binding = bindGroupKey(group, token, 'sig');
      const outcome = expected(file, group, test, token, binding.alg);
      const verdict = outcome === 'accept' ? 'accepted' : `rejected: ${outcome.code}`;
      const flags = test.flags.length > 0 ? ` [${test.flags.join(', ')}]` : '';
      const why = DISAGREEMENTS[`${file}#${test.tcId}`]?.why;
      const note = why === undefined ? '' : ` (differs from Wycheproof: ${why})`;
      return { title: `tc ${test.tcId} ${test.comment} (${test.result}${flags}) is ${verdict}${note}`, token, outcome, binding };
    }),
  );
}

const signatureCases = casesOf('json_web_signature_test.json');
const cryptoCases = casesOf('json_web_crypto_test.json', (test) => test.jws !== undefined);

describe.each(ENGINES)('Wycheproof JWS vectors on the $name engine', (engine) => {
  const check = async ({ token, outcome, binding }: Case): Promise<void> => {
    const verdict = await runVector(token, binding.setup, engine);
    if (outcome === 'accept') expectAccepted(verdict, jwsPayloadOf(token));
    else expectRejected(verdict, outcome);
  };

  describe('json_web_signature_test.json', () => {
    it.each(signatureCases.map((c) => [c.title, c] as const))('%s', (_title, c) => check(c));
  });

  describe('json_web_crypto_test.json (JWS tests)', () => {
    it.each(cryptoCases.map((c) => [c.title, c] as const))('%s', (_title, c) => check(c));
  });
});

describe('Wycheproof JWS vectors: coverage and known defects', () => {
  it('runs every test of both files', () => {
    expect(signatureCases).toHaveLength(readWycheproof('json_web_signature_test.json').numberOfTests);
    expect(cryptoCases).toHaveLength(49);
  });

  it('holds, in tc 367 and 370, the valid token of tc 357 rather than a padded one', () => {
    const byId = new Map(signatureCases.map((c) => [Number(/^tc (\d+)/.exec(c.title)?.[1]), c.token]));
    expect(byId.get(367)).toBe(byId.get(357));
    expect(byId.get(370)).toBe(byId.get(357));
  });

  it.each(ENGINES)('rejects the padded spellings tc 367 and 370 describe ($name engine)', async (engine) => {
    const valid = signatureCases.find((c) => c.title.startsWith('tc 357 '));
    if (valid === undefined) throw new Error('tc 357 is missing');
    const [header, payload, mac] = valid.token.split('.');
    for (const padded of [`${header}=.${payload}.${mac}`, `${header}.${payload}==.${mac}`, `${header}.${payload}.${mac}=`]) {
      expectRejected(await runVector(padded, valid.binding.setup, engine), NOT_CANONICAL);
    }
  });
});
