/**
 * The layerci flavor's tracker (src/latest-tracker.ts) in the cases the waiter's tests do not
 * reach: which filters it asks (and stops asking), what it concludes (and refuses to), what it
 * logs and how it explains a job it cannot tell apart. Against the fake LayerCI, through the
 * waiter and a FakeClock, or a loopback server for answers the fake never gives.
 */
import { describe, expect, it } from '@jest/globals'
import type { Job } from '../src/api.js'
import { LayerCiClient } from '../src/client.js'
import { ApiError, WaitTimeoutError } from '../src/errors.js'
import { describeQuery, LatestTracker, type LatestTrackerOptions } from '../src/latest-tracker.js'
import { HttpClientTransport } from '../src/transport.js'
import { waitForJob, type WaitResult } from '../src/waiter.js'
import { FakeClock } from '../__fixtures__/clock.js'
import { MANUAL, startFake } from '../__fixtures__/fake.js'
import { MemoryLog } from '../__fixtures__/log.js'
import { httpServer } from '../__fixtures__/servers.js'
import type { FakeLayerCi, FakeOptions } from '../fake/server.js'
import { testClient } from '../__fixtures__/client.js'

const REPO = 'layerci-example'

async function setup(options: FakeOptions = {}) {
  const fake = await startFake({ repos: { [REPO]: { owner: 'o', schedule: MANUAL } }, ...options })
  return { fake, ...testClient({ apiUrl: fake.url, token: fake.token, repoName: REPO }) }
}

type Setup = Awaited<ReturnType<typeof setup>>

/** Creates our job on main through the API, as the action does. */
async function create({ client }: Setup): Promise<Job> {
  const result = await client.post({ branch: 'main', ref: 'c'.repeat(40) })
  if (result.kind !== 'created') throw new Error('not created')
  return result.job
}

/** Waits for `jobId` with a tracker of these options; `steps[i]` runs on the fake at the (i+1)-th sleep. */
function wait(
  { fake, clock, log, client }: Setup,
  jobId: number,
  options: Omit<LatestTrackerOptions, 'repoName'>,
  steps: Array<(fake: FakeLayerCi) => void> = [],
  timeoutMs = 60_000
): Promise<WaitResult | Error> {
  clock.onSleep = (index) => steps[index - 1]?.(fake)
  return waitForJob({
    jobId,
    tracker: new LatestTracker(client, jobId, log, { repoName: REPO, ...options }),
    clock,
    log,
    pollIntervalMs: 10_000,
    deadline: clock.now() + timeoutMs,
    startedAt: clock.now(),
    // As the engine does: the first poll right away, a created job read through its branch at once.
    pollFirst: true,
    onCheck: () => undefined,
    lastProblem: () => client.lastProblem
  }).catch((error: unknown) => error as Error)
}

/** The latest-endpoint queries sent since `from`, without the key. */
function queries(fake: FakeLayerCi, from = 0): string[] {
  return fake.requests
    .slice(from)
    .filter((r) => r.endpoint === 'latest')
    .map((r) => new URLSearchParams(Object.entries(r.query).filter(([name]) => name !== 'layertoken')).toString())
}

const count = (asked: string[], query: string): number => asked.filter((q) => q === query).length

describe('LatestTracker: what it concludes', () => {
  it('never concludes between two finished statuses that newer jobs both hide', async () => {
    const s = await setup()
    const ours = await create(s)
    const outcome = await wait(s, ours.id, { created: ours }, [
      (f) => {
        f.setStatus(REPO, ours.id, 'RUNNER_CANCELLED')
        f.addJob(REPO, { calculated_status: 'FAILURE', branch: 'main' })
        f.addJob(REPO, { calculated_status: 'RUNNER_CANCELLED', branch: 'main' })
      }
    ])
    expect(outcome).toBeInstanceOf(WaitTimeoutError)
    expect((outcome as Error).message).toContain(
      'Job 1 has finished, but newer jobs on branch main (3 (RUNNER_CANCELLED), 2 (FAILURE)) match every filter that could tell FAILURE from RUNNER_CANCELLED for it: the latest endpoint returns only the newest match and cannot address a job by id.'
    )
  })

  it.each(['SUCCEEDED', 'RUNNER_CANCELLED'])(
    'a job that ends %s while a newer job is RUNNING and another newer one has finished is read by its result',
    async (final) => {
      const s = await setup()
      const ours = await create(s)
      const outcome = await wait(s, ours.id, { created: ours }, [
        (f) => {
          f.setStatus(REPO, ours.id, 'RUNNING')
          f.addJob(REPO, { calculated_status: 'FAILURE', branch: 'main' }) // 2: answers done=true and failed=true
          f.addJob(REPO, { calculated_status: 'RUNNING', branch: 'main' }) // 3: answers the broad query and RUNNING
        },
        (f) => f.setStatus(REPO, ours.id, final)
      ])
      expect(outcome).toMatchObject({ status: final, job: { id: ours.id, calculated_status: final } })
      expect(queries(s.fake)).toContain(`calculated_status=${final}&branch=main`)
    }
  )

  it('a job id never shown gets no result: once nothing can change that, the run says so (not at its timeout)', async () => {
    const s = await setup()
    s.fake.addJob(REPO, { calculated_status: 'FAILURE', branch: 'main' }) // 1, ours
    s.fake.addJob(REPO, { calculated_status: 'FAILURE', branch: 'dev' }) // 2, newer: hides it everywhere
    const outcome = await wait(s, 1, { mustExist: true })
    expect(outcome).toBeInstanceOf(ApiError)
    expect((outcome as Error).message).toBe(
      'LayerCI never showed job 1: it may not exist, or newer jobs (2 (FAILURE, on dev)) hide it from every filter that could show it, for good. No result is reported for a job the API never showed. Check the job id, and the job on the LayerCI dashboard.'
    )
    // The second poll: the first spent its 10 GETs before the last finished statuses.
    expect(s.clock.sleeps).toEqual([10_000])
  })

  it('a job id that does not exist below newer jobs that all SUCCEEDED is not passed', async () => {
    const s = await setup()
    for (let id = 1; id <= 4; id++) s.fake.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
    // Job ids below the newest one: 0 was never a job; nothing shows it.
    const outcome = await wait(s, 0, { mustExist: true }, [], 60_000)
    expect(outcome).toBeInstanceOf(Error)
    expect(outcome).not.toHaveProperty('status')
    expect((outcome as Error).message).toMatch(/never showed job 0: it may not exist/)
  })

  it('a newer job in a status the docs do not name ends elimination: nothing concluded, the run says why', async () => {
    const s = await setup()
    const ours = await create(s)
    const outcome = await wait(s, ours.id, { created: ours }, [
      (f) => {
        f.setStatus(REPO, ours.id, 'TIMED_OUT')
        f.addJob(REPO, { calculated_status: 'TIMED_OUT', branch: 'main' })
      }
    ])
    expect(outcome).toBeInstanceOf(WaitTimeoutError)
    expect(s.log.matching('warning')).toEqual([
      "warning: Job 2 has the calculated status TIMED_OUT, which the API documentation does not name. Elimination relies on the API documentation's nine calculated statuses and on what its filters match, so from now on nothing is concluded about job 1 from what a query does not show: its result is reported only when a query shows the job itself."
    ])
    expect((outcome as Error).message).toContain(
      'Newer jobs on branch main (2 (TIMED_OUT)) match every filter that could show whether job 1 has finished'
    )
  })

  it('a job id never read, hidden while in flight: the timeout says it was never shown, and names the newer jobs and their branches', async () => {
    const s = await setup()
    s.fake.addJob(REPO, { calculated_status: 'NEW', branch: 'main' }) // 1, ours
    s.fake.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'dev' }) // 2: answers done=true
    s.fake.addJob(REPO, { calculated_status: 'NEW', branch: 'dev' }) // 3: answers NEW
    const outcome = await wait(s, 1, { mustExist: true })
    expect(outcome).toBeInstanceOf(WaitTimeoutError)
    expect((outcome as Error).message).toContain(
      'Job 1 was never shown by the API: it may not exist, or newer jobs (3 (NEW, on dev), 2 (SUCCEEDED, on dev)) hide it.'
    )
    // Nothing is known of its status: no line claims one.
    expect(s.log.matching('status')).toEqual([])
  })

  it('a job id never read, in flight: no status is claimed while it is not known', async () => {
    const s = await setup()
    s.fake.addJob(REPO, { calculated_status: 'NEW', branch: 'main' }) // 1, ours
    s.fake.addJob(REPO, { calculated_status: 'NEW', branch: 'dev' }) // 2
    const outcome = await wait(s, 1, { mustExist: true })
    expect(outcome).toBeInstanceOf(WaitTimeoutError)
    expect(s.log.matching('status')).toEqual([])
  })
})

describe('LatestTracker: what it asks', () => {
  it('in-flight statuses in life order, then the finished ones, all in one poll; once two results are hidden for good, one query a poll', async () => {
    const s = await setup()
    const ours = await create(s)
    const before = s.fake.requests.length
    await wait(s, ours.id, { created: ours }, [
      () => undefined,
      (f) => {
        f.setStatus(REPO, ours.id, 'RUNNER_CANCELLED')
        f.addJob(REPO, { calculated_status: 'FAILURE', branch: 'main' })
        f.addJob(REPO, { calculated_status: 'RUNNER_CANCELLED', branch: 'main' })
      }
    ])
    const asked = queries(s.fake, before)
    expect(asked).toEqual([
      // Read at once through the branch (which verifies it), then at the first poll.
      'branch=main',
      'branch=main',
      // The newer jobs came: the in-flight statuses in life order, then the finished ones, until
      // the poll's 10 requests are spent (failed=true and FAILURE: answered for good by job 2).
      'branch=main',
      'done=true&branch=main',
      'calculated_status=NEW&branch=main',
      'calculated_status=STARTING_RUNNERS&branch=main',
      'calculated_status=RUNNING&branch=main',
      'failed=true&branch=main',
      'calculated_status=SUCCEEDED&branch=main',
      'calculated_status=FAILURE&branch=main',
      'calculated_status=JOB_ERROR&branch=main',
      'calculated_status=BAD_LAYERFILE&branch=main',
      // Nothing excluded is carried to the next poll (a runner may be retried): all again.
      'calculated_status=NEW&branch=main',
      'calculated_status=STARTING_RUNNERS&branch=main',
      'calculated_status=RUNNING&branch=main',
      'calculated_status=SUCCEEDED&branch=main',
      'calculated_status=JOB_ERROR&branch=main',
      'calculated_status=BAD_LAYERFILE&branch=main',
      'calculated_status=RUNNER_CANCELLED&branch=main',
      // FAILURE and RUNNER_CANCELLED are answered for good: elimination can never conclude. One
      // query a poll, in turn, on another result would read the job if it moved there.
      'calculated_status=SUCCEEDED&branch=main',
      'calculated_status=JOB_ERROR&branch=main',
      'calculated_status=BAD_LAYERFILE&branch=main',
      'calculated_status=RUNNER_ERROR&branch=main'
    ])
  })

  it('once failed=true excluded the job, the failed statuses are not asked in that poll; two hidden results leave one query a poll', async () => {
    const s = await setup()
    const ours = await create(s)
    s.fake.inject('latest', { kind: 'status', status: 502 }, 1, (r) => r.query.calculated_status === 'SUCCEEDED')
    const before = s.fake.requests.length
    // Ours SUCCEEDED, behind a newer SUCCEEDED and a newer RUNNER_CANCELLED: never told apart.
    const outcome = await wait(s, ours.id, { created: ours }, [
      (f) => {
        f.setStatus(REPO, ours.id, 'SUCCEEDED')
        f.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
        f.addJob(REPO, { calculated_status: 'RUNNER_CANCELLED', branch: 'main' })
      }
    ])
    expect(outcome).toBeInstanceOf(WaitTimeoutError)
    const asked = queries(s.fake, before)
    expect(count(asked, 'failed=true&branch=main')).toBe(1)
    const excludedAt = asked.indexOf('failed=true&branch=main')
    // In its poll: SUCCEEDED (a 502, then asked again) and RUNNER_CANCELLED, no failed status.
    expect(asked.slice(excludedAt + 1, excludedAt + 4)).toEqual([
      'calculated_status=SUCCEEDED&branch=main',
      'calculated_status=SUCCEEDED&branch=main',
      'calculated_status=RUNNER_CANCELLED&branch=main'
    ])
    // Then one query a poll, in turn, on the results not hidden for good.
    const after = asked.slice(excludedAt + 4)
    expect(after.length).toBeLessThanOrEqual(s.clock.sleeps.length)
    expect(after.every((query) => /^calculated_status=(FAILURE|JOB_ERROR|BAD_LAYERFILE|RUNNER_ERROR)&branch=main$/.test(query))).toBe(true)
    expect(s.log.matching('info').filter((line) => line.includes('retrying'))).toEqual([
      expect.stringMatching(/^info: Identify: HTTP 502 \(attempt 1\); retrying in/)
    ])
  })

  it('logs once that a newer job hides ours, however many queries and polls it answers', async () => {
    const s = await setup()
    const ours = await create(s)
    // A newer job stays NEW beside ours: calculated_status=NEW is asked, and answered by it, every poll.
    s.fake.addJob(REPO, { calculated_status: 'NEW', branch: 'main' })
    await wait(s, ours.id, { created: ours }, [() => undefined, () => undefined, (f) => f.setStatus(REPO, ours.id, 'SUCCEEDED')])
    expect(s.clock.sleeps.length).toBeGreaterThanOrEqual(3)
    const lines = s.log.matching('info').filter((line) => line.includes('newer than job 1, is'))
    expect(lines).toEqual([
      'info: Job 2 (NEW), newer than job 1, is the newest job on branch main: telling job 1 apart through other filters.'
    ])
  })

  it('a job created in a status the docs do not name is not taken for finished: a newer SUCCEEDED job never passes it', async () => {
    const s = await setup()
    const ours = await create(s)
    s.fake.setStatus(REPO, ours.id, 'QUEUED')
    s.fake.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
    const before = s.fake.requests.length
    const outcome = await wait(s, ours.id, { created: { ...ours, calculated_status: 'QUEUED' } }, [
      () => undefined,
      () => undefined,
      (f) => f.setStatus(REPO, ours.id, 'RUNNING'),
      (f) => f.setStatus(REPO, ours.id, 'FAILURE')
    ])
    expect(outcome).toMatchObject({ status: 'FAILURE', known: { kind: 'read', status: 'FAILURE' } })
    // In-flight statuses are never excluded to conclude it finished: elimination is off.
    const asked = queries(s.fake, before)
    expect(asked.some((query) => /calculated_status=(NEW|STARTING_RUNNERS|RUNNING)/.test(query))).toBe(false)
    expect(s.log.matching('warning')[0]).toMatch(
      /^warning: Job 1 has the calculated status QUEUED, which the API documentation does not name\./
    )
  })

  it('an unclear answer ends the poll: nothing more is asked in it, nothing concluded', async () => {
    const s = await setup()
    const ours = await create(s)
    s.fake.setStatus(REPO, ours.id, 'FAILURE')
    s.fake.addJob(REPO, { calculated_status: 'FAILURE', branch: 'main' })
    const busy = { kind: 'body', status: 200, body: '{"status":"error","error":"database busy"}' } as const
    // Poll 1: the broad query is unclear. Poll 2: done=true. Poll 3: NEW. Poll 4: failed=true. Poll 5: FAILURE.
    const unclear = ['branch=main', 'done=true&branch=main', 'calculated_status=NEW&branch=main', 'failed=true&branch=main']
    for (const query of unclear) {
      s.fake.inject(
        'latest',
        busy,
        1,
        (r) => new URLSearchParams(Object.entries(r.query).filter(([n]) => n !== 'layertoken')).toString() === query
      )
    }
    s.fake.inject('latest', busy, 1, (r) => r.query.calculated_status === 'RUNNER_CANCELLED')
    const before = s.fake.requests.length
    const outcome = await wait(s, ours.id, { created: ours }, [], 120_000)
    const asked = queries(s.fake, before)
    // Each unclear answer is the last request of its poll. Ours was never read on main (a newer
    // job was there from the start), so a query that is not expected to show it is asked in the
    // whole repository first, where a "no match" counts.
    expect(asked).toEqual([
      'branch=main', // poll 0: unclear
      'branch=main',
      'done=true',
      'done=true&branch=main', // poll 1: unclear
      'done=true&branch=main',
      'calculated_status=NEW&branch=main', // poll 2: unclear (NEW is ours as last read: the branch first)
      'calculated_status=NEW&branch=main',
      'calculated_status=NEW',
      'calculated_status=STARTING_RUNNERS',
      'calculated_status=RUNNING',
      'failed=true', // hidden in the repository (by job 2, for good: not asked again), then asked on main
      'failed=true&branch=main', // poll 3: unclear
      'calculated_status=NEW',
      'calculated_status=STARTING_RUNNERS',
      'calculated_status=RUNNING',
      'failed=true&branch=main',
      'calculated_status=SUCCEEDED',
      'calculated_status=FAILURE',
      'calculated_status=FAILURE&branch=main',
      'calculated_status=JOB_ERROR',
      'calculated_status=BAD_LAYERFILE',
      'calculated_status=RUNNER_CANCELLED', // poll 4: unclear
      'calculated_status=NEW',
      'calculated_status=STARTING_RUNNERS',
      'calculated_status=RUNNING',
      'calculated_status=SUCCEEDED',
      'calculated_status=JOB_ERROR',
      'calculated_status=BAD_LAYERFILE',
      'calculated_status=RUNNER_CANCELLED',
      'calculated_status=RUNNER_ERROR',
      // Still finished after the last exclusion: no runner was retried meanwhile.
      'calculated_status=STARTING_RUNNERS',
      'calculated_status=RUNNING'
    ])
    expect(outcome).toMatchObject({ status: 'FAILURE', hiddenBy: [expect.objectContaining({ id: 2 })] })
    // Five polls end at an unclear answer, the sixth concludes.
    expect(s.clock.sleeps).toHaveLength(5)
  })

  it('once the job was read, a "no match" on its branch does not make it unknown', async () => {
    const s = await setup()
    s.fake.addJob(REPO, { calculated_status: 'RUNNING', branch: 'main' })
    s.fake.inject(
      'latest',
      { kind: 'body', status: 200, body: '{"status":"error","error":"no job found"}' },
      3,
      (r) => r.query.branch === 'main' && Object.keys(r.query).length === 2
    )
    const outcome = await wait(s, 1, { mustExist: true }, [() => undefined, () => undefined, (f) => f.setStatus(REPO, 1, 'SUCCEEDED')])
    expect(outcome).toMatchObject({ status: 'SUCCEEDED' })
  })

  it('names the purpose of each query when it is retried: Poll, Status, Identify', async () => {
    const s = await setup()
    const ours = await create(s)
    const fault = { kind: 'status', status: 502 } as const
    s.fake.inject('latest', fault, 1, (r) => r.query.done === 'true')
    s.fake.inject('latest', fault, 1, (r) => r.query.calculated_status === 'NEW')
    s.fake.inject('latest', fault, 1, (r) => r.query.calculated_status === 'STARTING_RUNNERS')
    s.fake.inject('latest', fault, 1, (r) => r.query.failed === 'true')
    await wait(s, ours.id, { created: ours }, [
      (f) => f.addJob(REPO, { calculated_status: 'NEW', branch: 'main' }),
      (f) => f.setStatus(REPO, ours.id, 'STARTING_RUNNERS'),
      (f) => {
        f.setStatus(REPO, ours.id, 'FAILURE')
        f.setStatus(REPO, 2, 'SUCCEEDED')
      }
    ])
    const retried = s.log
      .matching('info')
      .filter((line) => line.includes('retrying'))
      .map((line) => line.replace(/^info: (\w+): .*$/, '$1'))
    expect(retried).toEqual(['Poll', 'Status', 'Identify', 'Identify'])
  })
})

/** A tracker of job `created.id`, created as `created`, asking a loopback server at `origin`. */
function trackerAt(origin: string, created: Job): { tracker: LatestTracker; log: MemoryLog } {
  const clock = new FakeClock()
  const log = new MemoryLog()
  const client = new LayerCiClient({
    apiUrl: origin,
    token: 'k',
    flavor: 'layerci',
    repoName: REPO,
    deadline: clock.now() + 60_000,
    transport: new HttpClientTransport('latest-tracker-test'),
    clock,
    log
  })
  return { tracker: new LatestTracker(client, created.id, log, { repoName: REPO, created }), log }
}

describe('LatestTracker: the branch', () => {
  it('keeps asking on the branch it knows when a later answer omits the job branch', async () => {
    const seen: string[] = []
    const server = await httpServer((request, response) => {
      const query = new URL(request.url ?? '/', 'http://x').searchParams
      query.delete('layertoken')
      seen.push(query.toString())
      response.writeHead(200, { 'Content-Type': 'application/json' })
      response.end(JSON.stringify({ status: 'ok', job: { id: 1, calculated_status: 'RUNNING', status: 'SEE_RUNNERS' } }))
    })
    try {
      const { tracker } = trackerAt(server.origin, { id: 1, calculated_status: 'NEW', status: 'NEW', branch: 'main', raw: {} })
      await tracker.check()
      await tracker.check()
      expect(seen).toEqual(['branch=main', 'branch=main'])
    } finally {
      await server.close()
    }
  })
})

describe("LatestTracker: an answer that breaks its query's filter", () => {
  /** Three polls of a tracker for our job 1 (RUNNING on main) against `server`, which is then closed. */
  async function threePolls(server: { origin: string; close(): Promise<void> }) {
    const created: Job = { id: 1, calculated_status: 'RUNNING', status: 'SEE_RUNNERS', branch: 'main', raw: { branch: 'main' } }
    const { tracker, log } = trackerAt(server.origin, created)
    try {
      for (let i = 0; i < 3; i++) await tracker.check()
    } finally {
      await server.close()
    }
    return { tracker, log }
  }

  /**
   * A loopback server that answers the first query whose filters `when` picks with job 2 as
   * `answer` gives it, and every other query with job 2 on main in a status that query matches:
   * our job 1 is hidden, so the tracker asks the filters that could tell it apart, one of which
   * gets the broken answer.
   */
  async function brokenAnswer(when: (query: URLSearchParams) => boolean, answer: (query: URLSearchParams) => Record<string, unknown>) {
    let broken = false
    const server = await httpServer((request, response) => {
      const query = new URL(request.url ?? '/', 'http://x').searchParams
      // Otherwise a consistent answer: job 2, newer, in a status the filters match.
      const status = query.get('calculated_status') ?? (query.has('failed') ? 'FAILURE' : query.has('done') ? 'SUCCEEDED' : 'RUNNING')
      let job: Record<string, unknown> = { id: 2, calculated_status: status, status: 'SEE_RUNNERS', branch: 'main' }
      if (!broken && when(query)) {
        broken = true
        job = { id: 2, status: 'SEE_RUNNERS', ...answer(query) }
      }
      response.writeHead(200, { 'Content-Type': 'application/json' })
      response.end(JSON.stringify({ status: 'ok', job }))
    })
    const { log } = await threePolls(server)
    return { broken, warnings: log.matching('warning') }
  }

  it.each<[string, (query: URLSearchParams) => boolean, (query: URLSearchParams) => Record<string, unknown>, RegExp]>([
    [
      'a job in flight for done=true',
      (query) => query.has('done'),
      () => ({ calculated_status: 'RUNNING', branch: 'main' }),
      /LayerCI answered the newest finished job (on branch main|of the repository) \(done=true\) with job 2 in RUNNING, which done=true does not match/
    ],
    [
      'a job that did not fail for failed=true',
      (query) => query.has('failed'),
      () => ({ calculated_status: 'SUCCEEDED', branch: 'main' }),
      /LayerCI answered the newest failed job (on branch main|of the repository) \(failed=true\) with job 2 in SUCCEEDED, which failed=true does not match/
    ],
    [
      'a job in another status for calculated_status',
      (query) => query.has('calculated_status'),
      (query) => ({ calculated_status: query.get('calculated_status') === 'SUCCEEDED' ? 'FAILURE' : 'SUCCEEDED', branch: 'main' }),
      /LayerCI answered the newest [A-Z_]+ job (on branch main|of the repository) with job 2 in [A-Z_]+, which calculated_status=[A-Z_]+ does not match/
    ]
  ])('%s: elimination ends, saying which answer broke which filter', async (_, when, answer, warning) => {
    const { broken, warnings } = await brokenAnswer(when, answer)
    expect(broken).toBe(true)
    expect(warnings.some((line) => warning.test(line))).toBe(true)
    expect(warnings.some((line) => line.includes('nothing is concluded about job 1 from what a query does not show'))).toBe(true)
  })

  it('a job on another branch for branch=main drops that narrowing only: said once, and elimination goes on', async () => {
    const when = (query: URLSearchParams): boolean => query.get('branch') === 'main' && query.has('done')
    let broken = 0
    const server = await httpServer((request, response) => {
      const query = new URL(request.url ?? '/', 'http://x').searchParams
      const status = query.get('calculated_status') ?? (query.has('failed') ? 'FAILURE' : query.has('done') ? 'SUCCEEDED' : 'RUNNING')
      let job: Record<string, unknown> = { id: 2, calculated_status: status, status: 'SEE_RUNNERS', branch: 'main' }
      if (when(query)) {
        broken++
        job = { id: 3, calculated_status: 'SUCCEEDED', status: 'SEE_RUNNERS', branch: 'dev' }
      }
      response.writeHead(200, { 'Content-Type': 'application/json' })
      response.end(JSON.stringify({ status: 'ok', job }))
    })
    const { tracker, log } = await threePolls(server)
    expect(broken).toBe(1)
    const said = log.matching('info').filter((line) => line.includes('does not match branch=main as its jobs'))
    expect(said).toEqual([
      "info: LayerCI answered the newest finished job on branch main (done=true) with job 3, on dev: this server does not match branch=main as its jobs' branches say, so job 1 is looked for in the whole repository. What was already established stands."
    ])
    expect(log.matching('warning')).toEqual([])
    expect(tracker.known.unsound).toBeUndefined()
    expect(tracker.known.narrowing).toBeUndefined()
  })
})

describe('describeQuery: a query in words, for the log', () => {
  it('names the filter and where it looks: the repository, a branch, or jobs without a branch', () => {
    expect(describeQuery({})).toBe('the newest job of the repository')
    expect(describeQuery({ branch: 'main' })).toBe('the newest job on branch main')
    expect(describeQuery({ branch: '' })).toBe('the newest job without a branch (branch=)')
    expect(describeQuery({ done: 'true', branch: 'main' })).toBe('the newest finished job on branch main (done=true)')
    expect(describeQuery({ failed: 'true' })).toBe('the newest failed job of the repository (failed=true)')
    expect(describeQuery({ calculated_status: 'BAD_LAYERFILE', branch: 'dev' })).toBe('the newest BAD_LAYERFILE job on branch dev')
  })
})
