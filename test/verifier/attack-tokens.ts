/**
 * Known attacks on JWT verifiers, as tokens, each with the code a Tessera verifier must answer. The same kinds of
 * tokens as core's attack suite (packages/core/test/attacks.test.ts), minted here from public APIs only, so they can
 * be sent over HTTP through the adapters.
 */
import { encryptJwe, generateKeyPair, generateSecret, importSecret, signJwt, type GeneratedKeyPair, type TesseraKey } from '@tessera/core';
import { CompactEncrypt, SignJWT, base64url, exportSPKI, generateKeyPair as joseKeyPair, exportJWK } from 'jose';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export const ISSUER = 'https://issuer.example';
export const AUDIENCE = 'api://orders';

export interface AttackKeys {
  signing: GeneratedKeyPair;
  dir: TesseraKey;
  dirBytes: Uint8Array;
}

export async function attackKeys(): Promise<AttackKeys> {
  const secret = generateSecret('A256GCM');
  return {
    signing: await generateKeyPair('ES256', { kid: 'k1' }),
    dir: await importSecret(secret, { alg: 'dir', enc: 'A256GCM' }),
    dirBytes: new Uint8Array(Buffer.from(secret, 'base64')),
  };
}

const b64 = (text: string | Uint8Array) => base64url.encode(text);
const now = () => Math.floor(Date.now() / 1000);
const claims = (extra: object = {}) => ({ sub: 'victim', iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 600, ...extra });

async function hmac(input: string, secret: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return b64(new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input))));
}

async function es256(input: string, key: CryptoKey): Promise<string> {
  return b64(new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, new TextEncoder().encode(input))));
}

/** [name, token, expected code] for every attack. */
export async function attackTokens(keys: AttackKeys): Promise<[string, string, string][]> {
  const priv = keys.signing.privateKey.key as CryptoKey;
  const pub = keys.signing.publicKey.key as CryptoKey;
  const body = b64(JSON.stringify(claims()));
  const header = (h: object) => b64(JSON.stringify(h));
  const signedWith = async (h: string, p: string) => `${h}.${p}.${await es256(`${h}.${p}`, priv)}`;
  const attacker = await joseKeyPair('ES256', { extractable: true });
  const attackerJwk = await exportJWK(attacker.publicKey);
  const good = await signJwt(claims(), keys.signing.privateKey, { kid: 'k1' });
  const [gh, gp, gs] = good.split('.') as [string, string, string];
  const pem = await exportSPKI(pub);
  const der = Buffer.concat([Buffer.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01])]);
  const bomb = await encryptJwe(JSON.stringify({ ...claims(), pad: '0'.repeat(1_000_000) }), keys.dir, { zip: 'DEF' });
  const wrongDir = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(claims())))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .encrypt(crypto.getRandomValues(new Uint8Array(32)));

  return [
    ...['none', 'NONE', 'nOnE'].map((alg): [string, string, string] => [`alg ${alg}`, `${header({ alg, typ: 'JWT' })}.${body}.`, 'alg_not_allowed']),
    ['HS256 keyed with the ES256 public key PEM (algorithm confusion)', `${header({ alg: 'HS256', kid: 'k1' })}.${body}.${await hmac(`${header({ alg: 'HS256', kid: 'k1' })}.${body}`, new TextEncoder().encode(pem))}`, 'alg_not_allowed'],
    ['an attacker key embedded as jwk', await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', jwk: attackerJwk }).sign(attacker.privateKey), 'signature_invalid'],
    ['a jku pointing at the attacker', await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', kid: 'k1', jku: 'https://evil.example/jwks' }).sign(attacker.privateKey), 'signature_invalid'],
    ['an ES256 signature r = s = 0 (psychic signature)', `${gh}.${gp}.${b64(new Uint8Array(64))}`, 'signature_invalid'],
    ['an ES256 signature in DER', `${gh}.${gp}.${b64(der)}`, 'signature_invalid'],
    ['a tampered payload', `${gh}.${b64(JSON.stringify(claims({ sub: 'admin' })))}.${gs}`, 'signature_invalid'],
    ['crit naming an unknown extension', await signedWith(header({ alg: 'ES256', kid: 'k1', crit: ['exp'], exp: 1 }), body), 'header_invalid'],
    ['duplicate alg members', await signedWith(b64('{"alg":"ES256","alg":"none","kid":"k1"}'), body), 'token_malformed'],
    ['a BOM before the header', await signedWith(b64(`\uFEFF${JSON.stringify({ alg: 'ES256', kid: 'k1' })}`), body), 'token_malformed'],
    // The same signature bytes spelled with non-zero unused bits in the last character (86 characters: 4 unused bits).
    ['non-canonical base64url (same bytes, non-zero trailing bits)', `${gh}.${gp}.${gs.slice(0, -1)}${ALPHABET[ALPHABET.indexOf(gs.slice(-1)) | 1]}`, 'token_malformed'],
    ['a PBES2 JWE with a huge p2c', `${header({ alg: 'PBES2-HS256+A128KW', enc: 'A128GCM', p2c: 2_000_000_000, p2s: 'AAAAAAAAAAAAAAAAAAAAAA' })}.AAAA.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA`, 'alg_not_allowed'],
    ['an RSA1_5 JWE', `${header({ alg: 'RSA1_5', enc: 'A128GCM' })}.AAAA.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA`, 'alg_not_allowed'],
    ['a 10 kB token', `${gh}.${b64('x'.repeat(7600))}.${gs}`, 'token_too_large'],
    ['a zip DEF bomb', bomb, 'token_too_large'],
    ['a dir JWE under another key', wrongDir, 'decryption_failed'],
    ['three garbage segments', 'aaaa.bbbb.cccc', 'token_malformed'],
    ['an expired token', await signedWith(header({ alg: 'ES256', kid: 'k1' }), b64(JSON.stringify(claims({ exp: now() - 60 })))), 'token_expired'],
    ['a token not valid yet', await signedWith(header({ alg: 'ES256', kid: 'k1' }), b64(JSON.stringify(claims({ nbf: now() + 600 })))), 'token_not_yet_valid'],
    ['a token of another issuer', await signedWith(header({ alg: 'ES256', kid: 'k1' }), b64(JSON.stringify(claims({ iss: 'https://evil.example' })))), 'claim_invalid'],
    ['a token for another audience', await signedWith(header({ alg: 'ES256', kid: 'k1' }), b64(JSON.stringify(claims({ aud: 'api://other' })))), 'claim_invalid'],
    ['a token without exp', await signedWith(header({ alg: 'ES256', kid: 'k1' }), b64(JSON.stringify({ sub: 'x', iss: ISSUER, aud: AUDIENCE }))), 'claim_missing'],
  ];
}
