import { base64url } from 'jose';
import type { JoseHeader } from '@tessera/core';
import type { Content } from './decode.js';
import { formatJson } from './output.js';
import { describeTimes } from './time.js';

/** A payload as `--json` prints it: the claims object, or the text; binary data as base64url beside it. */
export function payloadJson(content: Content): { payload: unknown } | { payloadBase64url: string } {
  switch (content.kind) {
    case 'json':
      return { payload: content.value };
    case 'jws':
      return { payload: content.token };
    case 'text':
      return { payload: content.value };
    case 'binary':
      return { payloadBase64url: base64url.encode(content.bytes) };
  }
}

/** A payload as text output shows it. */
export function payloadText(content: Content): string {
  switch (content.kind) {
    case 'json':
      return formatJson(content.value);
    case 'jws':
      return `${content.token}\n`;
    case 'text':
      return content.value.endsWith('\n') ? content.value : `${content.value}\n`;
    case 'binary':
      return `(${content.bytes.length} bytes of binary data)\n`;
  }
}

/** The expiry block of text output and the `times` member of `--json`, for claims payloads only. */
export function timesOf(content: Content, nowMs: number): { json: ReturnType<typeof describeTimes> | undefined; text: string } {
  if (content.kind !== 'json') return { json: undefined, text: '' };
  const times = describeTimes(content.value, nowMs);
  const lines = [`Expiry:     ${times.expiry}${times.exp === undefined ? '' : ` (${times.exp.at})`}`];
  if (times.nbf !== undefined) lines.push(`Not before: ${times.nbf.text} (${times.nbf.at})`);
  if (times.iat !== undefined) lines.push(`Issued:     ${times.iat.text} (${times.iat.at})`);
  return { json: times, text: `${lines.join('\n')}\n` };
}

/** `ES256, kid "abc"` — for summaries (header values are untrusted: shown bounded and printable). */
export function algSummary(header: JoseHeader): string {
  const safe = (v: unknown): string => (typeof v === 'string' ? v.slice(0, 64).replace(/[^\x20-\x7e]/g, '?') : '?');
  const enc = header.enc === undefined ? '' : ` / ${safe(header.enc)}`;
  const kid = header.kid === undefined ? '' : `, kid "${safe(header.kid)}"`;
  return `${safe(header.alg)}${enc}${kid}`;
}
