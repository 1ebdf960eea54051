// Shutting the demo down in order: servers first, then what they used.

/**
 * What `stop()` undoes: servers first (no new requests; open connections cut), then the verifiers, issuer and stores
 * in reverse order of creation — each once, whatever fails.
 */
export class Closers {
  readonly #servers: Array<() => Promise<void>> = [];
  readonly #resources: Array<() => Promise<void>> = [];
  #done: Promise<void> | undefined;
  /** A server's close: run first, all at once. */
  addServer(step: () => Promise<void>): void {
    this.#servers.push(step);
  }
  /** A resource's close (verifier, issuer, store): run after the servers, last added first. */
  add(step: () => Promise<void>): void {
    this.#resources.push(step);
  }
  /** Closes everything once; later calls share the first run. @throws AggregateError of what failed to close */
  run(): Promise<void> {
    this.#done ??= (async () => {
      const errors: unknown[] = [];
      const settled = await Promise.allSettled(this.#servers.map((step) => step()));
      for (const s of settled) if (s.status === 'rejected') errors.push(s.reason);
      for (const step of [...this.#resources].reverse()) {
        try {
          await step();
        } catch (err) {
          errors.push(err);
        }
      }
      if (errors.length > 0) throw new AggregateError(errors, 'the demo did not stop cleanly');
    })();
    return this.#done;
  }
}
