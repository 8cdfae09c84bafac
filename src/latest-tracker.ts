/**
 * The layerci flavor's tracker. The `latest` endpoint returns only the newest job matching some
 * filters and cannot address a job by id, so a job is told apart from the others by its id and by
 * the filters' exact definitions (ci-jobs.md):
 *
 * - The newest match of a query is our job: that is its status, read.
 * - No match, or a newest match *older* than our job: our job does not match the query now.
 * - A newest match *newer* than our job hides it: nothing is learned from that query. A newer job
 *   that matches a query for good (a finished status, `done`, `failed`, or no status filter at
 *   all) hides it for good, and that query is not asked again.
 *
 * From "does not match" answers, the status is established by elimination: finished once NEW,
 * then STARTING_RUNNERS, then RUNNING were excluded in that order (a job only moves forward, so
 * a job moving on between two queries is never taken for finished); a finished status once every
 * other documented status was excluded after the job had finished (SUCCEEDED only when `failed`
 * was excluded too). The nine documented calculated statuses are the complete list.
 */
import type { Job } from './api.js'
import type { LayerCiClient } from './client.js'
import type { Log } from './log.js'
import { FAILED, FINISHED, IN_FLIGHT, isInFlight } from './status.js'
import { readCheck, unknownJobError, type Check, type Knowledge, type Tracker } from './waiter.js'

type Filters = Record<string, string>

/** What one query says about our job. */
type Reading =
  | { kind: 'ours'; job: Job }
  /** Our job does not match the query now: nothing does, or only older jobs do. */
  | { kind: 'excluded'; newest?: Job }
  /** A newer job is the newest match: nothing is learned about ours. */
  | { kind: 'hidden'; by: Job }
  /** The answer was not certain (an error the API does not explain as "no match"). */
  | { kind: 'unclear' }

/** The stage of a finished job, after the in-flight ones (indexes of IN_FLIGHT). */
const FINISHED_STAGE = IN_FLIGHT.length
const RUNNING_STAGE = IN_FLIGHT.indexOf('RUNNING')

function stageOf(status: string): number {
  const index = (IN_FLIGHT as readonly string[]).indexOf(status)
  return index >= 0 ? index : FINISHED_STAGE
}

export interface LatestTrackerOptions {
  repoName: string
  /** The job as the create answered, when this run created it. */
  created?: Job
  /** The job id was given by the user: fail when the repository's newest job is older. */
  mustExist?: boolean
}

export class LatestTracker implements Tracker {
  /**
   * The job's branch, as the create answer or a read of the job gives it: every query is narrowed
   * to it. Should the branch's newest job be older than the job, the branch filter does not show
   * it, and the branch is dropped for good.
   */
  private branch: string | undefined
  /** A lower bound of where the job is in its life: an index of IN_FLIGHT, or FINISHED_STAGE. */
  private stage: number
  /** The job as last read. */
  private last: Job | undefined
  /** Queries that a newer job answers for good. */
  private readonly blocked = new Set<string>()
  private readonly hiders = new Map<number, Job>()
  /** Finished statuses excluded since the job was known to have finished. */
  private readonly excluded = new Set<string>()
  private failedExcluded = false
  private hidden: { phase: 'in-flight' | 'finished'; candidates: string[] } | undefined
  /** Polls in a row in which the repository's newest job was older than ours. */
  private missing = 0
  /** The branch filter did not show the job: it is no longer narrowed to its branch. */
  private branchUnusable = false

  constructor(
    private readonly client: LayerCiClient,
    private readonly jobId: number,
    private readonly log: Log,
    private readonly options: LatestTrackerOptions
  ) {
    this.last = options.created
    this.branch = options.created?.branch
    this.stage = options.created ? stageOf(options.created.calculated_status) : 0
  }

  /** Asks one query on the job's branch (when known), unless a newer job answers it for good (then undefined). */
  private ask(filters: Filters, what: string): Promise<Reading | undefined> {
    return this.query(filters, what, this.branch)
  }

  private async query(filters: Filters, what: string, branch: string | undefined): Promise<Reading | undefined> {
    const query = branch === undefined ? filters : { ...filters, branch }
    const key = new URLSearchParams(query).toString()
    if (this.blocked.has(key)) return undefined
    const lookup = await this.client.latest(query, what)
    if (lookup.kind === 'unclear') return { kind: 'unclear' }
    if (lookup.kind === 'none') return { kind: 'excluded' }
    const job = lookup.job
    if (job.id === this.jobId) return { kind: 'ours', job }
    if (job.id < this.jobId) return { kind: 'excluded', newest: job }
    if (!this.hiders.has(job.id)) {
      this.log.info(
        `Job ${job.id}, newer than job ${this.jobId}, is the newest match for ${key} (${job.calculated_status}); telling job ${this.jobId} apart through other filters.`
      )
    }
    this.hiders.set(job.id, job)
    // Only a query on an in-flight status can stop matching the newer job.
    const status = filters.calculated_status
    if (status === undefined || !isInFlight(status)) this.blocked.add(key)
    return { kind: 'hidden', by: job }
  }

  async check(): Promise<Check> {
    // 1. The newest job where ours is: ours itself, whatever its status, while no newer job is there.
    let broad = await this.query({}, 'Poll', this.branch)
    if (broad?.kind === 'excluded' && this.branch !== undefined) {
      this.dropBranch(broad.newest)
      broad = await this.query({}, 'Poll', undefined)
    }
    if (broad?.kind === 'ours') return this.seen(broad.job)
    if (broad?.kind === 'unclear') return { done: false }
    if (broad?.kind === 'excluded') return this.notShown(broad.newest)
    this.missing = 0

    // 2. Whether it has finished: the newest finished job is ours, or older than ours (it has not).
    if (this.stage < FINISHED_STAGE) {
      const done = await this.ask({ done: 'true' }, 'Poll')
      if (done?.kind === 'ours') return this.seen(done.job)
      if (done?.kind === 'unclear') return { done: false }
      if (done?.kind === 'excluded') return this.progress()
    }

    // 3. A newer finished job answers done=true. Exclude the in-flight statuses in life order.
    while (this.stage < FINISHED_STAGE) {
      const status = IN_FLIGHT[this.stage] ?? 'NEW'
      const reading = await this.ask({ calculated_status: status }, 'Identify')
      if (reading === undefined || reading.kind === 'hidden') return this.readIfFinished()
      if (reading.kind === 'unclear') return { done: false }
      if (reading.kind === 'ours') return this.seen(reading.job)
      this.stage++
    }
    return this.finished()
  }

  /**
   * In flight and not hidden: learn how far along it is with one more query, or two when a newer
   * job in the same status hides the first. A job never read yet (a job id given by the user) is
   * looked for as RUNNING first: reading it tells its branch, which narrows every later query.
   */
  private async progress(): Promise<Check> {
    this.hidden = undefined
    if (this.stage < RUNNING_STAGE) {
      const current = IN_FLIGHT[this.stage] ?? 'NEW'
      const probes = this.last === undefined ? ['RUNNING', current] : [current, 'RUNNING']
      for (const status of probes) {
        const reading = await this.ask({ calculated_status: status }, 'Status')
        if (reading?.kind === 'ours') return this.seen(reading.job)
        if (status !== current) continue
        if (reading?.kind === 'excluded') this.stage++
        if (reading?.kind !== 'hidden') break
      }
    }
    return this.pending()
  }

  /**
   * The newest job of the job's branch is older than the job: the branch filter does not show
   * it (the API's own note: a job's branch is set only for commits made to that branch). From
   * now on it is looked for in the whole repository.
   */
  private dropBranch(newest: Job | undefined): void {
    this.log.info(
      `The newest job on branch ${this.branch ?? ''} is ${newest ? `job ${newest.id}` : 'none'}, older than job ${this.jobId}: the branch filter does not show job ${this.jobId}, so it is looked for in the whole repository.`
    )
    this.branch = undefined
    this.branchUnusable = true
  }

  /**
   * The repository's newest job is older than the job (or there is none): the job does not exist
   * (yet). A job id given by the user fails at the second such poll in a row, a job this run
   * created (which the API should show at once) at the third.
   */
  private notShown(newest: Job | undefined): Check {
    this.missing++
    if (this.missing >= (this.options.mustExist ? 2 : 3)) {
      throw unknownJobError(this.jobId, this.options.repoName, newest, this.options.mustExist !== true)
    }
    return this.pending()
  }

  /**
   * A newer job in the same in-flight status hides whether ours has finished. If it has, a query
   * on its result may still show it: asked for a read only, nothing is excluded from the answers.
   */
  private async readIfFinished(): Promise<Check> {
    const probes: Filters[] = [{ failed: 'true' }, { calculated_status: 'SUCCEEDED' }, { calculated_status: 'RUNNER_CANCELLED' }]
    for (const filters of probes) {
      const reading = await this.ask(filters, 'Identify')
      if (reading?.kind === 'ours') return this.seen(reading.job)
      if (reading?.kind === 'unclear') return { done: false }
    }
    return this.stillHidden('in-flight', [])
  }

  /** Finished: its status is read where a query shows it, or established by elimination. */
  private async finished(): Promise<Check> {
    if (!this.failedExcluded) {
      const failed = await this.ask({ failed: 'true' }, 'Identify')
      if (failed?.kind === 'ours') return this.seen(failed.job)
      if (failed?.kind === 'unclear') return { done: false }
      if (failed?.kind === 'excluded') {
        this.failedExcluded = true
        for (const status of FAILED) this.excluded.add(status)
      }
    }
    for (const status of FINISHED) {
      if (this.excluded.has(status)) continue
      const reading = await this.ask({ calculated_status: status }, 'Identify')
      if (reading?.kind === 'ours') return this.seen(reading.job)
      if (reading?.kind === 'unclear') return { done: false }
      if (reading?.kind === 'excluded') this.excluded.add(status)
    }
    const candidates = FINISHED.filter((status) => !this.excluded.has(status))
    const [only] = candidates
    if (candidates.length === 1 && only !== undefined && (only !== 'SUCCEEDED' || this.failedExcluded)) {
      this.hidden = undefined
      const known = { kind: 'eliminated', status: only, hiddenBy: this.hidersOnBranch() } as const
      return this.last ? { done: true, job: this.last, known } : { done: true, known }
    }
    return this.stillHidden('finished', candidates)
  }

  private seen(job: Job): Check {
    this.last = job
    this.hidden = undefined
    if (this.branch === undefined && job.branch && !this.branchUnusable) this.branch = job.branch
    this.stage = stageOf(job.calculated_status)
    return readCheck(job)
  }

  /** What is known of an in-flight job: its status as read, or the stage it has reached since. */
  private knowledge(): Knowledge | undefined {
    if (this.stage >= FINISHED_STAGE) return undefined
    const status = IN_FLIGHT[this.stage] ?? 'NEW'
    if (this.last && stageOf(this.last.calculated_status) === this.stage) return { kind: 'read', status: this.last.calculated_status }
    const left = IN_FLIGHT[this.stage - 1]
    return left === undefined ? undefined : { kind: 'passed', status, left }
  }

  private pending(): Check {
    const known = this.knowledge()
    return known ? { done: false, known } : { done: false }
  }

  private stillHidden(phase: 'in-flight' | 'finished', candidates: string[]): Check {
    const changed = this.hidden?.phase !== phase || this.hidden.candidates.join() !== candidates.join()
    this.hidden = { phase, candidates }
    if (changed) this.log.info(`${this.obstacle() ?? ''} Still waiting: the job is recognized as soon as the filters can tell it apart.`)
    return this.pending()
  }

  private hidersOnBranch(): Job[] {
    return [...this.hiders.values()].filter((job) => this.branch === undefined || job.branch === this.branch)
  }

  obstacle(): string | undefined {
    if (!this.hidden) return undefined
    const hiders = this.hidersOnBranch()
      .map((job) => `${job.id} (${job.calculated_status})`)
      .join(', ')
    const where = this.branch === undefined ? '' : ` on ${this.branch}`
    const limit = 'the latest endpoint returns only the newest match and cannot address a job by id'
    const { phase, candidates } = this.hidden
    if (phase === 'in-flight') {
      return `Newer jobs${where} (${hiders}) match every filter that could show whether job ${this.jobId} has finished: ${limit}. Job ${this.jobId} is told apart once no newer job${where} is in flight.`
    }
    if (candidates.length === 0) {
      return `Job ${this.jobId} has finished with a status the API documentation does not name, and newer jobs${where} (${hiders}) hide it from the filters that would show it.`
    }
    return `Job ${this.jobId} has finished, but newer jobs${where} (${hiders}) match every filter that could tell ${candidates.join(' from ')} for it: ${limit}.`
  }
}
