import type { JoseHeader, JwtClaims } from '@tessera/core';
import type { AuthResult, StrategyName } from '../types.js';
import { scopesOf } from './scopes.js';

/** The `cnf.jkt` of claims, when it is a non-empty string (anything else is no binding). */
export function jktOf(claims: JwtClaims): string | undefined {
  const cnf = claims.cnf as { jkt?: unknown } | undefined;
  return typeof cnf === 'object' && cnf !== null && typeof cnf.jkt === 'string' && cnf.jkt !== '' ? cnf.jkt : undefined;
}

/**
 * A frozen {@link AuthResult} from verified claims. The claims object is frozen in place (strategies hand over
 * objects nobody else holds).
 */
export function buildResult(
  strategy: StrategyName,
  token: string,
  claims: JwtClaims,
  header?: JoseHeader,
  subject: string | undefined = typeof claims.sub === 'string' ? claims.sub : undefined,
): AuthResult {
  const jkt = jktOf(claims);
  const result: AuthResult = {
    subject,
    claims: Object.freeze(claims),
    scopes: scopesOf(claims),
    strategy,
    issuer: typeof claims.iss === 'string' ? claims.iss : undefined,
    token,
    ...(header === undefined ? {} : { header }),
    ...(jkt === undefined ? {} : { cnf: Object.freeze({ jkt }) }),
    scheme: jkt === undefined ? 'Bearer' : 'DPoP',
    expiresAt: typeof claims.exp === 'number' ? claims.exp : undefined,
  };
  return Object.freeze(result);
}
