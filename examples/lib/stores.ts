// The demo's stores: memory by default, Redis with a URL (checked at start-up, closed on stop).
import { MemoryTokenStore, type TokenStore } from '@tessera/core';
import { RedisTokenStore } from '@tessera/redis';
import type { Closers } from './closers.js';
import { DemoStartError } from './demo-start-error.js';

/**
 * The demo's store: a `MemoryTokenStore`, or a `RedisTokenStore` that has answered a PING.
 * @throws {DemoStartError} when Redis does not answer (the message names it, never its password)
 */
export async function openStore(redisUrl: string | undefined, closers: Closers, log: (line: string) => void): Promise<TokenStore> {
  if (redisUrl === undefined) {
    const store = new MemoryTokenStore();
    closers.add(() => store.close());
    return store;
  }
  let warned = false;
  const store = new RedisTokenStore({
    url: redisUrl,
    onError: (err) => {
      if (!warned) log(`redis      connection problem: ${err.message} (retrying)`);
      warned = true;
    },
  });
  closers.add(() => store.close());
  try {
    await store.ping();
  } catch (cause) {
    throw new DemoStartError(`Redis at ${redactUrl(redisUrl)} does not answer: is redis-server running?`, { cause });
  }
  return store;
}

/** A Redis URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(an unreadable REDIS_URL)';
  }
}
