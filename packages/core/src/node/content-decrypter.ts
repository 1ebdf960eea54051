/**
 * Opens the content of a `dir` JWE under one key and one `enc`. Built once per key by {@link prepareNodeKey}.
 */
export interface ContentDecrypter {
  /** The IV length the `enc` requires (RFC 7518 §5.2.2.1: 16; §5.3: 12). */
  readonly ivBytes: number;
  /** The tag length jose requires before trying (GCM: 16); `undefined` when a wrong length is just a failed tag. */
  readonly tagBytes: number | undefined;
  /**
   * Authenticates and decrypts. Returns the plaintext, or `undefined` when the tag does not verify or the ciphertext
   * does not decrypt (which callers report as one and the same failure).
   */
  open(aad: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer): Uint8Array | undefined;
}

/**
 * Joins decipher outputs into one plain `Uint8Array` that owns all of its memory. `Buffer.concat` may return a slice
 * of Node's shared pool, whose `.buffer` would expose whatever else lives in that slab (other tokens' plaintext) to
 * payload consumers. When `final()` adds nothing (always with GCM), `head` is returned as it is, viewed as a plain
 * `Uint8Array` and not copied: a decipher's `update()` output is memory of its own, exactly as long as the output
 * (the node-engine tests check that claim on this Node version).
 */
export function joinUnpooled(head: Buffer, tail: Buffer): Uint8Array {
  if (tail.length === 0) return new Uint8Array(head.buffer, head.byteOffset, head.length);
  const out = new Uint8Array(head.length + tail.length);
  out.set(head, 0);
  out.set(tail, head.length);
  return out;
}
