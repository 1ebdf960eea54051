// The node:crypto engine and the jose engine must give the same verdict on every token: same acceptance, same error
// (class, code, message, claim/header), same claims, headers and keys when accepted. Corpora: RFC 7520, Wycheproof
// JWS/JWE, known attacks, a generated token for every algorithm — every JWS alg, and every JWE key management the
// node engine opens itself (dir, RSA-OAEP*, ECDH-ES* on every curve, A*KW, A*GCMKW) — and for every compatibility
// setting, and 100,000 seeded mutations of those (epk, apu/apv, iv/tag edits included).
// `npm run fuzz -- --count 1000000 --seed 42` runs more.
import { beforeAll, describe, expect, it } from 'vitest';
import { JWE_KEY_ALGORITHMS } from '../src/algorithms.js';
import { SignatureError } from '../src/errors.js';
import type { VerificationEngine } from '../src/lib/engine.js';
import { joseEngine } from '../src/lib/jose-engine.js';
import { nodeEngine } from '../src/node/node-engine.js';
import { describeFindings, type Tally } from './differential/compare.js';
import { runDifferential, type DifferentialReport } from './differential/run-differential.js';

/** The fixed seed of `npm test`; the fuzz CLI takes others. */
const SEED = 0x7e55e7a;
const MUTATIONS = 100_000;

function summary(name: string, t: Tally): string {
  const codes = Object.entries(t.byCode).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ');
  return `${name}: ${t.total} tokens, ${t.accepted} accepted, ${t.disagreementCount} disagreements (${codes})`;
}

describe('differential: node engine vs jose engine', () => {
  let report: DifferentialReport;

  beforeAll(async () => {
    report = await runDifferential({ seed: SEED, mutations: MUTATIONS, node: nodeEngine, jose: joseEngine });
    console.log([...Object.entries(report.corpora).map(([n, t]) => summary(n, t)), `${report.seconds.toFixed(1)} s`].join('\n'));
  }, 300_000);

  it.each(['rfc7520', 'wycheproof', 'attacks', 'generated', 'mutations'] as const)(
    'gives the same verdict on every token of the %s corpus',
    (corpus) => {
      const tally = report.corpora[corpus];
      expect(tally.disagreementCount, describeFindings(tally.disagreements)).toBe(0);
      expect(tally.foreignErrorCount, describeFindings(tally.foreignErrors)).toBe(0);
    },
  );

  it('covers every corpus in full', () => {
    const { rfc7520, wycheproof, attacks, generated, mutations } = report.corpora;
    expect(rfc7520.total).toBeGreaterThanOrEqual(15);
    expect(wycheproof.total).toBeGreaterThanOrEqual(540);
    expect(attacks.total).toBeGreaterThanOrEqual(140);
    expect(mutations.total).toBe(MUTATIONS);
    // Every generated token (each JWS alg, each dir enc plain/zip/nested, every other key management nested — and
    // plain and compressed under the shared keys — and the compat tokens in the context with every compatibility
    // setting on) verifies.
    expect(generated.accepted).toBe(generated.total);
    expect(generated.total).toBeGreaterThanOrEqual(99);
    // The compat tokens are mutated too, so both engines are compared on the compatibility paths.
    const labelled = (prefix: string): number =>
      Object.entries(mutations.byLabel).filter(([label]) => label.startsWith(prefix)).reduce((n, [, c]) => n + c, 0);
    expect(labelled('compat ')).toBeGreaterThan(MUTATIONS / 20);
    // Every key management the node engine opens itself is mutated, reminted ones (edited headers sealed again) most.
    for (const alg of JWE_KEY_ALGORITHMS.filter((a) => a !== 'dir')) {
      expect(labelled(`${alg} `), alg).toBeGreaterThan(alg.startsWith('RSA') || alg.startsWith('ECDH') ? 150 : 600);
    }
  });

  it('reaches past the signature check often enough to compare claims, not only rejections', () => {
    const { mutations } = report.corpora;
    expect(mutations.accepted).toBeGreaterThan(MUTATIONS / 20);
    for (const code of ['signature_invalid', 'decryption_failed', 'token_malformed', 'header_invalid', 'token_expired', 'claim_invalid', 'token_too_large']) {
      expect(mutations.byCode[code] ?? 0, code).toBeGreaterThan(0);
    }
  });

  it('catches an engine that disagrees with jose', async () => {
    // An engine that accepts HS256 tokens whose MAC was cut to 16 bytes: the comparison must flag it.
    const lenient: VerificationEngine = {
      name: 'lenient',
      prepareKey: nodeEngine.prepareKey,
      decryptJwe: nodeEngine.decryptJwe,
      async verifyJws(jws, key) {
        try {
          return await nodeEngine.verifyJws(jws, key);
        } catch (err) {
          if (err instanceof SignatureError && jws.header.alg === 'HS256') return new TextEncoder().encode('{"sub":"x","exp":2000000000}');
          throw err;
        }
      },
    };
    const broken = await runDifferential({ seed: SEED, mutations: 2000, node: lenient, jose: joseEngine });
    expect(broken.corpora.mutations.disagreementCount).toBeGreaterThan(0);
    expect(broken.corpora.attacks.disagreementCount).toBeGreaterThan(0);
    expect(broken.corpora.wycheproof.disagreementCount).toBeGreaterThan(0);
  }, 120_000);
});
