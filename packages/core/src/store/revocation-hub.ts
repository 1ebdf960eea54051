import type { RevocationEvent, RevocationListener } from './token-store.js';

/**
 * In-process fan-out of revocation events to subscribed listeners: what the memory store publishes to, and what a
 * networked store (Redis pub/sub) delivers received messages through. A listener that throws is dropped from that
 * delivery only; the others still get the event.
 */
export class RevocationHub {
  readonly #listeners = new Set<RevocationListener>();

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: RevocationListener): () => void {
    // A wrapper per subscription, so one listener subscribed twice is two subscriptions.
    const entry: RevocationListener = (event) => listener(event);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** Whether anyone listens (a networked store subscribes to its channel only then). */
  get size(): number {
    return this.#listeners.size;
  }

  /** Delivers `event` to every listener. */
  publish(event: RevocationEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener must not throw (documented); one that does must not stop the revocation or the others.
      }
    }
  }

  /** Removes every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}
