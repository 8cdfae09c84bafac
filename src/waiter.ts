/**
 * The waiter: polls until the job this run created (or was given) has finished, over an injected
 * clock. How one poll finds out about the job depends on the API flavor: see latest-tracker.ts
 * and search-tracker.ts.
 */
import type { Job } from './api.js'
import type { Clock } from './clock.js'
import { formatDuration } from './duration.js'
import { ApiError, DeadlineError, WaitTimeoutError } from './errors.js'
import type { Log } from './log.js'
import { FINISHED, isInFlight } from './status.js'

/** How a status is known: read from the job as the API showed it, or established by elimination. */
export type Established =
  | { kind: 'read'; status: string }
  /** Every other documented status was excluded while newer jobs hid the job itself. */
  | { kind: 'eliminated'; status: string; hiddenBy: Job[] }

/** What is known of the job's calculated status, and how. */
export type Knowledge =
  | Established
  /** In flight and no longer `left`: `status` or a later in-flight status (a lower bound). */
  | { kind: 'passed'; status: string; left: string }
  /** Finished (every in-flight status was excluded), with one of `candidates`: which is not known yet. */
  | { kind: 'finished'; candidates: string[] }

/**
 * What one poll found: `job` is the job as the API showed it during the poll, when it did;
 * `known` what the poll established about its status, absent when it learned nothing new.
 */
export type Check = { done: true; job?: Job; known: Established } | { done: false; job?: Job; known?: Knowledge }

/** One way of finding out, in one poll, where the job stands. */
export interface Tracker {
  check(): Promise<Check>
  /** Why the job cannot be told apart at the moment, when that is the case; for the timeout message. */
  obstacle(): string | undefined
}

export function describeKnowledge(known: Knowledge): string {
  if (known.kind === 'passed') return `${known.status} or later (no longer ${known.left})`
  if (known.kind === 'finished') {
    const narrowed = known.candidates.length > 0 && known.candidates.length < FINISHED.length
    return `finished${narrowed ? `: ${known.candidates.join(' or ')}` : ''} (newer jobs hide which)`
  }
  if (known.kind === 'eliminated') return `${known.status} (established by elimination)`
  return known.status
}

/** The status a job is known to have now, when it is known exactly: read, or established. */
export function exactStatus(known: Knowledge | undefined): string | undefined {
  return known === undefined || known.kind === 'passed' || known.kind === 'finished' ? undefined : known.status
}

/** The check of a job read directly: done unless its status is one of the in-flight ones. */
export function readCheck(job: Job): Check {
  const known = { kind: 'read', status: job.calculated_status } as const
  return isInFlight(job.calculated_status) ? { done: false, job, known } : { done: true, job, known }
}

/** The job does not exist: the repository's newest job is older. */
export function unknownJobError(jobId: number, repoName: string, newest: Job | undefined, created = false): ApiError {
  const known = newest ? `the newest job of ${repoName} is ${newest.id}` : `${repoName} has no jobs`
  if (created) {
    return new ApiError(
      `LayerCI does not show job ${jobId}, which it created in ${repoName}: ${known}. Check the job on the LayerCI dashboard, and that the API address is the one that created it.`,
      'never-shown'
    )
  }
  return new ApiError(`LayerCI has no job ${jobId} in ${repoName}: ${known}. Check the job id.`, 'no-such-job')
}

/**
 * A job id the API never showed, where nothing can change that: every query that could show it is
 * answered for good by newer finished jobs. Nothing says the job exists, so no result is reported.
 */
export function neverShownError(jobId: number, hiders: string): ApiError {
  return new ApiError(
    `LayerCI never showed job ${jobId}: it may not exist, or newer jobs (${hiders}) hide it from every filter that could show it, for good. No result is reported for a job the API never showed. Check the job id, and the job on the LayerCI dashboard.`,
    'never-shown'
  )
}

export interface WaitOptions {
  jobId: number
  tracker: Tracker
  clock: Clock
  log: Log
  pollIntervalMs: number
  /** The step's timeout, on the clock's monotonic time. */
  deadline: number
  /** When the run started, for elapsed times and the timeout message. */
  startedAt: number
  /** Poll at once (an existing job) rather than one interval after the create. */
  pollFirst: boolean
  /** The status known before the first poll (from the create answer). */
  initialStatus?: string
  /** Where to see the job, for the timeout message. */
  url?: string
  /** How to go on with the job after a timeout (`"job-id: 4" waits for the same job.`). */
  resume?: string
  /** Called after every poll that learned something, so outputs are set as soon as known. */
  onCheck(check: Check): void
  /** The last problem the client met (an error answer, a retried fault), for the timeout message. */
  lastProblem?(): string | undefined
}

export interface WaitResult {
  /** The job as last seen, when it was seen at all. */
  job: Job | undefined
  /** Its final calculated status. */
  status: string
  /** The newer jobs that hid it, when the status was established by elimination. */
  hiddenBy?: Job[]
  /** How the status was established. */
  known: Established
}

/** A poll must leave at least this long before the deadline to be answered in time. */
export const MIN_RESERVE_MS = 1000
const MAX_RESERVE_MS = 30_000

/** Waits until the job is done and returns what is known of it; throws WaitTimeoutError at the deadline. */
export async function waitForJob(options: WaitOptions): Promise<WaitResult> {
  const { clock, log, tracker, jobId, deadline } = options
  let known = options.initialStatus
  let job: Job | undefined
  let problem: string | undefined
  const elapsed = (): string => formatDuration(clock.now() - options.startedAt)
  if (known !== undefined) log.status(`Job ${jobId}: ${known} after ${elapsed()}`)
  // The cause first (what hid the job, the API's last problem), then where the job stands and how to
  // go on: a reader of the first line learns why.
  const timeout = (): WaitTimeoutError => {
    const lastProblem = problem ?? options.lastProblem?.()
    const hidden = tracker.obstacle()
    const causes = [hidden, lastProblem ? `Last problem: ${lastProblem}.` : undefined].filter((text) => text !== undefined)
    const seen = `${known ?? 'none'}${options.url ? `, ${options.url}` : ''}`
    const head = `Timed out after ${elapsed()} waiting for LayerCI job ${jobId}`
    const message = causes.length === 0 ? `${head} (last status seen: ${seen}).` : `${head}. ${causes.join(' ')} Last status seen: ${seen}.`
    return new WaitTimeoutError(
      `${message} It is not cancelled (the API has no cancel endpoint)${options.resume ? `; ${options.resume}` : '.'}`,
      hidden === undefined ? 'timed-out' : 'hidden'
    )
  }
  // Polls start one interval apart (not one interval after the previous poll ended), so the
  // time a poll takes does not push the next one later. The last poll before the deadline is
  // moved as close to it as a poll's own duration allows, so that a timeout is never reported
  // about a job that finished while the waiter slept.
  let nextPoll = clock.now() + (options.pollFirst ? 0 : options.pollIntervalMs)
  let lastPollAt = -Infinity
  let longestPoll = 0
  for (;;) {
    const now = clock.now()
    if (now >= deadline) throw timeout()
    const lastStart = deadline - Math.min(MAX_RESERVE_MS, Math.max(MIN_RESERVE_MS, longestPoll * 1.5))
    let at: number
    if (nextPoll <= lastStart) at = nextPoll
    else if (lastPollAt < lastStart) at = Math.max(lastStart, now)
    else {
      await clock.sleep(deadline - now)
      throw timeout()
    }
    if (at > now) await clock.sleep(at - now)
    if (clock.now() >= deadline) throw timeout()
    lastPollAt = clock.now()
    nextPoll = Math.max(nextPoll, lastPollAt) + options.pollIntervalMs
    let check: Check
    try {
      check = await tracker.check()
    } catch (caught) {
      if (caught instanceof DeadlineError) {
        problem = caught.lastProblem
        throw timeout()
      }
      throw caught
    }
    longestPoll = Math.max(longestPoll, clock.now() - lastPollAt)
    if (check.job) job = check.job
    if (check.job !== undefined || check.known !== undefined) options.onCheck(check)
    if (check.known) {
      const text = describeKnowledge(check.known)
      if (text !== known) {
        known = text
        log.status(`Job ${jobId}: ${text} after ${elapsed()}`)
      }
    }
    if (check.done) {
      const final = check.known
      return final.kind === 'eliminated'
        ? { job, status: final.status, hiddenBy: final.hiddenBy, known: final }
        : { job, status: final.status, known: final }
    }
  }
}
