// `npm start` after the build check: reads the arguments, starts the demo, prints the URL to open first (then the other
// services and a few curl lines), and stops everything on Ctrl-C or SIGTERM with exit status 0.
import { parseArgs } from 'node:util';
import { DEFAULT_PORTS, startDemo, type Demo, type DemoPorts, type IssuerOnlyDemo } from '../demo.js';
import { FORMAT_CLIENT_IDS, SERVICE_CLIENT_ID, demoSecret } from '../issuer/clients.js';
import { SHARED_CONFIG_KEY } from './shared-config.js';

/** `npm start -- --help`. */
export const HELP = `Usage: npm start [-- options]

Starts the Tessera demo on 127.0.0.1: the issuer, a Koa API, an Express API and the browser app (SPA), with
generated keys and the in-memory store. Open the first URL it prints; Ctrl-C stops everything.

Options:
  --port <n>          port of the URL to open (the SPA; default ${DEFAULT_PORTS.spa}); the issuer, the Koa API and the
                      Express API take the next three. 0 = free ports. A taken port falls back to a free one.
                      With --issuer-only: the issuer's port.
  --access-ttl <s>    access-token lifetime in seconds (default 30: watch the SPA refresh)
  --issuer-only       start only an issuer; with REDIS_URL, a second instance of the running demo's issuer
  --host <address>    address to bind (default 127.0.0.1; keep it loopback: the developer tools answer loopback only)
  --quiet             no log lines (audit events, API calls)
  -h, --help          this text

Environment:
  REDIS_URL           e.g. redis://127.0.0.1:6379 — every store on @tessera/redis; the demo's keys and issuer
                      identifier are kept in Redis under "${SHARED_CONFIG_KEY}" so a second process
                      (--issuer-only) shares them (redis-cli del ${SHARED_CONFIG_KEY} starts afresh)
  JWE_ENCRYPTION_KEY  the dir key of the JWE service's API-key clients (examples/issuer/clients/*.yaml);
                      generated when unset — export your own (base64, 32 bytes) to decrypt their tokens yourself

Demo accounts: users demo/demo, user@example.com/password123, admin/admin123, test/test;
clients ${[SERVICE_CLIENT_ID, ...Object.values(FORMAT_CLIENT_IDS)].join(', ')} with secret <id>-demo-secret.`;

/** What the command line asks for. */
export interface DemoArgs {
  help: boolean;
  issuerOnly: boolean;
  quiet: boolean;
  host: string;
  port: number | undefined;
  accessTtlSeconds: number | undefined;
}

/** A wrong command line: printed with a pointer to --help, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function integer(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/**
 * Reads the demo's arguments.
 * @param argv - the arguments after `npm start --`
 * @throws {UsageError} on an unknown option or a bad value
 */
export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        help: { type: 'boolean', short: 'h' },
        'issuer-only': { type: 'boolean' },
        quiet: { type: 'boolean' },
        host: { type: 'string' },
        port: { type: 'string' },
        'access-ttl': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const port = values.port;
  const ttl = values['access-ttl'];
  return {
    help: values.help === true,
    issuerOnly: values['issuer-only'] === true,
    quiet: values.quiet === true,
    host: typeof values.host === 'string' ? values.host : '127.0.0.1',
    port: integer(typeof port === 'string' ? port : undefined, '--port', 0, 65532),
    accessTtlSeconds: integer(typeof ttl === 'string' ? ttl : undefined, '--access-ttl', 5, 86_400),
  };
}

/** The ports for `--port n`: the SPA on n, then the issuer, the Koa API and the Express API (all free ports for 0). */
export function portsFrom(port: number | undefined): DemoPorts {
  if (port === undefined) return { ...DEFAULT_PORTS };
  if (port === 0) return { spa: 0, issuer: 0, koaApi: 0, expressApi: 0 };
  return { spa: port, issuer: port + 1, koaApi: port + 2, expressApi: port + 3 };
}

/** Lines to try against a running demo (the demo secrets are public on purpose; never put real ones in a shell). */
export function curlLines(issuer: string, koaApi: string, expressApi: string): string[] {
  const json = `node -pe 'JSON.parse(fs.readFileSync(0)).access_token'`;
  return [
    `TOKEN=$(curl -s -u ${SERVICE_CLIENT_ID}:${demoSecret(SERVICE_CLIENT_ID)} -d grant_type=client_credentials ${issuer}/token | ${json})`,
    `curl -s -H "Authorization: Bearer $TOKEN" ${koaApi}/api/hello`,
    `curl -s -H "Authorization: Bearer $TOKEN" ${expressApi}/api/hello`,
    `curl -s -H "X-System-Authorization: Bearer $TOKEN" ${expressApi}/system/hello`,
    `curl -s -X POST ${issuer}/generate-jwe-key`,
    `ISSUER_URL=${issuer} KOA_API_URL=${koaApi} node --import tsx examples/service-to-service/index.ts`,
  ];
}

function banner(demo: Demo): string {
  const { spa, issuer, koaApi, expressApi } = demo.urls;
  return [
    '',
    `  Open ${new URL('/', spa).href}  and sign in as demo / demo`,
    '',
    `  issuer       ${issuer}   (identifier ${demo.issuer}; metadata ${issuer}/.well-known/oauth-authorization-server)`,
    `  Koa API      ${koaApi}/api/hello   (verifies JWT/JWE locally, opaque tokens in the store)`,
    `  Express API  ${expressApi}/api/hello   (introspection)  ${expressApi}/system/hello   (verify-token)`,
    `  store        ${demo.store === 'redis' ? 'Redis (REDIS_URL)' : 'memory (set REDIS_URL to use Redis)'}`,
    ...demo.notes.map((note) => `  note         ${note}`),
    '',
    '  Try:',
    ...curlLines(issuer, koaApi, expressApi).map((line) => `    ${line}`),
    '',
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}

function issuerBanner(demo: IssuerOnlyDemo): string {
  return [
    '',
    `  Issuer ${demo.urls.issuer}   (identifier ${demo.issuer}; store ${demo.store})`,
    ...demo.notes.map((note) => `  note   ${note}`),
    '',
    '  Try:',
    `    curl -s -u ${SERVICE_CLIENT_ID}:${demoSecret(SERVICE_CLIENT_ID)} -d grant_type=client_credentials ${demo.urls.issuer}/token`,
    '',
    '  Ctrl-C stops it.',
    '',
  ].join('\n');
}

/**
 * Starts the demo as `npm start` does and keeps it running until SIGINT or SIGTERM, then stops it and exits 0 (1 if
 * stopping failed). A second Ctrl-C while stopping exits at once.
 * @param args - the parsed command line
 */
export async function runDemo(args: DemoArgs): Promise<void> {
  const env = process.env;
  const redisUrl = env.REDIS_URL === undefined || env.REDIS_URL === '' ? undefined : env.REDIS_URL;
  const common = {
    host: args.host,
    quiet: args.quiet,
    ...(redisUrl === undefined ? {} : { redisUrl }),
    ...(args.accessTtlSeconds === undefined ? {} : { accessTtlSeconds: args.accessTtlSeconds }),
  };
  let stop: () => Promise<void>;
  if (args.issuerOnly) {
    const demo = await startDemo({ ...common, issuerOnly: true, ports: { issuer: args.port ?? DEFAULT_PORTS.issuer } });
    console.log(issuerBanner(demo));
    stop = demo.stop;
  } else {
    const demo = await startDemo({ ...common, ports: portsFrom(args.port) });
    console.log(banner(demo));
    stop = demo.stop;
  }
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      console.error(`${signal} again: exiting without waiting`);
      process.exit(130);
    }
    stopping = true;
    console.log(`\n${signal}: stopping the demo…`);
    stop().then(
      () => {
        console.log('stopped.');
        process.exit(0);
      },
      (err: unknown) => {
        console.error(`the demo did not stop cleanly: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
}
