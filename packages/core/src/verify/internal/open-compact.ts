import { checkJweHeader, checkJwsHeader, checkTyp } from './check-header.js';
import type { ParsedJwe, ParsedJws } from './parse-compact.js';
import type { Policy } from './policy.js';
import { withCandidateKeys, type KeyedResult } from './with-candidate-keys.js';

/*
 * The steps every verifier runs between parsing a token and reading what it protects: the header rules (skipped for
 * a header the verifier's cache holds, which passed them under this same policy), then the engine under each key
 * chosen by `kid` and `alg`. The claims verifier and the raw entry points call these and nothing else for the
 * cryptographic part, so their verdict on the header and the key is the same by construction.
 *
 * Both answer synchronously when the key resolver and the engine do (the Node engine on its common path), else with a
 * promise: no await and no promise of their own on the claims verifier's hot path. A header rule that fails throws
 * synchronously, as does a synchronous engine's failure; callers turn both into a rejection. The caller remembers the
 * header in its cache once the result is in: only a token that verified may add an entry.
 */

/**
 * JWS header rules (`alg` allowlist, `kid`, `cty`, `crit`, `typ`), then the signature under each candidate key.
 *
 * @throws {TesseraError} `alg_not_allowed`, `header_invalid`, `key_not_found`, `signature_invalid`,
 *   `jwks_unavailable`.
 */
export function openJws(policy: Policy, jws: ParsedJws): KeyedResult | Promise<KeyedResult> {
  if (!jws.cached) {
    checkJwsHeader(jws.header, policy);
    checkTyp(jws.header, policy);
  }
  const engine = policy.engine;
  return withCandidateKeys(policy.keys, jws.header, 'sig', policy.maxKeyTries, (candidate) => engine.verifyJws(jws, candidate));
}

/**
 * JWE header rules (`alg`/`enc` allowlists, `zip`, `kid`, `cty`, `crit`; `typ` too when the policy says it names
 * the JWE header), then decryption (and inflation, capped) under each candidate key.
 *
 * @throws {TesseraError} `alg_not_allowed`, `header_invalid`, `key_not_found`, `decryption_failed`,
 *   `token_too_large`, `jwks_unavailable`.
 */
export function openJwe(policy: Policy, jwe: ParsedJwe): KeyedResult | Promise<KeyedResult> {
  if (!jwe.cached) {
    checkJweHeader(jwe.header, policy);
    if (policy.jweTyp) checkTyp(jwe.header, policy);
  }
  const engine = policy.engine;
  const limits = policy.limits;
  return withCandidateKeys(policy.decryptionKeys, jwe.header, 'enc', policy.maxKeyTries, (candidate) =>
    engine.decryptJwe(jwe, candidate, limits),
  );
}
