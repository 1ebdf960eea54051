// What both demo APIs answer at their hello routes: who called, with which scopes, accepted how.
import type { AuthResult } from '@tessera/verifier';
import { decodeProtectedHeader } from 'jose';

/** The access-token formats the demo issuer writes. */
export type DemoTokenFormat = 'jwt' | 'jwe' | 'jwe-dir' | 'opaque';

/** The JSON body of `GET /api/hello` (and `/system/hello`). Times are seconds since the epoch (JWT NumericDate). */
export interface HelloBody {
  /** Which API answered: `koa` or `express`. */
  api: string;
  subject: string | undefined;
  clientId: string | undefined;
  scopes: readonly string[];
  /** How the token was accepted: `local` (verified here), `opaque` (store look-up), `remote` (asked the issuer). */
  strategy: AuthResult['strategy'];
  /** The token's format, read from its shape (a JWE's header says `dir` or key agreement). */
  format: DemoTokenFormat | undefined;
  issuedAt: number | undefined;
  expiresAt: number | undefined;
}

/** The token's format, read from its shape: 3 segments a JWS, 5 a JWE (`dir` or key agreement), else opaque. */
export function tokenFormatOf(token: string): DemoTokenFormat | undefined {
  const segments = token.split('.').length;
  if (segments === 1) return 'opaque';
  if (segments === 3) return 'jwt';
  if (segments !== 5) return undefined;
  try {
    return decodeProtectedHeader(token).alg === 'dir' ? 'jwe-dir' : 'jwe';
  } catch {
    return undefined;
  }
}

/**
 * The hello answer for an authenticated request.
 * @param api - the API's name
 * @param auth - what the verifier accepted
 */
export function helloBody(api: string, auth: AuthResult): HelloBody {
  const { iat, client_id: clientId } = auth.claims;
  return {
    api,
    subject: auth.subject,
    clientId: typeof clientId === 'string' ? clientId : undefined,
    scopes: auth.scopes,
    strategy: auth.strategy,
    format: tokenFormatOf(auth.token),
    issuedAt: typeof iat === 'number' ? iat : undefined,
    expiresAt: auth.expiresAt,
  };
}
