// The verify suites again, with the node engine as the default engine (as the Node build of @tessera/core has it):
// they assert the exact code and message of every rejection and the claims of every acceptance, so passing here and
// in their own files (on jose) means both engines answer their tokens alike. Import order matters: the engine is
// installed before the suites build their verifiers.
import './install-node-engine.js';
import './attacks.test.js';
import './verify-claims.test.js';
import './verify-formats.test.js';
import './verify-header.test.js';
import './verify-keys.test.js';
import './verify-options.test.js';
import './verify-wycheproof.test.js';
import { expect, it } from 'vitest';
import { getDefaultEngine } from '../src/lib/default-engine.js';

it('runs the suites above on the node engine', () => {
  expect(getDefaultEngine().name).toBe('node');
});
