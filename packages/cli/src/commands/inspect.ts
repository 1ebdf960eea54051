import { createJweDecrypter, type JoseHeader } from '@tessera/core';
import { contentAlgorithms, keyAlgorithms } from '../lib/algorithms.js';
import type { Command } from '../lib/command.js';
import { classify, type Content, decodeUnverified } from '../lib/decode.js';
import { algSummary, payloadJson, payloadText, timesOf } from '../lib/display.js';
import { readToken } from '../lib/input.js';
import { decryptCompatOf, KEY_INPUT_OPTIONS, secretEncodingOf } from '../lib/key-options.js';
import { loadKeys } from '../lib/load-keys.js';
import { formatJson } from '../lib/output.js';

const WARNING = 'UNVERIFIED: inspect decodes without checking any signature or claim; use "tessera verify" to validate.\n';

interface View {
  format: 'jws' | 'jwe' | 'nested';
  header: JoseHeader;
  encryptionHeader?: JoseHeader;
  decrypted?: boolean;
  content?: Content;
  summary: string;
}

/** `tessera inspect`: header and payload of a token, unverified; a JWE's plaintext only with a key. */
export const inspect: Command = {
  name: 'inspect',
  summary: 'show a token\'s header, payload and expiry WITHOUT verifying it (JWE: header only unless --key)',
  usage: ['inspect [options] <token|->'],
  description: [
    'Decodes a compact JWS or JWE and shows its header and payload, clearly labelled UNVERIFIED, with the',
    'expiry in words ("expires in 14 minutes", "expired 3 hours ago"). A JWE shows its header only; with --key',
    'it is decrypted (through core\'s createJweDecrypter) and its content shown — for a nested token, the inner',
    'JWS header and payload, whose signature is still not checked. Exit 0 when the token could be read, even',
    'if it has expired; 1 when it is malformed or cannot be decrypted.',
  ].join('\n'),
  options: {
    key: { type: 'string', multiple: true, value: 'key', description: 'decryption key for a JWE: file (PEM, JWK, JWKS), env:NAME, or the secret itself' },
    ...KEY_INPUT_OPTIONS,
    alg: { type: 'string', list: true, value: 'alg', description: 'algorithm of a PEM or alg-less JWK decryption key; of a secret when not dir (A256KW…)' },
    enc: { type: 'string', list: true, value: 'enc', description: 'content encryption a dir secret is sized for (default A256GCM)' },
    compat: { type: 'string', list: true, value: 'name', description: 'decrypt a peer\'s departures from the RFCs: gcmIv128, zlibDeflate' },
  },
  examples: [
    'tessera inspect eyJhbGciOiJFUzI1NiIs...',
    'pbpaste | tessera inspect - --json',
    'tessera inspect --key env:JWE_ENCRYPTION_KEY "$TOKEN"',
  ],
  async run({ args, io, out }) {
    args.expectPositionals(1, 'the token');
    const token = await readToken(args.positionals[0], io);
    const decoded = decodeUnverified(token);
    let view: View;
    if (decoded.kind === 'jws') {
      view = { format: 'jws', header: decoded.header, content: classify(decoded.payload), summary: `JWS (signed: ${algSummary(decoded.header)}), signature NOT verified` };
    } else if (!args.has('key')) {
      view = { format: 'jwe', header: decoded.header, decrypted: false, summary: `JWE (encrypted: ${algSummary(decoded.header)}); pass --key to decrypt it` };
    } else {
      const loaded = await loadKeys(args.strings('key'), {
        flag: '--key',
        algFlag: '--alg',
        role: 'decrypt',
        algs: keyAlgorithms(args.strings('alg'), '--alg'),
        encs: contentAlgorithms(args.strings('enc'), '--enc'),
        encoding: secretEncodingOf(args),
        header: decoded.header,
      }, io);
      const decrypter = createJweDecrypter({
        decryptionKeys: loaded.kind === 'keys' ? loaded.keys : loaded.jwks,
        ...decryptCompatOf(args),
      });
      const { plaintext, header } = await decrypter.decrypt(token);
      const content = classify(plaintext);
      if (content.kind === 'jws') {
        const inner = decodeUnverified(content.token);
        if (inner.kind !== 'jws') throw new Error('unreachable: classify found a JWS');
        view = {
          format: 'nested',
          header: inner.header,
          encryptionHeader: header,
          decrypted: true,
          content: classify(inner.payload),
          summary: `nested JWT: JWS ${algSummary(inner.header)} inside JWE ${algSummary(header)}; decrypted, inner signature NOT verified`,
        };
      } else {
        view = { format: 'jwe', header, encryptionHeader: header, decrypted: true, content, summary: `JWE (${algSummary(header)}), decrypted` };
      }
    }

    const times = view.content === undefined ? { json: undefined, text: '' } : timesOf(view.content, io.now());
    const json = {
      format: view.format,
      verified: false,
      header: view.header,
      ...(view.encryptionHeader === undefined ? {} : { encryptionHeader: view.encryptionHeader }),
      ...(view.decrypted === undefined ? {} : { decrypted: view.decrypted }),
      ...(view.content === undefined ? {} : payloadJson(view.content)),
      ...(times.json === undefined ? {} : { times: times.json }),
    };
    return out.result(json, () => {
      let text = `${WARNING}Format:     ${view.summary}\n`;
      if (view.encryptionHeader !== undefined && view.format === 'nested') text += `Encryption header:\n${formatJson(view.encryptionHeader)}`;
      text += `Header:\n${formatJson(view.header)}`;
      if (view.content !== undefined) text += `Payload (UNVERIFIED):\n${payloadText(view.content)}`;
      return text + times.text;
    });
  },
};
