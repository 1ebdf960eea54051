import ky, { HTTPError, type Options } from 'ky';

/** How an upstream is called: one timeout for the whole call (retries included), and how often to retry. */
export interface HttpClientOptions {
  /** Milliseconds for the whole call, retries included. */
  timeout: number;
  /** Retries after a network error or a 5xx answer (never after a timeout or a 4xx). */
  retries: number;
  /** Upper bound of one backoff delay, in milliseconds. */
  backoffLimit: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

/** Sends one request (with the client's retries) and resolves with the final response, whatever its status. */
export type HttpClient = (url: string, options?: Options) => Promise<Response>;

/**
 * A ky client for talking to an issuer: retry with exponential backoff only on network errors and 500/502/503/504 —
 * GET and POST alike, as introspection and verify-token calls are safe to repeat — never on a timeout (a slow
 * upstream is not made slower) nor on a 4xx; the last response is handed back whatever its status (callers map
 * statuses themselves). `fetch` is looked up on every call, so instrumentation installed later (msw, OpenTelemetry)
 * is honoured.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const instance = ky.create({
    timeout: options.timeout,
    // ky retries only what it throws: let 5xx throw (and be retried), hand every other status back.
    throwHttpErrors: (status) => status >= 500,
    headers: options.headers,
    retry: {
      limit: options.retries,
      methods: ['get', 'post'],
      statusCodes: [500, 502, 503, 504],
      afterStatusCodes: [],
      backoffLimit: options.backoffLimit,
      retryOnTimeout: false,
    },
    fetch: (input, init) => globalThis.fetch(input, init),
  });
  return async (url, init) => {
    try {
      return await instance(url, init);
    } catch (err) {
      if (err instanceof HTTPError) return err.response;
      throw err;
    }
  };
}
