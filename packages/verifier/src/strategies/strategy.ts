import type { AuthResult, StrategyName } from '../types.js';

/** The shape of a token: compact JWS (3 segments), compact JWE (5), or anything else (opaque). */
export type TokenShape = 'jws' | 'jwe' | 'opaque';

/** What a strategy hands back: the identity, and until when it may be cached (wall-clock ms; 0 = never). */
export interface Verdict {
  readonly result: AuthResult;
  readonly cacheUntil: number;
}

/** One way of accepting a token. Internal: the verifier picks one per token and caches its verdicts. */
export interface Strategy {
  readonly name: StrategyName;
  /** Whether this strategy can judge a token of this shape at all (local without decryption keys cannot open a JWE). */
  accepts(shape: TokenShape): boolean;
  /**
   * Judges a token.
   * @param token - the token
   * @param fingerprint - its `tokenFingerprint`
   * @throws {TesseraError} a 401 code when the token is bad; a 503 code when an upstream cannot answer
   */
  verify(token: string, fingerprint: string, shape: TokenShape): Promise<Verdict>;
  /** Resolves once keys are imported (local); rejects with the configuration error. */
  ready(): Promise<void>;
  /** Stops timers and background work. */
  close(): Promise<void>;
}

/** The shape of a token, from its dot count alone. */
export function shapeOf(token: string): TokenShape {
  let dots = 0;
  for (let i = token.indexOf('.'); i >= 0 && dots < 5; i = token.indexOf('.', i + 1)) dots++;
  return dots === 2 ? 'jws' : dots === 4 ? 'jwe' : 'opaque';
}
