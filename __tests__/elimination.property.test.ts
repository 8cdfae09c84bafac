/**
 * Random histories against the fake LayerCI, polled through the real client and tracker: several
 * jobs on one or two branches, created at random times, each living NEW → STARTING_RUNNERS →
 * RUNNING → a final status (any stage may last no time at all), changing between polls or between
 * two requests of one poll. The histories also break the premises a conclusion could rest on: a
 * job id that does not exist, a server whose branch filter does not match our job, statuses the
 * API documentation does not name (ours waiting QUEUED before NEW, newer jobs ending TIMED_OUT).
 *
 * Invariant: a result reported is our job's real final status, and only once it has it; a job that
 * does not exist gets no result (the run fails saying why, or times out). Where no premise is
 * broken, once no newer job on its branch is in flight (and the newer jobs' results leave ours
 * determinable), it is reported within two polls.
 *
 * A second property runs two creators at once, with create answers lost at random: two runs never
 * report one job, a run whose answer was lost reports none, and a job reported is reported with
 * its real status.
 *
 * A failure prints fast-check's seed and path; FC_SEED=<seed> FC_PATH=<path> replays it, and
 * FC_RUNS=<n> runs more histories.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { runEngine } from '../src/engine.js'
import { ApiError, JobFailedError, WaitTimeoutError } from '../src/errors.js'
import { LatestTracker } from '../src/latest-tracker.js'
import { RunState } from '../src/report.js'
import { FINISHED } from '../src/status.js'
import { HttpClientTransport } from '../src/transport.js'
import { waitForJob, type WaitResult } from '../src/waiter.js'
import { FakeClock } from '../__fixtures__/clock.js'
import { MANUAL, startFake } from '../__fixtures__/fake.js'
import { testClient } from '../__fixtures__/client.js'
import { MemoryLog } from '../__fixtures__/log.js'
import { settingsFor } from '../__fixtures__/settings.js'

const REPO = 'layerci-example'
const POLLS = 40
/** Job ids start here: ids below it never existed. */
const FIRST_ID = 10

interface Life {
  /** Polls spent in each in-flight status (0: skipped). */
  stages: [number, number, number]
  final: string
}
interface Ours extends Life {
  /** Polls spent QUEUED (a status the docs do not name, which the server counts as in flight) before NEW. */
  queued: number
}
interface Other {
  branch: 'main' | 'dev'
  /** 0: created before ours (older); n ≥ 1: created at poll n (newer). */
  createdAt: number
  life: Life
  /** Its changes happen before this many requests of a poll have been answered (0: between polls). */
  offset: number
}
interface History {
  ours: Ours
  oursOffset: number
  others: Other[]
  /** The server's branch filter does not match our job (it is shown on main, filtered elsewhere). */
  filterMismatch: boolean
  /** job-id mode only: the id asked for does not exist. */
  missing: boolean
}

// Results are drawn mostly from two statuses, so that newer jobs often end like ours: the case
// elimination exists for.
const final: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('SUCCEEDED', 'FAILURE') },
  { weight: 1, arbitrary: fc.constantFrom(...FINISHED) }
)
const lifeOf = (longestRun: number, ending = final): fc.Arbitrary<Life> =>
  fc.record({ stages: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(longestRun)), final: ending })
const rarely = (arbitrary: fc.Arbitrary<number>): fc.Arbitrary<number> =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary })
const history: fc.Arbitrary<History> = fc.record({
  ours: fc.record({ stages: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(6)), final, queued: rarely(fc.integer({ min: 1, max: 2 })) }),
  oursOffset: fc.nat(4),
  others: fc.array(
    fc.record({
      branch: fc.oneof(
        { weight: 3, arbitrary: fc.constant<'main' | 'dev'>('main') },
        { weight: 1, arbitrary: fc.constant<'main' | 'dev'>('dev') }
      ),
      createdAt: fc.nat(6),
      // Now and then a newer job ends in a status the docs do not name.
      life: lifeOf(3, fc.oneof({ weight: 9, arbitrary: final }, { weight: 1, arbitrary: fc.constant('TIMED_OUT') })),
      offset: fc.nat(4)
    }),
    { maxLength: 4 }
  ),
  filterMismatch: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  missing: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })
})

function statusAt(job: Life, age: number, queued = 0): string {
  const [fresh, starting, running] = job.stages
  // (An age below 0 is the moment of creation: changes of poll 0 not made yet.)
  if (age < queued) return queued > 0 ? 'QUEUED' : statusAt(job, 0)
  const at = age - queued
  if (at < fresh) return 'NEW'
  if (at < fresh + starting) return 'STARTING_RUNNERS'
  if (at < fresh + starting + running) return 'RUNNING'
  return job.final
}
const inFlight = (status: string): boolean => ['NEW', 'STARTING_RUNNERS', 'RUNNING', 'QUEUED'].includes(status)

/** The world at poll `tick` once `answered` requests of that poll were answered. */
function world(h: History, tick: number, answered: number) {
  const effective = (offset: number): number => (answered >= offset ? tick : tick - 1)
  return {
    ours: statusAt(h.ours, effective(h.oursOffset), h.ours.queued),
    others: h.others.map((other) => {
      const at = effective(other.offset)
      return at >= other.createdAt ? statusAt(other.life, at - other.createdAt) : undefined
    })
  }
}

/** Whether no premise of elimination is broken: the only histories with a deadline on the result. */
function plain(h: History): boolean {
  return !h.filterMismatch && !h.missing && h.ours.queued === 0 && h.others.every((other) => other.life.final !== 'TIMED_OUT')
}

/** Whether, throughout poll `tick`, ours is done and the API's filters can tell its result. */
function determinable(h: History, tick: number): boolean {
  const start = world(h, tick, 0)
  const end = world(h, tick, Infinity)
  if (JSON.stringify(start) !== JSON.stringify(end)) return false
  if (inFlight(end.ours)) return false
  const newer = h.others
    .map((other, i) => ({ other, status: end.others[i] }))
    .filter(({ other }) => other.branch === 'main' && other.createdAt > 0)
  if (newer.some(({ status }) => status !== undefined && inFlight(status))) return false
  const results = new Set(newer.map(({ status }) => status).filter((status) => status !== undefined))
  return !results.has(end.ours) || results.size === 1
}

async function replay(h: History, mode: 'created' | 'job-id') {
  const missing = mode === 'job-id' && h.missing
  const fake = await startFake({
    undocumentedInFlight: ['QUEUED'],
    repos: { [REPO]: { owner: 'o', schedule: MANUAL, firstId: FIRST_ID, ...(h.filterMismatch ? { filterBranch: 'elsewhere' } : {}) } }
  })
  const { client, clock, log } = testClient({ apiUrl: fake.url, token: fake.token, repoName: REPO, timeoutMs: POLLS * 10_000 })
  const deadline = clock.now() + POLLS * 10_000
  const ids = new Map<number, number>()
  for (const [i, other] of h.others.entries()) if (other.createdAt === 0) ids.set(i, fake.addJob(REPO, { branch: other.branch }))
  let oursId: number
  let created
  if (missing) {
    oursId = FIRST_ID - 1
  } else if (mode === 'created') {
    const result = await client.post({ branch: 'main', ref: 'c'.repeat(40) })
    if (result.kind !== 'created') throw new Error('not created')
    created = result.job
    oursId = created.id
  } else {
    oursId = fake.addJob(REPO, { branch: 'main', ...(h.filterMismatch ? { filterBranch: 'elsewhere' } : {}) })
  }
  let tick = 0
  let answered = 0
  const sync = (): void => {
    const now = world(h, tick, answered)
    if (!missing) fake.setStatus(REPO, oursId, now.ours)
    for (const [i, status] of now.others.entries()) {
      if (status === undefined) continue
      if (!ids.has(i)) ids.set(i, fake.addJob(REPO, { branch: h.others[i]?.branch ?? 'main' }))
      fake.setStatus(REPO, ids.get(i) ?? 0, status)
    }
  }
  sync()
  if (created) created = { ...created, calculated_status: world(h, 0, 0).ours }
  clock.onSleep = (index) => {
    tick = index
    answered = 0
    sync()
  }
  fake.beforeAnswer = () => {
    sync()
    answered++
  }
  const tracker = new LatestTracker(client, oursId, log, {
    repoName: REPO,
    mustExist: mode === 'job-id',
    ...(created ? { created } : { branch: 'main' })
  })
  const outcome = await waitForJob({
    jobId: oursId,
    tracker,
    clock,
    log,
    pollIntervalMs: 10_000,
    deadline,
    startedAt: clock.now(),
    pollFirst: mode === 'job-id',
    onCheck: () => undefined
  }).then(
    (result: WaitResult) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error })
  )
  const ours = missing ? undefined : fake.jobs(REPO).find((job) => job.id === oursId)?.calculated_status
  fake.beforeAnswer = undefined
  return { ...outcome, ours, reportedAt: clock.sleeps.length, log }
}

const runs = Number(process.env.FC_RUNS ?? 60)
const replayOptions = {
  numRuns: runs,
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
  ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {})
}

/** A run that reports no result may only time out, or fail saying the API never showed the job. */
function expectNoResultOrHonestError(error: unknown, missing: boolean): void {
  if (error === undefined || error instanceof WaitTimeoutError) return
  expect(error).toBeInstanceOf(ApiError)
  if (missing) expect((error as Error).message).toMatch(/never showed job|has no job/)
}

describe('elimination over random histories (fast-check)', () => {
  it('a created job: the right result, never early, and within two polls once determinable', async () => {
    await fc.assert(
      fc.asyncProperty(history, async (h) => {
        const { result, error, ours, reportedAt, log } = await replay(h, 'created')
        expectNoResultOrHonestError(error, false)
        if (result) {
          // The real status of ours when it was reported, and the one reported, are its final one.
          expect(result.status).toBe(h.ours.final)
          expect(ours).toBe(h.ours.final)
        }
        if (!plain(h)) return
        expect(error instanceof WaitTimeoutError ? undefined : error).toBeUndefined()
        const first = Array.from({ length: POLLS - 1 }, (_, i) => i + 1).find((t) => determinable(h, t) && determinable(h, t + 1))
        if (first !== undefined) {
          if (!result) throw new Error(`not reported although determinable from poll ${first}:\n${log.text()}`)
          expect(reportedAt).toBeLessThanOrEqual(first + 1)
        }
      }),
      replayOptions
    )
  }, 180_000)

  it('a job id given by the user: the right result whenever one is reported, never early; none for an id that does not exist', async () => {
    await fc.assert(
      fc.asyncProperty(history, async (h) => {
        const { result, error, ours } = await replay(h, 'job-id')
        expectNoResultOrHonestError(error, h.missing)
        if (h.missing) expect(result).toBeUndefined()
        if (result) {
          expect(result.status).toBe(h.ours.final)
          expect(ours).toBe(h.ours.final)
        }
      }),
      { ...replayOptions, numRuns: Math.ceil(runs / 2) }
    )
  }, 180_000)
})

interface Creator {
  /** This run's create answer is lost after the job was made (502), or before it reached LayerCI (a 502 from a proxy). */
  answer: 'ok' | 'lost-after' | 'lost-before'
  final: string
}

describe('two creators at once, create answers lost at random (fast-check)', () => {
  const FIRST = 1
  const creators = fc.tuple(
    fc.record({
      answer: fc.constantFrom<Creator['answer']>('ok', 'lost-after', 'lost-before'),
      final: fc.constantFrom('SUCCEEDED', 'FAILURE')
    }),
    fc.record({
      answer: fc.constantFrom<Creator['answer']>('ok', 'lost-after', 'lost-before'),
      final: fc.constantFrom('SUCCEEDED', 'FAILURE')
    }),
    fc.boolean()
  )

  it('two runs never report one job; a run whose answer was lost reports none; a reported job has its real status', async () => {
    await fc.assert(
      fc.asyncProperty(creators, async ([a, b, together]) => {
        // Every job created ends, by the first poll, with the final of the run that asked for it.
        const fake = await startFake({ repos: { [REPO]: { owner: 'o', schedule: MANUAL } } })
        const finals = new Map<number, string>()
        const byName = new Map<string, Creator>([
          ['run-a', a],
          ['run-b', b]
        ])
        // The job a create makes (if the server acts on it) is the next id: it gets its run's final.
        fake.beforeAnswer = (request) => {
          if (request.endpoint !== 'create') return
          const extra = (request.body as { extra?: string }).extra ?? ''
          finals.set(FIRST + fake.jobs(REPO).length, byName.get(extra)?.final ?? 'SUCCEEDED')
        }
        const run = async (name: string, creator: Creator) => {
          const mine = (request: { body: unknown }): boolean => (request.body as { extra?: string }).extra === name
          if (creator.answer === 'lost-after') fake.inject('create', { kind: 'created-then-502' }, 1, mine)
          if (creator.answer === 'lost-before') fake.inject('create', { kind: 'status', status: 502 }, 1, mine)
          const clock = new FakeClock()
          clock.onSleep = () => {
            for (const [id, status] of finals) if (id < FIRST + fake.jobs(REPO).length) fake.setStatus(REPO, id, status)
          }
          const state = new RunState(clock.now())
          const outcome = await runEngine({
            settings: settingsFor(fake.url, { token: fake.token, timeoutMs: 60_000, extra: name }),
            log: new MemoryLog(),
            clock,
            transport: new HttpClientTransport('property'),
            state,
            onUpdate: () => undefined
          }).then(
            (verdict) => ({ verdict, error: undefined as unknown }),
            (error: unknown) => ({ verdict: undefined, error })
          )
          return { ...outcome, state, creator }
        }
        const results = together ? await Promise.all([run('run-a', a), run('run-b', b)]) : [await run('run-a', a), await run('run-b', b)]
        fake.beforeAnswer = undefined
        const reported: number[] = []
        for (const result of results) {
          const reportsJob = result.verdict === 'passed' || result.error instanceof JobFailedError
          if (result.creator.answer !== 'ok') {
            expect(reportsJob).toBe(false)
            expect(result.state.jobId).toBeUndefined()
            continue
          }
          if (!reportsJob) continue
          const id = result.state.jobId ?? -1
          reported.push(id)
          const real = fake.jobs(REPO).find((job) => job.id === id)?.calculated_status
          expect(result.state.calculatedStatus).toBe(real)
        }
        expect(new Set(reported).size).toBe(reported.length)
      }),
      { ...replayOptions, numRuns: Math.ceil(runs / 2) }
    )
  }, 180_000)
})
