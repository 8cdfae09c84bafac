/**
 * The waiter: polls until the job this run created (or was given) has finished, over an injected
 * clock. How one poll finds the job depends on the API flavor; both trackers are here.
 */
import type { Job } from './api.js'
import type { LayerCiClient } from './client.js'
import type { Clock } from './clock.js'
import { formatDuration } from './duration.js'
import { DeadlineError, WaitTimeoutError } from './errors.js'
import type { Log } from './log.js'
import { FINISHED, IN_FLIGHT, isDocumented, isInFlight } from './status.js'

export type Check = { done: true; job: Job } | { done: false; job?: Job }

/** One way of finding out, in one poll, whether the job has finished. */
export interface Tracker {
  check(): Promise<Check>
  /** Why the job is not identified at the moment, when that is the case; for the timeout message. */
  obstacle(): string | undefined
}

function outcome(job: Job): Check {
  return isInFlight(job.calculated_status) ? { done: false, job } : { done: true, job }
}

/**
 * layerci flavor. `latest` returns only the newest job matching filters, so a job is told apart
 * from the others by its id: a newest match older than ours means ours does not match (yet);
 * a newest match newer than ours hides ours, and narrower filters are tried. Only a job whose
 * id is ours is ever taken as ours; nothing is inferred by elimination.
 */
export class LatestTracker implements Tracker {
  private readonly blocked = new Set<string>()
  private readonly hiders = new Map<number, Job>()
  private hidden = false
  private known: string
  private branch: string | undefined

  constructor(
    private readonly client: LayerCiClient,
    private readonly jobId: number,
    private readonly log: Log,
    job?: Job
  ) {
    this.known = job?.calculated_status ?? 'NEW'
    this.branch = job?.branch
  }

  private scope(): Record<string, string> {
    return this.branch ? { branch: this.branch } : {}
  }

  /** Asks one query; returns the job when it is ours, records a newer job that hides ours. */
  private async ask(filters: Record<string, string>, what: string): Promise<Job | 'not-ours'> {
    const key = JSON.stringify(filters)
    if (this.blocked.has(key)) return 'not-ours'
    const job = await this.client.latest(filters, what)
    if (!job || job.id < this.jobId) return 'not-ours'
    if (job.id === this.jobId) return job
    if (!this.hiders.has(job.id)) {
      this.log.info(
        `Job ${job.id}, newer than job ${this.jobId}, is the newest match for ${new URLSearchParams(filters).toString()} (${job.calculated_status}); telling job ${this.jobId} apart through narrower filters.`
      )
    }
    this.hiders.set(job.id, job)
    // A finished job stays the newest match of a query on finished statuses: skip it from now on.
    if (!isInFlight(job.calculated_status)) this.blocked.add(key)
    return 'not-ours'
  }

  private found(job: Job): Check {
    this.hidden = false
    this.known = job.calculated_status
    if (job.branch && !this.branch) this.branch = job.branch
    return outcome(job)
  }

  async check(): Promise<Check> {
    const primary = await this.ask({ done: 'true', ...this.scope() }, 'Poll')
    if (primary !== 'not-ours') return this.found(primary)
    if (!this.blocked.has(JSON.stringify({ done: 'true', ...this.scope() }))) {
      // The newest finished job is older than ours (or there is none): ours has not finished.
      this.hidden = false
      return { done: false }
    }
    // In-flight statuses it can still have, latest in a job's life first (a job spends most of
    // its time RUNNING), then the finished ones, SUCCEEDED first.
    const start = IN_FLIGHT.indexOf(this.known as (typeof IN_FLIGHT)[number])
    const statuses = [...IN_FLIGHT.slice(Math.max(0, start)).reverse(), ...FINISHED]
    for (const status of statuses) {
      const job = await this.ask({ calculated_status: status, ...this.scope() }, 'Identify')
      if (job !== 'not-ours') return this.found(job)
    }
    if (!this.hidden) {
      this.log.info(
        `Job ${this.jobId} is not visible through any filter right now: newer jobs (${[...this.hiders.keys()].join(', ')}) match the same filters. It is recognized as soon as it reaches a status they do not have; the webappio flavor, which addresses jobs by id, has no such limit.`
      )
    }
    this.hidden = true
    return { done: false }
  }

  obstacle(): string | undefined {
    if (!this.hidden) return undefined
    const hiders = [...this.hiders.values()].map((job) => `${job.id} (${job.calculated_status})`).join(', ')
    return `Newer jobs of the repository (${hiders}) match every filter job ${this.jobId} could match, so the latest endpoint, which returns only the newest match and cannot address a job by id, does not show job ${this.jobId}.`
  }
}

/** webappio flavor: `search=id:N` addresses the job exactly, one request a poll. */
export class SearchTracker implements Tracker {
  private problem: string | undefined

  constructor(
    private readonly client: LayerCiClient,
    private readonly jobId: number
  ) {}

  async check(): Promise<Check> {
    const job = await this.client.search([`id:${this.jobId}`])
    if (!job) {
      this.problem = `A search for id:${this.jobId} matches no run yet.`
      return { done: false }
    }
    if (job.id !== this.jobId) {
      this.problem = `A search for id:${this.jobId} answered with job ${job.id}; it is not taken as job ${this.jobId}.`
      return { done: false }
    }
    this.problem = undefined
    if (isInFlight(job.calculated_status) || isDocumented(job.calculated_status)) return outcome(job)
    // A status the docs do not name: ask the server whether it counts the job as done.
    const done = await this.client.search([`id:${this.jobId}`, 'done'])
    return done && done.id === this.jobId ? { done: true, job: done } : { done: false, job }
  }

  obstacle(): string | undefined {
    return this.problem
  }
}

export interface WaitOptions {
  jobId: number
  tracker: Tracker
  clock: Clock
  log: Log
  pollIntervalMs: number
  /** Epoch milliseconds: the step's timeout. */
  deadline: number
  /** When the run started, for elapsed times and the timeout message. */
  startedAt: number
  /** Poll at once (an existing job) rather than one interval after the create. */
  pollFirst: boolean
  /** The status known before the first poll (from the create answer). */
  initialStatus?: string
  /** Where to see the job, for the timeout message. */
  url?: string
  /** Called with every sighting of the job, so outputs are set as soon as known. */
  onJob(job: Job): void
}

/** Waits until the job is done and returns it; throws WaitTimeoutError at the deadline. */
export async function waitForJob(options: WaitOptions): Promise<Job> {
  const { clock, log, tracker, jobId } = options
  let lastStatus = options.initialStatus
  let first = true
  let error: unknown
  if (lastStatus !== undefined) log.status(`Job ${jobId}: ${lastStatus} after ${formatDuration(clock.now() - options.startedAt)}`)
  const timeout = (): WaitTimeoutError => {
    const reason = tracker.obstacle() ?? (error instanceof DeadlineError && error.lastProblem ? `Last problem: ${error.lastProblem}.` : '')
    return new WaitTimeoutError(
      `Timed out after ${formatDuration(clock.now() - options.startedAt)} waiting for LayerCI job ${jobId} (last status seen: ${lastStatus ?? 'none'})${options.url ? `: ${options.url}` : ''}. ${reason}`.trim()
    )
  }
  // Polls start one interval apart (not one interval after the previous poll ended), so the
  // time a poll takes does not push the next one later.
  let nextPoll = clock.now() + (options.pollFirst ? 0 : options.pollIntervalMs)
  for (;;) {
    if (!first || !options.pollFirst) {
      const remaining = options.deadline - clock.now()
      if (remaining <= 0) throw timeout()
      await clock.sleep(Math.min(Math.max(0, nextPoll - clock.now()), remaining))
      if (clock.now() >= options.deadline) throw timeout()
    }
    first = false
    nextPoll = Math.max(nextPoll, clock.now()) + options.pollIntervalMs
    let check: Check
    try {
      check = await tracker.check()
    } catch (caught) {
      if (caught instanceof DeadlineError) {
        error = caught
        throw timeout()
      }
      throw caught
    }
    if (check.job) {
      options.onJob(check.job)
      if (check.job.calculated_status !== lastStatus) {
        lastStatus = check.job.calculated_status
        log.status(`Job ${jobId}: ${lastStatus} after ${formatDuration(clock.now() - options.startedAt)}`)
      }
    }
    if (check.done) return check.job
  }
}
