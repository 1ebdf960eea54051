#!/usr/bin/env node
// The `tessera` executable. A checked-in launcher rather than a build output, so npm links it on install, before the
// first build; the CLI itself is dist/index.mjs, built from src/ by `npm run build`.
let cli;
try {
  cli = await import('../dist/index.mjs');
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('index.mjs') && !String(err.message).includes('node_modules')) {
    process.stderr.write('tessera: @tessera/cli is not built yet; run "npm run build" in the Tessera checkout\n');
    process.exit(2);
  }
  throw err;
}
process.exitCode = await cli.run(process.argv.slice(2));
