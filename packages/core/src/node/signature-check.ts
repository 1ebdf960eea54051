/**
 * Answers whether `signature` is a valid signature (or MAC) of `data` under the key the check was built with. Built
 * once per key and algorithm by {@link prepareNodeKey}, so the per-token path is a single call into OpenSSL.
 */
export type SignatureCheck = (data: Buffer, signature: Buffer) => boolean;
