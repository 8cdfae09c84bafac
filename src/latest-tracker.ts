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
 * was excluded too).
 *
 * Every conclusion rests on premises, and each is checked, or nothing is concluded:
 *
 * - **The job exists.** A job this run created was in the create answer; a job id given by the
 *   user must have been read once through some query. A job never shown gets no result: the run
 *   says so (at once when nothing can change that, else at the timeout).
 * - **The narrowing matches the job.** Queries are narrowed to the job's branch (or `branch=` for
 *   a job recorded without one), but a "no match" through a narrowed query excludes a status only
 *   once the job was read through that narrowing: until then such an answer is asked again
 *   without the narrowing. The newest job of a branch older than ours proves ours is not on it.
 * - **The statuses are the nine documented ones, and `done`, `failed` and `calculated_status`
 *   match what the page says.** Every answer is checked against its filters' definitions; a job
 *   in an undocumented status (ours or any other), or an answer its filters do not allow, ends
 *   all elimination for the run: from then on a result is only read.
 *
 * A poll sends at most MAX_GETS_PER_POLL requests; what it could not ask waits for the next poll
 * (every exclusion already made is kept, and holds: a finished status is final).
 */
import type { Job } from './api.js'
import type { LayerCiClient } from './client.js'
import type { Log } from './log.js'
import { FAILED, FINISHED, IN_FLIGHT, isDocumented, isInFlight } from './status.js'
import { neverShownError, readCheck, unknownJobError, type Check, type Knowledge, type Tracker } from './waiter.js'

type Filters = Readonly<Record<string, string>>

/** What one query says about our job. */
type Reading =
  | { kind: 'ours'; job: Job }
  /** Our job does not match the query now: nothing does, or only older jobs do. */
  | { kind: 'excluded'; newest?: Job }
  /** A newer job is the newest match: nothing is learned about ours. */
  | { kind: 'hidden'; by: Job }
  /** The answer was not certain (an error the API does not explain as "no match"). */
  | { kind: 'unclear' }
  /** Not asked: the poll's requests are spent. */
  | { kind: 'deferred' }

/** The most requests one poll sends; the usual poll sends one. */
export const MAX_GETS_PER_POLL = 10

/** The stage of a finished job, after the in-flight ones (indexes of IN_FLIGHT). */
const FINISHED_STAGE = IN_FLIGHT.length
const RUNNING_STAGE = IN_FLIGHT.indexOf('RUNNING')

function stageOf(status: string): number {
  const index = (IN_FLIGHT as readonly string[]).indexOf(status)
  return index >= 0 ? index : FINISHED_STAGE
}

/** The branch a job is recorded on: '' when the API gives none. */
function recordedBranch(job: Job): string {
  return job.branch ?? ''
}

/** Where a query looks, in words. */
function scope(branch: string | undefined): string {
  if (branch === undefined) return 'of the repository'
  return branch === '' ? 'without a branch (branch=)' : `on branch ${branch}`
}

/** A query in words: "the newest finished job on branch main (done=true)". */
export function describeQuery(filters: Filters): string {
  const where = scope(filters.branch)
  if (filters.done !== undefined) return `the newest finished job ${where} (done=true)`
  if (filters.failed !== undefined) return `the newest failed job ${where} (failed=true)`
  if (filters.calculated_status !== undefined) return `the newest ${filters.calculated_status} job ${where}`
  return `the newest job ${where}`
}

function identityOf(job: Job): { commit?: string; repository?: string } {
  return {
    ...(job.commit_sha ? { commit: job.commit_sha.toLowerCase() } : {}),
    ...(job.repository_name ? { repository: job.repository_name } : {})
  }
}

/** Whether a job in `status` matches the status filters of a query, by the API's definitions. */
function statusMatches(status: string, filters: Filters): boolean {
  if (filters.calculated_status !== undefined && status !== filters.calculated_status) return false
  if (filters.done !== undefined && isInFlight(status)) return false
  if (filters.failed !== undefined && !(FAILED as readonly string[]).includes(status)) return false
  return true
}

interface Narrowing {
  /** The value of the branch filter: a branch, or '' for a job recorded without one. */
  branch: string
  /** Our job was read through a query with this filter: a "no match" through it means the other filters. */
  trusted: boolean
  /** The newest job with this filter is older than ours: ours does not match it. */
  refuted: boolean
}

export interface LatestTrackerOptions {
  repoName: string
  /** The job as the create answered, when this run created it. */
  created?: Job
  /** The job id was given by the user: fail when the repository's newest job is older. */
  mustExist?: boolean
  /** The branch the job is expected on, before it is read (a job id given with a branch). */
  branch?: string
}

export class LatestTracker implements Tracker {
  /**
   * The branch filter every query tries first: the job's branch as the create answer or a read
   * gives it, or the branch given with a job id.
   */
  private narrowing: Narrowing | undefined
  /** A lower bound of where the job is in its life: an index of IN_FLIGHT, or FINISHED_STAGE. */
  private stage: number
  /** The job as last read. */
  private last: Job | undefined
  /** The job was shown by the API: in the create answer, or read through a query. */
  private shown: boolean
  /** Queries that a newer job answers for good, with that job. */
  private readonly blocked = new Map<string, Job>()
  /** Newer jobs that answered a query, with where those queries looked (a branch, or undefined: everywhere). */
  private readonly hiders = new Map<number, { job: Job; scopes: Set<string | undefined> }>()
  /** Finished statuses excluded since the job was known to have finished. */
  private readonly excluded = new Set<string>()
  private failedExcluded = false
  private hidden: { phase: 'in-flight' | 'finished'; candidates: string[] } | undefined
  /** Polls in a row in which the repository's newest job was older than ours. */
  private missing = 0
  /** Why elimination is off for this run: an answer showed the API's definitions do not hold. */
  private unsound: string | undefined
  /** What makes the job this job, from its first sight: an answer with its id but another commit is another job. */
  private identity: { commit?: string; repository?: string } | undefined
  /** Requests this poll may still send. */
  private budget = 0
  /** Where the rotation of the result probes stands, when a poll cannot ask them all. */
  private probeCursor = 0

  constructor(
    private readonly client: LayerCiClient,
    private readonly jobId: number,
    private readonly log: Log,
    private readonly options: LatestTrackerOptions
  ) {
    const created = options.created
    this.last = created
    this.shown = created !== undefined
    this.stage = 0
    if (created) {
      this.identity = identityOf(created)
      this.narrowing = { branch: recordedBranch(created), trusted: false, refuted: false }
      this.checkStatus(created)
      if (this.unsound === undefined) this.stage = stageOf(created.calculated_status)
    } else if (options.branch !== undefined) {
      this.narrowing = { branch: options.branch, trusted: false, refuted: false }
    }
  }

  /** Ends elimination for the run, saying why once. */
  private refute(reason: string): void {
    if (this.unsound !== undefined) return
    this.unsound = reason
    // What was excluded no longer holds: every finished status is probed again, for a read.
    this.excluded.clear()
    this.failedExcluded = false
    this.log.warning(
      `${reason}. Elimination relies on the API documentation's nine calculated statuses and on what its filters match, so from now on nothing is concluded about job ${this.jobId} from what a query does not show: its result is reported only when a query shows the job itself.`
    )
  }

  private checkStatus(job: Job): void {
    if (!isDocumented(job.calculated_status)) {
      this.refute(`Job ${job.id} has the calculated status ${job.calculated_status}, which the API documentation does not name`)
    }
  }

  /** Checks an answer against its filters' definitions (ci-jobs.md); false when it breaks one. */
  private consistent(job: Job, filters: Filters): boolean {
    const status = job.calculated_status
    const broken =
      filters.calculated_status !== undefined && status !== filters.calculated_status
        ? `calculated_status=${filters.calculated_status}`
        : filters.done !== undefined && isInFlight(status)
          ? 'done=true'
          : filters.failed !== undefined && !(FAILED as readonly string[]).includes(status)
            ? 'failed=true'
            : filters.branch !== undefined && job.raw.branch !== undefined && recordedBranch(job) !== filters.branch
              ? `branch=${filters.branch}`
              : undefined
    this.checkStatus(job)
    if (broken === undefined) return true
    this.refute(
      `LayerCI answered ${describeQuery(filters)} with job ${job.id} in ${status}${broken.startsWith('branch=') ? ` on ${recordedBranch(job) || 'no branch'}` : ''}, which ${broken} does not match by the API's definition`
    )
    return false
  }

  /** Sends one query, unless a newer job answers it for good or the poll's requests are spent. */
  private async query(filters: Filters, what: string): Promise<Reading> {
    const key = new URLSearchParams(filters).toString()
    const blocker = this.blocked.get(key)
    if (blocker !== undefined) return { kind: 'hidden', by: blocker }
    if (this.budget <= 0) return { kind: 'deferred' }
    this.budget--
    const lookup = await this.client.latest({ ...filters }, what)
    if (lookup.kind === 'unclear') return { kind: 'unclear' }
    if (lookup.kind === 'none') return this.excludedUnlessContradicted(filters, undefined)
    const job = lookup.job
    const consistent = this.consistent(job, filters)
    if (job.id === this.jobId) return this.sameJob(job, filters)
    if (job.id < this.jobId) return this.excludedUnlessContradicted(filters, job)
    const hider = this.hiders.get(job.id) ?? { job, scopes: new Set<string | undefined>() }
    if (!this.hiders.has(job.id)) {
      this.log.info(
        `Job ${this.nameHider(job)}, newer than job ${this.jobId}, is ${describeQuery(filters)}: telling job ${this.jobId} apart through other filters.`
      )
    }
    hider.job = job
    hider.scopes.add(filters.branch)
    this.hiders.set(job.id, hider)
    // A newer job matches for good a query without a status, or on a finished status; only a
    // query on an in-flight status can stop matching it. An answer that breaks the filter's
    // definition says nothing of what it will match later.
    const status = filters.calculated_status
    if (consistent && (status === undefined || !isInFlight(status))) this.blocked.set(key, job)
    return { kind: 'hidden', by: job }
  }

  /**
   * A "no match newer than ours" answer, unless an earlier answer contradicts it: a newer job seen
   * in a finished status matches, for good, every query its status and branch match, so the
   * newest match cannot be older than it (a stale or lagging answer). A contradiction ends
   * elimination, and the answer is not used.
   */
  private excludedUnlessContradicted(filters: Filters, newest: Job | undefined): Reading {
    for (const { job, scopes } of this.hiders.values()) {
      if (!(FINISHED as readonly string[]).includes(job.calculated_status) || !statusMatches(job.calculated_status, filters)) continue
      if (!scopes.has(filters.branch) && filters.branch !== undefined) continue
      this.refute(
        `LayerCI answered ${describeQuery(filters)} with ${newest ? `job ${newest.id}` : 'no job'}, though job ${job.id} (${job.calculated_status}), newer, matched it before: the answers contradict each other`
      )
      return { kind: 'unclear' }
    }
    return newest === undefined ? { kind: 'excluded' } : { kind: 'excluded', newest }
  }

  /**
   * An answer with the job's id: the job, unless it shows another commit or repository than the
   * job had when first shown (another job with the same id, a repository of the same name under
   * another owner): then it is not used, and elimination ends.
   */
  private sameJob(job: Job, filters: Filters): Reading {
    const seen = identityOf(job)
    this.identity ??= seen
    const known = this.identity
    const other =
      known.commit !== undefined && seen.commit !== undefined && known.commit !== seen.commit
        ? `commit ${seen.commit.slice(0, 12)}, not ${known.commit.slice(0, 12)}`
        : known.repository !== undefined && seen.repository !== undefined && known.repository !== seen.repository
          ? `repository ${seen.repository}, not ${known.repository}`
          : undefined
    if (other === undefined) return { kind: 'ours', job }
    this.refute(`LayerCI answered ${describeQuery(filters)} with a job ${job.id} of ${other}: it is not taken as the same job`)
    return { kind: 'unclear' }
  }

  /**
   * Asks a query through the narrowing, when there is one. A "no match" through a narrowing the
   * job was never read through may be the narrowing's: the query is asked again without it. (A
   * newer job hiding the narrowed query hides the wider one too: that is not asked again.)
   */
  private async ask(filters: Filters, what: string): Promise<Reading> {
    const narrowing = this.narrowing
    if (narrowing !== undefined && !narrowing.refuted) {
      const reading = await this.query({ ...filters, branch: narrowing.branch }, what)
      if (reading.kind === 'ours') narrowing.trusted = true
      if (reading.kind !== 'excluded') return reading
      if (Object.keys(filters).length === 0) this.refuteNarrowing(narrowing, reading.newest)
      else if (narrowing.trusted) return reading
    }
    return this.query(filters, what)
  }

  /**
   * The newest job with the branch filter is older than the job: the filter does not show it (the
   * API's own note: a job's branch is set only for commits made to that branch). From now on it
   * is looked for in the whole repository, until a read tells another branch.
   */
  private refuteNarrowing(narrowing: Narrowing, newest: Job | undefined): void {
    narrowing.refuted = true
    narrowing.trusted = false
    this.log.info(
      `The newest job ${scope(narrowing.branch)} is ${newest ? `job ${newest.id}` : 'none'}, older than job ${this.jobId}: that filter does not show job ${this.jobId}, so it is looked for in the whole repository.`
    )
  }

  async check(): Promise<Check> {
    this.budget = MAX_GETS_PER_POLL
    // 1. The newest job where ours is: ours itself, whatever its status, while no newer job is there.
    const broad = await this.ask({}, 'Poll')
    if (broad.kind === 'ours') return this.seen(broad.job)
    if (broad.kind === 'excluded') return this.notShown(broad.newest)
    if (broad.kind !== 'hidden') return this.pending()
    this.missing = 0

    // 2. Whether it has finished: the newest finished job is ours, or older than ours (it has not).
    if (this.stage < FINISHED_STAGE || this.unsound !== undefined) {
      const done = await this.ask({ done: 'true' }, 'Poll')
      if (done.kind === 'ours') return this.seen(done.job)
      if (done.kind === 'excluded') return this.progress()
      if (done.kind !== 'hidden') return this.pending()
    }
    if (this.unsound !== undefined) return this.readIfFinished()

    // 3. A newer finished job answers done=true. Exclude the in-flight statuses in life order.
    while (this.stage < FINISHED_STAGE) {
      const status = IN_FLIGHT[this.stage] ?? 'NEW'
      const reading = await this.ask({ calculated_status: status }, 'Identify')
      if (reading.kind === 'ours') return this.seen(reading.job)
      if (reading.kind === 'hidden') return this.readIfFinished()
      if (reading.kind !== 'excluded') return this.pending()
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
    if (this.stage < RUNNING_STAGE && this.unsound === undefined) {
      const current = IN_FLIGHT[this.stage] ?? 'NEW'
      const probes = this.last === undefined ? ['RUNNING', current] : [current, 'RUNNING']
      for (const status of probes) {
        const reading = await this.ask({ calculated_status: status }, 'Status')
        if (reading.kind === 'ours') return this.seen(reading.job)
        if (status !== current) continue
        if (reading.kind === 'excluded') this.stage++
        if (reading.kind !== 'hidden') break
      }
    }
    return this.pending()
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
   * The queries that could show the job itself once it has finished: `failed=true` and the other
   * finished statuses, or each finished status alone once a newer failed job answers `failed=true`
   * for good (so that a BAD_LAYERFILE hidden there is still read through its own status).
   */
  private resultProbes(): Filters[] {
    const failedBlocked = this.isBlocked({ failed: 'true' })
    const statuses = failedBlocked ? FINISHED : FINISHED.filter((status) => !(FAILED as readonly string[]).includes(status))
    const probes: Filters[] = [
      ...(failedBlocked ? [] : [{ failed: 'true' }]),
      ...statuses.filter((status) => !this.excluded.has(status)).map((status) => ({ calculated_status: status }))
    ]
    return probes.filter((filters) => !this.isBlocked(filters))
  }

  /** Whether every form of this query (narrowed or not) that would be asked is answered for good. */
  private isBlocked(filters: Filters): boolean {
    const narrowing = this.narrowing
    const narrowed = narrowing !== undefined && !narrowing.refuted
    const key = (query: Filters): string => new URLSearchParams(query).toString()
    if (narrowed && this.blocked.has(key({ ...filters, branch: narrowing.branch }))) return true
    return !narrowed && this.blocked.has(key(filters))
  }

  /**
   * A newer job in the same in-flight status hides whether ours has finished (or elimination is
   * off). If it has, a query on its result may still show it: asked for a read only, nothing is
   * excluded from the answers. The probes the poll's requests cannot cover are asked next poll.
   */
  private async readIfFinished(): Promise<Check> {
    const probes = this.resultProbes()
    let asked = 0
    for (; asked < probes.length && this.budget > 0; asked++) {
      const filters = probes[(this.probeCursor + asked) % probes.length] ?? {}
      const reading = await this.ask(filters, 'Identify')
      if (reading.kind === 'ours') return this.seen(reading.job)
      if (reading.kind === 'unclear') return this.pending()
      if (reading.kind === 'deferred') break
    }
    if (probes.length > 0) this.probeCursor = (this.probeCursor + asked) % probes.length
    return this.stillHidden('in-flight', [])
  }

  /** Finished: its status is read where a query shows it, or established by elimination. */
  private async finished(): Promise<Check> {
    if (!this.failedExcluded) {
      const failed = await this.ask({ failed: 'true' }, 'Identify')
      if (failed.kind === 'ours') return this.seen(failed.job)
      if (failed.kind === 'unclear' || failed.kind === 'deferred') return this.pending()
      if (failed.kind === 'excluded') {
        this.failedExcluded = true
        for (const status of FAILED) this.excluded.add(status)
      }
    }
    for (const status of FINISHED) {
      if (this.excluded.has(status)) continue
      const reading = await this.ask({ calculated_status: status }, 'Identify')
      if (reading.kind === 'ours') return this.seen(reading.job)
      if (reading.kind === 'unclear' || reading.kind === 'deferred') return this.pending()
      if (reading.kind === 'excluded') this.excluded.add(status)
    }
    // An answer in this poll may have shown that the API's definitions do not hold.
    if (this.unsound !== undefined) return this.pending()
    const candidates = FINISHED.filter((status) => !this.excluded.has(status))
    const [only] = candidates
    if (candidates.length === 1 && only !== undefined && (only !== 'SUCCEEDED' || this.failedExcluded)) {
      // Every query that could show the job is answered for good by a finished newer job: a job
      // never shown stays so. Nothing says it exists, so no result.
      if (!this.shown) throw neverShownError(this.jobId, this.hiderList())
      // Still finished after the last exclusion: a job retried back to RUNNING while its statuses
      // were asked is not given a status it never had.
      const running = await this.ask({ calculated_status: 'RUNNING' }, 'Identify')
      if (running.kind === 'ours') return this.seen(running.job)
      if (running.kind !== 'excluded' || this.unsound !== undefined) return this.pending()
      this.hidden = undefined
      const known = { kind: 'eliminated', status: only, hiddenBy: this.relevantHiders() } as const
      return this.last ? { done: true, job: this.last, known } : { done: true, known }
    }
    if (candidates.length === 0) {
      this.refute(`Job ${this.jobId} matches none of the nine documented calculated statuses`)
      return this.pending()
    }
    return this.stillHidden('finished', candidates)
  }

  private async seen(job: Job): Promise<Check> {
    this.last = job
    this.shown = true
    this.hidden = undefined
    this.missing = 0
    const branch = recordedBranch(job)
    const narrowing = this.narrowing
    if (narrowing === undefined || (!narrowing.trusted && narrowing.branch !== branch)) {
      this.narrowing = { branch, trusted: false, refuted: false }
    }
    if (!isDocumented(job.calculated_status)) return this.undocumented(job)
    // A job only moves forward, and a finished status is final: a job read in an earlier stage
    // than one it was known to have reached (a runner retried) breaks what elimination relies on.
    const stage = stageOf(job.calculated_status)
    if (stage < this.stage) {
      const reached = this.stage >= FINISHED_STAGE ? 'finished' : `reached ${IN_FLIGHT[this.stage] ?? 'NEW'}`
      this.refute(`Job ${job.id} was shown ${job.calculated_status} after it was known to have ${reached} (a runner retried?)`)
    }
    this.stage = stage
    return readCheck(job)
  }

  /**
   * The job read in a status the API documentation does not name: reported as read, and taken as
   * finished only when the server counts it as done (it is the newest `done=true` match).
   */
  private async undocumented(job: Job): Promise<Check> {
    const known = { kind: 'read', status: job.calculated_status } as const
    const done = await this.ask({ done: 'true' }, 'Status')
    if (done.kind !== 'ours') return { done: false, job, known }
    this.last = done.job
    if (isDocumented(done.job.calculated_status)) return readCheck(done.job)
    return { done: true, job: done.job, known: { kind: 'read', status: done.job.calculated_status } }
  }

  /** What is known of an in-flight job: its status as read, or the stage it has reached since. */
  private knowledge(): Knowledge | undefined {
    if (!this.shown) return undefined
    const last = this.last
    if (this.unsound !== undefined) return last ? { kind: 'read', status: last.calculated_status } : undefined
    if (this.stage >= FINISHED_STAGE) return { kind: 'finished', candidates: FINISHED.filter((status) => !this.excluded.has(status)) }
    const status = IN_FLIGHT[this.stage] ?? 'NEW'
    if (last && stageOf(last.calculated_status) === this.stage) return { kind: 'read', status: last.calculated_status }
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

  /** A newer job by id and status, and by branch when it is not the one the job is looked for on. */
  private nameHider(job: Job): string {
    const narrowing = this.narrowing
    const branch = recordedBranch(job)
    const elsewhere = narrowing === undefined || narrowing.refuted || branch !== narrowing.branch
    return `${job.id} (${job.calculated_status}${elsewhere ? `, ${branch === '' ? 'no branch' : `on ${branch}`}` : ''})`
  }

  /**
   * The newer jobs that hide the job from the queries asked now: those met where the queries look
   * (on the job's branch once it was read there; also the whole repository before that).
   */
  private relevantHiders(): Job[] {
    const narrowing = this.narrowing
    const active = new Set<string | undefined>()
    if (narrowing !== undefined && !narrowing.refuted) active.add(narrowing.branch)
    if (narrowing === undefined || narrowing.refuted || !narrowing.trusted) active.add(undefined)
    return [...this.hiders.values()].filter((hider) => [...hider.scopes].some((where) => active.has(where))).map((hider) => hider.job)
  }

  private hiderList(): string {
    return this.relevantHiders()
      .map((job) => this.nameHider(job))
      .join(', ')
  }

  obstacle(): string | undefined {
    if (!this.hidden && this.shown) return undefined
    const hiders = this.hiderList()
    if (!this.shown) {
      return hiders === ''
        ? undefined
        : `Job ${this.jobId} was never shown by the API: it may not exist, or newer jobs (${hiders}) hide it.`
    }
    const narrowing = this.narrowing
    const onBranch =
      narrowing !== undefined && !narrowing.refuted && this.relevantHiders().every((job) => recordedBranch(job) === narrowing.branch)
    const where = onBranch ? ` ${scope(narrowing.branch)}` : ''
    const limit = 'the latest endpoint returns only the newest match and cannot address a job by id'
    const { phase, candidates } = this.hidden ?? { phase: 'in-flight', candidates: [] }
    if (phase === 'in-flight') {
      return `Newer jobs${where} (${hiders}) match every filter that could show whether job ${this.jobId} has finished: ${limit}. Job ${this.jobId} is told apart once no newer job${where} is in flight.`
    }
    return `Job ${this.jobId} has finished, but newer jobs${where} (${hiders}) match every filter that could tell ${candidates.join(' from ')} for it: ${limit}.`
  }
}
