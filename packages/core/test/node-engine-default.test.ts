import { afterEach, describe, expect, it, vi } from 'vitest';
import { TesseraArgumentError } from '../src/errors.js';
import { ENGINE_ENV_VAR, getDefaultEngine, setDefaultEngine } from '../src/lib/default-engine.js';
import { joseEngine } from '../src/lib/jose-engine.js';
import { nodeEngine } from '../src/node/node-engine.js';
import * as nodeEntry from '../src/node.js';
// The Node flavour of the main entry: importing it installs the node engine as the default.
import * as coreForNode from '../src/index.node.js';

afterEach(() => {
  vi.unstubAllEnvs();
  setDefaultEngine(nodeEngine);
});

describe('the default verification engine', () => {
  it('is the node engine once the Node entry is loaded', () => {
    vi.stubEnv(ENGINE_ENV_VAR, '');
    expect(coreForNode).toBeTypeOf('object');
    expect(getDefaultEngine()).toBe(nodeEngine);
    expect(getDefaultEngine().name).toBe('node');
  });

  it('is jose when no engine is installed (the browser build)', () => {
    vi.stubEnv(ENGINE_ENV_VAR, '');
    setDefaultEngine(undefined);
    expect(getDefaultEngine()).toBe(joseEngine);
  });

  it('is jose when TESSERA_ENGINE=jose, even with the node engine installed', () => {
    vi.stubEnv(ENGINE_ENV_VAR, 'jose');
    expect(getDefaultEngine()).toBe(joseEngine);
  });

  it('is the node engine when TESSERA_ENGINE=node', () => {
    vi.stubEnv(ENGINE_ENV_VAR, 'node');
    expect(getDefaultEngine()).toBe(nodeEngine);
  });

  it('rejects TESSERA_ENGINE=node where no node engine is installed', () => {
    vi.stubEnv(ENGINE_ENV_VAR, 'node');
    setDefaultEngine(undefined);
    expect(() => getDefaultEngine()).toThrow(TesseraArgumentError);
    expect(() => getDefaultEngine()).toThrow(expect.objectContaining({
      code: 'invalid_argument',
      message: 'TESSERA_ENGINE=node, but the node:crypto engine is not installed in this build (use the Node entry)',
    }));
  });

  it('rejects any other TESSERA_ENGINE value, naming the variable', () => {
    vi.stubEnv(ENGINE_ENV_VAR, 'webcrypto');
    expect(() => getDefaultEngine()).toThrow(expect.objectContaining({
      code: 'invalid_argument',
      message: 'TESSERA_ENGINE must be "jose" or "node"; got "webcrypto"',
    }));
  });
});

describe('@tessera/core/node', () => {
  it('exports the node engine and nothing else', () => {
    expect(Object.keys(nodeEntry)).toEqual(['nodeEngine']);
    expect(nodeEntry.nodeEngine).toBe(nodeEngine);
    expect(Object.isFrozen(nodeEngine)).toBe(true);
  });

  it('has the same public names in the Node flavour of the main entry as in the isomorphic one', async () => {
    const iso = await import('../src/index.js');
    expect(Object.keys(coreForNode).sort()).toEqual(Object.keys(iso).sort());
  });
});
