// The demo's log lines. Their shape is relied on (test/e2e counts them): `issuer <event type> …` per audit event and
// `<api> <METHOD> <path> → <status>` per API request.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AuditEvent } from '@tessera/issuer';

/** One line per issuer audit event: `issuer  <type>  client=… <outcome> field=value…` (never a token). */
export function auditLine(event: AuditEvent): string {
  const e = event as unknown as Record<string, unknown>;
  const fields = ['grantType', 'format', 'subject', 'tokenType', 'reason', 'error', 'active', 'valid']
    .filter((k) => e[k] !== undefined)
    .map((k) => `${k}=${String(e[k])}`);
  return `issuer     ${event.type.padEnd(22)} client=${event.clientId ?? '-'} ${event.outcome} ${fields.join(' ')}`.trimEnd();
}

/** One log line per answered API request: the path only (a query string could carry a token), never a header. */
export function withAccessLog(name: string, handler: RequestListener, log: (line: string) => void): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'OPTIONS') {
      const path = (req.url ?? '/').split('?')[0];
      res.once('finish', () => log(`${name.padEnd(10)} ${req.method} ${path} → ${res.statusCode}`));
    }
    handler(req, res);
  };
}
