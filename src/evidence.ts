/**
 * The layerci flavor's decision core: what a run knows of its job, as one immutable value, and two
 * pure functions over it. `fold` takes in one answer of the `latest` endpoint; `decide` says what
 * to ask next in this poll, or what the poll concludes. The driver (latest-tracker.ts) only sends
 * what `decide` asks and logs what `fold` notes; the words are in tracker-words.ts.
 *
 * `latest` returns only the newest job matching some filters and cannot address a job by id, so
 * the job is told apart from others by its id and by the filters' definitions (filters.ts):
 *
 * - The newest match of a query is our job: that is its status, read.
 * - No match, or a newest match *older* than our job: our job does not match the query now.
 * - A newest match *newer* than our job hides it: nothing is learned from that query. A newer job
 *   that matches a query for good (a finished status, `done`, `failed`, or no status filter at
 *   all) hides it for good, and that query is not asked again.
 *
 * From "does not match" answers the status is established by elimination: finished once NEW,
 * then STARTING_RUNNERS, then RUNNING were excluded in that order (a job only moves forward, so a
 * job moving on between two queries is never taken for finished); a finished status once every
 * other documented status was excluded in one poll, after that poll excluded NEW, STARTING_RUNNERS
 * and RUNNING again (SUCCEEDED only when `failed` was excluded too), and two more queries show
 * the job is still not STARTING_RUNNERS or RUNNING: a job can move on after finishing (a runner
 * retried), so no exclusion of a finished status is carried to the next poll.
 *
 * Every conclusion rests on premises, each checked where it is used, and each fails locally:
 *
 * - **The job exists**: in the create answer, or read once through some query.
 * - **The narrowing matches the job.** Queries try the job's branch first (`branch=` for a job
 *   recorded without one); a "no match" through it excludes a status only once the job was read
 *   through it (until then the query is asked again without it). An answer showing the server
 *   does not honour it (a job on another branch), or the branch's newest job being older than
 *   ours, drops that narrowing only: the job is looked for in the whole repository, and every
 *   exclusion already made stands.
 * - **The documented definitions hold**: the nine statuses, what `done`, `failed` and
 *   `calculated_status` match, a finished status being final, the answers agreeing with each
 *   other, an id naming one job. An answer breaking one ends elimination for the run: from then
 *   on a result is only read.
 */
import type { Job } from './api.js'
import type { Lookup } from './client.js'
import { matches, queryKey, statusFilters, type Filters } from './filters.js'
import { FAILED, FINISHED, IN_FLIGHT, isDocumented, isInFlight, type FinishedStatus } from './status.js'
import { readCheck, type Check, type Knowledge } from './waiter.js'

/** The most requests one poll sends; the usual poll sends one. */
export const MAX_GETS_PER_POLL = 10

/**
 * While a newer job in flight hides whether the job has finished, the queries that could read its
 * result are asked this many a poll, in turn: a wait behind a job stuck in flight stays cheap.
 */
export const PROBES_PER_POLL = 3

/** The stage of a finished job, after the in-flight ones (indexes of IN_FLIGHT). */
export const FINISHED_STAGE = IN_FLIGHT.length
const RUNNING_STAGE = IN_FLIGHT.indexOf('RUNNING')

export function stageOf(status: string): number {
  const index = (IN_FLIGHT as readonly string[]).indexOf(status)
  return index >= 0 ? index : FINISHED_STAGE
}

/** The branch a job is recorded on: '' when the API gives none. */
export function recordedBranch(job: Job): string {
  return job.branch ?? ''
}

/** Why elimination ended: an answer broke one of the page's definitions. */
export type Unsound =
  | { kind: 'undocumented'; job: Job }
  | { kind: 'breaks'; filters: Filters; job: Job; broken: string }
  | { kind: 'contradiction'; filters: Filters; newest?: Job; earlier: Job }
  | { kind: 'other-job'; filters: Filters; job: Job; differs: string }
  | { kind: 'moved-back'; job: Job; reached: string }
  | { kind: 'no-status-left' }

/** What a step adds to the log (the words are in tracker-words.ts). */
export type Note =
  | { kind: 'unsound'; why: Unsound }
  | { kind: 'hider'; job: Job; filters: Filters }
  | { kind: 'not-there'; branch: string; newest?: Job }
  | { kind: 'not-honoured'; filters: Filters; job: Job }
  | { kind: 'still-hidden' }

/** The branch filter every query tries first. */
export interface Narrowing {
  /** A branch, or '' for a job recorded without one. */
  readonly branch: string
  /** The job was read through it: a "no match" through it speaks of the other filters. */
  readonly verified: boolean
}

/** A newer job that answered a query, with where those queries looked (a branch, or undefined: everywhere). */
export interface Hider {
  readonly job: Job
  readonly scopes: readonly (string | undefined)[]
}

/** What one answer says about our job. */
export type Reading =
  | { readonly kind: 'ours'; readonly job: Job }
  /** Our job does not match the query now: nothing does, or only older jobs do. */
  | { readonly kind: 'excluded'; readonly newest?: Job }
  /** A newer job is the newest match: nothing is learned about ours. */
  | { readonly kind: 'hidden'; readonly by: Job }
  /** Nothing certain (an unexplained error, an answer not used). */
  | { readonly kind: 'unclear' }
  /** Not asked: the poll's requests are spent. */
  | { readonly kind: 'deferred' }

export type Purpose = 'Poll' | 'Status' | 'Identify'

/** What a question is asked for in a poll: the same query may be asked again for another reason. */
type Role = 'broad' | 'done' | 'undocumented-done' | 'progress' | 'probe' | 'read' | 'final' | 'confirm' | 'in-flight' | 'finished'

/** One question of a poll: a query asked through the narrowing first, then without it. */
export interface Question {
  readonly id: `${Role}:${string}`
  readonly filters: Filters
  readonly what: Purpose
}

interface Asked {
  readonly id: string
  /** The forms of the query sent. */
  readonly sent: readonly string[]
  /** What the question's answer is, once it has one. */
  readonly answer?: Reading
  /** A newer job that hid the wide form: the answer, unless the narrowed form shows the job. */
  readonly tentative?: Reading
}

export interface Hidden {
  readonly phase: 'in-flight' | 'finished'
  readonly candidates: readonly FinishedStatus[]
}

/** What this poll has asked so far, and where the job stood when it began. */
export interface Poll {
  readonly stage: number
  /** The job had been read (or created) when the poll began. */
  readonly read: boolean
  /**
   * How many in-flight statuses this poll excluded in life order (NEW, then STARTING_RUNNERS, then
   * RUNNING): at 3 the job is finished as of this poll, and finished statuses may be excluded.
   */
  readonly flight: number
  readonly probes: readonly Filters[]
  readonly asked: readonly Asked[]
  readonly requests: number
}

/** What the run knows of the job: every field is what some answer showed, or a default. */
export interface Evidence {
  readonly jobId: number
  /** The job id was given by the user: it fails when the repository's newest job is older. */
  readonly mustExist: boolean
  /** The job as last read, or as the create answered: undefined while the API has never shown it. */
  readonly last?: Job
  /** What makes the job this job, from its first sight: an answer with its id but another commit is another job. */
  readonly identity?: Identity
  /** A lower bound of where the job is in its life: an index of IN_FLIGHT, or FINISHED_STAGE. */
  readonly stage: number
  /**
   * Finished statuses excluded in this poll, after it showed the job finished. A finished job can
   * move on (a runner retried), so exclusions are never carried from one poll to the next.
   */
  readonly excluded: readonly FinishedStatus[]
  readonly failedExcluded: boolean
  readonly narrowing?: Narrowing | undefined
  /** Branch filters shown not to show the job: never tried again. */
  readonly dropped: readonly string[]
  /** Queries that a newer job answers for good, with that job. */
  readonly blocked: readonly { readonly key: string; readonly job: Job }[]
  readonly hiders: readonly Hider[]
  /** Why elimination is off for the run. */
  readonly unsound?: Unsound
  /** Polls in a row in which the repository's newest job was older than ours. */
  readonly missing: number
  /** Where the rotation of the result probes stands, when a poll cannot ask them all. */
  readonly probeCursor: number
  readonly hidden?: Hidden | undefined
  readonly poll: Poll
  /** What the last step adds to the log. */
  readonly news: readonly Note[]
}

export interface Start {
  jobId: number
  /** The job as the create answered, when this run created it. */
  created?: Job | undefined
  mustExist?: boolean | undefined
  /** The branch the job is expected on before it is read (a job id given with a branch). */
  branch?: string | undefined
}

/** What a poll starts from: nothing asked, nothing excluded (a finished job can move on between polls). */
function freshPoll(e: Pick<Evidence, 'stage' | 'last'>): Pick<Evidence, 'excluded' | 'failedExcluded' | 'poll'> {
  return {
    excluded: [],
    failedExcluded: false,
    poll: { stage: e.stage, read: e.last !== undefined, flight: 0, probes: [], asked: [], requests: 0 }
  }
}

export interface Identity {
  readonly commit?: string
  readonly repository?: string
}

function identityOf(job: Job): Identity {
  return {
    ...(job.commit_sha ? { commit: job.commit_sha.toLowerCase() } : {}),
    ...(job.repository_name ? { repository: job.repository_name } : {})
  }
}

/** Ends elimination, once: from then on nothing is concluded from an exclusion, only from a read. */
function refute(e: Evidence, why: Unsound, news: Note[]): Evidence {
  if (e.unsound !== undefined) return e
  news.push({ kind: 'unsound', why })
  return { ...e, unsound: why }
}

export function initialEvidence(start: Start): Evidence {
  const created = start.created
  let e: Evidence = {
    jobId: start.jobId,
    mustExist: start.mustExist === true,
    stage: 0,
    ...freshPoll({ stage: 0 }),
    dropped: [],
    blocked: [],
    hiders: [],
    missing: 0,
    probeCursor: 0,
    news: []
  }
  if (created) {
    const news: Note[] = []
    e = { ...e, last: created, identity: identityOf(created), narrowing: { branch: recordedBranch(created), verified: false } }
    if (!isDocumented(created.calculated_status)) e = refute(e, { kind: 'undocumented', job: created }, news)
    else e = { ...e, stage: stageOf(created.calculated_status) }
    e = { ...e, news }
  } else if (start.branch !== undefined) {
    e = { ...e, narrowing: { branch: start.branch, verified: false } }
  }
  return e
}

/** The narrowing queries are tried through, if any. */
function narrowingOf(e: Evidence): Narrowing | undefined {
  return e.narrowing
}

/** Begins a poll: nothing asked yet, and the result probes as the evidence stands. */
export function startPoll(e: Evidence): Evidence {
  const base = { ...e, news: [], ...freshPoll(e) }
  return { ...base, poll: { ...base.poll, probes: resultProbes(base) } }
}

function isBlocked(e: Evidence, filters: Filters): boolean {
  const n = narrowingOf(e)
  const key = queryKey(n ? { ...filters, branch: n.branch } : filters)
  return e.blocked.some((entry) => entry.key === key)
}

/**
 * The queries that could show the job itself once it has finished: `failed=true` and the other
 * finished statuses, or each finished status alone once a newer failed job answers `failed=true`
 * for good (so that a BAD_LAYERFILE hidden there is still read through its own status). Asked at
 * the start of a poll, when nothing is excluded.
 */
function resultProbes(e: Evidence): Filters[] {
  const failedBlocked = isBlocked(e, { failed: 'true' })
  const statuses = failedBlocked ? FINISHED : FINISHED.filter((status) => !(FAILED as readonly string[]).includes(status))
  const probes: Filters[] = [
    ...(failedBlocked ? [] : [{ failed: 'true' as const }]),
    ...statuses.map((status) => ({ calculated_status: status }))
  ]
  return probes.filter((filters) => !isBlocked(e, filters))
}

// ---------------------------------------------------------------------------------------------
// fold: one answer into the evidence
// ---------------------------------------------------------------------------------------------

/** The physical forms of a question, in the order they are tried. */
function formsOf(e: Evidence, question: Question): Filters[] {
  const n = narrowingOf(e)
  if (!n) return [question.filters]
  const narrowed = { ...question.filters, branch: n.branch }
  // Through a verified narrowing, its answer is the answer. Until then, a query that may show the
  // job (the newest job, or its status as last read, while still current) is asked through the branch first: reading
  // the job there verifies the narrowing. Any other query is asked without the branch first,
  // where a "no match" counts, and through the branch only when a newer job hides the job there.
  if (n.verified) return [narrowed]
  const current = e.last !== undefined && stageOf(e.last.calculated_status) >= e.stage ? e.last.calculated_status : undefined
  const likely = Object.keys(question.filters).length === 0 || (current !== undefined && question.filters.calculated_status === current)
  return likely ? [narrowed, question.filters] : [question.filters, narrowed]
}

/** Whether what one form of a question said is the question's answer, or the next form is asked. */
function ends(e: Evidence, filters: Filters, reading: Reading): boolean {
  const n = narrowingOf(e)
  if (reading.kind !== 'hidden' && reading.kind !== 'excluded') return true
  if (!n || n.verified) return true
  const narrowed = filters.branch !== undefined
  // Unverified: a newer job hiding the wide form may not be on the branch; a "no match" through
  // the branch may be the branch's. The newest job of the branch hiding the job ends the question.
  return reading.kind === 'hidden' ? narrowed : !narrowed
}

/** The filter of a query (the core sends one besides the branch) that the job answering it does not match. */
function brokenFilter(job: Job, filters: Filters): string | undefined {
  return matches(job, statusFilters(filters)) ? undefined : queryKey(statusFilters(filters))
}

/** Drops the narrowing `branch` (the one a narrowed query was sent through), once: it is never tried again. */
function drop(e: Evidence, branch: string, note: Note, news: Note[]): Evidence {
  news.push(note)
  return { ...e, narrowing: undefined, dropped: [...e.dropped, branch] }
}

/** The job read: what it shows of its branch, its identity and its stage. */
function seen(e: Evidence, job: Job, filters: Filters, news: Note[]): Evidence {
  let next: Evidence = { ...e, last: job, missing: 0, identity: e.identity ?? identityOf(job) }
  const branch = recordedBranch(job)
  const n = next.narrowing
  // Read through the narrowing: verified. Read without it (there is none, or it is unverified: a
  // verified one is always tried): the queries follow the branch the job is recorded on, unless dropped.
  if (n && filters.branch === n.branch) next = { ...next, narrowing: { branch: n.branch, verified: true } }
  else if (!next.dropped.includes(branch)) next = { ...next, narrowing: { branch, verified: false } }
  // A job only moves forward, and a finished status is final: a job read in an earlier stage
  // than one it was known to have reached (a runner retried) breaks what elimination relies on.
  // (An undocumented status has ended elimination already: its stage counts for nothing.)
  const stage = stageOf(job.calculated_status)
  if (stage < next.stage) {
    const reached = IN_FLIGHT[next.stage]
    next = refute(next, { kind: 'moved-back', job, reached: reached === undefined ? 'finished' : `reached ${reached}` }, news)
  }
  return { ...next, stage }
}

/** A "no match newer than ours", unless a newer job seen finished, matching the query for good, contradicts it. */
function contradiction(e: Evidence, filters: Filters, newest: Job | undefined): Unsound | undefined {
  for (const { job, scopes } of e.hiders) {
    if (!(FINISHED as readonly string[]).includes(job.calculated_status) || !matches(job, statusFilters(filters))) continue
    if (filters.branch !== undefined && !scopes.includes(filters.branch)) continue
    return { kind: 'contradiction', filters, earlier: job, ...(newest ? { newest } : {}) }
  }
  return undefined
}

/** What an exclusion of the question's query proves, added to the evidence. */
function exclude(e: Evidence, question: Question): Evidence {
  // Once elimination has ended (e.unsound), what is excluded here is never concluded from.
  const filters = question.filters
  if (Object.keys(filters).length === 0) return { ...e, missing: e.missing + 1 }
  const status = filters.calculated_status
  if (status !== undefined && isInFlight(status)) {
    // A job only moves forward through the in-flight statuses: excluded in order, it is past them.
    let next = e
    if (status === IN_FLIGHT[e.stage]) next = { ...next, stage: e.stage + 1 }
    if (status === IN_FLIGHT[e.poll.flight]) next = { ...next, poll: { ...next.poll, flight: e.poll.flight + 1 } }
    return next
  }
  // A finished status is excluded only of a job this poll showed finished (`done` proves nothing more).
  if (e.poll.flight < FINISHED_STAGE) return e
  if (filters.failed !== undefined) {
    return { ...e, failedExcluded: true, excluded: [...new Set([...e.excluded, ...FAILED])] }
  }
  const finished = FINISHED.find((name) => name === status)
  if (finished !== undefined && !e.excluded.includes(finished)) return { ...e, excluded: [...e.excluded, finished] }
  return e
}

/** A newer job answered: it hides ours from that query, for good when it matches the query for good. */
function hiddenBy(e: Evidence, job: Job, filters: Filters, consistent: boolean, news: Note[]): Evidence {
  const known = e.hiders.find((hider) => hider.job.id === job.id)
  if (!known) news.push({ kind: 'hider', job, filters })
  const scopes = known ? [...new Set([...known.scopes, filters.branch])] : [filters.branch]
  const hiders = known ? e.hiders.map((hider) => (hider === known ? { job, scopes } : hider)) : [...e.hiders, { job, scopes }]
  // A newer job matches for good a query without a status, or on a finished status; only a query
  // on an in-flight status can stop matching it. An answer that breaks the filter's definition
  // says nothing of what it will match later.
  const status = filters.calculated_status
  const forGood = consistent && (status === undefined || !isInFlight(status))
  // A query answered for good is never sent again (read() answers it from `blocked`): each key comes once.
  const blocked = forGood ? [...e.blocked, { key: queryKey(filters), job }] : e.blocked
  return { ...e, hiders, blocked, missing: 0 }
}

/** What an answer to one form of a question says, and the evidence it leaves. */
function interpret(e: Evidence, question: Question, filters: Filters, lookup: Lookup, news: Note[]): { e: Evidence; reading?: Reading } {
  if (lookup.kind === 'unclear') return { e, reading: { kind: 'unclear' } }
  // A branch filter is only ever the narrowing's (formsOf): dropping it drops the narrowing.
  const branch = filters.branch
  const excluded = (next: Evidence, newest: Job | undefined): { e: Evidence; reading?: Reading } => {
    const against = contradiction(next, filters, newest)
    if (against) return { e: refute(next, against, news), reading: { kind: 'unclear' } }
    if (branch !== undefined && Object.keys(question.filters).length === 0) {
      // The newest job of the branch is older than ours: ours is not on it (as the server records it).
      return { e: drop(next, branch, { kind: 'not-there', branch, ...(newest ? { newest } : {}) }, news) }
    }
    // Through a narrowing the job was never read through, "no match" may be the narrowing's: ends() asks on.
    return { e: next, reading: newest ? { kind: 'excluded', newest } : { kind: 'excluded' } }
  }
  if (lookup.kind === 'none') return excluded(e, undefined)
  const job = lookup.job
  let next = e
  if (!isDocumented(job.calculated_status)) next = refute(next, { kind: 'undocumented', job }, news)
  const broken = brokenFilter(job, filters)
  if (broken !== undefined) next = refute(next, { kind: 'breaks', filters, job, broken }, news)
  if (branch !== undefined && job.raw.branch !== undefined && recordedBranch(job) !== branch) {
    // A job recorded on another branch: the server does not honour this branch filter, and only the narrowing goes.
    return { e: drop(next, branch, { kind: 'not-honoured', filters, job }, news) }
  }
  if (job.id < e.jobId) return excluded(next, job)
  if (job.id > e.jobId) {
    const hidden = hiddenBy(next, job, filters, broken === undefined, news)
    return { e: hidden, reading: { kind: 'hidden', by: job } }
  }
  const known = next.identity
  const seenAs = identityOf(job)
  const differs =
    known?.commit !== undefined && seenAs.commit !== undefined && known.commit !== seenAs.commit
      ? `commit ${seenAs.commit.slice(0, 12)}, not ${known.commit.slice(0, 12)}`
      : known?.repository !== undefined && seenAs.repository !== undefined && known.repository !== seenAs.repository
        ? `repository ${seenAs.repository}, not ${known.repository}`
        : undefined
  if (differs !== undefined) return { e: refute(next, { kind: 'other-job', filters, job, differs }, news), reading: { kind: 'unclear' } }
  return { e: seen(next, job, filters, news), reading: { kind: 'ours', job } }
}

/** Folds the answer to one form (`filters`) of a question into the evidence. */
export function fold(e: Evidence, question: Question, filters: Filters, lookup: Lookup): Evidence {
  const news: Note[] = []
  const interpreted = interpret({ ...e, news: [] }, question, filters, lookup, news)
  const reading = interpreted.reading
  const final = reading !== undefined && ends(interpreted.e, filters, reading)
  const next = final && reading.kind === 'excluded' ? exclude(interpreted.e, question) : interpreted.e
  const before = e.poll.asked.find((entry) => entry.id === question.id)
  const tentative = before?.tentative ?? (reading?.kind === 'hidden' && !final ? reading : undefined)
  const entry: Asked = {
    id: question.id,
    sent: [...(before?.sent ?? []), queryKey(filters)],
    ...(final ? { answer: reading } : {}),
    ...(tentative ? { tentative } : {})
  }
  const asked = [...e.poll.asked.filter((other) => other.id !== question.id), entry]
  return { ...next, news, poll: { ...next.poll, asked, requests: e.poll.requests + 1 } }
}

// ---------------------------------------------------------------------------------------------
// decide: the next query, or what the poll concludes
// ---------------------------------------------------------------------------------------------

export type Decision =
  | { readonly kind: 'ask'; readonly question: Question; readonly filters: Filters }
  | {
      readonly kind: 'end'
      readonly check: Check
      /** What hides the job now: undefined keeps what was known, null clears it. */
      readonly hidden?: Hidden | null
      readonly probeCursor?: number
      readonly unsound?: Unsound
    }
  | { readonly kind: 'unknown-job'; readonly newest?: Job }
  | { readonly kind: 'never-shown'; readonly hiders: readonly Job[] }

type Step = { ask: Decision } | { reading: Reading }

const question = (role: Role, filters: Filters, what: Purpose): Question => ({ id: `${role}:${queryKey(filters)}`, filters, what })
const BROAD = question('broad', {}, 'Poll')
const DONE = question('done', { done: 'true' }, 'Poll')

/** The answer to a question so far, or the form of it to send next. */
function read(e: Evidence, q: Question): Step {
  const asked = e.poll.asked.find((entry) => entry.id === q.id)
  if (asked?.answer) return { reading: asked.answer }
  let tentative = asked?.tentative
  for (const filters of formsOf(e, q)) {
    const key = queryKey(filters)
    if (asked?.sent.includes(key)) continue
    const blocker = e.blocked.find((entry) => entry.key === key)
    if (blocker) {
      const hidden: Reading = { kind: 'hidden', by: blocker.job }
      if (ends(e, filters, hidden)) return { reading: hidden }
      tentative ??= hidden
      continue
    }
    if (e.poll.requests >= MAX_GETS_PER_POLL) return { reading: { kind: 'deferred' } }
    return { ask: { kind: 'ask', question: q, filters } }
  }
  return { reading: tentative ?? { kind: 'unclear' } }
}

/** What is known of an in-flight job: its status as read, or the stage it has reached since. */
export function knowledge(e: Evidence): Knowledge | undefined {
  const last = e.last
  if (last === undefined) return undefined
  if (e.unsound !== undefined) return { kind: 'read', status: last.calculated_status }
  if (e.stage >= FINISHED_STAGE) return { kind: 'finished', candidates: FINISHED.filter((status) => !e.excluded.includes(status)) }
  if (stageOf(last.calculated_status) === e.stage) return { kind: 'read', status: last.calculated_status }
  // Read in an earlier stage (a job only moves forward): past the stage before this one.
  const status = IN_FLIGHT[e.stage] ?? 'NEW'
  const left = IN_FLIGHT[e.stage - 1]
  return left === undefined ? undefined : { kind: 'passed', status, left }
}

function pending(
  e: Evidence,
  extra: Partial<Pick<Extract<Decision, { kind: 'end' }>, 'hidden' | 'probeCursor' | 'unsound'>> = {}
): Decision {
  const known = knowledge(e)
  return { kind: 'end', check: known ? { done: false, known } : { done: false }, ...extra }
}

/** The newer jobs hiding the job from the queries asked now (where they look). */
export function relevantHiders(e: Evidence): Job[] {
  const n = narrowingOf(e)
  const active = new Set<string | undefined>()
  if (n !== undefined) active.add(n.branch)
  if (n === undefined || !n.verified) active.add(undefined)
  return e.hiders.filter((hider) => hider.scopes.some((where) => active.has(where))).map((hider) => hider.job)
}

/** The job was read. A status the page does not name is taken as finished only when the server counts it done. */
function readJob(e: Evidence, job: Job): Decision {
  if (isDocumented(job.calculated_status)) return { kind: 'end', check: readCheck(job), hidden: null }
  const known = { kind: 'read', status: job.calculated_status } as const
  const done = read(e, question('undocumented-done', { done: 'true' }, 'Status'))
  if ('ask' in done) return done.ask
  if (done.reading.kind !== 'ours') return { kind: 'end', check: { done: false, job, known }, hidden: null }
  const shown = done.reading.job
  const check: Check = isDocumented(shown.calculated_status)
    ? readCheck(shown)
    : { done: true, job: shown, known: { kind: 'read', status: shown.calculated_status } }
  return { kind: 'end', check, hidden: null }
}

/** In flight, not hidden: how far along it is, with one more query (two when a newer job in its status hides the first). */
function progress(e: Evidence): Decision {
  const stage = e.poll.stage
  if (stage < RUNNING_STAGE && e.unsound === undefined) {
    const current = IN_FLIGHT[stage] ?? 'NEW'
    // A job never read yet (a job id) is looked for as RUNNING first: reading it tells its branch.
    const probes = e.poll.read ? [current, 'RUNNING'] : ['RUNNING', current]
    for (const status of probes) {
      const step = read(e, question('progress', { calculated_status: status }, 'Status'))
      if ('ask' in step) return step.ask
      if (step.reading.kind === 'ours') return readJob(e, step.reading.job)
      if (status !== current) continue
      if (step.reading.kind !== 'hidden') break
    }
  }
  return pending(e, { hidden: null })
}

/** The repository's newest job is older than ours: a job id fails at the second such poll in a row, a created job at the third. */
function notShown(e: Evidence, newest: Job | undefined): Decision {
  if (e.missing >= (e.mustExist ? 2 : 3)) return newest ? { kind: 'unknown-job', newest } : { kind: 'unknown-job' }
  return pending(e)
}

/** Newer jobs hide whether it has finished: a query on its result may still show it (a read; nothing is excluded), PROBES_PER_POLL a poll. */
function readIfFinished(e: Evidence): Decision {
  const probes = e.poll.probes
  let asked = 0
  for (; asked < Math.min(probes.length, PROBES_PER_POLL); asked++) {
    const filters = probes[(e.probeCursor + asked) % probes.length] ?? {}
    const step = read(e, question('probe', filters, 'Identify'))
    if ('ask' in step) return step.ask
    if (step.reading.kind === 'ours') return readJob(e, step.reading.job)
    if (step.reading.kind === 'unclear') return pending(e)
    if (step.reading.kind === 'deferred') break
  }
  const probeCursor = probes.length > 0 ? (e.probeCursor + asked) % probes.length : e.probeCursor
  return pending(e, { hidden: { phase: 'in-flight', candidates: [] }, probeCursor })
}

/** A finished status no query can ever exclude: a newer finished job answers its query for good. */
function neverExcluded(e: Evidence, status: string): boolean {
  const n = narrowingOf(e)
  const filters = { calculated_status: status }
  const key = queryKey(n?.verified ? { ...filters, branch: n.branch } : filters)
  return e.blocked.some((entry) => entry.key === key)
}

/**
 * Two finished statuses or more that no query can ever exclude: elimination cannot conclude, now
 * or later. One query a poll, in turn, on another finished status reads the job if it moves there
 * (a runner retried); nothing else is asked.
 */
function readOnly(e: Evidence, hidden: readonly FinishedStatus[]): Decision {
  const probes = FINISHED.filter((status) => !hidden.includes(status))
  const status = probes[e.probeCursor % Math.max(1, probes.length)]
  const probeCursor = (e.probeCursor + 1) % Math.max(1, probes.length)
  const known: Knowledge = { kind: 'finished', candidates: [...hidden] }
  const end: Decision = { kind: 'end', check: { done: false, known }, hidden: { phase: 'finished', candidates: hidden }, probeCursor }
  if (status === undefined) return end
  const step = read(e, question('read', { calculated_status: status }, 'Identify'))
  if ('ask' in step) return step.ask
  if (step.reading.kind === 'ours') return readJob(e, step.reading.job)
  return end
}

/** Finished: its status is read where a query shows it, or established by elimination. */
function finished(e: Evidence): Decision {
  const queries: Question[] = [
    ...(e.failedExcluded ? [] : [question('final', { failed: 'true' }, 'Identify')]),
    ...FINISHED.filter((status) => !e.excluded.includes(status)).map((status) =>
      question('final', { calculated_status: status }, 'Identify')
    )
  ]
  for (const q of queries) {
    const step = read(e, q)
    if ('ask' in step) return step.ask
    if (step.reading.kind === 'ours') return readJob(e, step.reading.job)
    if (step.reading.kind === 'unclear' || step.reading.kind === 'deferred') return pending(e)
  }
  const candidates = FINISHED.filter((status) => !e.excluded.includes(status))
  const [only, ...others] = candidates
  if (only !== undefined && others.length === 0 && (only !== 'SUCCEEDED' || e.failedExcluded)) {
    // Every query that could show the job is answered for good by newer jobs: a job never shown stays so.
    const last = e.last
    if (last === undefined) return { kind: 'never-shown', hiders: relevantHiders(e) }
    // Still finished after the last exclusion: a job retried (back to STARTING_RUNNERS or
    // RUNNING) while its statuses were asked is not given a status it never had.
    for (const status of ['STARTING_RUNNERS', 'RUNNING']) {
      const step = read(e, question('confirm', { calculated_status: status }, 'Identify'))
      if ('ask' in step) return step.ask
      if (step.reading.kind === 'ours') return readJob(e, step.reading.job)
      if (step.reading.kind !== 'excluded') return pending(e)
    }
    const known = { kind: 'eliminated', status: only, hiddenBy: relevantHiders(e) } as const
    return { kind: 'end', check: { done: true, job: last, known }, hidden: null }
  }
  if (candidates.length === 0) return pending(e, { unsound: { kind: 'no-status-left' } })
  return pending(e, { hidden: { phase: 'finished', candidates } })
}

/** The next request of this poll, or what it concludes. */
export function decide(e: Evidence): Decision {
  // 1. The newest job where ours is: ours itself, whatever its status, while no newer job is there.
  const broad = read(e, BROAD)
  if ('ask' in broad) return broad.ask
  if (broad.reading.kind === 'ours') return readJob(e, broad.reading.job)
  if (broad.reading.kind === 'excluded') return notShown(e, broad.reading.newest)
  if (broad.reading.kind !== 'hidden') return pending(e)

  // 2. Whether it has finished: the newest finished job is ours, or older than ours (it has not).
  // Asked every poll, also of a job known finished: once a newer job answers it for good, read()
  // gives that answer without a request, and a job known finished costs nothing more here.
  const done = read(e, DONE)
  if ('ask' in done) return done.ask
  if (done.reading.kind === 'ours') return readJob(e, done.reading.job)
  if (done.reading.kind === 'excluded') return progress(e)
  if (done.reading.kind !== 'hidden') return pending(e)
  if (e.unsound !== undefined) return readIfFinished(e)
  const hidden = FINISHED.filter((status) => neverExcluded(e, status))
  if (e.stage >= FINISHED_STAGE && hidden.length >= 2) return readOnly(e, hidden)

  // 3. A newer finished job answers done=true. Exclude the in-flight statuses in life order: first
  // from where the job is known to be, then (once it is known finished) all three again in this
  // poll, so that the finished statuses excluded next are excluded of a job finished now.
  for (const status of IN_FLIGHT.slice(e.poll.stage)) {
    const step = read(e, question('in-flight', { calculated_status: status }, 'Identify'))
    if ('ask' in step) return step.ask
    if (step.reading.kind === 'ours') return readJob(e, step.reading.job)
    if (step.reading.kind === 'hidden') return readIfFinished(e)
    if (step.reading.kind !== 'excluded') return pending(e)
  }
  // Every in-flight status excluded in life order: the job is known finished (stage FINISHED_STAGE).
  for (const [index, status] of IN_FLIGHT.entries()) {
    if (index < e.poll.flight) continue
    const step = read(e, question('finished', { calculated_status: status }, 'Identify'))
    if ('ask' in step) return step.ask
    if (step.reading.kind === 'ours') return readJob(e, step.reading.job)
    if (step.reading.kind === 'hidden') return readIfFinished(e)
    if (step.reading.kind !== 'excluded') return pending(e)
  }
  return finished(e)
}

/** Ends the poll: what the conclusion says of what hides the job, and where the probes stand. */
export function endPoll(e: Evidence, decision: Decision): Evidence {
  const news: Note[] = []
  let next: Evidence = { ...e, news: [], poll: freshPoll(e).poll }
  if (decision.kind !== 'end') return next
  if (decision.unsound) next = refute(next, decision.unsound, news)
  if (decision.probeCursor !== undefined) next = { ...next, probeCursor: decision.probeCursor }
  if (decision.hidden === null) {
    next = { ...next, hidden: undefined }
  } else if (decision.hidden !== undefined) {
    const was = e.hidden
    const changed = was?.phase !== decision.hidden.phase || was.candidates.join() !== decision.hidden.candidates.join()
    next = { ...next, hidden: decision.hidden }
    if (changed) news.push({ kind: 'still-hidden' })
  }
  return { ...next, news }
}
