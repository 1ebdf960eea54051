// Installs the node engine as the default engine, as the Node entry of @tessera/core does, for suites imported after,
// and pins TESSERA_ENGINE=node so a developer's TESSERA_ENGINE=jose cannot silently turn those suites back to jose.
import { vi } from 'vitest';
import '../src/index.node.js';

vi.stubEnv('TESSERA_ENGINE', 'node');
