#!/usr/bin/env node
// `npm start`: the Tessera demo (examples/demo.ts) — issuer, Koa API, Express API and the browser app on 127.0.0.1.
//
// Nothing needs building first: the Node side runs the TypeScript sources through tsx (the root tsconfig's `paths`
// map @tessera/* to packages/*/src), and examples/spa builds its own browser bundle from the sources (rollup, only
// when stale). So a fresh clone answers a few seconds after `npm install && npm start`, and the demo always runs the
// code of this checkout. `npm run build` (packages/*/dist) is for the published packages and their tests.
//
// Reads the arguments (`npm start -- --help`), starts the demo in this process, and on Ctrl-C / SIGTERM stops it
// (servers, verifiers, issuer, stores) and exits 0.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = fileURLToPath(new URL('..', import.meta.url));

register({ tsconfig: join(root, 'tsconfig.json') });
const { HELP, UsageError, parseDemoArgs, runDemo } = await import(pathToFileURL(join(root, 'examples/lib/demo-cli.ts')).href);

let args;
try {
  args = parseDemoArgs(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  console.error(`npm start: ${err.message}\nSee: npm start -- --help`);
  process.exit(2);
}
if (args.help) {
  console.log(HELP);
  process.exit(0);
}

try {
  await runDemo(args);
} catch (err) {
  const known = err?.name === 'DemoStartError' || err?.name === 'IssuerConfigError';
  console.error(`npm start: the demo did not start: ${known ? err.message : (err?.stack ?? String(err))}`);
  process.exit(1);
}
