const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * The form of an `htu` (or a request URL) that RFC 9449 §4.3 step 9 compares: scheme and host lower-cased, default
 * port dropped, dot segments removed (all by the WHATWG URL parser), percent-encodings upper-cased and unreserved
 * ones decoded (RFC 3986 §6.2.2), query and fragment dropped.
 *
 * @param url - an absolute http(s) URL
 * @returns the normalised URL, or undefined when it is not an absolute http(s) URL
 */
export function normalizeHtu(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  if (parsed.username !== '' || parsed.password !== '') return undefined;
  const path = parsed.pathname.replace(/%[0-9A-Fa-f]{2}/g, (escape) => {
    const char = String.fromCharCode(parseInt(escape.slice(1), 16));
    return UNRESERVED.test(char) ? char : escape.toUpperCase();
  });
  return `${parsed.protocol}//${parsed.host}${path}`;
}
