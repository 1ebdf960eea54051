import { describe, expect, it } from 'vitest';
import { hashClientSecret } from '../src/index.js';
import { parseSecretHash, SecretChecker } from '../src/clients/client-secret.js';
import { interpolateEnv, MissingEnvError } from '../src/clients/interpolate-env.js';

describe('hashClientSecret', () => {
  it('writes a salted scrypt hash that checks the secret and nothing else', async () => {
    const a = await hashClientSecret('a-client-secret-of-length');
    const b = await hashClientSecret('a-client-secret-of-length');
    expect(a).toMatch(/^scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b); // a fresh salt each time
    const checker = new SecretChecker(parseSecretHash(a)!);
    expect(await checker.check('wrong-secret-of-some-length')).toBe(false);
    expect(await checker.check('a-client-secret-of-length')).toBe(true);
    // After a success the fast path answers, still exactly.
    expect(await checker.check('a-client-secret-of-length')).toBe(true);
    expect(await checker.check('a-client-secret-of-lengtH')).toBe(false);
    expect(await Promise.all([checker.check('x'.repeat(20)), checker.check('a-client-secret-of-length')])).toEqual([false, true]);
  });

  it('refuses short secrets and hashes it did not write', async () => {
    await expect(hashClientSecret('short')).rejects.toMatchObject({ code: 'invalid_argument', message: '"secret" must be a string of at least 16 characters' });
    expect(parseSecretHash('scrypt$N=3,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined();
    expect(parseSecretHash('scrypt$N=4194304,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined();
    expect(parseSecretHash('bcrypt$2b$10$abc')).toBeUndefined();
  });
});

describe('${ENV} interpolation', () => {
  const env = { KEY: 'k-value', EMPTY: '' };

  it('replaces references in string values only, with defaults and an escape', () => {
    expect(interpolateEnv({ a: '${KEY}', b: 'x-${KEY}-y', c: ['${KEY}'], d: 5, e: null, f: '$${KEY}', g: '${NOPE:-fallback}', h: '${NOPE:spring}' }, env))
      .toEqual({ a: 'k-value', b: 'x-k-value-y', c: ['k-value'], d: 5, e: null, f: '${KEY}', g: 'fallback', h: 'spring' });
  });

  it('names the field of an unset or empty variable', () => {
    const err = (() => {
      try {
        interpolateEnv({ jwe_config: { encryption_key: '${EMPTY}' } }, env);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(MissingEnvError);
    expect(err).toMatchObject({ path: 'jwe_config.encryption_key', variable: 'EMPTY', message: 'environment variable EMPTY is not set' });
  });

  it('never lets a value change the structure (a value that looks like YAML stays a string)', () => {
    expect(interpolateEnv({ secret: '${V}' }, { V: '{ admin: true }\nscopes: [all]' })).toEqual({ secret: '{ admin: true }\nscopes: [all]' });
  });
});
