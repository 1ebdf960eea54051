import type { AuthResult, HeadersLike } from '@tessera/verifier';

declare global {
  namespace Express {
    interface Request {
      /** The verified identity `@tessera/express`'s `authenticate` put there (absent for an anonymous request). */
      auth?: AuthResult;
    }
  }
}

/** The parts of an Express request the adapter reads: structural, so it type-checks against Express 4 and 5. */
export interface ExpressRequestLike {
  method: string;
  protocol: string;
  originalUrl: string;
  headers: HeadersLike;
  cookies?: Record<string, string | undefined>;
  get(name: string): string | undefined;
  auth?: AuthResult;
}

/** The parts of an Express response the error handler uses. */
export interface ExpressResponseLike {
  headersSent: boolean;
  status(code: number): unknown;
  set(field: Record<string, string>): unknown;
  json(body: unknown): unknown;
}

/** Express's `next`. */
export type Next = (err?: unknown) => void;
