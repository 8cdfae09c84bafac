/**
 * Random histories against the fake LayerCI, polled through the real client and tracker: several
 * jobs on one or two branches, created at random times, each living NEW → STARTING_RUNNERS →
 * RUNNING → a final status (any stage may last no time at all), changing between polls or between
 * two requests of one poll. Whatever happens, the result reported is our job's real final status,
 * and only once it has it; and once no newer job on its branch is in flight (and the newer jobs'
 * results leave ours determinable), it is reported within two polls.
 *
 * A failure prints fast-check's seed and path; FC_SEED=<seed> FC_PATH=<path> replays it, and
 * FC_RUNS=<n> runs more histories.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { WaitTimeoutError } from '../src/errors.js'
import { LatestTracker } from '../src/latest-tracker.js'
import { FINISHED } from '../src/status.js'
import { waitForJob, type WaitResult } from '../src/waiter.js'
import { MANUAL, startFake } from '../__fixtures__/fake.js'
import { testClient } from '../__fixtures__/client.js'

const REPO = 'layerci-example'
const POLLS = 40

interface Life {
  /** Polls spent in each in-flight status (0: skipped). */
  stages: [number, number, number]
  final: string
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
  ours: Life
  oursOffset: number
  others: Other[]
}

// Results are drawn mostly from two statuses, so that newer jobs often end like ours: the case
// elimination exists for.
const final = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('SUCCEEDED', 'FAILURE') },
  { weight: 1, arbitrary: fc.constantFrom(...FINISHED) }
)
const lifeOf = (longestRun: number): fc.Arbitrary<Life> => fc.record({ stages: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(longestRun)), final })
const history: fc.Arbitrary<History> = fc.record({
  ours: lifeOf(6),
  oursOffset: fc.nat(4),
  others: fc.array(
    fc.record({
      branch: fc.oneof(
        { weight: 3, arbitrary: fc.constant<'main' | 'dev'>('main') },
        { weight: 1, arbitrary: fc.constant<'main' | 'dev'>('dev') }
      ),
      createdAt: fc.nat(6),
      life: lifeOf(3),
      offset: fc.nat(4)
    }),
    { maxLength: 4 }
  )
})

function statusAt(job: Life, age: number): string {
  const [fresh, starting, running] = job.stages
  if (age < fresh) return 'NEW'
  if (age < fresh + starting) return 'STARTING_RUNNERS'
  if (age < fresh + starting + running) return 'RUNNING'
  return job.final
}
const inFlight = (status: string): boolean => ['NEW', 'STARTING_RUNNERS', 'RUNNING'].includes(status)

/** The world at poll `tick` once `answered` requests of that poll were answered. */
function world(h: History, tick: number, answered: number) {
  const effective = (offset: number): number => (answered >= offset ? tick : tick - 1)
  return {
    ours: statusAt(h.ours, effective(h.oursOffset)),
    others: h.others.map((other) => {
      const at = effective(other.offset)
      return at >= other.createdAt ? statusAt(other.life, at - other.createdAt) : undefined
    })
  }
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
  const fake = await startFake({ repos: { [REPO]: { owner: 'o', schedule: MANUAL } } })
  const { client, clock, log } = testClient({ apiUrl: fake.url, token: fake.token, repoName: REPO, timeoutMs: POLLS * 10_000 })
  const deadline = clock.now() + POLLS * 10_000
  const ids = new Map<number, number>()
  for (const [i, other] of h.others.entries()) if (other.createdAt === 0) ids.set(i, fake.addJob(REPO, { branch: other.branch }))
  let oursId: number
  let created
  if (mode === 'created') {
    const result = await client.post({ branch: 'main', ref: 'c'.repeat(40) })
    if (result.kind !== 'created') throw new Error('not created')
    created = result.job
    oursId = created.id
  } else {
    oursId = fake.addJob(REPO, { branch: 'main' })
  }
  let tick = 0
  let answered = 0
  const sync = (): void => {
    const now = world(h, tick, answered)
    fake.setStatus(REPO, oursId, now.ours)
    for (const [i, status] of now.others.entries()) {
      if (status === undefined) continue
      if (!ids.has(i)) ids.set(i, fake.addJob(REPO, { branch: h.others[i]?.branch ?? 'main' }))
      fake.setStatus(REPO, ids.get(i) ?? 0, status)
    }
  }
  sync()
  clock.onSleep = (index) => {
    tick = index
    answered = 0
    sync()
  }
  fake.beforeAnswer = () => {
    sync()
    answered++
  }
  const tracker = new LatestTracker(client, oursId, log, { repoName: REPO, mustExist: mode === 'job-id', ...(created ? { created } : {}) })
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
  const ours = fake.jobs(REPO).find((job) => job.id === oursId)?.calculated_status
  fake.beforeAnswer = undefined
  return { ...outcome, ours, reportedAt: clock.sleeps.length, log }
}

const runs = Number(process.env.FC_RUNS ?? 60)
const replayOptions = {
  numRuns: runs,
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
  ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {})
}

describe('elimination over random histories (fast-check)', () => {
  it('a created job: the right result, never early, and within two polls once determinable', async () => {
    await fc.assert(
      fc.asyncProperty(history, async (h) => {
        const { result, error, ours, reportedAt, log } = await replay(h, 'created')
        expect(error instanceof WaitTimeoutError ? undefined : error).toBeUndefined()
        if (result) {
          // The real status of ours when it was reported, and the one reported, are its final one.
          expect(result.status).toBe(h.ours.final)
          expect(ours).toBe(h.ours.final)
        }
        const first = Array.from({ length: POLLS - 1 }, (_, i) => i + 1).find((t) => determinable(h, t) && determinable(h, t + 1))
        if (first !== undefined) {
          if (!result) throw new Error(`not reported although determinable from poll ${first}:\n${log.text()}`)
          expect(reportedAt).toBeLessThanOrEqual(first + 1)
        }
      }),
      replayOptions
    )
  }, 120_000)

  it('a job id given by the user: the right result whenever one is reported, never early', async () => {
    await fc.assert(
      fc.asyncProperty(history, async (h) => {
        const { result, error, ours } = await replay(h, 'job-id')
        expect(error instanceof WaitTimeoutError ? undefined : error).toBeUndefined()
        if (result) {
          expect(result.status).toBe(h.ours.final)
          expect(ours).toBe(h.ours.final)
        }
      }),
      { ...replayOptions, numRuns: Math.ceil(runs / 2) }
    )
  }, 120_000)
})
