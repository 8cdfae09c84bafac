import { describe, expect, it } from '@jest/globals'
import { LayerCiClient } from '../src/client.js'
import { WaitTimeoutError } from '../src/errors.js'
import { HttpClientTransport } from '../src/transport.js'
import { LatestTracker, SearchTracker, waitForJob, type Tracker } from '../src/waiter.js'
import type { Job } from '../src/api.js'
import { FakeClock } from '../__fixtures__/clock.js'
import { MemoryLog } from '../__fixtures__/log.js'
import { MANUAL, startFake } from '../__fixtures__/fake.js'
import type { FakeLayerCi } from '../fake/server.js'

const REPO = 'layerci-example'

async function setup(options: { noMatchStatus?: 200 | 404; dialect?: 'layerci' | 'webappio' } = {}) {
  const fake = await startFake({ repos: { [REPO]: { owner: 'o', schedule: MANUAL } }, ...options })
  const clock = new FakeClock()
  const log = new MemoryLog()
  const client = new LayerCiClient({
    apiUrl: fake.url,
    token: fake.token,
    flavor: options.dialect ?? 'layerci',
    repoName: REPO,
    deadline: clock.now() + 3_600_000,
    transport: new HttpClientTransport('test'),
    clock,
    log
  })
  return { fake, clock, log, client }
}

async function create(client: LayerCiClient, branch = 'main'): Promise<Job> {
  const result = await client.post({ branch, ref: 'c'.repeat(40) })
  if (result.kind !== 'created') throw new Error('not created')
  return result.job
}

function wait(tracker: Tracker, clock: FakeClock, log: MemoryLog, jobId: number, timeoutMs = 3_600_000) {
  return waitForJob({
    jobId,
    tracker,
    clock,
    log,
    pollIntervalMs: 10_000,
    deadline: clock.now() + timeoutMs,
    startedAt: clock.now(),
    pollFirst: false,
    initialStatus: 'NEW',
    onJob: () => undefined,
    url: `https://layerci.com/jobs/${jobId}`
  })
}

/** Runs `steps[i]` on the fake when the waiter sleeps for the (i+1)-th time. */
function script(clock: FakeClock, fake: FakeLayerCi, steps: Array<(fake: FakeLayerCi) => void>): void {
  clock.onSleep = (index) => steps[index - 1]?.(fake)
}

describe('waiter, layerci flavor (latest)', () => {
  it('a: older finished jobs are not ours; exactly one GET a poll until ours is done', async () => {
    const { fake, clock, log, client } = await setup()
    fake.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
    fake.addJob(REPO, { calculated_status: 'FAILURE', branch: 'main' })
    const ours = await create(client)
    expect(ours.id).toBe(3)
    const before = fake.count('latest')
    script(clock, fake, [
      () => undefined,
      (f) => f.setStatus(REPO, 3, 'RUNNING'),
      () => undefined,
      (f) => f.setStatus(REPO, 3, 'SUCCEEDED')
    ])
    const job = await wait(new LatestTracker(client, ours.id, log, ours), clock, log, ours.id)
    expect(job).toMatchObject({ id: 3, calculated_status: 'SUCCEEDED' })
    expect(clock.sleeps).toHaveLength(4)
    expect(fake.count('latest') - before).toBe(4)
    expect(fake.requests.filter((r) => r.endpoint === 'latest').every((r) => r.query.done === 'true' && r.query.branch === 'main')).toBe(
      true
    )
  })

  it.each([200, 404] as const)('b: a fresh repository answering "no job found" with HTTP %d means not done yet', async (noMatchStatus) => {
    const { fake, clock, log, client } = await setup({ noMatchStatus })
    const ours = await create(client)
    script(clock, fake, [() => undefined, () => undefined, (f) => f.setStatus(REPO, ours.id, 'FAILURE')])
    const job = await wait(new LatestTracker(client, ours.id, log, ours), clock, log, ours.id)
    expect(job).toMatchObject({ id: 1, calculated_status: 'FAILURE' })
    expect(clock.sleeps).toHaveLength(3)
  })

  it('c: a newer job of the same branch finishing first is never taken for ours', async () => {
    const { fake, clock, log, client } = await setup()
    fake.addJob(REPO, { calculated_status: 'SUCCEEDED' })
    const ours = await create(client)
    script(clock, fake, [
      (f) => {
        f.setStatus(REPO, ours.id, 'RUNNING')
        const newer = f.addJob(REPO, { calculated_status: 'RUNNING', branch: 'main' })
        f.setStatus(REPO, newer, 'SUCCEEDED')
      },
      () => undefined,
      (f) => f.setStatus(REPO, ours.id, 'FAILURE')
    ])
    const job = await wait(new LatestTracker(client, ours.id, log, ours), clock, log, ours.id)
    expect(job).toMatchObject({ id: ours.id, calculated_status: 'FAILURE' })
    expect(log.text()).toMatch(/Job 3, newer than job 2/)
  })

  it('c: ours is found under its own status while a newer job with another status hides the done filter', async () => {
    const { fake, clock, log, client } = await setup()
    const ours = await create(client)
    script(clock, fake, [
      (f) => {
        f.addJob(REPO, { calculated_status: 'FAILURE', branch: 'main' })
        f.setStatus(REPO, ours.id, 'SUCCEEDED')
      }
    ])
    const job = await wait(new LatestTracker(client, ours.id, log, ours), clock, log, ours.id)
    expect(job).toMatchObject({ id: 1, calculated_status: 'SUCCEEDED' })
  })

  it('c: a newer job on another branch is filtered out by branch: one GET a poll', async () => {
    const { fake, clock, log, client } = await setup()
    const ours = await create(client, 'main')
    const before = fake.count('latest')
    script(clock, fake, [
      (f) => f.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'other' }),
      () => undefined,
      (f) => f.setStatus(REPO, ours.id, 'FAILURE')
    ])
    const job = await wait(new LatestTracker(client, ours.id, log, ours), clock, log, ours.id)
    expect(job).toMatchObject({ id: 1, calculated_status: 'FAILURE' })
    expect(fake.count('latest') - before).toBe(3)
  })

  it('c: where ours cannot be told apart, it keeps waiting and the timeout says why', async () => {
    const { fake, clock, log, client } = await setup()
    const ours = await create(client)
    script(clock, fake, [
      (f) => {
        f.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
        f.setStatus(REPO, ours.id, 'SUCCEEDED')
      }
    ])
    const error = await wait(new LatestTracker(client, ours.id, log, ours), clock, log, ours.id, 60_000).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(WaitTimeoutError)
    const message = (error as Error).message
    expect(message).toContain('LayerCI job 1 (last status seen: NEW): https://layerci.com/jobs/1')
    expect(message).toMatch(/Newer jobs of the repository \(2 \(SUCCEEDED\)\).*does not show job 1/)
    // The log says so as soon as it happens, once, not only at the timeout.
    expect(log.matching('info').filter((line) => line.includes('Job 1 is not visible through any filter right now'))).toHaveLength(1)
  })

  it('starts polls one interval apart, however long a poll takes', async () => {
    const clock = new FakeClock()
    const log = new MemoryLog()
    let polls = 0
    const slowTracker: Tracker = {
      check: () => {
        polls++
        clock.time += 300 // a poll that takes 300 ms
        return Promise.resolve(
          polls === 3 ? { done: true, job: { id: 1, calculated_status: 'SUCCEEDED', status: '', raw: {} } } : { done: false }
        )
      },
      obstacle: () => undefined
    }
    await wait(slowTracker, clock, log, 1)
    expect(clock.sleeps).toEqual([10_000, 9700, 9700])
  })

  it('c: once a finished newer job blocks a query, the query is not repeated', async () => {
    const { fake, clock, log, client } = await setup()
    const ours = await create(client)
    script(clock, fake, [
      (f) => {
        f.setStatus(REPO, ours.id, 'RUNNING')
        f.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
      },
      () => undefined,
      () => undefined,
      (f) => f.setStatus(REPO, ours.id, 'SUCCEEDED')
    ])
    const before = fake.requests.length
    // Both end SUCCEEDED on main: ours cannot be told apart, so the wait ends at the timeout.
    const error = await wait(new LatestTracker(client, ours.id, log, ours), clock, log, ours.id, 120_000).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(WaitTimeoutError)
    const requests = fake.requests.slice(before)
    expect(requests.filter((r) => r.query.done === 'true')).toHaveLength(1)
    // Identification asks RUNNING first; while ours runs and is hidden, that is one GET a poll.
    expect(requests[1]?.query.calculated_status).toBe('RUNNING')
    expect(requests.slice(1, 4).map((r) => r.query.calculated_status)).toEqual(['RUNNING', 'RUNNING', 'RUNNING'])
    // Once ours has finished like the newer job, SUCCEEDED (answered by the newer job) is never asked again.
    expect(requests.filter((r) => r.query.calculated_status === 'SUCCEEDED')).toHaveLength(1)
  })

  it('d: an undocumented calculated status ends the wait and is returned as is', async () => {
    const { fake, clock, log, client } = await setup()
    const ours = await create(client)
    script(clock, fake, [(f) => f.setStatus(REPO, ours.id, 'SKIPPED', 'SEE_RUNNERS')])
    const job = await wait(new LatestTracker(client, ours.id, log, ours), clock, log, ours.id)
    expect(job.calculated_status).toBe('SKIPPED')
  })

  it('logs one line per status change with the elapsed time, not one per poll', async () => {
    const { fake, clock, log, client } = await setup()
    const ours = await create(client)
    script(clock, fake, [() => undefined, () => undefined, () => undefined, (f) => f.setStatus(REPO, ours.id, 'SUCCEEDED')])
    await wait(new LatestTracker(client, ours.id, log, ours), clock, log, ours.id)
    expect(log.matching('status')).toEqual(['status: Job 1: NEW after 0s', 'status: Job 1: SUCCEEDED after 40s'])
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
    const job = await wait(new SearchTracker(client, ours.id), clock, log, ours.id)
    expect(job).toMatchObject({ id: 2, calculated_status: 'BAD_LAYERFILE' })
    expect(fake.count('search') - before).toBe(3)
    expect(fake.requests.slice(-3).every((r) => r.query.search === 'id:2' && r.query.token === fake.token)).toBe(true)
    expect(log.matching('status')).toEqual([
      'status: Job 2: NEW after 0s',
      'status: Job 2: RUNNING after 10s',
      'status: Job 2: BAD_LAYERFILE after 30s'
    ])
  })

  it('"no runs matching" while the job is not visible yet means keep waiting', async () => {
    const { fake, clock, log, client } = await setup({ dialect: 'webappio' })
    script(clock, fake, [() => undefined, (f) => f.addJob(REPO, { calculated_status: 'SUCCEEDED' })])
    const job = await wait(new SearchTracker(client, 1), clock, log, 1)
    expect(job.id).toBe(1)
    expect(clock.sleeps).toHaveLength(2)
  })

  it('asks the server whether a job with an undocumented status is done', async () => {
    const { fake, clock, log, client } = await setup({ dialect: 'webappio' })
    const ours = await create(client)
    script(clock, fake, [(f) => f.setStatus(REPO, ours.id, 'QUEUED_SOMEWHERE', 'NEW')])
    // The fake's "done" counts any status but NEW, STARTING_RUNNERS and RUNNING as done.
    const job = await wait(new SearchTracker(client, ours.id), clock, log, ours.id)
    expect(job.calculated_status).toBe('QUEUED_SOMEWHERE')
    expect(fake.requests.some((r) => r.query.search === `id:${ours.id} done`)).toBe(true)
  })
})
