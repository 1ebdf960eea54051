import type { TokenClientEvents, TokenClientListener } from '../events.js';

type AnyListener = (payload: never) => void;

/** A tiny typed event emitter; a throwing listener neither stops the others nor breaks the client's work. */
export class Emitter {
  readonly #listeners = new Map<keyof TokenClientEvents, Set<AnyListener>>();

  on<E extends keyof TokenClientEvents>(event: E, listener: TokenClientListener<E>): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  emit<E extends keyof TokenClientEvents>(event: E, payload: TokenClientEvents[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as TokenClientListener<E>)(payload);
      } catch (err) {
        // A listener's bug is the application's to see (reportError in browsers), not a reason to fail a renewal.
        (globalThis as { reportError?: (e: unknown) => void }).reportError?.(err);
      }
    }
  }
}
