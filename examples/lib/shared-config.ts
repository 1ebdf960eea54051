// What issuer processes sharing one Redis must agree on — the issuer identifier, the SPA's origin and every key — kept
// in Redis under one demo key. The full demo writes it (keeping keys already there, so tokens of a running second
// instance stay valid); `--issuer-only` reads it. Demo only: keys in Redis in the clear are fine on a laptop, never in
// production (load them from a secret manager there).
import type { RedisTokenStore } from '@tessera/redis';
import { generateDemoKeyMaterial, type DemoKeyMaterial } from './demo-keys.js';

/** The Redis key holding the shared demo configuration (`redis-cli del tessera-demo:config` starts afresh). */
export const SHARED_CONFIG_KEY = 'tessera-demo:config';

/** The configuration every demo process sharing Redis uses. */
export interface SharedDemoConfig {
  /** The issuer identifier (`iss`): the first issuer's URL, whichever process answers. */
  issuer: string;
  /** The SPA's origin (its redirect URI and the CORS origin). */
  spaOrigin: string;
  keys: DemoKeyMaterial;
}

function isConfig(value: unknown): value is SharedDemoConfig {
  const v = value as Partial<SharedDemoConfig> | null;
  return typeof v === 'object' && v !== null && typeof v.issuer === 'string' && typeof v.spaOrigin === 'string'
    && typeof v.keys === 'object' && v.keys !== null && typeof v.keys.jweDir === 'string';
}

/**
 * Reads the shared configuration.
 * @returns it, or undefined when no full demo has written one to this Redis
 * @throws when the value there is not a demo configuration
 */
export async function readSharedConfig(store: RedisTokenStore): Promise<SharedDemoConfig | undefined> {
  await store.ping();
  const text = await store.client.get(SHARED_CONFIG_KEY);
  if (text === null) return undefined;
  const parsed: unknown = JSON.parse(text);
  if (!isConfig(parsed)) throw new Error(`${SHARED_CONFIG_KEY} in Redis is not a Tessera demo configuration; delete it`);
  return parsed;
}

/**
 * Writes this demo's issuer identifier and SPA origin, with the keys already in Redis (or new ones when none are).
 * @returns the configuration now shared
 */
export async function publishSharedConfig(store: RedisTokenStore, endpoints: { issuer: string; spaOrigin: string }): Promise<SharedDemoConfig> {
  const existing = await readSharedConfig(store);
  const config: SharedDemoConfig = { ...endpoints, keys: existing?.keys ?? await generateDemoKeyMaterial() };
  await store.client.set(SHARED_CONFIG_KEY, JSON.stringify(config));
  return config;
}
