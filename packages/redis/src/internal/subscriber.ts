import { RevocationHub, type RevocationEvent, type RevocationListener } from '@tessera/core';
import { unavailable, waitReady, withTimeout, type RedisClient } from './connection.js';

/**
 * Parses a message of the revocation channel: a JSON array of events (one revocation can publish several, e.g. a
 * family and its access tokens). Anything else, or an element that is not a well-formed event, is dropped: anyone who
 * can publish on the channel must not be able to crash a subscriber.
 */
export function parseEvents(message: string): RevocationEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const events: RevocationEvent[] = [];
  for (const item of parsed as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const e = item as Record<string, unknown>;
    const id = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
    if (e.type === 'jti' && id(e.jti)) events.push({ type: 'jti', jti: e.jti });
    else if (e.type === 'opaque' && id(e.hash)) events.push({ type: 'opaque', hash: e.hash });
    else if (e.type === 'session' && id(e.jti)) events.push({ type: 'session', jti: e.jti });
    else if (e.type === 'family' && id(e.familyId)) events.push({ type: 'family', familyId: e.familyId });
  }
  return events;
}

/** Serialises events for the channel (what the Lua scripts build with `cjson.encode`). */
export function formatEvents(events: RevocationEvent[]): string {
  return JSON.stringify(events);
}

/**
 * The subscriber side of revocation pub/sub: one dedicated connection (a `duplicate()` of the store's client: a
 * connection in subscriber mode can send nothing else), opened on the first subscription, fanning each message out
 * to every local listener. Plain PUBLISH/SUBSCRIBE, which a Cluster broadcasts to every node, so the scripts can
 * publish from whichever node owns the family's slot. ioredis resubscribes after a reconnect; messages published
 * while disconnected are lost (delivery is best effort, as `TokenStore` documents).
 */
export class RevocationSubscriber {
  readonly #hub = new RevocationHub();
  readonly #create: () => RedisClient;
  readonly #channel: string;
  readonly #timeoutMs: number;
  readonly #onError: (error: Error) => void;
  #connection: RedisClient | undefined;
  #opening: Promise<void> | undefined;
  #closed = false;

  constructor(create: () => RedisClient, channel: string, timeoutMs: number, onError: (error: Error) => void) {
    this.#create = create;
    this.#channel = channel;
    this.#timeoutMs = timeoutMs;
    this.#onError = onError;
  }

  async subscribe(listener: RevocationListener): Promise<() => Promise<void>> {
    await this.#open();
    const off = this.#hub.subscribe(listener);
    return async () => off();
  }

  /** Closes the subscriber connection and drops every listener. */
  close(): void {
    this.#closed = true;
    this.#hub.clear();
    this.#connection?.disconnect();
    this.#connection = undefined;
  }

  #open(): Promise<void> {
    if (this.#connection !== undefined) return Promise.resolve();
    this.#opening ??= this.#connect().finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  async #connect(): Promise<void> {
    const connection = this.#create();
    connection.on('error', this.#onError);
    connection.on('message', (channel: string, message: string) => {
      if (channel !== this.#channel) return;
      for (const event of parseEvents(message)) this.#hub.publish(event);
    });
    try {
      await waitReady(connection, this.#timeoutMs);
      await withTimeout(connection.subscribe(this.#channel), this.#timeoutMs);
    } catch (error) {
      connection.disconnect();
      throw error instanceof Error && 'code' in error ? error : unavailable(error);
    }
    if (this.#closed) {
      connection.disconnect();
      throw unavailable(undefined, 'token store is closed');
    }
    this.#connection = connection;
  }
}
