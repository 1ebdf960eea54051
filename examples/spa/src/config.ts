// Where the issuer and the APIs are: the demo's server writes them to /config.json (ports are chosen at start-up).

/** The demo's addresses. */
export interface DemoConfig {
  /** The issuer identifier; its RFC 8414 metadata is discovered from it. */
  issuer: string;
  /** This app's public client id. */
  clientId: string;
  /** Base URLs of the two resource servers. */
  apis: { koa: string; express: string };
}

const isUrl = (v: unknown): v is string => typeof v === 'string' && URL.canParse(v);

/**
 * Reads `/config.json`.
 * @throws when it is missing or not the expected shape (the page shows the message)
 */
export async function loadConfig(): Promise<DemoConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  const v = (await response.json()) as Partial<DemoConfig> | null;
  if (!isUrl(v?.issuer) || typeof v.clientId !== 'string' || !isUrl(v.apis?.koa) || !isUrl(v.apis.express)) {
    throw new Error('/config.json is not { issuer, clientId, apis: { koa, express } }');
  }
  return { issuer: v.issuer, clientId: v.clientId, apis: { koa: v.apis.koa, express: v.apis.express } };
}
