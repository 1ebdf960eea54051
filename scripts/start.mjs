#!/usr/bin/env node
// `npm start` will run the whole demo (issuer + Koa API + Express API + SPA, local, in-memory store, generated keys)
// once the examples land. Until then it says so and fails loudly instead of pretending to work.
const plan = [
  'examples/issuer        @tessera/issuer: /token, /revoke, /introspect, /verify-token, JWKS, metadata',
  'examples/koa-api       a Koa API protected by @tessera/koa',
  'examples/express-api   an Express API protected by @tessera/express',
  'examples/spa           a browser SPA using @tessera/client',
];
console.error('npm start will run the Tessera demo:\n');
for (const line of plan) console.error(`  - ${line}`);
console.error('\nThe demo is not built yet: the examples issue has not landed. Today you can run `npm test` and');
console.error('`npm run bench`. Exiting with status 1.');
process.exit(1);
