import { randomUUID } from 'node:crypto';
import {
  createTokenVerifier,
  generateKeyPair,
  isTesseraError,
  signAndEncrypt,
  type GeneratedKeyPair,
  type TokenVerifier,
} from '@tessera/core';
import { badField, text, type DevHandler } from './dev-request.js';

/** Throwaway keys of the Go issuer's format: ES256 inside ECDH-ES+A256KW / A256GCM. Never the issuer's own keys. */
interface DevKeys {
  readonly sig: GeneratedKeyPair;
  readonly enc: GeneratedKeyPair;
}

function positive(body: Record<string, unknown>, name: string, fallback: number, max: number): number {
  const v = body[name] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > max) throw badField(`"${name}" must be a number from 1 to ${max}`);
  return v;
}

function scopes(body: Record<string, unknown>): string[] | undefined {
  const v = body.scope;
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw badField('"scope" must be a list of strings');
  return v as string[];
}

/**
 * The Go issuer's `/issue` and `/verify` (nested-jws-jwe-go): nested JWS (ES256, `typ: JWT`, `kid`) in JWE
 * (ECDH-ES+A256KW + A256GCM, `cty: JWT`, `kid`), under keys generated for the developer tools when first used — so a
 * token made here is never accepted by anything trusting the issuer's real keys.
 */
export function createGoIssuerTools(): { issue: DevHandler; verify: DevHandler } {
  let keys: Promise<DevKeys> | undefined;
  const devKeys = (): Promise<DevKeys> => {
    keys ??= Promise.all([generateKeyPair('ES256'), generateKeyPair('ECDH-ES+A256KW')]).then(([sig, enc]) => ({ sig, enc }));
    return keys;
  };
  const verifiers = new Map<string, TokenVerifier>();

  const issue: DevHandler = async (body) => {
    const sub = text(body, 'sub', false) ?? text(body, 'uid', true);
    const iss = text(body, 'iss', false);
    const aud = text(body, 'aud', false);
    const common = {
      ...(body.uid === undefined ? {} : { uid: text(body, 'uid', true) }),
      ...(body.device_id === undefined ? {} : { device_id: text(body, 'device_id', true) }),
      ...(body.client_id === undefined ? {} : { client_id: text(body, 'client_id', true) }),
    };
    const accessMinutes = positive(body, 'access_ttl_minutes', 10, 24 * 60);
    const refreshDays = positive(body, 'refresh_ttl_days', 14, 90);
    const scope = scopes(body);
    const { sig, enc } = await devKeys();
    const options = { signingKey: sig.privateKey, encryptionKey: enc.publicKey, subject: sub, ...(iss === undefined ? {} : { issuer: iss }), ...(aud === undefined ? {} : { audience: aud }), jti: true };
    const access = await signAndEncrypt({ ...common, token_use: 'access', ...(scope === undefined ? {} : { scope }) },
      { ...options, expiresIn: Math.round(accessMinutes * 60) });
    const refresh = await signAndEncrypt({ ...common, token_use: 'refresh', rid: randomUUID(), fid: randomUUID() },
      { ...options, expiresIn: Math.round(refreshDays * 86_400) });
    return { access_jwe: access, refresh_jwe: refresh };
  };

  const verify: DevHandler = async (body) => {
    const type = body.type ?? 'access';
    if (type !== 'access' && type !== 'refresh') throw badField('"type" must be "access" or "refresh"');
    const token = text(body, 'token', true);
    const iss = text(body, 'iss', false);
    const aud = text(body, 'aud', false);
    const { sig, enc } = await devKeys();
    const cacheKey = JSON.stringify([iss, aud]);
    let verifier = verifiers.get(cacheKey);
    if (verifier === undefined) {
      verifier = createTokenVerifier({
        keys: sig.publicKey, decryptionKeys: enc.privateKey, requireSignedJwe: true,
        ...(iss === undefined ? {} : { issuer: iss }), ...(aud === undefined ? {} : { audience: aud }),
      });
      if (verifiers.size < 100) verifiers.set(cacheKey, verifier);
    }
    try {
      const { payload } = await verifier.verify(token);
      if (payload.token_use !== type) return { valid: false, error: 'claim_invalid', message: `not a ${type} token` };
      return { valid: true, claims: payload };
    } catch (err) {
      if (isTesseraError(err) && err.status < 500) return { valid: false, error: err.code, message: err.message };
      throw err;
    }
  };
  return { issue, verify };
}
