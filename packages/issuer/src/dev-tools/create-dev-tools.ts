import type Router from '@koa/router';
import type { IssuerState } from '../internal/state.js';
import { devRoute } from './dev-request.js';
import { createGoIssuerTools } from './go-issuer-tools.js';
import { decodeTool, decryptJweTool, encryptJweTool, generateJweKey } from './jwe-service-tools.js';

/**
 * Registers the developer tools — **unsafe in production**: `/decrypt-jwe` and `/encrypt-jwe` take keys in request
 * bodies, `/decode` shows claims without checking them, `/issue` mints tokens for any subject (with throwaway keys).
 * Answered only to loopback peers without proxy headers; 404 to anyone else.
 *
 * @param state - the issuer
 * @param router - where to register them
 * @param base - the issuer URL's path
 */
export function createDevTools(state: IssuerState, router: Router, base: string): void {
  const limit = state.maxBodyBytes;
  const go = createGoIssuerTools();
  router.post(`${base}/generate-jwe-key`, devRoute(limit, generateJweKey));
  router.post(`${base}/encrypt-jwe`, devRoute(limit, encryptJweTool));
  router.post(`${base}/decrypt-jwe`, devRoute(limit, decryptJweTool));
  router.post(`${base}/decode`, devRoute(limit, decodeTool));
  router.post(`${base}/issue`, devRoute(limit, go.issue));
  router.post(`${base}/verify`, devRoute(limit, go.verify));
}
