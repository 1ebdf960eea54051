// How the page names an access token without showing it.

/**
 * A short, stable label for an access token — the first 6 bytes of its SHA-256 in hex — so a rotation is visible
 * without showing the token.
 * @param token - an access token
 * @returns 12 hex digits
 */
export async function fingerprint(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest).slice(0, 6), (b) => b.toString(16).padStart(2, '0')).join('');
}
