interface Waiter<R> {
  resolve(value: R): void;
  reject(error: unknown): void;
}

/**
 * Gathers the calls made in one turn of the event loop — the request handlers of one poll phase — and sends them as
 * one once that turn's I/O callbacks have run (`setImmediate`): one command, one reply and one timer for a burst of
 * calls instead of one of each per call. `send` gets the items in call order and answers one result per item, in the
 * same order; when it fails, every call of the batch fails with its error. A batch that reaches `maxItems` is sent at
 * once, so one script never holds Redis for long.
 */
export class TurnBatch<I, R> {
  readonly #send: (items: readonly I[]) => Promise<readonly R[]>;
  readonly #maxItems: number;
  #items: I[] = [];
  #waiters: Waiter<R>[] = [];

  constructor(send: (items: readonly I[]) => Promise<readonly R[]>, maxItems = 256) {
    this.#send = send;
    this.#maxItems = maxItems;
  }

  /** Adds `item` to this turn's batch; settles with its result. */
  add(item: I): Promise<R> {
    if (this.#items.length === 0) setImmediate(this.#flush);
    this.#items.push(item);
    const settled = new Promise<R>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
    });
    if (this.#items.length >= this.#maxItems) this.#flush();
    return settled;
  }

  readonly #flush = (): void => {
    const items = this.#items;
    const waiters = this.#waiters;
    if (items.length === 0) return; // sent early, at maxItems
    this.#items = [];
    this.#waiters = [];
    let sent: Promise<readonly R[]>;
    try {
      sent = this.#send(items);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      (results) => {
        for (let i = 0; i < waiters.length; i++) waiters[i]!.resolve(results[i] as R);
      },
      (error: unknown) => {
        for (const waiter of waiters) waiter.reject(error);
      },
    );
  };
}
