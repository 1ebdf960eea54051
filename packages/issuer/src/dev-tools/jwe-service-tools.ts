import {
  CONTENT_KEY_BYTES,
  createJweDecrypter,
  encryptJwe,
  generateSecret,
  importSecret,
  isJweContentAlgorithm,
  TesseraError,
  type JweContentAlgorithm,
  type TesseraKey,
} from '@tessera/core';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { badField, text, type DevHandler } from './dev-request.js';

const decoder = new TextDecoder();
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function contentAlgorithm(body: Record<string, unknown>, name: string): JweContentAlgorithm {
  const value = body[name] ?? 'A256GCM';
  if (!isJweContentAlgorithm(value)) {
    throw badField(`"${name}" must be one of A128GCM, A192GCM, A256GCM, A128CBC-HS256, A192CBC-HS384, A256CBC-HS512`);
  }
  return value;
}

function compression(body: Record<string, unknown>): 'DEF' | undefined {
  const value = body.compression;
  if (value === undefined || value === null) return undefined;
  if (value !== 'DEF') throw badField('"compression" must be null or "DEF"');
  return 'DEF';
}

function dirKey(body: Record<string, unknown>, enc: JweContentAlgorithm): Promise<TesseraKey> {
  const key = text(body, 'encryption_key', true);
  const encoding = /^[0-9a-fA-F]+$/.test(key) && key.length === CONTENT_KEY_BYTES[enc] * 2 ? 'hex' : 'base64';
  return importSecret(key, { alg: 'dir', enc, encoding });
}

/** `POST /generate-jwe-key` `{ algorithm?, format? }` → `{ encryption_key, algorithm, format, key_size_bytes, note }`. */
export const generateJweKey: DevHandler = async (body) => {
  const algorithm = contentAlgorithm(body, 'algorithm');
  const format = body.format ?? 'base64';
  if (format !== 'base64' && format !== 'hex') throw badField('"format" must be "base64" or "hex"');
  return {
    encryption_key: generateSecret(algorithm, { format }),
    algorithm,
    format,
    key_size_bytes: CONTENT_KEY_BYTES[algorithm],
    note: 'Store this key securely! Add it to your environment variables.',
  };
};

/**
 * `POST /encrypt-jwe` `{ token | payload, encryption_key, encryption?, compression? }` → `{ jwe_token, encryption,
 * compression }`: a `dir` JWE of the JWT (with `cty: JWT`) or of the JSON payload.
 */
export const encryptJweTool: DevHandler = async (body) => {
  const enc = contentAlgorithm(body, 'encryption');
  const zip = compression(body);
  const token = text(body, 'token', false);
  const payload = body.payload;
  if ((token === undefined) === (payload === undefined || payload === null)) {
    throw badField('give exactly one of "token" and "payload"');
  }
  if (payload !== undefined && payload !== null && (typeof payload !== 'object' || Array.isArray(payload))) {
    throw badField('"payload" must be a JSON object');
  }
  const key = await dirKey(body, enc);
  const jwe = token === undefined
    ? await encryptJwe(payload as Record<string, unknown>, key, { enc, ...(zip === undefined ? {} : { zip }) })
    : await encryptJwe(token, key, { enc, cty: 'JWT', ...(zip === undefined ? {} : { zip }) });
  return { jwe_token: jwe, encryption: enc, compression: zip ?? null };
};

/**
 * `POST /decrypt-jwe` `{ jwe_token, encryption_key, encryption?, extract_jwt? }` → `{ jwt_token, note }` (default),
 * or `{ payload }` with `extract_jwt: false`. Reads the JWE service's `{"jwt": "…"}` envelope too.
 */
export const decryptJweTool: DevHandler = async (body) => {
  const enc = contentAlgorithm(body, 'encryption');
  const jwe = text(body, 'jwe_token', true);
  const extract = body.extract_jwt ?? true;
  if (typeof extract !== 'boolean') throw badField('"extract_jwt" must be true or false');
  const key = await dirKey(body, enc);
  const decrypter = createJweDecrypter({
    decryptionKeys: key, keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: [enc],
  });
  const plain = decoder.decode((await decrypter.decrypt(jwe)).plaintext);
  let json: unknown;
  if (!COMPACT_JWS.test(plain)) {
    try {
      json = JSON.parse(plain);
    } catch {
      throw badField('the decrypted content is neither a JWT nor JSON');
    }
  }
  const envelope = typeof json === 'object' && json !== null && typeof (json as { jwt?: unknown }).jwt === 'string'
    ? (json as { jwt: string }).jwt : undefined;
  const jwt = json === undefined ? plain : envelope;
  if (extract) {
    if (jwt === undefined) throw badField('the JWE does not hold a JWT; use "extract_jwt": false');
    return { jwt_token: jwt, note: 'Use /decode endpoint to decode the JWT token' };
  }
  return { payload: jwt === undefined ? json : decodeJwt(jwt) };
};

/**
 * `POST /decode` `{ token }` → `{ header, payload, verified: false }`: reads a JWT **without checking it** (a JWE's
 * payload is encrypted: only its header is shown).
 */
export const decodeTool: DevHandler = async (body) => {
  const token = text(body, 'token', true);
  if (token.length > 16_384) throw badField('"token" is too long');
  try {
    const header = decodeProtectedHeader(token);
    const payload = token.split('.').length === 3 ? decodeJwt(token) : undefined;
    return {
      header, ...(payload === undefined ? {} : { payload }), verified: false,
      note: 'Decoded without verification: never trust these claims.',
    };
  } catch (cause) {
    throw new TesseraError('token_malformed', 'the token is not a compact JWS or JWE', { cause });
  }
};
