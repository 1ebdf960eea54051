import { Buffer } from 'node:buffer';
import { compactVerify, CompactSign } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, type GeneratedKeyPair, importJwk, importSecret, KeySet } from '../src/keys/index.js';
import type { TesseraKey } from '../src/types.js';
import { expectNoPrivateMembers, expectThrows } from './keys-helpers.js';

const T0 = 1_700_000_000_000;

/** A clock the test moves by hand. */
function clock(start = T0): { now: () => number; advance: (seconds: number) => void } {
  let t = start;
  return { now: () => t, advance: (s) => void (t += s * 1000) };
}

async function sign(key: TesseraKey): Promise<string> {
  return new CompactSign(new TextEncoder().encode('x')).setProtectedHeader({ alg: key.alg, kid: key.kid! }).sign(key.key as CryptoKey);
}

function headerOf(token: string): { alg: string; kid?: string } {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { alg: string; kid?: string };
}

let es1: GeneratedKeyPair;
let es2: GeneratedKeyPair;
let es3: GeneratedKeyPair;
let ed: GeneratedKeyPair;
let rsa: GeneratedKeyPair;
let ecdh: GeneratedKeyPair;
beforeAll(async () => {
  [es1, es2, es3, ed, rsa, ecdh] = await Promise.all([
    generateKeyPair('ES256', { kid: 'es-1' }),
    generateKeyPair('ES256', { kid: 'es-2' }),
    generateKeyPair('ES256', { kid: 'es-3' }),
    generateKeyPair('EdDSA', { kid: 'ed-1' }),
    generateKeyPair('RS256', { kid: 'rs-1' }),
    generateKeyPair('ECDH-ES+A256KW', { kid: 'enc-1' }),
  ]);
});

describe('KeySet', () => {
  describe('rotation with an injected clock', () => {
    it('issues with the newest key and keeps checking the old one until the overlap ends', async () => {
      const c = clock();
      const keys = new KeySet([es1.privateKey], { now: c.now });
      const oldToken = await sign(keys.current('sig')!);
      expect(headerOf(oldToken).kid).toBe('es-1');

      c.advance(10);
      keys.rotate(es2.privateKey, { overlapSeconds: 3600 });
      const newToken = await sign(keys.current('sig')!);
      expect(headerOf(newToken).kid).toBe('es-2');

      for (const token of [oldToken, newToken]) {
        const [key] = keys.resolve(headerOf(token), 'sig');
        expect(key?.type).toBe('public');
        await expect(compactVerify(token, key!.key as CryptoKey)).resolves.toBeTruthy();
      }

      c.advance(3599);
      expect(keys.resolve({ alg: 'ES256', kid: 'es-1' }, 'sig')).toHaveLength(1);
      c.advance(1);
      expect(keys.resolve({ alg: 'ES256', kid: 'es-1' }, 'sig')).toEqual([]);
      expect(keys.list().map((k) => k.kid)).toEqual(['es-2']);
      expect(keys.get('es-1')).toBeUndefined();
      expect(keys.toPublicJwks().keys.map((k) => k.kid)).toEqual(['es-2']);
    });

    it('retires every key that was current for that use, but not public keys of peers', () => {
      const c = clock();
      const keys = new KeySet([es1.privateKey, ed.privateKey, rsa.publicKey], { now: c.now });
      keys.rotate(es2.privateKey, { overlapSeconds: 60 });
      c.advance(60);
      expect(keys.list().map((k) => k.kid).sort()).toEqual(['es-2', 'rs-1']);
    });

    it('does not retire keys of the other use', () => {
      const c = clock();
      const keys = new KeySet([es1.privateKey, ecdh.privateKey], { now: c.now });
      keys.rotate(es2.privateKey, { overlapSeconds: 0 });
      expect(keys.list().map((k) => k.kid).sort()).toEqual(['enc-1', 'es-2']);
    });

    it('switches the current key at activeFrom without any call in between', () => {
      const c = clock();
      const keys = new KeySet([es1.privateKey], { now: c.now });
      keys.add(es2.privateKey, { activeFrom: T0 + 60_000 });
      expect(keys.current('sig')?.kid).toBe('es-1');
      // Published ahead of use, so verifiers already accept it.
      expect(keys.resolve({ alg: 'ES256', kid: 'es-2' }, 'sig')).toHaveLength(1);
      c.advance(60);
      expect(keys.current('sig')?.kid).toBe('es-2');
    });

    it('retires a key at a given time, or now', () => {
      const c = clock();
      const keys = new KeySet([es1.privateKey, es2.privateKey], { now: c.now });
      keys.retire('es-1', new Date(T0 + 5000));
      expect(keys.resolve({ alg: 'ES256', kid: 'es-1' }, 'sig')).toHaveLength(1);
      c.advance(5);
      expect(keys.resolve({ alg: 'ES256', kid: 'es-1' }, 'sig')).toEqual([]);
      keys.retire('es-2');
      expect(keys.current('sig')).toBeUndefined();
      expect(keys.list()).toEqual([]);
    });

    it('honours retireAt given to add', () => {
      const c = clock();
      const keys = new KeySet([], { now: c.now }).add(es1.privateKey, { retireAt: T0 + 1000 });
      expect(keys.current('sig', 'ES256')?.kid).toBe('es-1');
      c.advance(1);
      expect(keys.current('sig', 'ES256')).toBeUndefined();
    });
  });

  describe('resolve', () => {
    it('lists every key of the header alg, newest first, when there is no kid', () => {
      const keys = new KeySet([es1.privateKey, es2.publicKey, es3.privateKey, ed.privateKey, rsa.publicKey]);
      expect(keys.resolve({ alg: 'ES256' }, 'sig').map((k) => k.kid)).toEqual(['es-3', 'es-2', 'es-1']);
      expect(keys.resolve({ alg: 'EdDSA' }, 'sig').map((k) => k.kid)).toEqual(['ed-1']);
    });

    it('never returns a key of another algorithm, whatever the kid says', async () => {
      const hmac = await importSecret(new Uint8Array(32).fill(1), { alg: 'HS256', kid: 'rs-1' });
      const keys = new KeySet([rsa.publicKey, hmac]);
      expect(keys.resolve({ alg: 'HS256', kid: 'rs-1' }, 'sig')).toEqual([hmac]);
      expect(keys.resolve({ alg: 'RS256', kid: 'rs-1' }, 'sig')).toEqual([rsa.publicKey]);
      expect(keys.resolve({ alg: 'PS256', kid: 'rs-1' }, 'sig')).toEqual([]);
      expect(keys.resolve({ alg: 'HS384' }, 'sig')).toEqual([]);
      expect(keys.resolve({ alg: 'none' }, 'sig')).toEqual([]);
      expect(keys.resolve({ alg: 'RS256' }, 'enc')).toEqual([]);
    });

    it('returns nothing for an unknown kid or a kid that is not a string', () => {
      const keys = new KeySet([es1.privateKey]);
      expect(keys.resolve({ alg: 'ES256', kid: 'nope' }, 'sig')).toEqual([]);
      expect(keys.resolve({ alg: 'ES256', kid: 1 as unknown as string }, 'sig')).toEqual([]);
      expect(keys.resolve({ alg: 1 as unknown as string }, 'sig')).toEqual([]);
    });

    it('hands out the public half of a private signing key, and private keys for decryption', () => {
      const keys = new KeySet([es1.privateKey, ecdh.privateKey, rsa.publicKey]);
      expect(keys.resolve({ alg: 'ES256' }, 'sig')).toEqual([es1.publicKey]);
      expect(keys.resolve({ alg: 'ECDH-ES+A256KW' }, 'enc')).toEqual([ecdh.privateKey]);
      // A public encryption key cannot decrypt, so it never resolves for enc.
      expect(new KeySet([ecdh.publicKey]).resolve({ alg: 'ECDH-ES+A256KW' }, 'enc')).toEqual([]);
    });

    it('matches dir keys by enc too', async () => {
      const a128 = await importSecret(new Uint8Array(16), { alg: 'dir', enc: 'A128GCM' });
      const a256 = await importSecret(new Uint8Array(32), { alg: 'dir', enc: 'A256GCM' });
      const keys = new KeySet([a128, a256]);
      expect(keys.resolve({ alg: 'dir', enc: 'A128GCM' }, 'enc')).toEqual([a128]);
      expect(keys.resolve({ alg: 'dir', enc: 'A256GCM' }, 'enc')).toEqual([a256]);
      expect(keys.resolve({ alg: 'dir', enc: 'A192GCM' }, 'enc')).toEqual([]);
      expect(keys.resolve({ alg: 'dir' }, 'enc')).toEqual([]);
      expect(keys.resolve({ alg: 'dir A128GCM' }, 'enc')).toEqual([]);
      expect(keys.resolve({ alg: 'A128GCM', enc: 'A128GCM' }, 'enc')).toEqual([]);
      expect(keys.resolve({ alg: 'dir', enc: 'A128GCM' }, 'sig')).toEqual([]);
    });

    it('returns the same frozen list until the set changes', () => {
      const keys = new KeySet([es1.privateKey, es2.privateKey]);
      const first = keys.resolve({ alg: 'ES256' }, 'sig');
      expect(Object.isFrozen(first)).toBe(true);
      expect(keys.resolve({ alg: 'ES256' }, 'sig')).toBe(first);
      keys.add(es3.privateKey);
      expect(keys.resolve({ alg: 'ES256' }, 'sig')).not.toBe(first);
    });
  });

  describe('current', () => {
    it('picks a key that can issue: private or secret to sign, public or secret to encrypt', async () => {
      const dir = await importSecret(new Uint8Array(32), { alg: 'dir', enc: 'A256GCM', kid: 'dir-1' });
      const keys = new KeySet([es1.privateKey, rsa.publicKey, ecdh.privateKey]);
      expect(keys.current('sig')).toBe(es1.privateKey);
      expect(keys.current('sig', 'RS256')).toBeUndefined();
      expect(keys.current('enc')).toBe(ecdh.publicKey);
      keys.add(dir);
      expect(keys.current('enc')).toBe(dir);
      expect(keys.current('enc', 'ECDH-ES+A256KW')).toBe(ecdh.publicKey);
    });

    it('prefers the key added last among keys active at the same time', () => {
      expect(new KeySet([es1.privateKey, es2.privateKey]).current('sig')?.kid).toBe('es-2');
    });
  });

  describe('shared key-wrapping keys', () => {
    it('resolves, issues with and hides an A256KW key like any secret of use enc', async () => {
      const kek = await importSecret(new Uint8Array(32).fill(4), { alg: 'A256KW', kid: 'kek-1' });
      const keys = new KeySet([ecdh.privateKey, kek]);
      expect(keys.resolve({ alg: 'A256KW', kid: 'kek-1' }, 'enc')).toEqual([kek]);
      expect(keys.resolve({ alg: 'A256KW', kid: 'other' }, 'enc')).toEqual([]);
      expect(keys.resolve({ alg: 'A256KW' }, 'sig')).toEqual([]);
      expect(keys.current('enc', 'A256KW')).toBe(kek);
      expect(keys.toPublicJwks().keys.map((j) => j.kid)).toEqual(['enc-1']);
    });
  });

  describe('toPublicJwks', () => {
    it('publishes public halves only: no secret key and no private member ever', async () => {
      const secret = new Uint8Array(64).fill(0x5a);
      const keys = new KeySet([
        await importSecret(secret, { alg: 'HS512', kid: 'h' }),
        await importSecret(new Uint8Array(32).fill(0x5b), { alg: 'dir', enc: 'A256GCM', kid: 'd' }),
        await importJwk(rsa.privateJwk),
        es1.privateKey,
        ed.publicKey,
        ecdh.privateKey,
      ]);
      const jwks = keys.toPublicJwks();
      expect(jwks.keys.map((k) => k.kid).sort()).toEqual(['ed-1', 'enc-1', 'es-1', 'rs-1']);
      for (const jwk of jwks.keys) {
        expectNoPrivateMembers(jwk);
        expect(Object.keys(jwk).every((m) => ['kty', 'crv', 'x', 'y', 'n', 'e', 'kid', 'alg', 'use'].includes(m))).toBe(true);
      }
      const text = JSON.stringify(jwks);
      for (const priv of [rsa.privateJwk, es1.privateJwk, ecdh.privateJwk]) expect(text).not.toContain(priv.d);
      expect(text).not.toContain(Buffer.from(secret).toString('base64url').slice(0, 20));
    });

    it('includes keys not yet active, so verifiers learn them before they sign', () => {
      const keys = new KeySet([es1.privateKey]).add(es2.privateKey, { activeFrom: Date.now() + 86_400_000 });
      expect(keys.toPublicJwks().keys.map((k) => k.kid)).toEqual(['es-2', 'es-1']);
    });

    it('returns a fresh copy each time', () => {
      const keys = new KeySet([es1.privateKey]);
      keys.toPublicJwks().keys[0]!.kid = 'tampered';
      expect(keys.toPublicJwks().keys[0]!.kid).toBe('es-1');
    });
  });

  describe('argument errors', () => {
    it.each([
      ['a non-key', (s: KeySet) => s.add({} as TesseraKey), 'key must be a TesseraKey (from importSecret, importPem, importJwk or generateKeyPair)'],
      ['the same key twice', (s: KeySet) => s.add(es1.privateKey), 'this key is already in the set'],
      ['a duplicate kid and alg', (s: KeySet) => s.add(es1.publicKey), 'a key with kid "es-1" for ES256 is already in the set'],
      ['retireAt before activeFrom', (s: KeySet) => s.add(es2.privateKey, { activeFrom: T0, retireAt: T0 }), 'retireAt must be later than activeFrom'],
      ['an invalid date', (s: KeySet) => s.add(es2.privateKey, { activeFrom: new Date('nope') }), 'activeFrom must be a valid Date or a finite number of milliseconds'],
      ['a negative overlap', (s: KeySet) => s.rotate(es2.privateKey, { overlapSeconds: -1 }), 'options.overlapSeconds must be a finite number ≥ 0'],
      ['retiring an unknown kid', (s: KeySet) => s.retire('nope'), 'no key with kid "nope" in the set'],
    ] as const)('rejects %s', (_name, act, message) => {
      const keys = new KeySet([es1.privateKey]);
      expectThrows(() => act(keys), 'invalid_argument', message);
    });

    it('rejects a clock that is not a function', () => {
      expectThrows(() => new KeySet([], { now: 5 as unknown as () => number }), 'invalid_argument', 'options.now must be a function returning milliseconds');
    });
  });
});
