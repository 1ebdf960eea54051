// Type test: the adapter compiles against Express 5's types (@types/express 5) and Express 4's (@types/express4),
// without casts — middleware, route handlers reading `req.auth`, and the error handler. Compiled by
// `tsc -p packages/express` and by express-types.test.ts.
import express5 from 'express';
import express4 from 'express4';
import { authenticate, createVerifier, errorHandler, requireAnyScope, requireClaims, requireScopes, type AuthResult } from '../../src/index.js';

const verifier = createVerifier({ local: { secret: 'a-secret-of-at-least-32-bytes-for-HS256!' } });

const app5 = express5();
app5.use(authenticate(verifier));
app5.get('/orders', authenticate(verifier, { credentialsRequired: false }), requireScopes('orders:read'), (req, res) => {
  const auth: AuthResult | undefined = req.auth;
  res.json({ subject: auth?.subject });
});
app5.get('/admin', requireAnyScope(['a', 'b']), requireClaims({ org: 'acme' }), (req, res) => {
  res.send(req.auth?.claims.sub ?? '');
});
app5.use(errorHandler());

const app4 = express4();
app4.use(authenticate({ local: { secret: 'a-secret-of-at-least-32-bytes-for-HS256!' } }));
app4.get('/orders', authenticate(verifier), requireScopes(['orders:read']), (req, res) => {
  const auth: AuthResult | undefined = req.auth;
  res.json({ subject: auth?.subject, scopes: auth?.scopes });
});
app4.get('/admin', requireAnyScope('a b'), requireClaims({ org: (v) => v === 'acme' }), (req, res) => {
  res.send(req.auth?.strategy ?? 'none');
});
app4.use(errorHandler());

// @ts-expect-error req.auth is an AuthResult, not a string
export const wrong: string = ({} as express5.Request).auth;
