// The issuing suites again, with the node engine as the default engine (as the Node build of @tessera/core has it), so
// every token they check with plain jose was signed by node:crypto. Import order matters: the engine is installed first.
import './install-node-engine.js';
import './issue-sign-jwt.test.js';
import './issue-sign-and-encrypt.test.js';
import './issue-token.test.js';
import { expect, it } from 'vitest';
import { getDefaultEngine } from '../src/lib/default-engine.js';

it('runs the suites above on the node engine, which signs', () => {
  expect(getDefaultEngine().name).toBe('node');
  expect(getDefaultEngine().signJws).toBeTypeOf('function');
});
