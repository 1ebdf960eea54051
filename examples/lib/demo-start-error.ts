// The error of a demo that cannot start for a reason the person can fix: its message is printed as it is.

/** A demo that cannot start for a reason the person can fix (Redis down, no shared configuration…). */
export class DemoStartError extends Error {
  override readonly name = 'DemoStartError';
}
