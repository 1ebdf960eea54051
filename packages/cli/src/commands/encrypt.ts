import { encryptJwe, signAndEncrypt, type EncryptJweOptions, type SignAndEncryptOptions } from '@tessera/core';
import { contentAlgorithms, jweKeyAlgorithm, jwsAlgorithm } from '../lib/algorithms.js';
import type { Args } from '../lib/args.js';
import { CLAIM_OPTIONS, claimsOf, signOptionsOf } from '../lib/claim-options.js';
import type { Command } from '../lib/command.js';
import { classify, decodeUnverified } from '../lib/decode.js';
import { UsageError } from '../lib/errors.js';
import type { CliIo } from '../lib/io.js';
import { readData } from '../lib/input.js';
import { KEY_INPUT_OPTIONS, secretEncodingOf } from '../lib/key-options.js';
import { loadKeys, onlyKey, type KeyRequest } from '../lib/load-keys.js';

async function signingKeyOf(args: Args, io: CliIo): Promise<SignAndEncryptOptions['signingKey']> {
  const alg = args.has('sign-alg') ? jwsAlgorithm(args.string('sign-alg')!, '--sign-alg') : undefined;
  const req: KeyRequest = {
    flag: '--sign-key',
    algFlag: '--sign-alg',
    role: 'sign',
    algs: alg === undefined ? [] : [alg],
    encoding: secretEncodingOf(args),
    kid: args.string('sign-kid'),
  };
  const key = onlyKey(await loadKeys([args.string('sign-key')!], req, io), req);
  if (alg !== undefined && key.alg !== alg) throw new UsageError(`--sign-alg ${alg}, but the key is bound to ${key.alg}`);
  return key;
}

/** `tessera encrypt`: a JWE with core's `encryptJwe`, or a nested sign-then-encrypt token with `signAndEncrypt`. */
export const encrypt: Command = {
  name: 'encrypt',
  summary: 'encrypt a payload as a JWE (dir, key wrapping, RSA-OAEP, ECDH-ES); with --sign-key, sign then encrypt (nested)',
  usage: [
    'encrypt --key <key> [--alg <alg>] [--enc <enc>] [options] <plaintext|@file|->',
    'encrypt --key <key> --sign-key <key> [--sign-alg <alg>] [claim options] [claims-json|@file|-]',
  ],
  description: [
    'Encrypts with core\'s encryptJwe and prints the compact JWE. The key: a shared secret — "dir" by default (sized',
    'for --enc, default A256GCM) or a key-wrapping key with --alg A128KW…A256KW / A128GCMKW…A256GCMKW — or the',
    'recipient\'s public key (PEM/JWK/JWKS) for RSA-OAEP(-256/384/512) or ECDH-ES(+A128KW/A192KW/A256KW). The',
    'plaintext is encrypted byte for byte; a compact JWS gets "cty": "JWT" (a nested token) unless --cty says otherwise.',
    '',
    'With --sign-key the input is claims: they are signed (core\'s signAndEncrypt, with the claim options of',
    '"tessera sign") and the JWS encrypted with "cty": "JWT" — the nested format. --json prints {"token", "header"}.',
  ].join('\n'),
  options: {
    key: { type: 'string', value: 'key', description: 'encryption key: a secret, or the recipient\'s public PEM/JWK/JWKS (file or env:NAME)' },
    alg: { type: 'string', value: 'alg', description: 'key management: dir (default for secrets), A*KW, A*GCMKW, RSA-OAEP[-256/384/512], ECDH-ES[+A*KW]' },
    enc: { type: 'string', value: 'enc', description: 'content encryption: A128GCM…A256GCM, A128CBC-HS256…A256CBC-HS512 (default A256GCM)' },
    zip: { type: 'boolean', description: 'DEFLATE before encrypting (zip: DEF; can leak content through length)' },
    cty: { type: 'string', value: 'cty', description: 'the "cty" header (default: JWT when the plaintext is a JWS)' },
    typ: { type: 'string', value: 'typ', description: 'the "typ" header (of the inner JWS with --sign-key)' },
    kid: { type: 'string', value: 'kid', description: 'the JWE "kid" header (default: the key\'s); picks the key from a JWKS file' },
    ...KEY_INPUT_OPTIONS,
    'sign-key': { type: 'string', value: 'key', description: 'sign the claims with this key first (nested JWT): private PEM/JWK/JWKS or HS* secret' },
    'sign-alg': { type: 'string', value: 'alg', description: 'JWS algorithm of --sign-key (needed for PEM keys and secrets)' },
    'sign-kid': { type: 'string', value: 'kid', description: 'the inner JWS "kid" header; picks the signing key from a JWKS file' },
    ...CLAIM_OPTIONS,
  },
  examples: [
    'tessera encrypt --key env:JWE_ENCRYPTION_KEY \'{"user":"john.doe","role":"admin"}\'',
    'tessera encrypt --key env:JWE_ENCRYPTION_KEY --enc A256GCM "$JWT"        # JWT wrapped in JWE, cty JWT',
    'tessera encrypt --key enc.pub.pem --alg ECDH-ES+A256KW --sign-key sig.json --sub user-1 --expires-in 10m',
    'tessera encrypt --key rsa.pub.pem --alg RSA-OAEP-256 --zip @document.json',
    'tessera encrypt --key env:KEK --alg A256KW --enc A128CBC-HS256 "$JWT"',
  ],
  async run({ args, io, out }) {
    args.expectPositionals(1, 'the plaintext');
    if (!args.has('key')) throw new UsageError('encrypt needs a key: --key <file|env:NAME|secret>');
    const alg = args.has('alg') ? jweKeyAlgorithm(args.string('alg')!, '--alg') : undefined;
    const enc = args.has('enc') ? contentAlgorithms([args.string('enc')!], '--enc')[0] : undefined;
    const nested = args.has('sign-key');
    const req: KeyRequest = {
      flag: '--key',
      algFlag: '--alg',
      role: 'encrypt',
      algs: alg === undefined ? [] : [alg],
      encs: enc === undefined ? [] : [enc],
      encoding: secretEncodingOf(args),
      kid: args.string('kid'),
    };
    const key = onlyKey(await loadKeys([args.string('key')!], req, io), req);
    if (alg !== undefined && key.alg !== alg) throw new UsageError(`--alg ${alg}, but the key is bound to ${key.alg}`);
    const zip = args.flag('zip') ? { zip: 'DEF' as const } : {};
    let token: string;
    if (nested) {
      if (args.has('cty')) throw new UsageError('--cty cannot be set on a nested token (it is JWT)');
      const kid = args.string('kid');
      if (kid !== undefined && kid !== key.kid) throw new UsageError('with --sign-key the JWE "kid" is the encryption key\'s own; --kid only picks that key');
      const signingKey = await signingKeyOf(args, io);
      const claims = await claimsOf(args.positionals[0], args, io);
      const options: SignAndEncryptOptions = { ...signOptionsOf(args, claims), signingKey, encryptionKey: key, ...zip };
      if (enc !== undefined) options.enc = enc;
      const typ = args.string('typ');
      const signKid = args.string('sign-kid');
      if (typ !== undefined) options.typ = typ;
      if (signKid !== undefined) options.kid = signKid;
      token = await signAndEncrypt(claims, options);
    } else {
      const claimFlag = Object.keys(CLAIM_OPTIONS).find((name) => args.has(name)) ?? (args.has('sign-alg') ? 'sign-alg' : args.has('sign-kid') ? 'sign-kid' : undefined);
      if (claimFlag !== undefined) throw new UsageError(`--${claimFlag} needs --sign-key: without it the plaintext is encrypted as given`);
      const arg = args.positionals[0];
      if (arg === undefined) throw new UsageError('no plaintext given: pass it as an argument, @file, or "-" for stdin');
      const bytes = await readData(arg, io, 'plaintext');
      // A JWS (as `echo` or a file gives it, with a newline) is encrypted as the bare token: a nested JWT.
      const content = classify(bytes);
      const plaintext = content.kind === 'jws' ? content.token : bytes;
      const options: EncryptJweOptions = { ...zip };
      if (enc !== undefined) options.enc = enc;
      const cty = args.string('cty') ?? (content.kind === 'jws' ? 'JWT' : undefined);
      const typ = args.string('typ');
      const kid = args.string('kid');
      if (cty !== undefined) options.cty = cty;
      if (typ !== undefined) options.typ = typ;
      if (kid !== undefined) options.kid = kid;
      token = await encryptJwe(plaintext, key, options);
    }
    return out.result({ token, header: decodeUnverified(token).header }, () => `${token}\n`);
  },
};
