import { describe, expect, it } from 'vitest';
import { ClaimError, TokenTimeError } from '../src/errors.js';
import { createTokenVerifier } from '../src/verify/index.js';
import type { VerifyOptions } from '../src/verify/index.js';
import { NOW, claims, currentDate, expectRejection, hmacKey, hmacToken, signJws } from './verify-helpers.js';

const hs = hmacKey();

async function verify(payload: Record<string, unknown>, options: Omit<VerifyOptions, 'keys'> = {}) {
  const token = await signJws(payload, hs.secret, { alg: 'HS256' });
  return createTokenVerifier({ keys: hs.key, currentDate, ...options }).verify(token);
}

/** Verifies a token whose payload is exactly `text` (for values JSON.stringify cannot write, such as 1e400). */
async function verifyText(text: string) {
  const token = await hmacToken('{"alg":"HS256"}', text, hs.secret);
  return createTokenVerifier({ keys: hs.key, currentDate }).verify(token);
}

describe('exp', () => {
  it('requires exp by default', async () => {
    const err = await expectRejection(verify({ sub: 'a' }), 'claim_missing', '"exp" claim is missing');
    expect(err).toBeInstanceOf(ClaimError);
    expect(err).toMatchObject({ claim: 'exp' });
  });

  it('accepts a token without exp when requireExp is false', async () => {
    expect((await verify({ sub: 'a' }, { requireExp: false })).payload).toEqual({ sub: 'a' });
  });

  it('still rejects an expired token when requireExp is false', async () => {
    await expectRejection(verify(claims({ exp: NOW - 1 }), { requireExp: false }), 'token_expired', 'token has expired');
  });

  it('rejects a token whose exp is now', async () => {
    const err = await expectRejection(verify(claims({ exp: NOW })), 'token_expired', 'token has expired');
    expect(err).toBeInstanceOf(TokenTimeError);
    expect(err).toMatchObject({ claim: 'exp' });
  });

  it('accepts a token one second before exp', async () => {
    expect((await verify(claims({ exp: NOW + 1 }))).payload.exp).toBe(NOW + 1);
  });

  it('accepts an expired token within clockTolerance, given as seconds or a duration', async () => {
    await verify(claims({ exp: NOW - 5 }), { clockTolerance: 10 });
    await verify(claims({ exp: NOW - 50 }), { clockTolerance: '1m' });
    await expectRejection(verify(claims({ exp: NOW - 61 }), { clockTolerance: '1m' }), 'token_expired', 'token has expired');
  });

  it('uses the real clock when no currentDate is given', async () => {
    const token = await signJws({ exp: Math.floor(Date.now() / 1000) + 60 }, hs.secret, { alg: 'HS256' });
    expect((await createTokenVerifier({ keys: hs.key }).verify(token)).format).toBe('jws');
    const old = await signJws({ exp: NOW }, hs.secret, { alg: 'HS256' });
    await expectRejection(createTokenVerifier({ keys: hs.key }).verify(old), 'token_expired', 'token has expired');
  });
});

describe('NumericDate types', () => {
  it.each(['exp', 'nbf', 'iat'])('rejects a string %s', async (claim) => {
    const err = await expectRejection(verify(claims({ [claim]: String(NOW) })), 'claim_invalid', `"${claim}" claim must be a number`);
    expect(err).toMatchObject({ claim });
  });

  it('rejects an exp that JSON parses to Infinity', async () => {
    await expectRejection(verifyText('{"exp":1e400}'), 'claim_invalid', '"exp" claim must be a number');
  });

  it('rejects a null nbf', async () => {
    await expectRejection(verify(claims({ nbf: null })), 'claim_invalid', '"nbf" claim must be a number');
  });
});

describe('nbf and iat', () => {
  it('rejects a token before its nbf', async () => {
    const err = await expectRejection(verify(claims({ nbf: NOW + 1 })), 'token_not_yet_valid', 'token is not valid yet ("nbf" is in the future)');
    expect(err).toMatchObject({ claim: 'nbf' });
  });

  it('accepts a token at its nbf, and before it within clockTolerance', async () => {
    await verify(claims({ nbf: NOW }));
    await verify(claims({ nbf: NOW + 30 }), { clockTolerance: '30s' });
  });

  it('rejects a token issued in the future', async () => {
    const err = await expectRejection(verify(claims({ iat: NOW + 10 })), 'token_not_yet_valid', 'token is not valid yet ("iat" is in the future)');
    expect(err).toMatchObject({ claim: 'iat' });
  });

  it('accepts an iat in the future within clockTolerance', async () => {
    await verify(claims({ iat: NOW + 10 }), { clockTolerance: 10 });
  });
});

describe('maxTokenAge', () => {
  it('accepts a token younger than maxTokenAge', async () => {
    await verify(claims({ iat: NOW - 3600 }), { maxTokenAge: '2h' });
  });

  it('rejects a token older than maxTokenAge', async () => {
    const err = await expectRejection(verify(claims({ iat: NOW - 7201 }), { maxTokenAge: 7200 }), 'claim_invalid', 'token is older than maxTokenAge');
    expect(err).toMatchObject({ claim: 'iat' });
  });

  it('allows clockTolerance on top of maxTokenAge', async () => {
    await verify(claims({ iat: NOW - 7205 }), { maxTokenAge: 7200, clockTolerance: 5 });
  });

  it('requires iat when maxTokenAge is set', async () => {
    const err = await expectRejection(verify({ exp: NOW + 60 }, { maxTokenAge: '2h' }), 'claim_missing', '"iat" claim is missing');
    expect(err).toMatchObject({ claim: 'iat' });
  });
});

describe('iss', () => {
  it('accepts one of the expected issuers', async () => {
    await verify(claims({ iss: 'https://b.example' }), { issuer: ['https://a.example', 'https://b.example'] });
  });

  it('rejects another issuer without echoing it', async () => {
    const err = await expectRejection(verify(claims({ iss: 'https://evil.example' }), { issuer: 'https://a.example' }), 'claim_invalid', '"iss" claim has an unexpected value');
    expect(err.message).not.toContain('evil');
    expect(err).toMatchObject({ claim: 'iss' });
  });

  it('rejects a non-string issuer', async () => {
    await expectRejection(verify(claims({ iss: ['https://a.example'] }), { issuer: 'https://a.example' }), 'claim_invalid', '"iss" claim has an unexpected value');
  });

  it('rejects a missing issuer', async () => {
    const err = await expectRejection(verify(claims(), { issuer: 'https://a.example' }), 'claim_missing', '"iss" claim is missing');
    expect(err).toMatchObject({ claim: 'iss' });
  });
});

describe('aud', () => {
  it.each([
    ['a matching string', 'api'],
    ['an array containing a match', ['other', 'api']],
  ])('accepts %s', async (_what, aud) => {
    await verify(claims({ aud }), { audience: ['api', 'api2'] });
  });

  it.each([
    ['another string', 'other'],
    ['an array without a match', ['a', 'b']],
    ['an empty array', []],
    ['a number', 1],
  ])('rejects %s', async (_what, aud) => {
    const err = await expectRejection(verify(claims({ aud }), { audience: 'api' }), 'claim_invalid', '"aud" claim does not contain an expected audience');
    expect(err).toMatchObject({ claim: 'aud' });
  });

  it('rejects a missing aud', async () => {
    await expectRejection(verify(claims(), { audience: 'api' }), 'claim_missing', '"aud" claim is missing');
  });
});

describe('subject', () => {
  it('checks sub by default', async () => {
    await verify(claims({ sub: 'user-1' }), { subject: 'user-1' });
    const err = await expectRejection(verify(claims({ sub: 'user-2' }), { subject: 'user-1' }), 'wrong_token_subject', '"sub" claim does not match the expected subject');
    expect(err).toMatchObject({ claim: 'sub', status: 401 });
  });

  it('checks the jwt_encrypt module\'s "subject" claim when subjectClaim says so', async () => {
    const options = { subject: 'user_12345', subjectClaim: 'subject' };
    await verify({ subject: 'user_12345', exp: NOW + 60 }, options);
    const err = await expectRejection(verify({ subject: 'user_1', sub: 'user_12345', exp: NOW + 60 }, options), 'wrong_token_subject', '"subject" claim does not match the expected subject');
    expect(err).toMatchObject({ claim: 'subject' });
  });

  it('treats a missing subject as a wrong subject, as jwt_decrypt does', async () => {
    await expectRejection(verify({ exp: NOW + 60 }, { subject: 'x', subjectClaim: 'subject' }), 'wrong_token_subject', '"subject" claim does not match the expected subject');
  });

  it('does not read a subject from the object prototype', async () => {
    await expectRejection(verify(claims(), { subject: 'function Object() { [native code] }', subjectClaim: 'constructor' }), 'wrong_token_subject', '"constructor" claim does not match the expected subject');
  });
});

describe('requiredClaims', () => {
  it('accepts a token carrying every required claim', async () => {
    await verify(claims({ jti: 'j', scope: '' }), { requiredClaims: ['jti', 'scope'] });
  });

  it('names the first missing claim', async () => {
    const err = await expectRejection(verify(claims({ jti: 'j' }), { requiredClaims: ['jti', 'scope'] }), 'claim_missing', '"scope" claim is missing');
    expect(err).toMatchObject({ claim: 'scope' });
  });

  it('does not count inherited properties as present', async () => {
    await expectRejection(verify(claims(), { requiredClaims: ['toString'] }), 'claim_missing', '"toString" claim is missing');
  });
});
