import { TokenHeaderError } from '../errors.js';
import type { JoseHeader, TesseraKey } from '../types.js';
import { HeaderCache } from './internal/header-cache.js';
import { openJws } from './internal/open-compact.js';
import { parseCompact } from './internal/parse-compact.js';
import { JWS_SHAPE, resolvePolicy, type Policy } from './internal/policy.js';
import type { JwsVerifyOptions } from './raw-options.js';

/**
 * What {@link JwsVerifier.verify} returns: the bytes the signature covers, exactly as signed, and how they were
 * proved.
 *
 * @example
 * ```ts
 * const { payload, header } = await jwsVerifier.verify(jws)
 * ```
 */
export interface VerifiedJws {
  /** The payload as the signer wrote it: any bytes (JSON, text, binary), not parsed. */
  payload: Uint8Array;
  /** The JWS protected header. Deeply frozen (shared between tokens). */
  header: JoseHeader;
  /** The key that checked the signature. */
  key: TesseraKey;
}

/** A configured JWS verifier: one policy, validated once, applied to every token. */
export interface JwsVerifier {
  /**
   * Verifies a compact JWS under the verifier's policy and returns its payload bytes, whatever they hold.
   *
   * @param token The compact JWS, as received.
   * @returns The payload bytes, the header and the key that checked the signature.
   * @throws {TesseraError} `token_too_large`, `token_malformed`, `alg_not_allowed` (a JWE is one too),
   *   `header_invalid`, `key_not_found`, `signature_invalid`; `jwks_unavailable` when a key source is down.
   */
  verify(token: string): Promise<VerifiedJws>;
}

async function verifyJws(policy: Policy, headers: HeaderCache, token: unknown): Promise<VerifiedJws> {
  const jws = parseCompact(token, policy.maxTokenSize, headers);
  if (jws.kind !== 'jws') {
    throw new TokenHeaderError('alg', 'encrypted tokens are not accepted by a JWS verifier', 'alg_not_allowed');
  }
  const { bytes, key } = await openJws(policy, jws);
  if (!jws.cached) headers.remember('jws', jws.protectedB64, jws.header);
  // The engine's bytes are lent (they may sit in Node's shared Buffer pool): the caller gets a copy of its own.
  return { payload: new Uint8Array(bytes), header: jws.header, key };
}

/**
 * Builds a verifier for JWS whose payload is not a JWT claims set (text, a JSON document, binary data): the same
 * policy as {@link createTokenVerifier} — size cap, strict base64url and header JSON, `alg` allowlist (never
 * `none`), `crit`, `typ`, key selection by `kid`/`alg` only, the engine's signature check — and then the payload
 * bytes are returned as signed, with no claims stage. Nothing about the payload is checked: no expiry, no audience.
 * For JWTs use {@link createTokenVerifier}, which applies the claims policy.
 *
 * @param options The header and key policy; see {@link JwsVerifyOptions}.
 * @returns A frozen {@link JwsVerifier}.
 * @throws {TesseraArgumentError} `invalid_argument` naming the bad or unknown option (claims options included).
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.2 (JWS validation)
 * @example
 * ```ts
 * const verifier = createJwsVerifier({ keys: [publicKey] })
 * const { payload } = await verifier.verify(jws)
 * const text = new TextDecoder().decode(payload)
 * ```
 */
export function createJwsVerifier(options: JwsVerifyOptions): JwsVerifier {
  const policy = resolvePolicy(options, JWS_SHAPE);
  const headers = new HeaderCache();
  return Object.freeze({
    verify(token: string): Promise<VerifiedJws> {
      return verifyJws(policy, headers, token);
    },
  });
}
