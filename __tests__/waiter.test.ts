import { describe, expect, it } from '@jest/globals'
import { ApiError, WaitTimeoutError } from '../src/errors.js'
import { LatestTracker } from '../src/latest-tracker.js'
import { SearchTracker } from '../src/search-tracker.js'
import { waitForJob, type Check, type Tracker, type WaitResult } from '../src/waiter.js'
import type { Job } from '../src/api.js'
import { MANUAL, startFake } from '../__fixtures__/fake.js'
import type { FakeLayerCi } from '../fake/server.js'
import { LayerCiClient } from '../src/client.js'
import { FakeClock } from '../__fixtures__/clock.js'
import { MemoryLog } from '../__fixtures__/log.js'
import { testClient } from '../__fixtures__/client.js'

const REPO = 'layerci-example'

async function setup(options: { noMatchStatus?: 200 | 404; dialect?: 'layerci' | 'webappio'; undocumentedFailed?: string[] } = {}) {
  const fake = await startFake({ repos: { [REPO]: { owner: 'o', schedule: MANUAL } }, ...options })
  return { fake, ...testClient({ apiUrl: fake.url, token: fake.token, repoName: REPO, flavor: options.dialect ?? 'layerci' }) }
}

async function create(client: LayerCiClient, branch = 'main'): Promise<Job> {
  const result = await client.post({ branch, ref: 'c'.repeat(40) })
  if (result.kind !== 'created') throw new Error('not created')
  return result.job
}

interface WaitSetup {
  timeoutMs?: number
  pollIntervalMs?: number
  pollFirst?: boolean
  checks?: Check[]
  lastProblem?: () => string | undefined
}

function wait(tracker: Tracker, clock: FakeClock, log: MemoryLog, jobId: number, options: WaitSetup = {}): Promise<WaitResult> {
  return waitForJob({
    jobId,
    tracker,
    clock,
    log,
    pollIntervalMs: options.pollIntervalMs ?? 10_000,
    deadline: clock.now() + (options.timeoutMs ?? 3_600_000),
    startedAt: clock.now(),
    pollFirst: options.pollFirst ?? false,
    ...(options.pollFirst ? {} : { initialStatus: 'NEW' }),
    onCheck: (check) => options.checks?.push(check),
    url: `https://layerci.com/jobs/${jobId}`,
    ...(options.lastProblem ? { lastProblem: options.lastProblem } : {})
  })
}

const latest = (client: LayerCiClient, log: MemoryLog, job: Job): LatestTracker =>
  new LatestTracker(client, job.id, log, { repoName: REPO, created: job })

/** Runs `steps[i]` on the fake when the waiter sleeps for the (i+1)-th time. */
function script(clock: FakeClock, fake: FakeLayerCi, steps: Array<(fake: FakeLayerCi) => void>): void {
  clock.onSleep = (index) => steps[index - 1]?.(fake)
}

/** The latest-endpoint requests since `from`, as their filter strings without the key. */
function queries(fake: FakeLayerCi, from = 0): string[] {
  return fake.requests
    .slice(from)
    .filter((r) => r.endpoint === 'latest')
    .map((r) => new URLSearchParams(Object.entries(r.query).filter(([name]) => name !== 'layertoken')).toString())
}

describe('waiter, layerci flavor: while no newer job is on the branch', () => {
  it('asks for the newest job of the branch: one GET a poll, and older finished jobs are not ours', async () => {
    const { fake, clock, log, client } = await setup()
    fake.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
    fake.addJob(REPO, { calculated_status: 'FAILURE', branch: 'main' })
    const ours = await create(client)
    expect(ours.id).toBe(3)
    const before = fake.requests.length
    script(clock, fake, [
      () => undefined,
      (f) => f.setStatus(REPO, 3, 'RUNNING'),
      () => undefined,
      (f) => f.setStatus(REPO, 3, 'SUCCEEDED')
    ])
    const result = await wait(latest(client, log, ours), clock, log, ours.id)
    expect(result).toMatchObject({ status: 'SUCCEEDED', job: { id: 3, calculated_status: 'SUCCEEDED' } })
    expect(result.hiddenBy).toBeUndefined()
    expect(clock.sleeps).toHaveLength(4)
    expect(queries(fake, before)).toEqual(['branch=main', 'branch=main', 'branch=main', 'branch=main'])
  })

  it('shows every status of the job as it changes: NEW, STARTING_RUNNERS, RUNNING, then the result', async () => {
    const { fake, clock, log, client } = await setup()
    const ours = await create(client)
    const before = fake.requests.length
    const checks: Check[] = []
    script(clock, fake, [
      (f) => f.setStatus(REPO, 1, 'STARTING_RUNNERS'),
      () => undefined,
      (f) => f.setStatus(REPO, 1, 'RUNNING'),
      () => undefined,
      (f) => f.setStatus(REPO, 1, 'FAILURE')
    ])
    const result = await wait(latest(client, log, ours), clock, log, ours.id, { checks })
    expect(result.status).toBe('FAILURE')
    expect(log.matching('status')).toEqual([
      'status: Job 1: NEW after 0s',
      'status: Job 1: STARTING_RUNNERS after 10s',
      'status: Job 1: RUNNING after 30s',
      'status: Job 1: FAILURE after 50s'
    ])
    // Every poll hands the job as read to the caller (outputs are set from it).
    expect(checks.map((check) => check.job?.calculated_status)).toEqual([
      'STARTING_RUNNERS',
      'STARTING_RUNNERS',
      'RUNNING',
      'RUNNING',
      'FAILURE'
    ])
    expect(fake.requests.length - before).toBe(5)
  })

  it.each([200, 404] as const)(
    'a job the branch filter does not show ("no job found", HTTP %d) is looked for in the whole repository',
    async (noMatchStatus) => {
      const { fake, clock, log, client } = await setup({ noMatchStatus })
      const ours = await create(client)
      // A job created on "main" but not listed under the branch it was created on.
      const tracker = new LatestTracker(client, ours.id, log, { repoName: REPO, created: { ...ours, branch: 'not-listed' } })
      script(clock, fake, [() => undefined, (f) => f.setStatus(REPO, ours.id, 'SUCCEEDED')])
      const result = await wait(tracker, clock, log, ours.id)
      expect(result.status).toBe('SUCCEEDED')
      expect(log.text()).toContain(
        'The newest job on branch not-listed is none, older than job 1: that filter does not show job 1, so it is looked for in the whole repository.'
      )
      // Dropped in the poll that found it out: the same poll asks the whole repository. The job
      // read there is on main: main is tried next, and shows it.
      expect(queries(fake).slice(0, 2)).toEqual(['branch=not-listed', ''])
      expect(queries(fake).slice(2)).toEqual(['branch=main'])
    }
  )

  it('a created job the API never shows fails at the third poll, saying so', async () => {
    const { fake, clock, log, client } = await setup({ noMatchStatus: 404 })
    fake.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
    const tracker = new LatestTracker(client, 9, log, {
      repoName: REPO,
      created: { id: 9, calculated_status: 'NEW', status: 'NEW', raw: {} }
    })
    const error = await wait(tracker, clock, log, 9).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as Error).message).toBe(
      'LayerCI does not show job 9, which it created in layerci-example: the newest job of layerci-example is 1. Check the job on the LayerCI dashboard, and that the API address is the one that created it.'
    )
    expect(clock.sleeps).toHaveLength(3)
  })

  it('an undocumented calculated status ends the wait and is returned as is', async () => {
    const { fake, clock, log, client } = await setup()
    const ours = await create(client)
    script(clock, fake, [(f) => f.setStatus(REPO, ours.id, 'SKIPPED', 'SEE_RUNNERS')])
    const result = await wait(latest(client, log, ours), clock, log, ours.id)
    expect(result.status).toBe('SKIPPED')
  })
})

describe('waiter, layerci flavor: newer jobs on the branch', () => {
  it('a newer job finishing first is never taken for ours; ours is read under its own status', async () => {
    const { fake, clock, log, client } = await setup()
    fake.addJob(REPO, { calculated_status: 'SUCCEEDED' })
    const ours = await create(client)
    script(clock, fake, [
      (f) => {
        f.setStatus(REPO, ours.id, 'RUNNING')
        f.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
      },
      () => undefined,
      (f) => f.setStatus(REPO, ours.id, 'FAILURE')
    ])
    const result = await wait(latest(client, log, ours), clock, log, ours.id)
    expect(result).toMatchObject({ status: 'FAILURE', job: { id: ours.id, calculated_status: 'FAILURE' } })
    expect(result.hiddenBy).toBeUndefined()
    expect(log.text()).toContain(
      'Job 3 (SUCCEEDED), newer than job 2, is the newest job on branch main: telling job 2 apart through other filters.'
    )
  })

  it('a newer job on another branch changes nothing: one GET a poll', async () => {
    const { fake, clock, log, client } = await setup()
    const ours = await create(client, 'main')
    const before = fake.requests.length
    script(clock, fake, [
      (f) => f.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'other' }),
      () => undefined,
      (f) => f.setStatus(REPO, ours.id, 'FAILURE')
    ])
    const result = await wait(latest(client, log, ours), clock, log, ours.id)
    expect(result.status).toBe('FAILURE')
    expect(fake.requests.length - before).toBe(3)
  })

  it.each(['SUCCEEDED', 'FAILURE'])(
    'hidden by a newer job that ended %s too: established by elimination, once ours has finished',
    async (final) => {
      const { fake, clock, log, client } = await setup()
      const ours = await create(client)
      const checks: Check[] = []
      script(clock, fake, [
        (f) => {
          f.setStatus(REPO, ours.id, 'RUNNING')
          f.addJob(REPO, { calculated_status: 'RUNNING', branch: 'main' })
        },
        (f) => f.setStatus(REPO, 2, final),
        () => undefined,
        (f) => f.setStatus(REPO, ours.id, final)
      ])
      const result = await wait(latest(client, log, ours), clock, log, ours.id, { checks })
      expect(result.status).toBe(final)
      expect(result.hiddenBy?.map((job) => job.id)).toEqual([2])
      // Reported at the first poll after ours finished, never before; for FAILURE one poll later:
      // a newer failed job answers failed=true for good, so each failed status is asked alone,
      // after NEW, STARTING_RUNNERS and RUNNING again, and the poll's 10 requests run out.
      expect(clock.sleeps).toHaveLength(final === 'FAILURE' ? 5 : 4)
      // What was last read of the job itself is kept as it was read.
      expect(result.job?.calculated_status).toBe('RUNNING')
      expect(checks.at(-1)?.known).toEqual({ kind: 'eliminated', status: final, hiddenBy: [expect.objectContaining({ id: 2 })] })
      expect(log.matching('status').at(-1)).toBe(
        `status: Job 1: ${final} (established by elimination) after ${final === 'FAILURE' ? 50 : 40}s`
      )
    }
  )

  it('a finished job is read while a newer job on the branch has finished and another keeps RUNNING', async () => {
    const { fake, clock, log, client } = await setup()
    const ours = await create(client)
    script(clock, fake, [
      (f) => {
        f.setStatus(REPO, ours.id, 'RUNNING')
        f.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' }) // 2
        f.addJob(REPO, { calculated_status: 'RUNNING', branch: 'main' }) // 3, keeps running
      },
      (f) => f.setStatus(REPO, ours.id, 'FAILURE')
    ])
    const result = await wait(latest(client, log, ours), clock, log, ours.id)
    expect(result).toMatchObject({ status: 'FAILURE', job: { id: 1, calculated_status: 'FAILURE' } })
    expect(result.hiddenBy).toBeUndefined()
    expect(clock.sleeps).toHaveLength(2)
  })

  it('SUCCEEDED is concluded only once failed=true has excluded the job too', async () => {
    const { fake, clock, log, client } = await setup()
    const ours = await create(client)
    script(clock, fake, [
      (f) => {
        f.setStatus(REPO, ours.id, 'SUCCEEDED')
        f.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
        f.addJob(REPO, { calculated_status: 'FAILURE', branch: 'main' })
      }
    ])
    // A newer FAILURE answers failed=true and FAILURE: ours cannot be told from it.
    const error = await wait(latest(client, log, ours), clock, log, ours.id, { timeoutMs: 60_000 }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(WaitTimeoutError)
    expect((error as Error).message).toMatch(
      /Job 1 has finished, but newer jobs on branch main \(3 \(FAILURE\), 2 \(SUCCEEDED\)|2 \(SUCCEEDED\), 3 \(FAILURE\)\) match every filter that could tell SUCCEEDED from FAILURE for it/
    )
    expect(log.matching('status').some((line) => line.includes('Job 1: SUCCEEDED'))).toBe(false)
    expect(log.matching('status').slice(1)).toEqual([
      'status: Job 1: finished (newer jobs hide which) after 10s',
      'status: Job 1: finished: SUCCEEDED or FAILURE (newer jobs hide which) after 20s'
    ])
  })

  it('SUCCEEDED is not concluded when failed=true answers a status the docs do not name: elimination ends', async () => {
    const { fake, clock, log, client } = await setup({ undocumentedFailed: ['TIMED_OUT'] })
    const ours = await create(client)
    script(clock, fake, [
      (f) => {
        f.setStatus(REPO, ours.id, 'TIMED_OUT')
        f.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
        f.addJob(REPO, { calculated_status: 'TIMED_OUT', branch: 'main' })
      }
    ])
    // Job 3 shows a status the docs do not name (and failed=true matches it): nothing more is
    // concluded from what a query does not show, so SUCCEEDED is never established.
    const error = await wait(latest(client, log, ours), clock, log, ours.id, { timeoutMs: 60_000 }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(WaitTimeoutError)
    expect(log.matching('warning')).toEqual([
      expect.stringMatching(/^warning: Job 3 has the calculated status TIMED_OUT, which the API documentation does not name\./)
    ])
    expect((error as Error).message).toMatch(/match every filter that could show whether job 1 has finished/)
    expect(log.matching('status').some((line) => line.includes('SUCCEEDED'))).toBe(false)
  })

  it('hidden while yet another newer job keeps RUNNING: resolved after it finishes, never guessed before', async () => {
    const { fake, clock, log, client } = await setup()
    const ours = await create(client)
    script(clock, fake, [
      (f) => {
        f.setStatus(REPO, ours.id, 'RUNNING')
        f.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' }) // 2
        f.addJob(REPO, { calculated_status: 'RUNNING', branch: 'main' }) // 3
      },
      (f) => f.setStatus(REPO, ours.id, 'SUCCEEDED'),
      () => undefined,
      () => undefined,
      (f) => f.setStatus(REPO, 3, 'SUCCEEDED')
    ])
    const result = await wait(latest(client, log, ours), clock, log, ours.id)
    expect(result.status).toBe('SUCCEEDED')
    expect(result.hiddenBy?.map((job) => job.id).sort()).toEqual([2, 3])
    expect(clock.sleeps).toHaveLength(5)
    expect(log.text()).toMatch(
      /Newer jobs on branch main \(.*3 \(RUNNING\).*\) match every filter that could show whether job 1 has finished/
    )
  })

  it('the same through a job id given by the user: the branch is learned from the job', async () => {
    const { fake, clock, log, client } = await setup()
    fake.addJob(REPO, { calculated_status: 'RUNNING', branch: 'main' }) // 1, ours
    fake.addJob(REPO, { calculated_status: 'NEW', branch: 'dev' }) // 2, another branch
    script(clock, fake, [
      (f) => f.addJob(REPO, { calculated_status: 'FAILURE', branch: 'main' }), // 3
      (f) => f.setStatus(REPO, 1, 'FAILURE')
    ])
    const tracker = new LatestTracker(client, 1, log, { repoName: REPO, mustExist: true })
    const result = await wait(tracker, clock, log, 1, { pollFirst: true })
    expect(result.status).toBe('FAILURE')
    expect(result.hiddenBy?.map((job) => job.id)).toEqual([3])
    // Once read through its branch, every query is narrowed to it: job 2 on dev never hides it.
    const asked = queries(fake)
    expect(asked.slice(0, 3)).toEqual(['', 'done=true', 'calculated_status=RUNNING'])
    const verified = asked.indexOf('calculated_status=RUNNING&branch=main')
    expect(verified).toBeGreaterThan(2)
    expect(asked.slice(verified).every((query) => query.includes('branch=main'))).toBe(true)
  })

  it('a newer job in flight: the status is learned with at most one more GET a poll, and said to be a lower bound', async () => {
    const { fake, clock, log, client } = await setup()
    const ours = await create(client)
    const before = fake.requests.length
    script(clock, fake, [
      () => undefined, // poll 1 reads ours on main: the branch filter is known to show it
      (f) => {
        f.addJob(REPO, { calculated_status: 'RUNNING', branch: 'main' })
        f.setStatus(REPO, ours.id, 'STARTING_RUNNERS')
      },
      () => undefined,
      (f) => f.setStatus(REPO, ours.id, 'RUNNING'),
      () => undefined,
      (f) => f.setStatus(REPO, ours.id, 'SUCCEEDED')
    ])
    const result = await wait(latest(client, log, ours), clock, log, ours.id)
    expect(result.status).toBe('SUCCEEDED')
    expect(log.matching('status')).toEqual([
      'status: Job 1: NEW after 0s',
      'status: Job 1: STARTING_RUNNERS or later (no longer NEW) after 20s',
      'status: Job 1: STARTING_RUNNERS after 30s',
      'status: Job 1: RUNNING or later (no longer STARTING_RUNNERS) after 40s',
      'status: Job 1: SUCCEEDED after 1m00s'
    ])
    expect(queries(fake, before)).toEqual([
      'branch=main',
      'branch=main',
      'done=true&branch=main',
      'calculated_status=NEW&branch=main',
      'done=true&branch=main',
      'calculated_status=STARTING_RUNNERS&branch=main',
      'done=true&branch=main',
      'calculated_status=STARTING_RUNNERS&branch=main',
      'done=true&branch=main',
      'done=true&branch=main'
    ])
  })

  it('a newer job in the same in-flight status: ours is looked for as RUNNING instead', async () => {
    const { fake, clock, log, client } = await setup()
    const ours = await create(client)
    script(clock, fake, [
      (f) => {
        f.addJob(REPO, { calculated_status: 'NEW', branch: 'main' })
        f.setStatus(REPO, ours.id, 'STARTING_RUNNERS')
      },
      (f) => f.setStatus(REPO, ours.id, 'RUNNING'),
      (f) => f.setStatus(REPO, ours.id, 'SUCCEEDED')
    ])
    const result = await wait(latest(client, log, ours), clock, log, ours.id)
    expect(result.status).toBe('SUCCEEDED')
    expect(log.matching('status')).toEqual([
      'status: Job 1: NEW after 0s',
      'status: Job 1: RUNNING after 20s',
      'status: Job 1: SUCCEEDED after 30s'
    ])
  })

  it('once a finished newer job answers a query, that query is not asked again', async () => {
    const { fake, clock, log, client } = await setup()
    const ours = await create(client)
    script(clock, fake, [
      () => undefined, // poll 1 reads ours on main: the branch filter is known to show it
      (f) => {
        f.setStatus(REPO, ours.id, 'RUNNING')
        f.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
      },
      () => undefined,
      () => undefined,
      (f) => f.setStatus(REPO, ours.id, 'SUCCEEDED')
    ])
    const before = fake.requests.length
    const result = await wait(latest(client, log, ours), clock, log, ours.id)
    expect(result.status).toBe('SUCCEEDED')
    const asked = queries(fake, before)
    expect(asked.filter((query) => query === 'branch=main')).toHaveLength(2)
    expect(asked.filter((query) => query === 'done=true&branch=main')).toHaveLength(1)
    // While ours runs and is hidden, one GET a poll: RUNNING, which answers with ours.
    expect(asked.slice(3, 7)).toEqual([
      'calculated_status=NEW&branch=main',
      'calculated_status=STARTING_RUNNERS&branch=main',
      'calculated_status=RUNNING&branch=main',
      'calculated_status=RUNNING&branch=main'
    ])
    expect(asked.filter((query) => query === 'calculated_status=SUCCEEDED&branch=main')).toHaveLength(1)
  })

  it('an error answer is never read as "no match": no status is concluded from it', async () => {
    const { fake, clock, log, client } = await setup()
    const ours = await create(client)
    script(clock, fake, [
      (f) => {
        f.setStatus(REPO, ours.id, 'FAILURE')
        f.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
      }
    ])
    // failed=true is the query that would read ours; it answers an unexplained error, twice.
    fake.inject(
      'latest',
      { kind: 'body', status: 200, body: '{"status":"error","error":"database busy"}' },
      2,
      (r) => r.query.failed === 'true'
    )
    const result = await wait(latest(client, log, ours), clock, log, ours.id)
    expect(result).toMatchObject({ status: 'FAILURE', job: { calculated_status: 'FAILURE' } })
    expect(result.hiddenBy).toBeUndefined()
    // Ours was never read on main, so each "no match" there is asked again without the branch:
    // polls 1 and 2 reach failed=true as their 9th GET and meet the error; poll 3 reads ours.
    expect(clock.sleeps).toHaveLength(3)
  })
})

describe('waiter: an unknown job id', () => {
  it('layerci: a job id newer than the repository newest job fails at the second poll, naming both', async () => {
    const { fake, clock, log, client } = await setup()
    for (let i = 0; i < 3; i++) fake.addJob(REPO, { calculated_status: 'SUCCEEDED' })
    const tracker = new LatestTracker(client, 99, log, { repoName: REPO, mustExist: true })
    const error = await wait(tracker, clock, log, 99, { pollFirst: true }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as Error).message).toBe(
      'LayerCI has no job 99 in layerci-example: the newest job of layerci-example is 3. Check the job id.'
    )
    expect(clock.sleeps).toEqual([10_000])
  })

  it('layerci: an empty repository', async () => {
    const { clock, log, client } = await setup({ noMatchStatus: 404 })
    const tracker = new LatestTracker(client, 1, log, { repoName: REPO, mustExist: true })
    const error = await wait(tracker, clock, log, 1, { pollFirst: true }).catch((caught: unknown) => caught)
    expect((error as Error).message).toBe('LayerCI has no job 1 in layerci-example: layerci-example has no jobs. Check the job id.')
  })

  it('layerci: a job that appears after the first poll is waited for', async () => {
    const { fake, clock, log, client } = await setup()
    const tracker = new LatestTracker(client, 1, log, { repoName: REPO, mustExist: true })
    script(clock, fake, [(f) => f.addJob(REPO, { calculated_status: 'SUCCEEDED' })])
    await expect(wait(tracker, clock, log, 1, { pollFirst: true })).resolves.toMatchObject({ status: 'SUCCEEDED' })
  })

  it('webappio: the same, through the newest job of the repository', async () => {
    const { fake, clock, log, client } = await setup({ dialect: 'webappio' })
    fake.addJob(REPO, { calculated_status: 'SUCCEEDED' })
    const error = await wait(new SearchTracker(client, 7, { repoName: REPO, mustExist: true }), clock, log, 7, { pollFirst: true }).catch(
      (caught: unknown) => caught
    )
    expect((error as Error).message).toBe(
      'LayerCI has no job 7 in layerci-example: the newest job of layerci-example is 1. Check the job id.'
    )
    expect(clock.sleeps).toEqual([10_000])
  })
})

describe('waiter: the schedule and the timeout', () => {
  it('starts polls one interval apart, however long a poll takes', async () => {
    const clock = new FakeClock()
    const log = new MemoryLog()
    let polls = 0
    const job: Job = { id: 1, calculated_status: 'SUCCEEDED', status: '', raw: {} }
    const slowTracker: Tracker = {
      check: () => {
        polls++
        clock.time += 300 // a poll that takes 300 ms
        return Promise.resolve<Check>(polls === 3 ? { done: true, job, known: { kind: 'read', status: 'SUCCEEDED' } } : { done: false })
      },
      obstacle: () => undefined
    }
    await wait(slowTracker, clock, log, 1)
    expect(clock.sleeps).toEqual([10_000, 9700, 9700])
  })

  it('polls once more just before the deadline: a poll-interval longer than the timeout still sees a job done early', async () => {
    const { fake, clock, log, client } = await setup()
    const ours = await create(client)
    fake.setStatus(REPO, ours.id, 'SUCCEEDED')
    const result = await wait(latest(client, log, ours), clock, log, ours.id, { timeoutMs: 3000, pollIntervalMs: 10_000 })
    expect(result.status).toBe('SUCCEEDED')
    expect(clock.sleeps).toEqual([2000])
  })

  it('a regular poll due just after the deadline is moved before it', async () => {
    const { fake, clock, log, client } = await setup()
    const ours = await create(client)
    script(clock, fake, [() => undefined, (f) => f.setStatus(REPO, ours.id, 'SUCCEEDED')])
    const result = await wait(latest(client, log, ours), clock, log, ours.id, { timeoutMs: 20_500 })
    expect(result.status).toBe('SUCCEEDED')
    expect(clock.sleeps).toEqual([10_000, 9500])
  })

  it('keeps the reserve of the slowest poll seen, and times out at the deadline after that last poll', async () => {
    const clock = new FakeClock()
    const log = new MemoryLog()
    const started: number[] = []
    const tracker: Tracker = {
      check: () => {
        started.push(clock.now() - Date.UTC(2026, 0, 1))
        clock.time += 2000 // each poll takes 2 s: the last one starts 3 s before the deadline
        return Promise.resolve<Check>({ done: false })
      },
      obstacle: () => undefined
    }
    const error = await wait(tracker, clock, log, 1, { timeoutMs: 25_000 }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(WaitTimeoutError)
    expect(started).toEqual([10_000, 20_000, 22_000])
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBe(25_000)
  })

  it('the timeout names the job, its last status, its URL and the text of the last API error answer', async () => {
    const { fake, clock, log, client } = await setup()
    const ours = await create(client)
    fake.inject('latest', { kind: 'body', status: 200, body: '{"status":"error","error":"index rebuild in progress"}' }, 1000)
    const error = await wait(latest(client, log, ours), clock, log, ours.id, {
      timeoutMs: 60_000,
      lastProblem: () => client.lastProblem
    }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(WaitTimeoutError)
    expect((error as Error).message).toBe(
      'Timed out after 1m00s waiting for LayerCI job 1. Last problem: Poll: LayerCI answered "index rebuild in progress". Last status seen: NEW, https://layerci.com/jobs/1. It is not cancelled (the API has no cancel endpoint).'
    )
  })

  it('where ours cannot be told apart, the log says so once and the timeout says why', async () => {
    const { fake, clock, log, client } = await setup()
    const ours = await create(client)
    script(clock, fake, [
      (f) => {
        f.setStatus(REPO, ours.id, 'RUNNING')
        f.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
        f.addJob(REPO, { calculated_status: 'RUNNING', branch: 'main' })
      }
    ])
    const error = await wait(latest(client, log, ours), clock, log, ours.id, { timeoutMs: 60_000 }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(WaitTimeoutError)
    const message = (error as Error).message
    // The cause first: what hid the job, right after the job is named; then where it stood.
    expect(message).toMatch(
      /^Timed out after 1m00s waiting for LayerCI job 1\. Newer jobs on branch main \(.*\) match every filter that could show whether job 1 has finished/
    )
    expect(message).toContain('Last status seen: RUNNING or later (no longer STARTING_RUNNERS), https://layerci.com/jobs/1.')
    expect(error).toMatchObject({ reason: 'hidden' })
    expect(log.matching('info').filter((line) => line.includes('match every filter that could show whether job 1'))).toHaveLength(1)
  })
})

describe('waiter, webappio flavor (search id:N)', () => {
  it('addresses the job by id: one GET a poll, a newer job finishing first changes nothing', async () => {
    const { fake, clock, log, client } = await setup({ dialect: 'webappio' })
    fake.addJob(REPO, { calculated_status: 'SUCCEEDED' })
    const ours = await create(client)
    const before = fake.count('search')
    script(clock, fake, [
      (f) => {
        f.setStatus(REPO, ours.id, 'RUNNING')
        f.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
      },
      () => undefined,
      (f) => f.setStatus(REPO, ours.id, 'BAD_LAYERFILE')
    ])
    const result = await wait(new SearchTracker(client, ours.id, { repoName: REPO }), clock, log, ours.id)
    expect(result).toMatchObject({ status: 'BAD_LAYERFILE', job: { id: 2 } })
    expect(fake.count('search') - before).toBe(3)
    expect(fake.requests.slice(-3).every((r) => r.query.search === 'id:2' && r.query.token === fake.token)).toBe(true)
    expect(log.matching('status')).toEqual([
      'status: Job 2: NEW after 0s',
      'status: Job 2: RUNNING after 10s',
      'status: Job 2: BAD_LAYERFILE after 30s'
    ])
  })

  it('"no runs matching" for a job this run created means keep waiting', async () => {
    const { fake, clock, log, client } = await setup({ dialect: 'webappio' })
    script(clock, fake, [() => undefined, (f) => f.addJob(REPO, { calculated_status: 'SUCCEEDED' })])
    const result = await wait(new SearchTracker(client, 1, { repoName: REPO }), clock, log, 1)
    expect(result.job?.id).toBe(1)
    expect(clock.sleeps).toHaveLength(2)
  })

  it('asks the server whether a job with an undocumented status is done', async () => {
    const { fake, clock, log, client } = await setup({ dialect: 'webappio' })
    const ours = await create(client)
    script(clock, fake, [(f) => f.setStatus(REPO, ours.id, 'QUEUED_SOMEWHERE', 'NEW')])
    // The fake's "done" counts any status but NEW, STARTING_RUNNERS and RUNNING as done.
    const result = await wait(new SearchTracker(client, ours.id, { repoName: REPO }), clock, log, ours.id)
    expect(result.status).toBe('QUEUED_SOMEWHERE')
    expect(fake.requests.some((r) => r.query.search === `id:${ours.id} done`)).toBe(true)
  })
})

/** A clock that wakes `lateMs` late from one of its sleeps (a suspended machine, a busy runner). */
class LateClock extends FakeClock {
  constructor(
    private readonly lateAt: number,
    private readonly lateMs: number
  ) {
    super()
  }
  override async sleep(ms: number): Promise<void> {
    if (this.sleeps.length + 1 === this.lateAt) this.time += this.lateMs
    await super.sleep(ms)
  }
}

/** A tracker whose polls take `pollMs` each, never done; records when each poll started (ms since the start). */
function stuckTracker(clock: FakeClock, pollMs = 0): Tracker & { started: number[] } {
  const start = clock.now()
  const started: number[] = []
  return {
    started,
    check: () => {
      started.push(clock.now() - start)
      clock.time += pollMs
      return Promise.resolve<Check>({ done: false })
    },
    obstacle: () => undefined
  }
}

describe('waiter: a clock that wakes late', () => {
  it('after a late wake-up, the next poll is one interval after the late poll, not sooner', async () => {
    const clock = new LateClock(1, 7000)
    const tracker = stuckTracker(clock)
    await wait(tracker, clock, new MemoryLog(), 1, { timeoutMs: 45_000 }).catch(() => undefined)
    expect(tracker.started.slice(0, 3)).toEqual([17_000, 27_000, 37_000])
  })

  it('a wake-up past the deadline ends the wait without a poll after the deadline', async () => {
    const clock = new LateClock(2, 15_000)
    const tracker = stuckTracker(clock)
    const error = await wait(tracker, clock, new MemoryLog(), 1, { timeoutMs: 32_000 }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(WaitTimeoutError)
    // Due at 20 s, woken at 35 s: past the deadline, so no poll is made then.
    expect(tracker.started).toEqual([10_000])
  })
})

/** A tracker that answers `checks` in order, then stays not done. */
function scripted(checks: Check[], obstacle?: string): Tracker {
  return {
    check: () => Promise.resolve(checks.shift() ?? { done: false }),
    obstacle: () => obstacle
  }
}

const JOB: Job = { id: 1, calculated_status: 'RUNNING', status: 'SEE_RUNNERS', raw: {} }

describe('waiter: what it reports', () => {
  it('calls back only after polls that learned something: the job, or its status', async () => {
    const clock = new FakeClock()
    const seen: Check[] = []
    const checks: Check[] = [
      { done: false },
      { done: false, job: JOB },
      { done: false, known: { kind: 'passed', status: 'RUNNING', left: 'STARTING_RUNNERS' } },
      { done: true, known: { kind: 'read', status: 'SUCCEEDED' } }
    ]
    await wait(scripted([...checks]), clock, new MemoryLog(), 1, { checks: seen })
    expect(seen).toEqual(checks.slice(1))
  })

  it('keeps the job as last seen when the final poll established the status without seeing it', async () => {
    const clock = new FakeClock()
    const result = await wait(
      scripted([
        { done: false, job: JOB },
        { done: true, known: { kind: 'eliminated', status: 'FAILURE', hiddenBy: [] } }
      ]),
      clock,
      new MemoryLog(),
      1
    )
    expect(result).toEqual({ job: JOB, status: 'FAILURE', hiddenBy: [], known: { kind: 'eliminated', status: 'FAILURE', hiddenBy: [] } })
  })

  it('logs a status only when one is known, and only when it changes', async () => {
    const clock = new FakeClock()
    const log = new MemoryLog()
    const running: Check = { done: false, job: JOB, known: { kind: 'read', status: 'RUNNING' } }
    await wait(
      scripted([{ done: false }, running, { ...running }, { done: true, known: { kind: 'read', status: 'SUCCEEDED' } }]),
      clock,
      log,
      1,
      { pollFirst: true }
    )
    expect(log.matching('status')).toEqual(['status: Job 1: RUNNING after 10s', 'status: Job 1: SUCCEEDED after 30s'])
  })

  it('a timeout before anything was seen says so, without a URL when there is none', async () => {
    const clock = new FakeClock()
    const error = await waitForJob({
      jobId: 4,
      tracker: scripted([], 'Newer jobs hide it.'),
      clock,
      log: new MemoryLog(),
      pollIntervalMs: 10_000,
      deadline: clock.now() + 30_000,
      startedAt: clock.now(),
      pollFirst: true,
      onCheck: () => undefined,
      lastProblem: () => 'Poll: HTTP 502'
    }).catch((caught: unknown) => caught)
    expect((error as Error).message).toBe(
      'Timed out after 30s waiting for LayerCI job 4. Newer jobs hide it. Last problem: Poll: HTTP 502. Last status seen: none. It is not cancelled (the API has no cancel endpoint).'
    )
    expect(error).toMatchObject({ reason: 'hidden' })
  })

  it.each([
    [
      undefined,
      'Timed out after 30s waiting for LayerCI job 4 (last status seen: none). It is not cancelled (the API has no cancel endpoint).'
    ],
    [
      '"job-id: 4" waits for the same job.',
      'Timed out after 30s waiting for LayerCI job 4 (last status seen: none). It is not cancelled (the API has no cancel endpoint); "job-id: 4" waits for the same job.'
    ]
  ])('a timeout with neither obstacle nor problem: timed out, not hidden; with how to go on when given (%s)', async (resume, text) => {
    const clock = new FakeClock()
    const error = await waitForJob({
      jobId: 4,
      tracker: scripted([]),
      clock,
      log: new MemoryLog(),
      pollIntervalMs: 10_000,
      deadline: clock.now() + 30_000,
      startedAt: clock.now(),
      pollFirst: true,
      onCheck: () => undefined,
      ...(resume === undefined ? {} : { resume })
    }).catch((caught: unknown) => caught)
    expect((error as Error).message).toBe(text)
    expect(error).toMatchObject({ reason: 'timed-out' })
  })

  it('a poll that ends exactly at the deadline times out at once, without another sleep', async () => {
    const clock = new FakeClock()
    const durations = [1000, 1500]
    const tracker: Tracker = {
      check: () => {
        clock.time += durations.shift() ?? 0
        return Promise.resolve<Check>({ done: false })
      },
      obstacle: () => undefined
    }
    // The first poll takes 1 s, so the last may start 1.5 s before the deadline; it takes 1.5 s.
    const error = await wait(tracker, clock, new MemoryLog(), 1, { timeoutMs: 11_500, pollFirst: true }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(WaitTimeoutError)
    expect(clock.sleeps).toEqual([9000])
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBe(11_500)
  })

  it('a clock that wakes exactly at the deadline makes no poll then', async () => {
    const clock = new LateClock(2, 10_000)
    const tracker = stuckTracker(clock)
    const error = await wait(tracker, clock, new MemoryLog(), 1, { timeoutMs: 30_000 }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(WaitTimeoutError)
    expect(tracker.started).toEqual([10_000])
  })
})
