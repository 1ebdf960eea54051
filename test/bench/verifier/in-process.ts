// The in-process rows, run in their own process under child-tsconfig.json so they measure the built packages:
// a cache hit of @tessera/verifier against fast-jwt's cache (same ES256 token, both warm). Prints JSON.
import { createVerifier } from '@tessera/verifier';
import { createVerifier as fastJwtVerifier } from 'fast-jwt';
import { measure } from '../table.js';
import { AUDIENCE, ISSUER, benchKeys, mintMany } from './tokens.js';

const keys = await benchKeys();
const [token] = mintMany(keys, 'ES256', 1) as [string];
const tessera = createVerifier({ local: { publicKey: keys.es256.publicJwk, issuer: ISSUER, audience: AUDIENCE } });
const fast = fastJwtVerifier({ key: keys.es256.publicPem, algorithms: ['ES256'], allowedIss: ISSUER, allowedAud: AUDIENCE, cache: true });
const request = { method: 'GET', url: '/r', headers: { authorization: `Bearer ${token}` } };
const results = await measure([{
  operation: 'verify, cache hit (ES256)',
  baseline: 'fast-jwt (cache: true)',
  contenders: [
    { name: '@tessera/verifier verify(token)', run: () => tessera.verify(token) },
    { name: '@tessera/verifier authenticate(request)', run: () => tessera.authenticate(request) },
    { name: 'fast-jwt (cache: true)', run: () => fast(token) },
  ],
}], Number(process.env.BENCH_TIME_MS ?? 600), Number(process.env.BENCH_ROUNDS ?? 3));
await tessera.close();
console.log(JSON.stringify(results));
