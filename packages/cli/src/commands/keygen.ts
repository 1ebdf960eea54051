import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  CONTENT_KEY_BYTES,
  generateKeyPair,
  generateSecret,
  HMAC_MIN_KEY_BYTES,
  isJweContentAlgorithm,
  isKeyWrapAlgorithm,
  JWE_CONTENT_ALGORITHMS,
  KEY_WRAP_BYTES,
  TesseraError,
  type GeneratedKeyPair,
  type HmacAlgorithm,
  type JweContentAlgorithm,
  type Jwk,
  type KeyPairAlgorithm,
  type KeyWrapAlgorithm,
} from '@tessera/core';
import type { Args } from '../lib/args.js';
import type { Command, CommandContext } from '../lib/command.js';
import { type ExitCode, UsageError } from '../lib/errors.js';
import { formatJson } from '../lib/output.js';

const PAIR_ALGS: readonly KeyPairAlgorithm[] = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA',
  'RSA-OAEP', 'RSA-OAEP-256', 'RSA-OAEP-384', 'RSA-OAEP-512', 'ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW',
];
const KEY_WRAP_ALGS: readonly KeyWrapAlgorithm[] = ['A128KW', 'A192KW', 'A256KW', 'A128GCMKW', 'A192GCMKW', 'A256GCMKW'];
const HMAC_ALGS: readonly HmacAlgorithm[] = ['HS256', 'HS384', 'HS512'];
const SECRET_FORMATS = ['base64', 'base64url', 'hex', 'jwk'] as const;
const PAIR_FORMATS = ['jwk', 'jwks', 'pem'] as const;
const CURVES = ['P-256', 'P-384', 'P-521', 'X25519'] as const;

/** The note the JWE service's `/generate-jwe-key` answers with. */
const NOTE = 'Store this key securely! Add it to your environment variables.';

type SecretSpec = { kind: 'secret'; alg: HmacAlgorithm | KeyWrapAlgorithm | 'dir'; enc: JweContentAlgorithm | undefined };
type PairSpec = { kind: 'pair'; alg: KeyPairAlgorithm };

function whatToMake(args: Args): SecretSpec | PairSpec {
  const alg = args.string('alg');
  const encFlag = args.string('enc');
  if (encFlag !== undefined && !isJweContentAlgorithm(encFlag)) {
    throw new TesseraError('unsupported_algorithm', `--enc is not supported; use one of ${JWE_CONTENT_ALGORITHMS.join(', ')}`);
  }
  if (alg === undefined || alg === 'dir') return { kind: 'secret', alg: 'dir', enc: encFlag ?? 'A256GCM' };
  // The JWE service's generator takes the content encryption as its "algorithm": accept that spelling too.
  if (isJweContentAlgorithm(alg)) {
    if (encFlag !== undefined && encFlag !== alg) throw new UsageError(`--alg ${alg} and --enc ${encFlag} disagree`);
    return { kind: 'secret', alg: 'dir', enc: alg };
  }
  if (encFlag !== undefined) throw new UsageError('--enc applies to dir keys only');
  if ((HMAC_ALGS as readonly string[]).includes(alg)) return { kind: 'secret', alg: alg as HmacAlgorithm, enc: undefined };
  if (isKeyWrapAlgorithm(alg)) return { kind: 'secret', alg, enc: undefined };
  if ((PAIR_ALGS as readonly string[]).includes(alg)) return { kind: 'pair', alg: alg as KeyPairAlgorithm };
  const shown = /^[A-Za-z0-9+._-]{1,32}$/.test(alg) ? `"${alg}"` : 'the value';
  throw new TesseraError(
    'unsupported_algorithm',
    `--alg ${shown} is not supported; use dir (with --enc), ${[...JWE_CONTENT_ALGORITHMS, ...HMAC_ALGS, ...KEY_WRAP_ALGS, ...PAIR_ALGS].join(', ')}`,
  );
}

/** `key.pem` → `key.pub.pem`; `key` → `key.pub`. */
function publicPath(path: string): string {
  const match = /^(.*[^/\\])(\.[A-Za-z0-9]+)$/.exec(path);
  return match === null ? `${path}.pub` : `${match[1]}.pub${match[2]}`;
}

async function writeKeyFile(ctx: CommandContext, path: string, data: string, secret: boolean): Promise<void> {
  const force = ctx.args.flag('force');
  try {
    await writeFile(resolve(ctx.io.cwd, path), data, { mode: secret ? 0o600 : 0o644, flag: force ? 'w' : 'wx' });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EEXIST') throw new UsageError(`"${path}" exists; pass --force to overwrite it`);
    throw new UsageError(`cannot write "${path}" (${code ?? 'write error'})`);
  }
}

async function makeSecret(ctx: CommandContext, spec: SecretSpec): Promise<ExitCode> {
  const { args, out } = ctx;
  for (const flag of ['crv', 'modulus-length'] as const) {
    if (args.has(flag)) throw new UsageError(`--${flag} applies to key pairs only`);
  }
  if (args.flag('public')) throw new UsageError('--public applies to key pairs only (a secret has no public half)');
  const format = args.choice('format', SECRET_FORMATS) ?? 'base64';
  const sized = spec.alg === 'dir' ? spec.enc! : spec.alg;
  const size = spec.alg === 'dir' ? CONTENT_KEY_BYTES[spec.enc!] : isKeyWrapAlgorithm(spec.alg) ? KEY_WRAP_BYTES[spec.alg] : HMAC_MIN_KEY_BYTES[spec.alg];
  const kid = args.string('kid');
  let key: string | Jwk;
  if (format === 'jwk') {
    key = {
      kty: 'oct',
      k: generateSecret(sized, { format: 'base64url' }),
      alg: spec.alg,
      use: spec.alg.startsWith('HS') ? 'sig' : 'enc',
      ...(spec.enc === undefined ? {} : { enc: spec.enc }),
      ...(kid === undefined ? {} : { kid }),
    };
  } else {
    if (kid !== undefined) throw new UsageError('--kid applies to --format jwk and key pairs only (a bare secret has no kid)');
    key = generateSecret(sized, { format });
  }
  const text = typeof key === 'string' ? `${key}\n` : formatJson(key);
  const file = args.string('out');
  if (file !== undefined) {
    await writeKeyFile(ctx, file, text, true);
    return out.result({ algorithm: sized, format, key_size_bytes: size, file, note: NOTE }, () =>
      `Wrote a ${size}-byte ${sized} key (${format}) to ${file}\n`);
  }
  // The JSON shape of the JWE service's /generate-jwe-key answer.
  return out.result({ encryption_key: key, algorithm: sized, format, key_size_bytes: size, note: NOTE }, () => text);
}

function forms(pair: GeneratedKeyPair, format: (typeof PAIR_FORMATS)[number]): { privateKey: string | object; publicKey: string | object } {
  switch (format) {
    case 'pem':
      return { privateKey: pair.privatePem, publicKey: pair.publicPem };
    case 'jwks':
      return { privateKey: { keys: [pair.privateJwk] }, publicKey: { keys: [pair.publicJwk] } };
    case 'jwk':
      return { privateKey: pair.privateJwk, publicKey: pair.publicJwk };
  }
}

function asText(form: string | object): string {
  return typeof form === 'string' ? (form.endsWith('\n') ? form : `${form}\n`) : formatJson(form);
}

async function makePair(ctx: CommandContext, spec: PairSpec): Promise<ExitCode> {
  const { args, out } = ctx;
  const format = args.choice('format', PAIR_FORMATS) ?? 'jwk';
  const crv = args.choice('crv', CURVES);
  const modulusLength = args.integer('modulus-length');
  if (crv !== undefined && !spec.alg.startsWith('ECDH-ES')) throw new UsageError(`--crv applies to ECDH-ES algorithms only, not ${spec.alg}`);
  const rsa = /^(RS|PS)\d/.test(spec.alg) || spec.alg.startsWith('RSA-OAEP');
  if (modulusLength !== undefined && !rsa) throw new UsageError(`--modulus-length applies to RSA algorithms only, not ${spec.alg}`);
  if (modulusLength !== undefined && (modulusLength < 2048 || modulusLength > 16384 || modulusLength % 8 !== 0)) {
    throw new UsageError('--modulus-length must be a multiple of 8 from 2048 to 16384');
  }
  const kid = args.string('kid');
  const pair = await generateKeyPair(spec.alg, {
    ...(crv === undefined ? {} : { crv }),
    ...(modulusLength === undefined ? {} : { modulusLength }),
    ...(kid === undefined ? {} : { kid }),
  });
  const { privateKey, publicKey } = forms(pair, format);
  const about = { kid: pair.kid, alg: pair.alg, use: pair.use, ...(crv === undefined ? {} : { crv }), format };
  const kidNote = `${pair.alg} key pair, kid "${pair.kid}"${kid === undefined ? ' (RFC 7638 thumbprint)' : ''}`;

  const file = args.string('out');
  if (file !== undefined) {
    if (args.flag('public')) throw new UsageError('--public prints the public key; with --out both halves are written');
    const pubFile = publicPath(file);
    await writeKeyFile(ctx, file, asText(privateKey), true);
    await writeKeyFile(ctx, pubFile, asText(publicKey), false);
    return out.result({ ...about, files: { privateKey: file, publicKey: pubFile } }, () =>
      `${kidNote}\n  private key: ${file}\n  public key:  ${pubFile}\n`);
  }
  out.note(kidNote);
  if (args.flag('public')) return out.result({ ...about, publicKey }, () => asText(publicKey));
  return out.result({ ...about, privateKey, publicKey }, () => asText(privateKey));
}

/** `tessera keygen`: symmetric keys in the JWE service's format, or key pairs as JWK/JWKS/PEM with an RFC 7638 kid. */
export const keygen: Command = {
  name: 'keygen',
  summary: 'generate a symmetric key (base64/hex/base64url/JWK) or a key pair (JWK/JWKS/PEM)',
  usage: ['keygen [--enc A256GCM | --alg HS256|ES256|…] [options]'],
  description: [
    'Generates a key with core\'s generateSecret / generateKeyPair.',
    '',
    'Without --alg: a "dir" key for --enc (default A256GCM), printed as base64 like the JWE service\'s',
    '/generate-jwe-key; --json prints that endpoint\'s answer: {"encryption_key", "algorithm", "format",',
    '"key_size_bytes", "note"}. --alg HS256/HS384/HS512 makes an HMAC secret the same way, and --alg',
    'A128KW…A256KW / A128GCMKW…A256GCMKW a key-wrapping secret.',
    '',
    'With an asymmetric --alg: a key pair whose kid is its RFC 7638 thumbprint (unless --kid). The private key',
    'goes to stdout (or --out FILE, mode 0600, with the public key in FILE.pub.EXT); --public prints only the',
    'public key.',
  ].join('\n'),
  options: {
    alg: { type: 'string', value: 'alg', description: 'dir, A128GCM…A256CBC-HS512, HS256/384/512, A*KW/A*GCMKW, RS*/PS*/ES*/EdDSA, RSA-OAEP[-256/384/512], ECDH-ES[+A*KW]' },
    enc: { type: 'string', value: 'enc', description: 'content encryption a dir key is sized for (default A256GCM)' },
    format: { type: 'string', value: 'format', description: 'secrets: base64 (default), base64url, hex, jwk; key pairs: jwk (default), jwks, pem' },
    crv: { type: 'string', value: 'curve', description: 'curve for ECDH-ES*: P-256 (default), P-384, P-521, X25519' },
    'modulus-length': { type: 'string', value: 'bits', description: 'RSA modulus size (default 2048)' },
    kid: { type: 'string', value: 'kid', description: 'key id (default for key pairs: the RFC 7638 thumbprint)' },
    public: { type: 'boolean', description: 'print only the public key of a key pair' },
    out: { type: 'string', value: 'file', description: 'write the key to a file (mode 0600) instead of stdout; key pairs also write the public key' },
    force: { type: 'boolean', description: 'overwrite --out files that exist' },
  },
  examples: [
    'tessera keygen                                  # 32-byte A256GCM key, base64',
    'tessera keygen --enc A128GCM --format hex --json',
    'tessera keygen --alg HS256',
    'tessera keygen --alg ES256 --out signing.json  # signing.json + signing.pub.json',
    'tessera keygen --alg ECDH-ES+A256KW --crv X25519 --format pem --out enc.pem',
  ],
  async run(ctx) {
    ctx.args.expectPositionals(0, '');
    const spec = whatToMake(ctx.args);
    return spec.kind === 'secret' ? makeSecret(ctx, spec) : makePair(ctx, spec);
  },
};
