/**
 * Answers whether `signatureB64` (the token's third segment, canonical base64url) is a valid signature (or MAC) of
 * `signingInput` (the ASCII text `protected.payload`, RFC 7515 §5.2) under the key the check was built with. Built
 * once per key and algorithm by {@link prepareNodeKey}, so the per-token path is a single call into OpenSSL.
 *
 * Both arrive as the token's own text so that each check converts only what its primitive needs: HMAC hashes the
 * text as it is and decodes the MAC into memory it reuses, while signature checks need both as `Buffer`s.
 */
export type SignatureCheck = (signingInput: string, signatureB64: string) => boolean;
