import { InvalidKeyError } from '../errors.js';
import { decodeBase64, encodeBase64 } from './encoding.js';

// Internal: PEM (RFC 7468) parsing with a strict body decoder, and re-armouring for jose's importers.

/** One `-----BEGIN label----- … -----END label-----` block, decoded. */
export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]{1,40})-----([^]*?)-----END ([A-Z0-9 ]{1,40})-----/g;

/**
 * Every PEM block in `text`. Text outside blocks is ignored, as RFC 7468 §2 allows (OpenSSL writes "Bag
 * Attributes" there). Encrypted keys are refused: Tessera takes no passphrases.
 */
export function parsePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const label = m[1]!;
    if (m[3] !== label) throw new InvalidKeyError(`PEM "BEGIN ${label}" is closed by a different END line`);
    const body = m[2]!;
    if (label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(body)) {
      throw new InvalidKeyError('encrypted PEM keys are not supported; decrypt it first (openssl pkey -in key.pem)');
    }
    const b64 = body.replace(/[\t\n\v\f\r ]/g, '');
    blocks.push({ label, der: decodeBase64(b64, `PEM "${label}" body`) });
  }
  return blocks;
}

/** Armours DER as PEM with 64-character lines. */
export function toPem(label: string, der: Uint8Array): string {
  const lines = encodeBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
