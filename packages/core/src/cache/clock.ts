/** A source of "now" in milliseconds. Only differences between two readings matter, so a monotonic clock fits. */
export type Clock = () => number;

/**
 * The default clock: `performance.now()` where the runtime has it (Node, browsers, workers, fetch runtimes), so wall
 * clock jumps (NTP, DST, a user changing the time) neither expire entries early nor keep them alive; `Date.now()`
 * otherwise. Read at call time, so fake timers installed after construction are honoured.
 */
export const defaultClock: Clock =
  typeof globalThis.performance?.now === 'function' ? () => globalThis.performance.now() : () => Date.now();
