/**
 * The wait over every small history (issue 25): each history of the scope below runs through the
 * real client, decision core and driver (LatestTracker, waitForJob) over the in-memory model of
 * the API (__fixtures__/api-model.ts), on a virtual clock. Time is counted in requests: a status
 * change "at q" is seen from the q-th request on (0: before the first).
 *
 * For each history it checks:
 * - a result is the job's real final status, and the job reported is ours;
 * - a result comes no later than 2 polls after the first moment from which the documented filters
 *   allow one (see `allowedFrom`);
 * - when that moment never comes and no result is read, the run says it cannot tell, naming what
 *   hid the job.
 *
 * A failing history prints itself as one line of JSON; HISTORY='<that line>' re-runs it alone.
 * HISTORY_STRIDE=n runs one history in n (the mutation run does, for time).
 */
import { describe, expect, it } from '@jest/globals'
import { parseJob, type Job } from '../src/api.js'
import { LayerCiClient } from '../src/client.js'
import { ApiError, WaitTimeoutError } from '../src/errors.js'
import { matches, type EmptyBranch } from '../src/filters.js'
import { LatestTracker } from '../src/latest-tracker.js'
import { isInFlight } from '../src/status.js'
import { waitForJob, type WaitResult } from '../src/waiter.js'
import { ApiModel, statusAt, type ModelJob } from '../__fixtures__/api-model.js'
import { FakeClock } from '../__fixtures__/clock.js'
import { MemoryLog } from '../__fixtures__/log.js'

type Mode = 'create' | 'job-id' | 'job-id+branch'
type Branch = 'main' | 'dev' | ''

/** A job of the history: `life` as [request index, status], from its creation (-1: before the run). */
interface Spec {
  branch: Branch
  bornAt: number
  life: Array<[number, string]>
}
interface History {
  mode: Mode
  emptyBranch: EmptyBranch
  ours: Spec
  /** Created before ours (older, lower ids). */
  before: Spec[]
  /** Created after ours (newer), in this order. */
  after: Spec[]
}

const POLL_MS = 10_000
const POLLS = 5

// ---------------------------------------------------------------------------------------------
// The scope
// ---------------------------------------------------------------------------------------------

/** Where ours' status changes may be placed (before the q-th request). */
const OURS_AT = [0, 1, 3]
/** Where another job may finish, and where a newer one may be created. */
const OTHER_DONE_AT = [2]
const BORN_AT = [1]
const PATHS: string[][] = [['NEW'], ['NEW', 'STARTING_RUNNERS'], ['NEW', 'RUNNING'], ['NEW', 'STARTING_RUNNERS', 'RUNNING']]
/** Finished statuses up to symmetry: ours, and for another job: the same, one of the other kind, one of the same kind. */
const OURS_FINAL = ['SUCCEEDED', 'FAILURE']
const othersFinals = (ours: string): string[] =>
  ours === 'SUCCEEDED' ? ['SUCCEEDED', 'FAILURE', 'RUNNER_CANCELLED'] : ['FAILURE', 'SUCCEEDED', 'BAD_LAYERFILE']
const OTHER_IN_FLIGHT = ['NEW', 'RUNNING']

function* choose<T>(items: readonly T[], k: number, from = 0): Generator<T[]> {
  if (k === 0) {
    yield []
    return
  }
  for (const [i, item] of items.entries()) {
    if (i < from || i > items.length - k) continue
    for (const rest of choose(items, k - 1, i + 1)) yield [item, ...rest]
  }
}

function* ourLives(final: string): Generator<Array<[number, string]>> {
  for (const path of PATHS) {
    for (const times of choose(OURS_AT, path.length)) {
      const statuses = [...path.slice(1), final]
      yield [[-1, 'NEW'], ...times.map((t, i): [number, string] => [t, statuses[i] ?? final])]
    }
  }
}

/**
 * The other jobs. An older job never hides ours (its answers mean "not ours"), so its life matters
 * only to the checks that answers agree: in flight for good, or finished of the other kind from
 * the start. A newer job is created after the first read, in flight, and ends
 * in each of the finished statuses up to symmetry, or stays in flight.
 */
function* otherSpecs(final: string): Generator<Spec & { newer: boolean }> {
  const [, otherKind] = othersFinals(final)
  for (const branch of ['main', 'dev', ''] as Branch[]) {
    yield { branch, bornAt: -1, life: [[-1, 'RUNNING']], newer: false }
    yield { branch, bornAt: -1, life: [[-1, otherKind ?? final]], newer: false }
    for (const born of BORN_AT) {
      for (const status of OTHER_IN_FLIGHT) {
        yield { branch, bornAt: born, life: [[born, status]], newer: true }
        for (const at of OTHER_DONE_AT.filter((t) => t > born)) {
          for (const f of othersFinals(final))
            yield {
              branch,
              bornAt: born,
              life: [
                [born, status],
                [at, f]
              ],
              newer: true
            }
        }
      }
    }
  }
}

const specOf = (spec: Spec): Spec => ({ branch: spec.branch, bornAt: spec.bornAt, life: spec.life })

function* histories(): Generator<History> {
  for (const final of OURS_FINAL) {
    const others = [...otherSpecs(final)]
    const sets: Array<Array<Spec & { newer: boolean }>> = [[]]
    for (const [i, first] of others.entries()) {
      sets.push([first])
      for (const second of others.slice(i)) sets.push([first, second])
    }
    for (const ourBranch of ['main', ''] as Branch[]) {
      for (const life of ourLives(final)) {
        for (const set of sets) {
          const before = set.filter((spec) => !spec.newer).map(specOf)
          const after = set
            .filter((spec) => spec.newer)
            .map(specOf)
            .sort((a, b) => a.bornAt - b.bornAt)
          const branchless = ourBranch === '' || set.some((spec) => spec.branch === '')
          for (const mode of ['create', 'job-id', ...(ourBranch === 'main' ? ['job-id+branch' as const] : [])] as Mode[]) {
            for (const emptyBranch of (branchless ? ['branchless', 'any'] : ['branchless']) as EmptyBranch[]) {
              yield { mode, emptyBranch, ours: { branch: ourBranch, bornAt: -1, life }, before, after }
            }
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The oracle: from when the documented filters allow a result
// ---------------------------------------------------------------------------------------------

interface World {
  ours: ModelJob
  jobs: ModelJob[]
}

function worldOf(h: History): World {
  let id = 1
  const jobs: ModelJob[] = []
  for (const spec of h.before) jobs.push({ id: id++, ...spec })
  const ours: ModelJob = { id: id++, ...h.ours }
  jobs.push(ours)
  for (const spec of h.after) jobs.push({ id: id++, ...spec })
  return { ours, jobs }
}

const finalOf = (job: ModelJob): string => job.life[job.life.length - 1]?.[1] ?? ''
/** Beyond every change of the scope: the world no longer changes. */
const HORIZON = Math.max(...OURS_AT, ...OTHER_DONE_AT, ...BORN_AT) + 1

/**
 * The first request index from which a result is allowed, or undefined: our job has finished, no
 * newer job where it is looked for is in flight, and the newer jobs' results tell it apart (none
 * has its result, or all have it). It is looked for on its branch from the first moment it could
 * have been read through the branch filter: right after the create answer when no newer job is on
 * the branch yet, or in a poll interval (and the poll after it) in which no newer job on the
 * branch has its status; in the whole repository before that. A job id must have been shown the
 * same way (anywhere, or on the branch given) before anything is allowed.
 * `pollOf[t]` is the poll in which request t was sent.
 */
export function allowedFrom(h: History, w: World, pollOf: readonly number[]): number | undefined {
  const { ours } = w
  const onBranch = (job: ModelJob): boolean =>
    matches({ calculated_status: 'NEW', branch: job.branch }, { branch: ours.branch }, h.emptyBranch)
  const all = (): boolean => true
  const newer = (t: number, where: (job: ModelJob) => boolean): ModelJob[] =>
    w.jobs.filter((job) => job.id > ours.id && statusAt(job, t) !== undefined && where(job))
  const readable = (t: number, where: (job: ModelJob) => boolean): boolean =>
    newer(t, where).every((job) => statusAt(job, t) !== statusAt(ours, t))
  // The requests of each poll: [first, last].
  const polls: Array<[number, number]> = []
  for (const [t, poll] of pollOf.entries()) {
    const range = polls[poll]
    if (range) range[1] = t
    else polls[poll] = [t, t]
  }
  const readableAt = (p: number, where: (job: ModelJob) => boolean): boolean => {
    const range = polls[p]
    const before = polls[p - 1]
    if (!range) return false
    if (!before) return newer(range[0], where).length === 0
    for (let t = before[1]; t <= range[1]; t++) if (!readable(t, where)) return false
    return true
  }
  const firstPoll = (from: number, where: (job: ModelJob) => boolean): number | undefined => {
    for (let p = from; p < polls.length; p++) if (readableAt(p, where)) return p
    return undefined
  }
  const shownAt = h.mode === 'create' ? 0 : firstPoll(0, h.mode === 'job-id+branch' ? onBranch : all)
  if (shownAt === undefined) return undefined
  // Without a branch given, the branch is known once the job was read: the next poll can use it.
  const branchPoll = firstPoll(h.mode === 'job-id' ? shownAt + 1 : shownAt, onBranch)
  const shownFrom = polls[shownAt]?.[0] ?? 0
  const branchFrom = branchPoll === undefined ? Infinity : (polls[branchPoll]?.[0] ?? Infinity)
  const end = Math.max(HORIZON, pollOf.length)
  const allowed: boolean[] = []
  for (let t = 0; t <= end; t++) {
    const where = t >= branchFrom ? onBranch : all
    const status = statusAt(ours, t) ?? 'NEW'
    const jobs = newer(t, where)
    const results = new Set(jobs.map((job) => statusAt(job, t) ?? ''))
    allowed.push(
      t >= shownFrom &&
        !isInFlight(status) &&
        jobs.every((job) => !isInFlight(statusAt(job, t) ?? 'NEW')) &&
        (!results.has(status) || results.size === 1)
    )
  }
  if (!allowed[end]) return undefined
  let from = end
  while (from > 0 && allowed[from - 1]) from--
  return from
}

// ---------------------------------------------------------------------------------------------
// One history through the real client, core and driver
// ---------------------------------------------------------------------------------------------

/** Through the real client over HTTP answers (`noMatch`: how no match is said), or straight to the driver. */
async function replay(h: History, through: '404' | 'error' | 'driver') {
  const w = worldOf(h)
  const model = new ApiModel(w.jobs, { emptyBranch: h.emptyBranch, noMatch: through === 'driver' ? '404' : through })
  const clock = new FakeClock()
  const log = new MemoryLog()
  const pollOf: number[] = []
  model.onRequest = (t) => (pollOf[t] = clock.sleeps.length)
  const deadline = clock.now() + POLLS * POLL_MS
  const client = new LayerCiClient({
    apiUrl: 'http://model.invalid',
    token: 'model-key',
    flavor: 'layerci',
    repoName: 'layerci-example',
    deadline,
    transport: model,
    clock,
    log
  })
  const created = h.mode === 'create' ? jobOf(model, w.ours) : undefined
  const tracker = new LatestTracker(through === 'driver' ? model : client, w.ours.id, log, {
    repoName: 'layerci-example',
    mustExist: h.mode !== 'create',
    ...(created ? { created } : h.mode === 'job-id+branch' ? { branch: w.ours.branch } : {})
  })
  const outcome = await waitForJob({
    jobId: w.ours.id,
    tracker,
    clock,
    log,
    pollIntervalMs: POLL_MS,
    deadline,
    startedAt: clock.now(),
    pollFirst: true,
    onCheck: () => undefined,
    ...(created ? { initialStatus: created.calculated_status } : {})
  }).then(
    (result: WaitResult) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error })
  )
  return { ...outcome, w, pollOf, reportedAt: clock.sleeps.length, log }
}

/** The create answer's job: ours as it was when created. */
function jobOf(model: ApiModel, job: ModelJob): Job {
  const parsed = parseJob(model.view(job, -1))
  if (!parsed.ok) throw new Error(parsed.reason)
  return parsed.value
}

/** What is wrong with the run of one history, or undefined. */
async function verdict(h: History, index: number): Promise<string | undefined> {
  // One history in ten goes through the real client, saying "no match" one way or the other.
  const through = index % 10 === 0 ? 'error' : index % 10 === 5 ? '404' : 'driver'
  const { result, error, w, pollOf, reportedAt, log } = await replay(h, through)
  const final = finalOf(w.ours)
  if (process.env.HISTORY_LOG) process.stdout.write(`${log.text()}\n${String(error)}\n`)
  if (result) {
    if (result.status !== final) return `reported ${result.status}, but the job ended ${final}`
    if (result.job !== undefined && result.job.id !== w.ours.id) return `reported job ${result.job.id}`
  } else if (!(error instanceof WaitTimeoutError) && !(error instanceof ApiError && /never showed job/.test(error.message))) {
    return `ended with ${String(error)}`
  }
  const from = allowedFrom(h, w, pollOf)
  if (from !== undefined) {
    const poll = pollOf[from] ?? Infinity
    if (!result) return `no result, though allowed from request ${from} (poll ${poll}):\n${log.text()}`
    if (reportedAt > poll + 2) return `reported at poll ${reportedAt}, allowed from request ${from} (poll ${poll}):\n${log.text()}`
  } else if (!result) {
    const message = (error as Error).message
    if (!/newer jobs.*? \(\d+ \(/i.test(message)) return `cannot tell, without naming what hid the job: ${message}`
  }
  return undefined
}

describe('the wait over every small history (the in-memory model of the API)', () => {
  it('is never wrong, never late, and says what hid the job when it cannot tell', async () => {
    const only = process.env.HISTORY
    const limit = Number(process.env.HISTORY_LIMIT ?? Infinity)
    // HISTORY_STRIDE=n keeps one history in n (the mutation run uses it), HISTORY_LIMIT the first n.
    const stride = Number(process.env.HISTORY_STRIDE ?? 1)
    const all = only ? [JSON.parse(only) as History] : [...histories()].filter((_, i) => i % stride === 0).slice(0, limit)
    const started = performance.now()
    const failures: string[] = []
    for (const [index, h] of all.entries()) {
      const wrong = await verdict(h, index)
      if (wrong !== undefined) {
        failures.push(`HISTORY='${JSON.stringify(h)}'\n  ${wrong}`)
        if (failures.length >= 5) break
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    process.stdout.write(
      `every-history: ${all.length} histories (modes create, job-id, job-id+branch; ours on main or no branch; 0-2 other jobs, older or newer, on main, dev or no branch; both readings of branch=) in ${seconds} s\n`
    )
    if (failures.length > 0) process.stdout.write(`${failures.join('\n\n')}\n`)
    expect(failures.length).toBe(0)
  }, 120_000)
})
