import { createTokenVerifier, isTesseraError, TokenTimeError, type VerifiedToken } from '@tessera/core';
import { contentAlgorithms, keyAlgorithms } from '../lib/algorithms.js';
import type { Command } from '../lib/command.js';
import { decodeUnverified, type Unverified, classify } from '../lib/decode.js';
import { algSummary, timesOf } from '../lib/display.js';
import { UsageError } from '../lib/errors.js';
import { readToken } from '../lib/input.js';
import { KEY_INPUT_OPTIONS, secretEncodingOf } from '../lib/key-options.js';
import { loadKeys, type LoadedKeys } from '../lib/load-keys.js';
import { formatJson } from '../lib/output.js';
import { atOf, POLICY_OPTIONS, policyOf } from '../lib/policy-options.js';
import { describeTimes } from '../lib/time.js';

function summaryOf(result: VerifiedToken): string {
  switch (result.format) {
    case 'jws':
      return `JWS ${algSummary(result.header)}`;
    case 'nested':
      return `nested JWT: JWS ${algSummary(result.header)} inside JWE ${algSummary(result.encryptionHeader ?? result.header)}`;
    case 'jwe':
      return `JWE ${algSummary(result.header)} (claims encrypted under a shared key, unsigned)`;
  }
}

function keysOf(loaded: LoadedKeys): VerifiedToken['key'][] | Exclude<LoadedKeys, { kind: 'keys' }>['jwks'] {
  return loaded.kind === 'keys' ? loaded.keys : loaded.jwks;
}

/** "token has expired" → "token has expired (expired 3 hours ago)", for a JWS whose signature was checked first. */
function withExpiry(err: unknown, decoded: Unverified | undefined, nowMs: number): unknown {
  if (!isTesseraError(err, 'token_expired') || decoded?.kind !== 'jws') return err;
  const content = classify(decoded.payload);
  if (content.kind !== 'json') return err;
  const { exp } = describeTimes(content.value, nowMs);
  return exp === undefined ? err : new TokenTimeError('exp', `${err.message} (${exp.text})`, 'token_expired', { cause: err });
}

/** `tessera verify`: the whole of core's verification policy on a JWS, a JWE or a nested token. */
export const verify: Command = {
  name: 'verify',
  summary: 'verify a JWS, JWE or nested token under core\'s policy and print its claims (exit 1 if rejected)',
  usage: ['verify --key <key>… [--decryption-key <key>…] [policy options] <token|->'],
  description: [
    'Verifies a token with core\'s createTokenVerifier: size cap, strict encoding, algorithm allowlists (never',
    '"none"), typ/crit, key by kid and alg from your keys only, signature or decryption, nested JWS, then the',
    'claims (exp, nbf, iat, iss, aud, sub…). Exit 0 and the claims when valid; exit 1 and the library\'s error',
    'code when rejected; exit 2 for usage and key errors (unreadable key, JWKS unreachable).',
    '',
    '--key takes signature keys: a public PEM/JWK/JWKS file (private keys are reduced to their public half), a',
    'JWKS URL (https or http, fetched with core\'s createRemoteJwks), env:NAME or an HMAC secret. --decryption-key',
    'takes JWE keys: a dir secret (or a key-wrapping secret with --alg A256KW…) or a private key. A PEM key or an',
    'HMAC secret needs --alg naming its algorithm — Tessera never takes the algorithm from the token. --alg also',
    'sets the allowlists (JWS and JWE algorithms mixed).',
  ].join('\n'),
  options: {
    key: { type: 'string', multiple: true, value: 'key', description: 'signature key: file (PEM, JWK, JWKS), JWKS URL, env:NAME, or the secret' },
    'decryption-key': { type: 'string', multiple: true, value: 'key', description: 'JWE key: a secret (dir, or key wrapping with --alg), or a private PEM/JWK/JWKS' },
    alg: { type: 'string', list: true, value: 'alg', description: 'accepted algorithms (JWS and JWE); binds PEM keys and secrets' },
    enc: { type: 'string', list: true, value: 'enc', description: 'accepted content encryptions; sizes a dir secret (default A256GCM)' },
    ...KEY_INPUT_OPTIONS,
    'allow-short-key': { type: 'boolean', description: 'compatibility: accept an HMAC secret shorter than the hash (verify-only)' },
    'allow-weak-rsa': { type: 'boolean', description: 'compatibility: accept a 1024–2047-bit RSA public key (verify-only)' },
    'jwks-timeout': { type: 'string', value: 'duration', description: 'how long a JWKS URL may take to answer (default 5s)' },
    ...POLICY_OPTIONS,
  },
  examples: [
    'tessera verify --key signing.pub.json --iss https://issuer.example --aud api://orders "$TOKEN"',
    'tessera verify --key https://issuer.example/.well-known/jwks.json --typ at+jwt - < token.txt',
    'tessera verify --key env:JWT_SECRET --alg HS256 --json "$TOKEN" | jq .sub',
    'tessera verify --key sig.pub.pem --alg ES256 --decryption-key enc.json "$NESTED"',
    'tessera verify --decryption-key env:JWE_ENCRYPTION_KEY --enc A256GCM "$JWE"',
  ],
  async run({ args, io, out }) {
    args.expectPositionals(1, 'the token');
    const token = await readToken(args.positionals[0], io);
    if (!args.has('key') && !args.has('decryption-key')) {
      throw new UsageError('verify needs a key: --key for signatures, --decryption-key for encrypted tokens');
    }
    let decoded: Unverified | undefined;
    try {
      decoded = decodeUnverified(token);
    } catch {
      // Core reports a malformed token with its own code below; the header only served hints.
    }
    const algs = keyAlgorithms(args.strings('alg'), '--alg');
    const encs = contentAlgorithms(args.strings('enc'), '--enc');
    const encoding = secretEncodingOf(args);
    const timeout = args.duration('jwks-timeout');
    const policy = policyOf(args, algs, encs);
    const keys = args.has('key')
      ? await loadKeys(args.strings('key'), {
        flag: '--key',
        algFlag: '--alg',
        role: 'verify',
        algs,
        encoding,
        allowShortKey: args.flag('allow-short-key'),
        allowWeakRsa: args.flag('allow-weak-rsa'),
        header: decoded?.kind === 'jws' ? decoded.header : undefined,
        otherUseHint: 'pass it as --decryption-key',
        jwksTimeout: timeout === undefined ? undefined : Math.round(timeout * 1000),
      }, io)
      : undefined;
    const decryptionKeys = args.has('decryption-key')
      ? await loadKeys(args.strings('decryption-key'), {
        flag: '--decryption-key',
        algFlag: '--alg',
        role: 'decrypt',
        algs,
        encs,
        encoding,
        header: decoded?.kind === 'jwe' ? decoded.header : undefined,
        otherUseHint: 'pass it as --key',
      }, io)
      : undefined;
    const verifier = createTokenVerifier({
      ...policy,
      ...(keys === undefined ? {} : { keys: keysOf(keys) }),
      ...(decryptionKeys === undefined ? {} : { decryptionKeys: keysOf(decryptionKeys) }),
    });
    const nowMs = atOf(args)?.getTime() ?? io.now();
    let result: VerifiedToken;
    try {
      result = await verifier.verify(token);
    } catch (err) {
      throw withExpiry(err, decoded, nowMs);
    }
    const times = timesOf({ kind: 'json', value: result.payload }, nowMs);
    return out.result(result.payload, () => {
      let text = `VALID ${summaryOf(result)}\n${times.text}`;
      if (result.format === 'nested' && result.encryptionHeader !== undefined) text += `Encryption header:\n${formatJson(result.encryptionHeader)}`;
      return `${text}Header:\n${formatJson(result.header)}Claims:\n${formatJson(result.payload)}`;
    });
  },
};
