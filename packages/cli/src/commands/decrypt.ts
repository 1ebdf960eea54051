import { createJweDecrypter, type JweDecryptOptions } from '@tessera/core';
import { contentAlgorithms, keyAlgorithms, onlyJwe } from '../lib/algorithms.js';
import type { Command } from '../lib/command.js';
import { classify, decodeUnverified, type Unverified } from '../lib/decode.js';
import { payloadJson, payloadText } from '../lib/display.js';
import { UsageError } from '../lib/errors.js';
import { readToken } from '../lib/input.js';
import { decryptCompatOf, KEY_INPUT_OPTIONS, secretEncodingOf } from '../lib/key-options.js';
import { loadKeys } from '../lib/load-keys.js';

/** `tessera decrypt`: the plaintext of a JWE, with core's `createJweDecrypter`. */
export const decrypt: Command = {
  name: 'decrypt',
  summary: 'decrypt a JWE and print its plaintext (for a nested token: the inner JWS, not verified)',
  usage: ['decrypt --key <key>… [--alg <alg>] [--enc <enc>] [options] <token|->'],
  description: [
    'Decrypts a compact JWE with core\'s createJweDecrypter (allowlists, size caps, key by kid/alg/enc) and prints',
    'the plaintext: a JSON payload pretty-printed, the inner JWS of a nested token, or the text. Nothing inside',
    'is verified: use "tessera verify --decryption-key … --key …" to check the inner signature and the claims.',
    'Exit 1 when the token cannot be decrypted.',
    '',
    '--json prints {"header", "payload"} (a JSON payload, or the text), {"header", "jwt"} for a nested token,',
    'or {"header", "payloadBase64url"} for binary data.',
  ].join('\n'),
  options: {
    key: { type: 'string', multiple: true, value: 'key', description: 'a secret (dir, or key wrapping with --alg), or a private PEM/JWK/JWKS (file or env:NAME)' },
    alg: { type: 'string', list: true, value: 'alg', description: 'accepted key management (dir, A*KW, A*GCMKW, RSA-OAEP*, ECDH-ES*); binds PEM keys and secrets' },
    enc: { type: 'string', list: true, value: 'enc', description: 'accepted content encryptions; sizes a dir secret (default A256GCM)' },
    ...KEY_INPUT_OPTIONS,
    typ: { type: 'string', multiple: true, value: 'typ', description: 'expected "typ" header of the JWE' },
    'no-compression': { type: 'boolean', description: 'reject zip: DEF tokens' },
    'max-token-size': { type: 'string', value: 'bytes', description: 'largest token accepted (default 8192)' },
    'max-inflated-size': { type: 'string', value: 'bytes', description: 'largest zip: DEF plaintext after inflation (default 262144)' },
    compat: { type: 'string', list: true, value: 'name', description: 'read a peer\'s departures from the RFCs: gcmIv128, zlibDeflate' },
  },
  examples: [
    'tessera decrypt --key env:JWE_ENCRYPTION_KEY "$JWE"',
    'tessera decrypt --key env:JWE_ENCRYPTION_KEY --enc A128GCM --json - < token.txt',
    'tessera decrypt --key enc.json "$NESTED" | tessera inspect -',
  ],
  async run({ args, io, out }) {
    args.expectPositionals(1, 'the token');
    const token = await readToken(args.positionals[0], io);
    if (!args.has('key')) throw new UsageError('decrypt needs a key: --key <file|env:NAME|secret>');
    let decoded: Unverified | undefined;
    try {
      decoded = decodeUnverified(token);
    } catch {
      // Core reports a malformed token with its own code; the header only served hints.
    }
    const algs = keyAlgorithms(args.strings('alg'), '--alg');
    const encs = contentAlgorithms(args.strings('enc'), '--enc');
    const loaded = await loadKeys(args.strings('key'), {
      flag: '--key',
      algFlag: '--alg',
      role: 'decrypt',
      algs,
      encs,
      encoding: secretEncodingOf(args),
      header: decoded?.kind === 'jwe' ? decoded.header : undefined,
    }, io);
    const options: JweDecryptOptions = { decryptionKeys: loaded.kind === 'keys' ? loaded.keys : loaded.jwks, ...decryptCompatOf(args) };
    const jwe = onlyJwe(algs);
    if (jwe.length > 0) options.keyManagementAlgorithms = jwe;
    if (encs.length > 0) options.contentEncryptionAlgorithms = encs;
    const typ = args.strings('typ');
    if (typ.length > 0) options.typ = typ;
    if (args.flag('no-compression')) options.allowCompression = false;
    const maxTokenSize = args.integer('max-token-size');
    const maxInflatedSize = args.integer('max-inflated-size');
    if (maxTokenSize !== undefined) options.maxTokenSize = maxTokenSize;
    if (maxInflatedSize !== undefined) options.maxInflatedSize = maxInflatedSize;

    const { plaintext, header } = await createJweDecrypter(options).decrypt(token);
    const content = classify(plaintext);
    if (content.kind === 'jws') out.note('The plaintext is a signed JWT; its signature is not verified here (use "tessera verify").');
    const json = content.kind === 'jws' ? { header, jwt: content.token } : { header, ...payloadJson(content) };
    return out.result(json, () => (content.kind === 'binary' ? content.bytes : payloadText(content)));
  },
};
