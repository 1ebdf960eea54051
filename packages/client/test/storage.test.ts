import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTokenClient,
  indexedDbStorage,
  memoryStorage,
  webStorage,
  type StorageAdapter,
  type TokenClient,
  type TokenClientOptions,
} from '@tessera/client';
import { fileStorage } from '@tessera/client/node';
import { delay, http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ISSUER, TOKEN_ENDPOINT, mockIssuer, record } from './helpers.js';

const { use, server } = mockIssuer();
const clients: TokenClient[] = [];
const make = (options: Partial<TokenClientOptions>) => {
  const client = createTokenClient({ issuer: ISSUER, clientId: 'spa', autoRefresh: false, ...options });
  clients.push(client);
  return client;
};
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
const login = (client: TokenClient) => client.password({ username: 'alice', password: 'wonderland' });

/** A custom asynchronous adapter (another process's store, a native keychain…), shared like a file would be. */
function asyncAdapter(values = new Map<string, string>()): StorageAdapter & { values: Map<string, string> } {
  return {
    values,
    shared: true,
    get: async (key) => values.get(key),
    set: async (key, value) => void values.set(key, value),
    remove: async (key) => void values.delete(key),
  };
}

/** A Web Storage area that behaves like a full one: reads work, every write throws QuotaExceededError. */
class FullStorage implements Storage {
  readonly #values = new Map<string, string>();
  get length() {
    return this.#values.size;
  }
  clear() {}
  key() {
    return null;
  }
  getItem(key: string) {
    return this.#values.get(key) ?? null;
  }
  setItem() {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  }
  removeItem(key: string) {
    this.#values.delete(key);
  }
}

describe('memory (default)', () => {
  it('keeps tokens for this client only', async () => {
    use();
    const a = make({});
    await login(a);
    const b = make({});
    expect(await b.getTokens()).toBeUndefined();
    expect(memoryStorage().get('x')).toBeUndefined();
  });
});

describe('custom async adapter', () => {
  it('persists the token set: a new client (a restart) starts logged in and emits tokens', async () => {
    use();
    const adapter = asyncAdapter();
    const first = await login(make({ storage: adapter }));
    expect(JSON.parse(adapter.values.get('tessera:spa')!)).toMatchObject({ v: 1, accessToken: first.accessToken });
    const restarted = make({ storage: adapter });
    const events = record(restarted);
    expect((await restarted.getTokens())?.accessToken).toBe(first.accessToken);
    expect(events.of('tokens')).toHaveLength(1);
  });

  it('uses storageKey to keep two clients apart', async () => {
    use();
    const adapter = asyncAdapter();
    await login(make({ storage: adapter, storageKey: 'orders-api' }));
    expect([...adapter.values.keys()]).toEqual(['orders-api']);
  });
});

describe('failing storage degrades to memory, never throws', () => {
  it('unavailable on read: the constructor does not throw, storage_error, login works in memory', async () => {
    use();
    const broken: StorageAdapter = {
      get: () => {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
      set: () => undefined,
      remove: () => undefined,
    };
    const client = make({ storage: broken });
    const events = record(client);
    expect(await client.getTokens()).toBeUndefined();
    expect(events.of('storage_error')).toMatchObject([
      { code: 'storage_unavailable', message: 'the token storage failed to read; continuing in memory' },
    ]);
    const tokens = await login(client);
    expect(await client.getAccessToken()).toBe(tokens.accessToken);
  });

  it('full (QuotaExceededError on write): storage_error, the tokens stay usable', async () => {
    use();
    const client = make({ storage: webStorage(new FullStorage()) });
    const events = record(client);
    const tokens = await login(client);
    expect(events.of('storage_error')).toMatchObject([
      { code: 'storage_unavailable', message: 'the token storage failed to write; continuing in memory' },
    ]);
    expect((events.of('storage_error')[0] as Error).cause).toMatchObject({ name: 'QuotaExceededError' });
    expect(await client.getAccessToken()).toBe(tokens.accessToken);
    await client.refresh();
    expect(events.of('storage_error')).toHaveLength(1);
  });

  it('localStorage where there is none (here: Node) degrades to memory', async () => {
    use();
    const client = make({ storage: 'localStorage' });
    const events = record(client);
    await login(client);
    expect(events.of('storage_error')).toMatchObject([{ code: 'storage_unavailable' }]);
    expect(await client.getTokens()).toBeDefined();
  });

  it('IndexedDB where there is none (here: Node) degrades to memory', async () => {
    use();
    const client = make({ storage: indexedDbStorage() });
    const events = record(client);
    expect(await client.getTokens()).toBeUndefined();
    await login(client);
    expect(events.of('storage_error')).toMatchObject([{ code: 'storage_unavailable', message: 'the token storage failed to read; continuing in memory' }]);
  });

  it.each([
    ['not JSON', '{{{'],
    ['a foreign JSON value', '{"token":"x"}'],
    ['a future version', JSON.stringify({ v: 2, accessToken: 'a' })],
    ['a token set with a field of the wrong type', JSON.stringify({ v: 1, accessToken: 'a', tokenType: 'Bearer', format: 'opaque', grant: 'password', issuedAt: 1, expiresAt: 'later' })],
  ])('a corrupted value (%s) is ignored with storage_error; logout and login still work', async (_name, value) => {
    use();
    const adapter = asyncAdapter(new Map([['tessera:spa', value]]));
    const client = make({ storage: adapter });
    const events = record(client);
    expect(await client.getTokens()).toBeUndefined();
    expect(events.of('storage_error')).toMatchObject([
      { code: 'storage_corrupted', message: 'the stored value is not a token set written by this client; ignored' },
    ]);
    // Calls re-read shared storage while logged out; the same bad value is reported once.
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'not_authenticated' });
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'not_authenticated' });
    expect(events.of('storage_error')).toHaveLength(1);
    await client.logout();
    expect(adapter.values.has('tessera:spa')).toBe(false);
    await login(client);
    expect(adapter.values.get('tessera:spa')).toMatch(/^\{"v":1,/);
  });

  it('an adapter returning a non-string is reported as corrupted', async () => {
    use();
    const client = make({ storage: { get: () => 42 as unknown as string, set: () => undefined, remove: () => undefined } });
    const events = record(client);
    await client.getTokens();
    expect(events.of('storage_error')).toMatchObject([{ code: 'storage_corrupted', message: 'the storage returned a value that is not a string' }]);
  });
});

describe('fileStorage (Node, @tessera/client/node)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-client-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes a 0600 file in a 0700 folder, survives a restart, and logout removes the entry', async () => {
    use();
    const path = join(dir, 'cli', 'tokens.json');
    const tokens = await login(make({ storage: fileStorage(path) }));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'cli'))).mode & 0o777).toBe(0o700);
    const restarted = make({ storage: fileStorage(path) });
    expect((await restarted.getTokens())?.refreshToken).toBe(tokens.refreshToken);
    await restarted.logout({ revoke: false });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({});
  });

  it('a file that is not JSON is reported as corrupted and replaced on the next login', async () => {
    use();
    const path = join(dir, 'corrupt.json');
    await writeFile(path, 'not json', { mode: 0o600 });
    const client = make({ storage: fileStorage(path) });
    const events = record(client);
    expect(await client.getTokens()).toBeUndefined();
    expect(events.of('storage_error')).toMatchObject([{ code: 'storage_corrupted', message: 'the token file is not a JSON object' }]);
    await login(client);
    expect(Object.keys(JSON.parse(await readFile(path, 'utf8')))).toEqual(['tessera:spa']);
  });
});

describe('shared storage between clients (tabs, processes)', () => {
  it('a client whose shared storage was emptied by another one logs out (other_tab) without a token request', async () => {
    const issuer = use();
    issuer.expiresIn = 0;
    const adapter = asyncAdapter();
    const a = make({ storage: adapter });
    await login(a);
    const b = make({ storage: adapter });
    const events = record(b);
    await b.getTokens();
    await a.logout({ revoke: false });
    await expect(b.getAccessToken()).rejects.toMatchObject({ code: 'not_authenticated', message: 'logged out in another tab' });
    expect(issuer.refreshes).toBe(0);
    expect(events.of('logout')).toEqual([{ reason: 'other_tab' }]);
  });

  it('a client that finds a newer token set in storage uses it instead of spending its refresh token', async () => {
    const issuer = use();
    issuer.expiresIn = 0;
    const adapter = asyncAdapter();
    const a = make({ storage: adapter });
    const b = make({ storage: adapter });
    await login(a);
    await b.getTokens();
    issuer.expiresIn = 3600;
    const rotated = await a.refresh();
    expect(await b.getAccessToken()).toBe(rotated.accessToken);
    expect(issuer.refreshes).toBe(1);
  });

  it('a client that loses a rotation race adopts the winner’s token set instead of logging out', async () => {
    const issuer = use();
    issuer.expiresIn = 0;
    const adapter = asyncAdapter();
    const a = make({ storage: adapter });
    const b = make({ storage: adapter });
    await login(a);
    await b.getTokens();
    issuer.expiresIn = 3600;
    // Both send the same refresh token; the second answer (a reuse → invalid_grant) arrives after the winner stored.
    let seen = 0;
    server.use(http.post(TOKEN_ENDPOINT, async () => {
      if (++seen === 2) await delay(100);
      return undefined;
    }));
    const events = record(b);
    const [winner, loser] = await Promise.all([a.getAccessToken(), b.getAccessToken()]);
    expect(issuer.refreshes).toBe(2);
    expect(loser).toBe(winner);
    expect(events.of('logout')).toEqual([]);
    expect(JSON.parse(adapter.values.get('tessera:spa')!).accessToken).toBe(winner);
  });
});

describe('token endpoint answers lost before storage: nothing half-written', () => {
  it('a failed refresh leaves the stored token set as it was', async () => {
    const issuer = use();
    issuer.expiresIn = 0;
    const adapter = asyncAdapter();
    const client = make({ storage: adapter });
    await login(client);
    const stored = adapter.values.get('tessera:spa');
    server.use(http.post(TOKEN_ENDPOINT, () => HttpResponse.error()));
    await expect(client.refresh()).rejects.toMatchObject({ code: 'issuer_unavailable' });
    expect(adapter.values.get('tessera:spa')).toBe(stored);
  });
});
