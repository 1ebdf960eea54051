import ky, { type KyInstance } from 'ky';

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

/**
 * A ky instance for talking to an issuer: no throw on HTTP errors (callers map statuses themselves), retry with
 * exponential backoff only on network errors and 500/502/503/504 — GET and POST alike, as introspection and
 * verify-token calls are safe to repeat — and never on a timeout (a slow upstream is not made slower). `fetch` is
 * looked up on every call, so instrumentation installed later (msw, OpenTelemetry) is honoured.
 */
export function createHttpClient(options: HttpClientOptions): KyInstance {
  return ky.create({
    timeout: options.timeout,
    throwHttpErrors: false,
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
}
