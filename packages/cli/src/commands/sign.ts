import { signJwt } from '@tessera/core';
import { jwsAlgorithm } from '../lib/algorithms.js';
import { CLAIM_OPTIONS, claimsOf, signOptionsOf } from '../lib/claim-options.js';
import type { Command } from '../lib/command.js';
import { classify, decodeUnverified } from '../lib/decode.js';
import { UsageError } from '../lib/errors.js';
import { KEY_INPUT_OPTIONS, secretEncodingOf } from '../lib/key-options.js';
import { loadKeys, onlyKey, type KeyRequest } from '../lib/load-keys.js';

/** `tessera sign`: a JWT signed with core's `signJwt`. */
export const sign: Command = {
  name: 'sign',
  summary: 'sign claims as a JWT (JWS) with an HS*, RS*, PS*, ES* or EdDSA key',
  usage: ['sign --key <key> [--alg <alg>] [options] [claims-json|@file|-]'],
  description: [
    'Signs a JSON object of claims with core\'s signJwt and prints the compact JWS. Registered claims come from',
    'the flags (--iss, --sub, --aud, --expires-in, --not-before, --jti) or the JSON; "iat" is now. A token',
    'without "exp" is written only with --no-expiry; the default lifetime is 15 minutes.',
    '',
    'The key: a private PEM/JWK/JWKS file or a secret (HS*). A PEM key or a secret needs --alg; a JWK with',
    '"alg" does not. --json prints {"token", "header", "claims"}.',
  ].join('\n'),
  options: {
    key: { type: 'string', value: 'key', description: 'signing key: file (PEM, JWK, JWKS), env:NAME, or the secret itself' },
    alg: { type: 'string', value: 'alg', description: 'JWS algorithm: HS256/384/512, RS*, PS*, ES256/384/512, EdDSA (needed for PEM keys and secrets)' },
    kid: { type: 'string', value: 'kid', description: 'the "kid" header (default: the key\'s); picks the key from a JWKS file' },
    typ: { type: 'string', value: 'typ', description: 'the "typ" header (default JWT; at+jwt for RFC 9068 access tokens)' },
    ...KEY_INPUT_OPTIONS,
    ...CLAIM_OPTIONS,
  },
  examples: [
    'tessera sign --key signing.json --sub user-1 --aud api://orders --expires-in 10m --claim scope=read',
    'echo \'{"sub":"svc"}\' | tessera sign --key env:JWT_SECRET --alg HS256 -',
    'tessera sign --key private.pem --alg RS256 --typ at+jwt @claims.json',
  ],
  async run({ args, io, out }) {
    args.expectPositionals(1, 'the claims');
    if (!args.has('key')) throw new UsageError('sign needs a key: --key <file|env:NAME|secret>');
    const alg = args.has('alg') ? jwsAlgorithm(args.string('alg')!, '--alg') : undefined;
    const req: KeyRequest = {
      flag: '--key',
      algFlag: '--alg',
      role: 'sign',
      algs: alg === undefined ? [] : [alg],
      encoding: secretEncodingOf(args),
      kid: args.string('kid'),
    };
    const key = onlyKey(await loadKeys([args.string('key')!], req, io), req);
    if (alg !== undefined && key.alg !== alg) throw new UsageError(`--alg ${alg}, but the key is bound to ${key.alg}`);
    const claims = await claimsOf(args.positionals[0], args, io);
    const options = signOptionsOf(args, claims);
    const typ = args.string('typ');
    const kid = args.string('kid');
    if (typ !== undefined) options.typ = typ;
    if (kid !== undefined) options.kid = kid;
    const token = await signJwt(claims, key, options);
    const decoded = decodeUnverified(token);
    const content = decoded.kind === 'jws' ? classify(decoded.payload) : undefined;
    return out.result(
      { token, header: decoded.header, claims: content?.kind === 'json' ? content.value : undefined },
      () => `${token}\n`,
    );
  },
};
