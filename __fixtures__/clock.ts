import type { Clock } from '../src/clock.js'

/** A clock whose sleeps return at once, advancing time; `onSleep` lets a test act between polls. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = []
  onSleep: ((sleepIndex: number, now: number) => void | Promise<void>) | undefined

  constructor(public time = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.time
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms)
    this.time += Math.max(0, ms)
    await this.onSleep?.(this.sleeps.length, this.time)
  }
}
