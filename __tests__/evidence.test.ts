/**
 * Every result from evidence (issue 18): each numbered case, as a user meets it, through the engine
 * against the fake LayerCI. A premise the run never observed (the job exists, a filter matches it,
 * its status is one of the nine, no other run created it) never leads to a result.
 */
import { describe, expect, it } from '@jest/globals'
import { runEngine } from '../src/engine.js'
import { ApiError, JobFailedError, WaitTimeoutError } from '../src/errors.js'
import { jobReport, RunState } from '../src/report.js'
import type { Settings } from '../src/settings.js'
import { HttpClientTransport } from '../src/transport.js'
import { FakeClock } from '../__fixtures__/clock.js'
import { MANUAL, startFake } from '../__fixtures__/fake.js'
import { MemoryLog } from '../__fixtures__/log.js'
import { settingsFor } from '../__fixtures__/settings.js'
import type { FakeLayerCi, FakeOptions, RepoConfig } from '../fake/server.js'

const REPO = 'layerci-example'

async function fake(config: RepoConfig = {}, options: FakeOptions = {}): Promise<FakeLayerCi> {
  return startFake({ ...options, repos: { [REPO]: { owner: 'fake-owner', schedule: MANUAL, ...config } } })
}

/** Runs the engine; `steps[i]` runs on the fake at the (i+1)-th sleep. */
async function run(server: FakeLayerCi, overrides: Partial<Settings>, steps: Array<(f: FakeLayerCi) => void> = []) {
  const clock = new FakeClock()
  clock.onSleep = (index) => steps[index - 1]?.(server)
  const log = new MemoryLog()
  const state = new RunState(clock.now())
  const outcome = await runEngine({
    settings: settingsFor(server.url, { token: server.token, timeoutMs: 120_000, pollIntervalMs: 10_000, ...overrides }),
    log,
    clock,
    transport: new HttpClientTransport('test'),
    state,
    onUpdate: () => undefined
  }).then(
    (verdict) => ({ verdict, error: undefined }),
    (error: unknown) => ({ verdict: undefined, error: error as Error })
  )
  return { ...outcome, log, clock, state }
}

/** The latest queries sent from `from` on, without the key. */
const queries = (server: FakeLayerCi, from = 0): string[] =>
  server.requests
    .slice(from)
    .filter((r) => r.endpoint === 'latest')
    .map((r) => new URLSearchParams(Object.entries(r.query).filter(([name]) => name !== 'layertoken')).toString())

describe('1. existence: a result only for a job the API has shown', () => {
  it('job-id 99 where jobs 100-103 all SUCCEEDED: never passed, the run says the job was never shown', async () => {
    const server = await fake({ firstId: 100 })
    for (let i = 0; i < 4; i++) server.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
    const result = await run(server, { jobId: 99 })
    expect(result.verdict).toBeUndefined()
    expect(result.error).toBeInstanceOf(ApiError)
    expect(result.error?.message).toMatch(/^LayerCI never showed job 99: it may not exist, or newer jobs \(.*103 \(SUCCEEDED\).*\) hide it/)
    expect(result.state.calculatedStatus).toBeUndefined()
    // Within two polls, not at the timeout.
    expect(result.clock.sleeps.length).toBeLessThanOrEqual(1)
  })

  it('a job id that exists and is read once is told by elimination later, as before', async () => {
    const server = await fake()
    server.addJob(REPO, { calculated_status: 'RUNNING', branch: 'main' }) // 1, ours
    const result = await run(server, { jobId: 1 }, [
      (f) => {
        f.setStatus(REPO, 1, 'SUCCEEDED')
        f.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
        f.addJob(REPO, { calculated_status: 'RUNNING', branch: 'main' })
      },
      (f) => f.setStatus(REPO, 3, 'SUCCEEDED')
    ])
    expect(result.verdict).toBe('passed')
    expect(result.state.known).toMatchObject({ kind: 'eliminated', status: 'SUCCEEDED' })
  })
})

describe("2. adoption: after a lost create answer, no job is taken as the run's own", () => {
  it.each(['layerci', 'webappio'] as const)(
    "%s: two runs at once, A's answer lost: A names the jobs and fails; they never report one job",
    async (flavor) => {
      const server = await fake({}, { dialect: flavor })
      server.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' }) // the baseline
      server.inject('create', { kind: 'created-then-502' }) // A's job 2 ends FAILURE; nobody reports it
      const a = run(server, { flavor }, [
        (f) => {
          // B, a matrix twin, creates job 3 for the same commit and branch while A looks.
          f.addJob(REPO, {
            branch: 'main',
            commit_sha: 'abcdef1234567890abcdef1234567890abcdef12',
            run_start_reason: 'Manual run created by API'
          })
          f.setStatus(REPO, 2, 'FAILURE')
          f.setStatus(REPO, 3, 'SUCCEEDED')
        }
      ])
      const resultA = await a
      expect(resultA.verdict).toBeUndefined()
      expect(resultA.state.jobId).toBeUndefined()
      expect(resultA.error?.message).toContain('Job 3 (SUCCEEDED, commit abcdef123456, on main')
      expect(resultA.error?.message).toContain('the API cannot tell which request made a job, so this run does not take it as its own')
      expect(server.count('create')).toBe(1)
    }
  )
})

describe('3. filters: a "no match" counts only through a filter the job was seen to match', () => {
  it("a server whose branch filter does not show the job, a newer FAILURE job on the branch: the job's own result, never FAILURE early", async () => {
    // Jobs created through the API are shown on main, but the branch filter does not match them.
    const server = await fake({ filterBranch: 'somewhere-else' })
    const result = await run(server, {}, [
      (f) => {
        f.setStatus(REPO, 1, 'RUNNING')
        f.addJob(REPO, { calculated_status: 'FAILURE', branch: 'main' })
      },
      () => undefined,
      (f) => f.setStatus(REPO, 1, 'SUCCEEDED')
    ])
    expect(result.verdict).toBe('passed')
    expect(result.state.known).toEqual({ kind: 'read', status: 'SUCCEEDED' })
    expect(result.log.matching('status')).not.toContainEqual(expect.stringContaining('FAILURE'))
  })
})

describe('4. statuses: an undocumented status never leads to a conclusion by elimination', () => {
  it('a create answer with QUEUED and a newer SUCCEEDED job: not passed; the job later FAILED, and that is reported', async () => {
    // This server counts QUEUED as in flight (done=true never shows it), so nothing but a read can end it.
    const server = await fake({ schedule: [{ at: 0, calculated_status: 'QUEUED' }] }, { undocumentedInFlight: ['QUEUED'] })
    const result = await run(server, {}, [
      (f) => f.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' }),
      () => undefined,
      (f) => f.setStatus(REPO, 1, 'RUNNING'),
      (f) => f.setStatus(REPO, 1, 'FAILURE')
    ])
    expect(result.error).toBeInstanceOf(JobFailedError)
    expect(result.error?.message).toMatch(/^LayerCI job 1 finished FAILURE:/)
    expect(result.clock.sleeps).toHaveLength(4)
  })

  it('read directly in an undocumented status the server does not count as done: reported as read, waited on', async () => {
    const server = await fake({ schedule: [{ at: 0, calculated_status: 'QUEUED' }] }, { undocumentedInFlight: ['QUEUED'] })
    const result = await run(server, { timeoutMs: 30_000 })
    expect(result.error).toBeInstanceOf(WaitTimeoutError)
    expect(result.error?.message).toContain('last status seen: QUEUED')
    expect(result.state.calculatedStatus).toBe('QUEUED')
  })
})

describe('5. answers the page allows are asked', () => {
  it('job-id with a branch: looked for there, so that jobs of other branches never hide it', async () => {
    const server = await fake()
    server.addJob(REPO, { calculated_status: 'RUNNING', branch: 'main' }) // 1, ours
    server.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'dev' }) // 2
    server.addJob(REPO, { calculated_status: 'RUNNING', branch: 'dev' }) // 3
    const result = await run(server, { jobId: 1, branch: 'main' }, [(f) => f.setStatus(REPO, 1, 'FAILURE')])
    expect(result.error).toBeInstanceOf(JobFailedError)
    expect(result.state.known).toEqual({ kind: 'read', status: 'FAILURE' })
    expect(queries(server)).toEqual(['branch=main', 'branch=main'])
  })

  it('a job recorded without a branch is looked for with branch=, trusted once it shows the job', async () => {
    const server = await fake({ createdBranch: '' })
    const result = await run(server, {}, [
      (f) => {
        f.setStatus(REPO, 1, 'RUNNING')
        f.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'dev' })
        f.addJob(REPO, { calculated_status: 'RUNNING', branch: 'dev' })
      },
      (f) => f.setStatus(REPO, 1, 'SUCCEEDED')
    ])
    expect(result.verdict).toBe('passed')
    expect(result.state.known).toEqual({ kind: 'read', status: 'SUCCEEDED' })
    // Read at once after the create answer, then at each of the two polls: always through branch=.
    expect(queries(server).slice(1)).toEqual(['branch=', 'branch=', 'branch='])
  })

  it('a failed status no newer job has is read while a newer job is in flight and another failed differently', async () => {
    const server = await fake()
    const result = await run(server, {}, [
      () => undefined, // poll 1 reads ours on main
      (f) => {
        f.setStatus(REPO, 1, 'RUNNING')
        f.addJob(REPO, { calculated_status: 'FAILURE', branch: 'main' }) // 2: answers done=true and failed=true for good
        f.addJob(REPO, { calculated_status: 'RUNNING', branch: 'main' }) // 3: stays in flight
      },
      (f) => f.setStatus(REPO, 1, 'BAD_LAYERFILE')
    ])
    expect(result.error).toBeInstanceOf(JobFailedError)
    expect(result.state.known).toEqual({ kind: 'read', status: 'BAD_LAYERFILE' })
    // Read within two polls after it finished: the five queries that could show it are asked
    // three a poll, in turn, while job 3 stays in flight.
    expect(result.clock.sleeps.length).toBeGreaterThanOrEqual(3)
    expect(result.clock.sleeps.length).toBeLessThanOrEqual(5)
    expect(queries(server)).toContain('calculated_status=BAD_LAYERFILE&branch=main')
  })
})

describe('6. one story: every output agrees with the conclusion, or says there is none', () => {
  it('by elimination: the result, how it was established, no internal status left over from NEW', async () => {
    const server = await fake()
    const result = await run(server, {}, [
      (f) => {
        f.setStatus(REPO, 1, 'RUNNING')
        f.addJob(REPO, { calculated_status: 'RUNNING', branch: 'main' })
      },
      (f) => {
        f.setStatus(REPO, 2, 'FAILURE')
        f.setStatus(REPO, 1, 'FAILURE')
      }
    ])
    expect(result.error).toBeInstanceOf(JobFailedError)
    result.state.outcome = 'failed'
    expect(jobReport(result.state)).toMatchObject({
      id: 1,
      calculated_status: 'FAILURE',
      status: null,
      established: 'elimination',
      hidden_by: [2]
    })
  })
})

describe('answers that contradict the premises (found by an outside attack)', () => {
  it('a job retried between polls (RUNNER_ERROR, then RUNNING, then SUCCEEDED) is never given FAILURE from exclusions of two moments', async () => {
    const server = await fake()
    const result = await run(server, { timeoutMs: 90_000 }, [
      (f) => {
        // Ours ends RUNNER_ERROR; a newer job on main ends FAILURE, answering failed=true and FAILURE for good.
        f.setStatus(REPO, 1, 'RUNNER_ERROR')
        f.addJob(REPO, { calculated_status: 'FAILURE', branch: 'main' })
      },
      // A poll may exclude SUCCEEDED, JOB_ERROR, BAD_LAYERFILE; then a runner of ours is retried and
      // succeeds before the next poll, which excludes RUNNER_CANCELLED and RUNNER_ERROR.
      (f) => f.setStatus(REPO, 1, 'SUCCEEDED')
    ])
    // Ours was RUNNER_ERROR, then SUCCEEDED: never FAILURE.
    expect(result.state.calculatedStatus === undefined || ['RUNNER_ERROR', 'SUCCEEDED'].includes(result.state.calculatedStatus)).toBe(true)
    expect(result.error?.message ?? '').not.toMatch(/finished FAILURE/)
    expect(result.verdict === 'passed' || result.error instanceof WaitTimeoutError || result.error instanceof JobFailedError).toBe(true)
  })

  it('a finished job retried to STARTING_RUNNERS is not reported finished: the last check asks STARTING_RUNNERS too', async () => {
    const server = await fake()
    let retried = false
    server.beforeAnswer = (request) => {
      // Right after the last finished status is excluded, a runner of ours is retried.
      if (!retried && request.query.calculated_status === 'RUNNER_ERROR' && server.jobs(REPO).length === 2) {
        retried = true
        server.setStatus(REPO, 1, 'STARTING_RUNNERS')
      }
    }
    const result = await run(server, { timeoutMs: 60_000 }, [
      (f) => {
        f.setStatus(REPO, 1, 'FAILURE')
        f.addJob(REPO, { calculated_status: 'FAILURE', branch: 'main' })
      }
    ])
    expect(retried).toBe(true)
    expect(result.state.calculatedStatus).not.toBe('FAILURE')
    expect(result.error).toBeInstanceOf(WaitTimeoutError)
  })

  it('a job retried back to RUNNING while its finished statuses are asked is never given a status it never had', async () => {
    const server = await fake()
    server.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' }) // 1: older
    let retried = false
    // Job 2 (ours) FAILED, a newer job 3 ended RUNNER_ERROR; right after SUCCEEDED is asked, a
    // runner of ours is retried: ours is RUNNING while the failed statuses are asked.
    server.beforeAnswer = (request) => {
      if (!retried && request.query.calculated_status === 'FAILURE') {
        retried = true
        server.setStatus(REPO, 2, 'RUNNING')
      }
    }
    const result = await run(server, {}, [
      () => undefined, // poll 1 reads ours on main
      (f) => {
        f.setStatus(REPO, 2, 'FAILURE')
        f.addJob(REPO, { calculated_status: 'RUNNER_ERROR', branch: 'main' })
      },
      () => undefined,
      (f) => f.setStatus(REPO, 2, 'SUCCEEDED')
    ])
    expect(result.log.matching('status')).not.toContainEqual(expect.stringContaining('(established by elimination)'))
    expect(result.log.matching('warning')).toEqual([
      expect.stringMatching(/^warning: Job 2 was shown RUNNING after it was known to have finished \(a runner retried\?\)\. /)
    ])
    expect(result.state.known).toEqual({ kind: 'read', status: 'SUCCEEDED' })
    expect(result.verdict).toBe('passed')
  })

  it('a stale answer (an older failed job, after a newer failed job was shown) ends elimination: never a false pass', async () => {
    const server = await fake()
    server.addJob(REPO, { calculated_status: 'FAILURE', branch: 'main' }) // 1: older, failed
    // failed=true is answered by the older job 1 from poll 3 on: a lagging index.
    server.inject(
      'latest',
      { kind: 'body', body: JSON.stringify({ status: 'ok', job: { id: 1, calculated_status: 'FAILURE', branch: 'main' } }) },
      100,
      (request) => request.query.failed === 'true' && server.jobs(REPO).length === 4
    )
    const result = await run(server, { timeoutMs: 60_000 }, [
      () => undefined, // poll 1 reads ours (2) on main
      (f) => {
        f.setStatus(REPO, 2, 'FAILURE')
        f.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' }) // 3
        f.addJob(REPO, { calculated_status: 'FAILURE', branch: 'main' }) // 4: shown FAILURE by done=true
      }
    ])
    expect(result.verdict).toBeUndefined()
    expect(result.error).toBeInstanceOf(WaitTimeoutError)
    expect(result.log.matching('warning')).toEqual([
      expect.stringMatching(
        /answered the newest failed job on branch main \(failed=true\) with job 1, though job 4 \(FAILURE\), newer, matched it before: the answers contradict each other/
      )
    ])
  })

  it("an answer with the job's id but another commit is not the job: never its result", async () => {
    const server = await fake()
    server.inject(
      'latest',
      {
        kind: 'body',
        body: JSON.stringify({ status: 'ok', job: { id: 1, calculated_status: 'SUCCEEDED', branch: 'main', commit_sha: 'c'.repeat(40) } })
      },
      100,
      (request) => server.count('latest') > 2 && request.query.branch === 'main'
    )
    const result = await run(server, { timeoutMs: 40_000 }, [(f) => f.setStatus(REPO, 1, 'RUNNING')])
    expect(result.verdict).toBeUndefined()
    expect(result.error).toBeInstanceOf(WaitTimeoutError)
    expect(result.log.matching('warning')[0]).toMatch(
      /with a job 1 of commit cccccccccccc, not abcdef123456: it is not taken as the same job/
    )
  })

  it("a create answered with a job that existed before the request is not taken as this run's", async () => {
    const server = await fake()
    server.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
    server.inject('create', { kind: 'body', status: 200, body: JSON.stringify({ status: 'ok', job: server.jobs(REPO)[0] }) })
    const result = await run(server, {})
    expect(result.verdict).toBeUndefined()
    expect(result.error).toBeInstanceOf(ApiError)
    expect(result.error?.message).toMatch(
      /^LayerCI answered the create request with job 1, which is not newer than job 1, the newest job before the request/
    )
    expect(result.state.jobId).toBeUndefined()
  })
})
