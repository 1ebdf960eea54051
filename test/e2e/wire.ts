// What left the browser: the token requests (by grant) and the last Authorization header sent to each API — counted
// outside the page, so the test does not take the page's word for how many refreshes happened.
import type { BrowserContext } from 'playwright-core';

/** What the browser sent: token requests by grant, and the last `Authorization` header per API origin. */
export class Wire {
  readonly grants: string[] = [];
  readonly #authorization = new Map<string, string>();

  /**
   * @param context - the browser context to watch
   * @param issuer - the issuer's URL (its `/token` requests are counted)
   */
  constructor(context: BrowserContext, issuer: string) {
    const tokenEndpoint = `${issuer}/token`;
    context.on('request', (request) => {
      if (request.method() === 'POST' && request.url() === tokenEndpoint) {
        this.grants.push(new URLSearchParams(request.postData() ?? '').get('grant_type') ?? '(none)');
      }
      const authorization = request.headers().authorization;
      if (authorization !== undefined) this.#authorization.set(new URL(request.url()).origin, authorization);
    });
  }

  /** How many token requests of this grant left the browser. */
  count(grant: string): number {
    return this.grants.filter((g) => g === grant).length;
  }

  /** The last `Authorization` header the browser sent to this origin. */
  lastAuthorization(url: string): string | undefined {
    return this.#authorization.get(new URL(url).origin);
  }
}
