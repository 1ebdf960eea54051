/**
 * Every JWE key-management algorithm through the token verifier, end to end with Tessera's own importers and issuers,
 * on both engines: RSA-OAEP (SHA-1/256/384/512), ECDH-ES and ECDH-ES+A*KW on every curve, AES key wrap (A*KW) and
 * AES-GCM key wrap (A*GCMKW). Round trips, wrong keys, tampered key material, and which of them may carry unsigned
 * claims (only a shared key authenticates its sender).
 */
import { base64url } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JweContentAlgorithm, JweKeyAlgorithm, KeyWrapAlgorithm } from '../src/algorithms.js';
import { encryptJwe, signAndEncrypt } from '../src/issue/index.js';
import { generateKeyPair, generateSecret, importSecret, type GeneratedKeyPair } from '../src/keys/index.js';
import type { VerificationEngine } from '../src/lib/engine.js';
import { joseEngine } from '../src/lib/jose-engine.js';
import { nodeEngine } from '../src/node/node-engine.js';
import type { TesseraKey } from '../src/types.js';
import { createTokenVerifier } from '../src/verify/index.js';
import { currentDate, expectRejection, NOW } from './verify-helpers.js';

const ENGINES: readonly VerificationEngine[] = [joseEngine, nodeEngine];

/** An encryption key: what the issuer encrypts to, what the verifier decrypts with, and a second one like it. */
interface Recipient {
  readonly alg: JweKeyAlgorithm;
  readonly label: string;
  readonly encryptTo: TesseraKey;
  readonly decrypt: TesseraKey;
  /** Same alg and kid, other material. */
  readonly other: TesseraKey;
}

const KEY_WRAPS: readonly KeyWrapAlgorithm[] = ['A128KW', 'A192KW', 'A256KW', 'A128GCMKW', 'A192GCMKW', 'A256GCMKW'];
const ASYMMETRIC: readonly (readonly [Exclude<JweKeyAlgorithm, 'dir' | KeyWrapAlgorithm>, 'P-256' | 'P-384' | 'P-521' | 'X25519' | undefined])[] = [
  ['RSA-OAEP', undefined], ['RSA-OAEP-256', undefined], ['RSA-OAEP-384', undefined], ['RSA-OAEP-512', undefined],
  ['ECDH-ES', 'P-256'], ['ECDH-ES', 'P-384'], ['ECDH-ES', 'P-521'], ['ECDH-ES', 'X25519'],
  ['ECDH-ES+A128KW', 'P-256'], ['ECDH-ES+A192KW', 'P-384'], ['ECDH-ES+A256KW', 'P-521'], ['ECDH-ES+A256KW', 'X25519'],
];
/** One content encryption per case, cycling, so every enc meets several key-management algorithms. */
const ENCS: readonly JweContentAlgorithm[] = ['A256GCM', 'A128CBC-HS256', 'A192GCM', 'A256CBC-HS512', 'A128GCM', 'A192CBC-HS384'];

let recipients: Recipient[] = [];
let signer: GeneratedKeyPair;

beforeAll(async () => {
  signer = await generateKeyPair('ES256', { kid: 'sig' });
  const pair = async (alg: Recipient['alg'], crv: 'P-256' | 'P-384' | 'P-521' | 'X25519' | undefined) =>
    generateKeyPair(alg as 'RSA-OAEP', { kid: 'enc', ...(crv === undefined ? {} : { crv }) });
  const asymmetric = await Promise.all(ASYMMETRIC.map(async ([alg, crv]): Promise<Recipient> => {
    const [mine, theirs] = await Promise.all([pair(alg, crv), pair(alg, crv)]);
    return { alg, label: crv === undefined ? alg : `${alg} ${crv}`, encryptTo: mine.publicKey, decrypt: mine.privateKey, other: theirs.privateKey };
  }));
  const shared = await Promise.all(KEY_WRAPS.map(async (alg): Promise<Recipient> => {
    const [mine, theirs] = await Promise.all([0, 1].map(() => importSecret(generateSecret(alg), { alg, kid: 'enc' })));
    return { alg, label: alg, encryptTo: mine!, decrypt: mine!, other: theirs! };
  }));
  recipients = [...asymmetric, ...shared];
}, 60_000);

const labels = [...ASYMMETRIC.map(([alg, crv]) => (crv === undefined ? alg : `${alg} ${crv}`)), ...KEY_WRAPS];
const byLabel = (label: string): Recipient => recipients.find((r) => r.label === label) as Recipient;
const encOf = (label: string): JweContentAlgorithm => ENCS[labels.indexOf(label) % ENCS.length] as JweContentAlgorithm;

function nested(r: Recipient, enc: JweContentAlgorithm): Promise<string> {
  return signAndEncrypt({ scope: 'read' }, {
    signingKey: signer.privateKey, encryptionKey: r.encryptTo, enc, subject: 'user-1', expiresIn: 600, now: () => NOW * 1000,
  });
}

/** Flips one bit in the middle of segment `index`, keeping canonical base64url. */
function flip(token: string, index: number): string {
  const parts = token.split('.');
  const bytes = base64url.decode(parts[index] ?? '');
  bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0x10;
  parts[index] = base64url.encode(bytes);
  return parts.join('.');
}

describe.each(ENGINES)('key management on the $name engine', (engine) => {
  const verifierFor = (decryptionKeys: TesseraKey | TesseraKey[]) =>
    createTokenVerifier({ keys: signer.publicKey, decryptionKeys, currentDate, engine });

  it.each(labels)('opens an ES256 JWT nested in %s', async (label) => {
    const r = byLabel(label);
    const enc = encOf(label);
    const result = await verifierFor(r.decrypt).verify(await nested(r, enc));
    expect(result.format).toBe('nested');
    expect(result.payload).toMatchObject({ sub: 'user-1', scope: 'read' });
    expect(result.encryptionHeader).toMatchObject({ alg: r.alg, enc, cty: 'JWT', kid: 'enc' });
    expect(result.decryptionKey).toBe(r.decrypt);
    expect(result.key).toBe(signer.publicKey);
    // Headers are frozen, also the ECDH-ES ones the header cache does not keep (their epk makes each one unique).
    expect(Object.isFrozen(result.encryptionHeader)).toBe(true);
    if (r.alg.startsWith('ECDH')) expect(Object.isFrozen(result.encryptionHeader?.epk)).toBe(true);
  });

  it.each(labels)('answers decryption_failed for a %s token under another key with the same kid', async (label) => {
    const r = byLabel(label);
    await expectRejection(verifierFor(r.other).verify(await nested(r, encOf(label))), 'decryption_failed', 'decryption failed');
  });

  // ECDH-ES (direct) has no encrypted key to tamper with.
  it.each(labels.filter((l) => !l.startsWith('ECDH-ES ')))(
    'answers decryption_failed for a %s token whose encrypted key was tampered with',
    async (label) => {
      const r = byLabel(label);
      await expectRejection(verifierFor(r.decrypt).verify(flip(await nested(r, encOf(label)), 1)), 'decryption_failed', 'decryption failed');
    },
  );

  it.each(labels)('answers decryption_failed for a %s token whose ciphertext was tampered with', async (label) => {
    const r = byLabel(label);
    await expectRejection(verifierFor(r.decrypt).verify(flip(await nested(r, encOf(label)), 3)), 'decryption_failed', 'decryption failed');
  });

  it('finds the right key among keys of several algorithms by alg, and the second of two unnamed keys of one', async () => {
    const target = byLabel('A192GCMKW');
    const all = recipients.map((r) => r.decrypt);
    expect((await verifierFor(all).verify(await nested(target, 'A256GCM'))).decryptionKey).toBe(target.decrypt);
    const first = await importSecret(generateSecret('A192GCMKW'), { alg: 'A192GCMKW' });
    const second = await importSecret(generateSecret('A192GCMKW'), { alg: 'A192GCMKW' });
    const token = await nested({ ...target, encryptTo: second }, 'A128GCM');
    expect((await verifierFor([first, second]).verify(token)).decryptionKey).toBe(second);
  });

  it.each(KEY_WRAPS)('accepts unsigned claims under %s: only holders of the shared key can encrypt', async (alg) => {
    const r = byLabel(alg);
    const token = await encryptJwe({ sub: 'user-1', exp: NOW + 60 }, r.encryptTo);
    const result = await createTokenVerifier({ decryptionKeys: r.decrypt, currentDate, engine }).verify(token);
    expect(result).toMatchObject({ format: 'jwe', payload: { sub: 'user-1' }, key: r.decrypt, decryptionKey: r.decrypt });
  });

  it.each(['RSA-OAEP', 'RSA-OAEP-384', 'ECDH-ES P-384', 'ECDH-ES+A128KW P-256'])(
    'refuses unsigned claims under %s: anyone with the public key can encrypt',
    async (label) => {
      const r = byLabel(label);
      const token = await encryptJwe({ sub: 'admin', exp: NOW + 60 }, r.encryptTo);
      const err = await expectRejection(createTokenVerifier({ decryptionKeys: r.decrypt, currentDate, engine }).verify(token),
        'header_invalid', `encrypted token under "${r.alg}" must contain a signed JWT`);
      expect(err).toMatchObject({ header: 'cty' });
    },
  );

  it('refuses unsigned claims under a shared key with requireSignedJwe', async () => {
    const r = byLabel('A256KW');
    const token = await encryptJwe({ sub: 'user-1', exp: NOW + 60 }, r.encryptTo);
    await expectRejection(createTokenVerifier({ decryptionKeys: r.decrypt, currentDate, engine, requireSignedJwe: true }).verify(token),
      'header_invalid', 'encrypted token must contain a signed JWT (requireSignedJwe)');
  });

  it('answers alg_not_allowed for a key-management alg outside keyManagementAlgorithms', async () => {
    const r = byLabel('RSA-OAEP');
    const verifier = createTokenVerifier({ keys: signer.publicKey, decryptionKeys: r.decrypt, currentDate, engine, keyManagementAlgorithms: ['RSA-OAEP-256'] });
    await expectRejection(verifier.verify(await nested(r, 'A256GCM')), 'alg_not_allowed', '"alg" header parameter value is not allowed');
  });

  it('answers key_not_found when the token names an alg the key is not bound to (A128KW key, A128GCMKW token)', async () => {
    const kw = await importSecret(generateSecret('A128KW'), { alg: 'A128KW', kid: 'enc' });
    const gcmkw = byLabel('A128GCMKW');
    await expectRejection(verifierFor(kw).verify(await nested(gcmkw, 'A128GCM')), 'key_not_found', 'no key matches the token');
  });
});
