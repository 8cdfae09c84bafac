import type { Clock } from '../src/clock.js'

/**
 * A clock whose sleeps return at once, advancing time; `onSleep` lets a test act between polls.
 * `time` is the monotonic clock; the wall clock is `time + wallOffset`, and `stepWall` moves it
 * alone, as NTP or a resumed VM moves a system clock.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = []
  onSleep: ((sleepIndex: number, now: number) => void | Promise<void>) | undefined
  wallOffset = 0

  constructor(public time = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.time
  }

  wall(): number {
    return this.time + this.wallOffset
  }

  /** Steps the wall clock by `ms` (either way); the monotonic clock does not move. */
  stepWall(ms: number): void {
    this.wallOffset += ms
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms)
    this.time += Math.max(0, ms)
    await this.onSleep?.(this.sleeps.length, this.time)
  }
}
