/**
 * Time, injected so that tests of the waiter and the retries need no real sleeps.
 *
 * Two clocks: `now()` is monotonic (performance.now()), and every deadline, pause, budget and
 * elapsed time is measured on it, so that a step of the system clock (NTP, a resumed VM) changes
 * nothing a run decides. `wall()` is the system clock: only for dates (an HTTP `Retry-After` date)
 * and for what is shown to people.
 */
export interface Clock {
  /** Monotonic milliseconds from an arbitrary origin. */
  now(): number
  /** Milliseconds since the epoch, as the system clock says: never for a deadline. */
  wall(): number
  sleep(ms: number): Promise<void>
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wall: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
}
