import { describe, expect, it } from '@jest/globals'
import { runEngine } from '../src/engine.js'
import { ApiError, InputError, JobFailedError, WaitTimeoutError } from '../src/errors.js'
import { RunState } from '../src/report.js'
import { interruptMessage } from '../src/interrupt.js'
import { systemClock } from '../src/clock.js'
import { HttpClientTransport } from '../src/transport.js'
import type { Settings } from '../src/settings.js'
import type { LayerCiClient } from '../src/client.js'
import { FakeClock } from '../__fixtures__/clock.js'
import { MemoryLog } from '../__fixtures__/log.js'
import { MANUAL, startFake } from '../__fixtures__/fake.js'
import { settingsFor } from '../__fixtures__/settings.js'
import { setEnv } from '../__fixtures__/servers.js'
import { scheduleTo, type FakeLayerCi, type FakeOptions } from '../fake/server.js'

const REPO = 'layerci-example'

async function run(fake: FakeLayerCi, overrides: Partial<Settings> = {}, clock = new FakeClock()) {
  const log = new MemoryLog()
  const state = new RunState(clock.now())
  let client: LayerCiClient | undefined
  let updates = 0
  /** The calculated status the outputs were given at each update. */
  const calculated: Array<string | undefined> = []
  const outcome = await runEngine({
    settings: settingsFor(fake.url, { token: fake.token, ...overrides }),
    log,
    clock,
    transport: new HttpClientTransport('test'),
    state,
    onUpdate: () => {
      updates++
      calculated.push(state.calculatedStatus)
    },
    onClient: (c) => (client = c)
  }).then(
    (verdict) => ({ verdict, error: undefined }),
    (error: unknown) => ({ verdict: undefined, error })
  )
  return { ...outcome, log, state, clock, updates, calculated, client }
}

function fakeWith(schedule = MANUAL, options: FakeOptions = {}) {
  return startFake({ repos: { [REPO]: { owner: 'fake-owner', schedule } }, ...options })
}

describe('engine: a proxy variable that cannot be read', () => {
  it.each(['::::', 'http://[bad', 'http://u:pw@proxy.example.com:99999'])(
    'HTTPS_PROXY=%j: fails before any request, naming the variable and its value without credentials',
    async (value) => {
      const fake = await fakeWith()
      const restore = setEnv({ HTTPS_PROXY: value, https_proxy: undefined, no_proxy: undefined, NO_PROXY: undefined })
      try {
        // An https api-url the proxy would be used for (the fake itself is never reached).
        const result = await run(fake, { apiUrl: 'https://layerci.invalid' })
        expect(result.error).toBeInstanceOf(InputError)
        expect((result.error as Error).message).toBe(
          `HTTPS_PROXY is set to "${value.replace('u:pw@', '***@')}", which cannot be read as a proxy URL: write it with its scheme and a valid port (http://proxy.example.com:3128), or unset it. No request was sent.`
        )
        expect(result.client?.sent).toEqual({ GET: 0, POST: 0 })
      } finally {
        restore()
      }
    }
  )

  it('a proxy that no_proxy bypasses is not looked at', async () => {
    const fake = await fakeWith(scheduleTo('SUCCEEDED', 0))
    const restore = setEnv({ HTTP_PROXY: '::::', http_proxy: undefined })
    try {
      // 127.0.0.1 never goes through a proxy.
      expect((await run(fake, { wait: false })).verdict).toBe('created')
    } finally {
      restore()
    }
  })
})

describe('engine: create, wait, result', () => {
  it('creates with only the fields that are set, waits, and passes on SUCCEEDED', async () => {
    const fake = await fakeWith(scheduleTo('SUCCEEDED', 300))
    const clock = new FakeClock(Date.now())
    const result = await runWithRealSchedule(fake, clock)
    expect(result.verdict).toBe('passed')
    const post = fake.requests.find((r) => r.endpoint === 'create')
    expect(post?.body).toEqual({ branch: 'main', ref: 'abcdef1234567890abcdef1234567890abcdef12' })
    // The job's URL is built from the API URL in use, whatever the create answer says.
    expect(result.state.url).toBe(`${fake.url}/jobs/github/fake-owner/layerci-example/1`)
    expect(result.log.text()).toContain(`Created LayerCI job 1: ${fake.url}/jobs/github/fake-owner/layerci-example/1`)
    expect(result.state.job?.calculated_status).toBe('SUCCEEDED')
  })

  it('sends checkpoint, accept_buttons and extra when set', async () => {
    const fake = await fakeWith()
    const result = await run(fake, { checkpoint: 'deploy', acceptButtons: true, extra: 'x=1', wait: false })
    // skip_no_further_than is documented by the layerci API: no notice about it.
    expect(result.log.text()).not.toContain('no longer documents skip_no_further_than')
    expect(fake.requests.find((r) => r.endpoint === 'create')?.body).toEqual({
      branch: 'main',
      ref: 'abcdef1234567890abcdef1234567890abcdef12',
      accept_buttons: 'true',
      skip_no_further_than: 'deploy',
      extra: 'x=1'
    })
  })

  it('wait: false creates the job, sets what is known, and does not poll', async () => {
    const fake = await fakeWith()
    const result = await run(fake, { wait: false })
    expect(result.verdict).toBe('created')
    expect(result.state.jobId).toBe(1)
    expect(result.updates).toBeGreaterThan(0)
    expect(fake.requests.filter((r) => r.endpoint === 'latest' && r.query.done)).toHaveLength(0)
  })

  it('job-id: waits for the existing job without a create, polling at once', async () => {
    const fake = await fakeWith()
    fake.addJob(REPO, { calculated_status: 'SUCCEEDED' })
    fake.addJob(REPO, { calculated_status: 'FAILURE' })
    const result = await run(fake, { jobId: 1 })
    expect(result.verdict).toBe('passed')
    expect(fake.count('create')).toBe(0)
    expect(result.clock.sleeps).toHaveLength(0)
  })

  it.each(['FAILURE', 'JOB_ERROR', 'BAD_LAYERFILE', 'RUNNER_ERROR', 'RUNNER_CANCELLED', 'SOMETHING_NEW'])(
    '%s fails with a message naming job, status and URL',
    async (status) => {
      const fake = await fakeWith()
      fake.addJob(REPO, { calculated_status: status })
      const result = await run(fake, { jobId: 1 })
      expect(result.error).toBeInstanceOf(JobFailedError)
      const undocumented = status === 'SOMETHING_NEW' ? ' (a status the API documentation does not name)' : ''
      expect((result.error as Error).message).toBe(
        `LayerCI job 1 finished ${status}${undocumented}: ${fake.url}/jobs/github/fake-owner/layerci-example/1`
      )
    }
  )

  it('shows the API error text when the create answers "status": "error"', async () => {
    const fake = await fakeWith()
    const result = await run(fake, { branch: 'bad branch!' })
    expect(result.error).toBeInstanceOf(ApiError)
    expect((result.error as Error).message).toContain('invalid branch bad branch!')
  })

  it('a refused key fails at once, before any create', async () => {
    const fake = await fakeWith()
    const result = await run(fake, { token: 'wrong-key' })
    expect(result.error).toBeInstanceOf(ApiError)
    expect((result.error as Error).message).toMatch(/API key was refused \(HTTP 401: invalid API key\)/)
    expect(fake.count('create')).toBe(0)
    expect(result.log.text()).not.toContain('wrong-key')
  })

  it('an unknown repository fails at once', async () => {
    const fake = await fakeWith()
    const result = await run(fake, { repoName: 'nope' })
    expect((result.error as Error).message).toMatch(/Repository "nope" was not found for this API key/)
    expect(fake.count('create')).toBe(0)
  })

  it('times out at the timeout, naming the job, the last status and the URL', async () => {
    const fake = await fakeWith()
    const result = await run(fake, { timeoutMs: 60_000 })
    expect(result.error).toBeInstanceOf(WaitTimeoutError)
    expect((result.error as Error).message).toBe(
      `Timed out after 1m00s waiting for LayerCI job 1 (last status seen: NEW, ${fake.url}/jobs/github/fake-owner/layerci-example/1). It is not cancelled (the API has no cancel endpoint); "job-id: 1" waits for the same job.`
    )
    expect(result.clock.now() - Date.UTC(2026, 0, 1)).toBe(60_000)
  })

  it('a server that never answers cannot hold the run past the timeout (real clock)', async () => {
    const fake = await fakeWith()
    fake.inject('latest', { kind: 'hang' }, 100)
    const started = Date.now()
    const error = await runEngine({
      settings: settingsFor(fake.url, { token: fake.token, jobId: 1, timeoutMs: 1500 }),
      log: new MemoryLog(),
      clock: systemClock,
      transport: new HttpClientTransport('test'),
      state: new RunState(systemClock.now()),
      onUpdate: () => undefined
    }).catch((caught: unknown) => caught)
    const result = { error }
    expect(result.error).toBeInstanceOf(WaitTimeoutError)
    expect(Date.now() - started).toBeLessThan(3000)
    expect((result.error as Error).message).toMatch(/request timed out/)
  })
})

describe('engine: a job hidden by newer jobs (layerci flavor)', () => {
  function hiddenBy(fake: FakeLayerCi, final: string): FakeClock {
    const clock = new FakeClock()
    clock.onSleep = (index) => {
      if (index === 1) {
        fake.setStatus(REPO, 1, 'RUNNING')
        fake.addJob(REPO, { calculated_status: final, branch: 'main' })
      }
      if (index === 3) fake.setStatus(REPO, 1, final)
    }
    return clock
  }

  it('passes on a SUCCEEDED established by elimination, and says so', async () => {
    const fake = await fakeWith()
    const result = await run(fake, {}, hiddenBy(fake, 'SUCCEEDED'))
    expect(result.verdict).toBe('passed')
    expect(result.state.calculatedStatus).toBe('SUCCEEDED')
    expect(result.state.hiddenBy?.map((job) => job.id)).toEqual([2])
    // What was last read of the job itself stays as read.
    expect(result.state.job?.calculated_status).toBe('RUNNING')
    expect(result.log.matching('info')).toContain(
      'info: The result of job 1, SUCCEEDED, was established by elimination: newer jobs (2 (SUCCEEDED)) hid it from the filters that would show it, and the API answered that it matches none of the other documented statuses.'
    )
  })

  it('fails on a FAILURE established by elimination, saying how it was established', async () => {
    const fake = await fakeWith()
    const result = await run(fake, {}, hiddenBy(fake, 'FAILURE'))
    expect(result.error).toBeInstanceOf(JobFailedError)
    expect((result.error as Error).message).toBe(
      `LayerCI job 1 finished FAILURE (established by elimination: newer jobs hid it): ${fake.url}/jobs/github/fake-owner/layerci-example/1`
    )
  })

  it('a job id newer than the newest job of the repository fails at the second poll, naming both', async () => {
    const fake = await fakeWith()
    fake.addJob(REPO, { calculated_status: 'SUCCEEDED' })
    const result = await run(fake, { jobId: 99 })
    expect(result.error).toBeInstanceOf(ApiError)
    expect((result.error as Error).message).toBe(
      'LayerCI has no job 99 in layerci-example: the newest job of layerci-example is 1. Check the job id.'
    )
    expect(result.clock.sleeps).toEqual([1000])
  })

  it('a poll-interval longer than the timeout still polls before the deadline', async () => {
    const fake = await fakeWith()
    const clock = new FakeClock()
    clock.onSleep = () => fake.setStatus(REPO, 1, 'SUCCEEDED')
    const result = await run(fake, { timeoutMs: 3000, pollIntervalMs: 600_000 }, clock)
    expect(result.verdict).toBe('passed')
    expect(clock.sleeps).toEqual([2000])
  })
})

describe('engine: create is never repeated blindly', () => {
  it('a create that takes effect but answers 502: the job is named, never taken, and no duplicate is made', async () => {
    const fake = await fakeWith()
    fake.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
    fake.inject('create', { kind: 'created-then-502' })
    const result = await run(fake)
    expect(result.verdict).toBeUndefined()
    expect(result.error).toBeInstanceOf(ApiError)
    expect((result.error as Error).message).toContain('Job 2 (NEW, commit abcdef123456, on main')
    expect((result.error as Error).message).toContain('so this run does not take it as its own')
    expect(result.state.jobId).toBeUndefined()
    expect(fake.count('create')).toBe(1)
    expect(fake.jobs(REPO)).toHaveLength(2)
    expect(result.log.text()).toMatch(
      /Creating the LayerCI job failed \(HTTP 502\) after the request may have reached LayerCI\. It is not sent again/
    )
  })

  it('a reset after the create took effect is handled the same way, also without waiting', async () => {
    const fake = await fakeWith()
    fake.inject('create', { kind: 'created-then-reset' })
    const result = await run(fake, { wait: false })
    expect(result.verdict).toBeUndefined()
    expect((result.error as Error).message).toMatch(/Job 1 \(.*\) is newer than job 0.*"job-id: 1"/)
    expect(result.state.jobId).toBeUndefined()
    expect(fake.count('create')).toBe(1)
  })

  it('a 500 with no job created: fails saying a job may have been created, and never re-sends', async () => {
    const fake = await fakeWith()
    fake.inject('create', { kind: 'status', status: 500 })
    const result = await run(fake)
    expect(result.error).toBeInstanceOf(ApiError)
    expect((result.error as Error).message).toMatch(/A job may still have been created: check the jobs of layerci-example/)
    expect(fake.count('create')).toBe(1)
  })

  it.each([
    [
      'a job of someone else for another commit',
      { commit_sha: '9'.repeat(40) },
      'is for another commit or branch than this request asked for'
    ],
    [
      'a job LayerCI started for a push of the same commit',
      { commit_sha: 'abcdef1234567890abcdef1234567890abcdef12', run_start_reason: 'Commit pushed to GitHub' },
      'is for another commit or branch than this request asked for'
    ],
    [
      'a job started through the API for the same commit and branch',
      { commit_sha: 'abcdef1234567890abcdef1234567890abcdef12', run_start_reason: 'Manual run created by API' },
      'for the commit and branch this request asked for'
    ]
  ])('after a lost answer, %s is named and never taken', async (_, fields, fit) => {
    const fake = await fakeWith()
    fake.inject('create', { kind: 'status', status: 502 })
    const clock = new FakeClock()
    clock.onSleep = (index) => {
      if (index === 1) fake.addJob(REPO, { branch: 'main', ...fields })
    }
    const result = await run(fake, {}, clock)
    expect(result.error).toBeInstanceOf(ApiError)
    expect((result.error as Error).message).toMatch(/[Jj]ob 1 \(NEW, commit/)
    expect((result.error as Error).message).toContain(fit)
    expect(result.state.jobId).toBeUndefined()
    expect(fake.count('latest')).toBe(2)
  })

  it('two runs at once on one commit and branch, one answer lost: they never report one job', async () => {
    for (const lostFirst of [true, false]) {
      const fake = await fakeWith(scheduleTo('SUCCEEDED', 0))
      fake.inject('create', { kind: 'created-then-502' })
      // Run A's create answer is lost; run B's is not. Whichever creates first, A reports no job.
      const [a, b] = lostFirst ? [await run(fake), await run(fake)] : await Promise.all([run(fake), run(fake)])
      const outcomes = [a, b].map((result) => ({ id: result.state.jobId, passed: result.verdict === 'passed' }))
      const reported = outcomes.filter((outcome) => outcome.passed).map((outcome) => outcome.id)
      expect(new Set(reported).size).toBe(reported.length)
      expect(outcomes.filter((outcome) => outcome.id === undefined)).toHaveLength(1)
      expect(fake.count('create')).toBe(2)
    }
  })

  it('a create refused with 503 and Retry-After is sent again after the pause', async () => {
    const fake = await fakeWith()
    fake.inject('create', { kind: 'status', status: 503, retryAfter: '5' })
    const result = await run(fake, { wait: false })
    expect(result.verdict).toBe('created')
    expect(fake.count('create')).toBe(2)
    expect(result.clock.sleeps.some((ms) => ms >= 5000)).toBe(true)
    expect(fake.jobs(REPO)).toHaveLength(1)
  })
})

async function runWithRealSchedule(fake: FakeLayerCi, clock: FakeClock) {
  // The fake's schedule runs on the wall clock; let the fake clock's sleeps wait a little for it.
  clock.onSleep = () => new Promise((resolve) => setTimeout(resolve, 50))
  fake.requests.length = 0
  const result = await run(fake, { pollIntervalMs: 1000 }, clock)
  return result
}

describe('engine: webappio flavor', () => {
  const webappio = (runners?: Parameters<typeof startFake>[0]) =>
    startFake({ dialect: 'webappio', repos: { [REPO]: { owner: 'fake-owner', schedule: MANUAL } }, ...runners })

  it('creates with token=, waits with search=id:N (never latest), lists runners, annotates each failed runner', async () => {
    const fake = await webappio()
    const clock = new FakeClock()
    clock.onSleep = (index) => {
      if (index === 1) fake.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
      if (index === 2) fake.setStatus(REPO, 1, 'FAILURE')
    }
    const result = await run(fake, { flavor: 'webappio', checkpoint: 'deploy', extra: 'API_EXTRA value' }, clock)
    expect(result.error).toBeInstanceOf(JobFailedError)
    expect((result.error as Error).message).toContain('LayerCI job 1 finished FAILURE')
    expect(fake.count('latest')).toBe(0)
    expect(fake.requests.filter((r) => r.endpoint === 'search').map((r) => r.query.search)).toEqual([
      'repo:layerci-example',
      'id:1',
      'id:1'
    ])
    expect(fake.requests.every((r) => r.query.token === fake.token && r.query.layertoken === undefined)).toBe(true)
    expect(fake.requests.find((r) => r.endpoint === 'create')?.body).toMatchObject({
      skip_no_further_than: 'deploy',
      extra: 'API_EXTRA value'
    })
    expect(result.log.matching('notice')).toEqual([expect.stringContaining('no longer documents skip_no_further_than')])
    expect(result.state.job?.uuid).toBe('00000000-0000-4000-8000-000000000001')
    expect(result.state.runners).toEqual([
      { id: 'main-layerfile-1', layerfile: 'Layerfile', status: 'SUCCESS', retried: false },
      { id: 'e2e-tests-2', layerfile: 'e2e/Layerfile', status: 'FAILURE', retried: false }
    ])
    expect(result.log.matching('error')).toEqual([
      'error: [Layerfile e2e/Layerfile] Runner e2e-tests-2 of job 1 ended FAILURE: e2e/Layerfile'
    ])
  })

  it('a failure to list runners is a warning and never changes the result', async () => {
    const fake = await webappio()
    fake.inject('runners', { kind: 'status', status: 404, body: 'gone' })
    const clock = new FakeClock()
    clock.onSleep = () => fake.setStatus(REPO, 1, 'SUCCEEDED')
    const result = await run(fake, { flavor: 'webappio' }, clock)
    expect(result.verdict).toBe('passed')
    expect(result.log.matching('warning')).toEqual([
      expect.stringMatching(/^warning: Could not list the runners of job 1 \(.*HTTP 404.*\); the job's result stands\.$/)
    ])
    // No checkpoint given: nothing to say about skip_no_further_than.
    expect(result.log.text()).not.toContain('skip_no_further_than')
    expect(result.state.runners).toBeUndefined()
  })
})

describe('engine: the runners, a side request once the result is known', () => {
  const webappio = (runners?: FakeOptions['repos']) =>
    startFake({ dialect: 'webappio', repos: runners ?? { [REPO]: { owner: 'fake-owner', schedule: MANUAL } } })

  it('a runners endpoint that answers 503: two tries, then a warning naming the problem; the result is not held', async () => {
    const fake = await webappio()
    fake.inject('runners', { kind: 'status', status: 503 }, 100)
    const clock = new FakeClock()
    clock.onSleep = (index) => {
      if (index === 1) fake.setStatus(REPO, 1, 'SUCCEEDED')
    }
    const result = await run(fake, { flavor: 'webappio', timeoutMs: 3_600_000 }, clock)
    expect(result.verdict).toBe('passed')
    expect(fake.count('runners')).toBe(2)
    expect(result.log.matching('warning')).toEqual([
      "warning: Could not list the runners of job 1 (HTTP 503, 2 tries); the job's result stands."
    ])
    // The poll that read the result, then at most the runners' back-off: seconds, not the hour left.
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBeLessThan(10_000 + 2000)
  })

  it('a runner retried away gets no annotation: only failures that stand do', async () => {
    const runners = [
      { id: 'main-layerfile-1', layerfile_relative_path: 'Layerfile', status: 'FAILURE', was_retried: true, runner_index: 1 },
      { id: 'main-layerfile-2', layerfile_relative_path: 'Layerfile', status: 'SUCCESS', was_retried: false, runner_index: 2 }
    ]
    const fake = await webappio({ [REPO]: { owner: 'fake-owner', schedule: MANUAL, runners } })
    const clock = new FakeClock()
    clock.onSleep = () => fake.setStatus(REPO, 1, 'SUCCEEDED')
    const result = await run(fake, { flavor: 'webappio' }, clock)
    expect(result.verdict).toBe('passed')
    expect(result.log.matching('error')).toEqual([])
    expect(result.state.runners?.map((runner) => [runner.id, runner.retried])).toEqual([
      ['main-layerfile-1', true],
      ['main-layerfile-2', false]
    ])
  })
})

describe('engine: runners are a webappio endpoint', () => {
  it('the layerci flavor never asks for runners, even for a job that has a uuid', async () => {
    const fake = await fakeWith()
    fake.addJob(REPO, { calculated_status: 'SUCCEEDED' })
    const job = {
      id: 1,
      calculated_status: 'SUCCEEDED',
      status: 'SEE_RUNNERS',
      branch: 'main',
      uuid: '0b5c1a53-5f0e-4c1e-9a57-3c2b8f1f2d10'
    }
    fake.inject('latest', { kind: 'body', body: JSON.stringify({ status: 'ok', job }) }, 100)
    const result = await run(fake, { jobId: 1 })
    expect(result.verdict).toBe('passed')
    expect(result.state.job?.uuid).toBe('0b5c1a53-5f0e-4c1e-9a57-3c2b8f1f2d10')
    expect(fake.count('runners')).toBe(0)
    expect(result.log.text()).not.toContain('Runners of job')
  })
})

describe('engine: transient faults while waiting', () => {
  it('a long outage of polls (resets, 503s, HTML pages) that recovers before the timeout ends in the right result', async () => {
    const fake = await fakeWith()
    const polls = (request: { query: Record<string, string> }): boolean => request.query.branch === 'main'
    fake.inject('latest', { kind: 'reset' }, 5, polls)
    fake.inject('latest', { kind: 'status', status: 503, retryAfter: '20' }, 5, polls)
    fake.inject('latest', { kind: 'body', body: '<html>maintenance</html>' }, 5, polls)
    fake.inject('latest', { kind: 'truncated' }, 5, polls)
    const clock = new FakeClock()
    clock.onSleep = () => fake.setStatus(REPO, 1, 'FAILURE')
    const result = await run(fake, { timeoutMs: 3_600_000 }, clock)
    expect(result.error).toBeInstanceOf(JobFailedError)
    expect((result.error as Error).message).toContain('LayerCI job 1 finished FAILURE')
    const retries = result.log.matching('info').filter((line) => line.includes('retrying in'))
    expect(retries).toHaveLength(20)
    expect(result.log.matching('warning')).toHaveLength(0)
    expect(fake.count('create')).toBe(1)
  })
})

describe('engine: an error while polling is never a timeout', () => {
  const refusedBody = JSON.stringify({ status: 'error', error: 'invalid API key' })
  const unknownBody = JSON.stringify({ status: 'error', error: `repository ${REPO} not found` })

  it.each([
    ['a refused key', 401, refusedBody, /^The LayerCI API key was refused \(HTTP 401: invalid API key\)/, true],
    // A repository that is not there has no job to go on with.
    ['an unknown repository', 404, unknownBody, /^Repository "layerci-example" was not found for this API key \(HTTP 404: /, false],
    [
      'an unexplained 4xx',
      422,
      JSON.stringify({ status: 'error', error: 'odd' }),
      /^LayerCI answered HTTP 422: odd\. The job is not cancelled; "job-id: 1" waits for the same job\.$/,
      true
    ]
  ])('%s during the wait for a created job fails at once as an API error', async (_, status, body, message, goOn) => {
    const fake = await fakeWith()
    const clock = new FakeClock()
    clock.onSleep = (index) => {
      if (index === 1) fake.inject('latest', { kind: 'body', status, body }, 100)
    }
    const result = await run(fake, { timeoutMs: 600_000 }, clock)
    expect(result.error).toBeInstanceOf(ApiError)
    expect(result.error).not.toBeInstanceOf(WaitTimeoutError)
    expect((result.error as ApiError).exitCode).toBe(3)
    expect((result.error as Error).message).toMatch(message)
    // The job was created and keeps running: the message says how to go on with it.
    expect((result.error as Error).message.endsWith(' The job is not cancelled; "job-id: 1" waits for the same job.')).toBe(goOn)
    expect(result.clock.now() - Date.UTC(2026, 0, 1)).toBeLessThan(600_000)
    expect(result.state.jobId).toBe(1)
  })

  it('a refused key while waiting for a job id fails at once as an API error', async () => {
    const fake = await fakeWith()
    fake.addJob(REPO, { calculated_status: 'RUNNING' })
    const clock = new FakeClock()
    clock.onSleep = (index) => {
      if (index === 2) fake.inject('latest', { kind: 'body', status: 403, body: refusedBody }, 100)
    }
    const result = await run(fake, { jobId: 1, timeoutMs: 600_000 }, clock)
    expect(result.error).toBeInstanceOf(ApiError)
    expect((result.error as ApiError).exitCode).toBe(3)
    expect(clock.sleeps).toHaveLength(2)
  })

  it('the webappio flavor: a refused key while searching fails at once as an API error', async () => {
    const fake = await startFake({ dialect: 'webappio', repos: { [REPO]: { owner: 'fake-owner', schedule: MANUAL } } })
    const clock = new FakeClock()
    clock.onSleep = (index) => {
      if (index === 1) fake.inject('search', { kind: 'body', status: 401, body: refusedBody }, 100)
    }
    const result = await run(fake, { flavor: 'webappio', timeoutMs: 600_000 }, clock)
    expect(result.error).toBeInstanceOf(ApiError)
    expect((result.error as ApiError).exitCode).toBe(3)
  })
})

describe('engine: the create, as the rest of the run sees it', () => {
  it('an interrupt while the create is under way says a job may exist; once created, it names the job', async () => {
    const fake = await fakeWith()
    const clock = new FakeClock()
    const state = new RunState(clock.now())
    const said: string[] = []
    fake.beforeAnswer = (request) => {
      if (request.endpoint === 'create' || request.endpoint === 'latest')
        said.push(`${request.endpoint}: ${interruptMessage(state, 'SIGINT')}`)
    }
    await runEngine({
      settings: settingsFor(fake.url, { token: fake.token, wait: false }),
      log: new MemoryLog(),
      clock,
      transport: new HttpClientTransport('test'),
      state,
      onUpdate: () => undefined
    })
    expect(said).toEqual([
      'latest: Interrupted by SIGINT before any LayerCI job was created.',
      'create: Interrupted by SIGINT while the job was being created: a LayerCI job may have been created and keeps running.'
    ])
    expect(interruptMessage(state, 'SIGTERM')).toBe(
      `Interrupted by SIGTERM. LayerCI job 1 keeps running: the LayerCI API has no cancel endpoint. Cancel it at ${fake.url}/jobs/github/fake-owner/layerci-example/1. "job-id: 1" waits for the same job.`
    )
  })

  it('a create that fails leaves no "being created" behind', async () => {
    const fake = await fakeWith()
    fake.inject('create', { kind: 'status', status: 500 })
    const clock = new FakeClock()
    const state = new RunState(clock.now())
    await runEngine({
      settings: settingsFor(fake.url, { token: fake.token }),
      log: new MemoryLog(),
      clock,
      transport: new HttpClientTransport('test'),
      state,
      onUpdate: () => undefined
    }).catch(() => undefined)
    expect(interruptMessage(state, 'SIGINT')).toBe('Interrupted by SIGINT before any LayerCI job was created.')
  })

  it('says where the new job is, or that no URL was given', async () => {
    const fake = await fakeWith()
    fake.inject('create', { kind: 'body', body: JSON.stringify({ status: 'ok', job: { id: 1, calculated_status: 'NEW' } }) })
    const result = await run(fake, { wait: false, owner: undefined })
    expect(result.log.matching('info')).toContain('info: Created LayerCI job 1: (no URL given)')
    expect(result.state.url).toBeUndefined()
  })

  it('times out before the create is confirmed: says so, with the last problem, and that no job was created', async () => {
    const fake = await fakeWith()
    // The API's own 503 (its JSON error): the server did not act, the create is sent again.
    fake.inject('create', { kind: 'body', status: 503, body: '{"status":"error","error":"maintenance"}' }, 100)
    const result = await run(fake, { timeoutMs: 20_000 })
    expect(result.error).toBeInstanceOf(WaitTimeoutError)
    expect((result.error as Error).message).toBe(
      'Timed out after 20s before LayerCI confirmed a new job. Last problem: Create: HTTP 503. No job was created.'
    )
  })

  it('times out while looking for the job a lost create made: says a job may have been created, and where to look', async () => {
    const fake = await fakeWith()
    fake.inject('create', { kind: 'status', status: 502 })
    const result = await run(fake, { timeoutMs: 5_000 })
    expect(result.error).toBeInstanceOf(WaitTimeoutError)
    // Looks at 2 s and 4 s (a second before the timeout, where the second look was due at 6 s).
    expect(result.clock.sleeps).toEqual([2000, 2000])
    expect((result.error as Error).message).toBe(
      `Timed out after 4s before LayerCI confirmed a new job. Last problem: Create: HTTP 502. A job may have been created: check layerci-example on ${fake.url} before running again.`
    )
  })

  it('a status passed by succeed-on other than SUCCEEDED: a notice says it was counted as success', async () => {
    const fake = await fakeWith()
    fake.addJob(REPO, { calculated_status: 'RUNNER_CANCELLED' })
    const result = await run(fake, { jobId: 1, succeedOn: ['SUCCEEDED', 'RUNNER_CANCELLED'] })
    expect(result.verdict).toBe('passed')
    expect(result.log.matching('notice')).toEqual(['notice: RUNNER_CANCELLED counted as success by "succeed-on".'])
    const succeeded = await fakeWith()
    succeeded.addJob(REPO, { calculated_status: 'SUCCEEDED' })
    const plain = await run(succeeded, { jobId: 1, succeedOn: ['SUCCEEDED', 'RUNNER_CANCELLED'] })
    expect(plain.log.matching('notice')).toEqual([])
  })

  it('a job id: the URL is known before the first poll, the outputs are told, and the job is waited for', async () => {
    const fake = await fakeWith()
    fake.addJob(REPO, { calculated_status: 'SUCCEEDED' })
    const clock = new FakeClock()
    const state = new RunState(clock.now())
    const urls: Array<string | undefined> = []
    await runEngine({
      settings: settingsFor(fake.url, { token: fake.token, jobId: 1 }),
      log: new MemoryLog(),
      clock,
      transport: new HttpClientTransport('test'),
      state,
      onUpdate: () => urls.push(state.url)
    })
    expect(urls[0]).toBe(`${fake.url}/jobs/github/fake-owner/layerci-example/1`)
    expect(state.jobId).toBe(1)
  })
})

describe('engine: what the log and the outputs are told', () => {
  it('each phase of the log is its own group, named after the repository or the job', async () => {
    const fake = await startFake({ dialect: 'webappio', repos: { [REPO]: { owner: 'fake-owner', schedule: MANUAL } } })
    const clock = new FakeClock()
    clock.onSleep = () => fake.setStatus(REPO, 1, 'SUCCEEDED')
    const result = await run(fake, { flavor: 'webappio' }, clock)
    expect(result.verdict).toBe('passed')
    expect(result.log.matching('group')).toEqual([
      'group: Create a LayerCI job for layerci-example',
      'group: Wait for LayerCI job 1',
      'group: Runners of job 1'
    ])
  })

  it('the calculated-status output is only ever a status the job is known to have now, never a lower bound', async () => {
    const fake = await fakeWith()
    const clock = new FakeClock()
    clock.onSleep = (index) => {
      if (index === 1) {
        // A newer job in flight hides ours; ours moves on, which the status filters tell.
        fake.setStatus(REPO, 1, 'RUNNING')
        fake.addJob(REPO, { calculated_status: 'RUNNING', branch: 'main' })
      }
    }
    const result = await run(fake, { timeoutMs: 5000 }, clock)
    expect(result.error).toBeInstanceOf(WaitTimeoutError)
    // The wait learned "STARTING_RUNNERS or later", then "RUNNING or later": the log says so ...
    expect((result.error as Error).message).toContain('last status seen: RUNNING or later (no longer STARTING_RUNNERS)')
    // ... the outputs had NEW while it was known, and nothing once the job was known to have moved on.
    expect(result.calculated[0]).toBe('NEW')
    expect(result.calculated.filter((status) => status !== undefined && status !== 'NEW')).toEqual([])
    expect(result.state.calculatedStatus).toBeUndefined()
    expect(result.state.known).toEqual({ kind: 'passed', status: 'RUNNING', left: 'STARTING_RUNNERS' })
  })

  it('a timeout names the last problem the polls met', async () => {
    const fake = await fakeWith()
    const clock = new FakeClock()
    clock.onSleep = (index) => {
      if (index === 1) fake.inject('latest', { kind: 'body', body: JSON.stringify({ status: 'error', error: 'something odd' }) }, 100)
    }
    const result = await run(fake, { timeoutMs: 5000 }, clock)
    expect(result.error).toBeInstanceOf(WaitTimeoutError)
    expect((result.error as Error).message).toContain('Last problem: Poll: LayerCI answered "something odd".')
  })

  it('a failed runner whose Layerfile the API does not name is annotated as such, titled by its id', async () => {
    const runners = [{ id: 'build-3', layerfile_relative_path: '', status: 'FAILURE', was_retried: false, runner_index: 3 }]
    const fake = await startFake({ dialect: 'webappio', repos: { [REPO]: { owner: 'fake-owner', schedule: MANUAL, runners } } })
    const clock = new FakeClock()
    clock.onSleep = () => fake.setStatus(REPO, 1, 'FAILURE')
    const result = await run(fake, { flavor: 'webappio' }, clock)
    expect(result.error).toBeInstanceOf(JobFailedError)
    expect(result.log.matching('error')).toEqual(['error: [Layerfile build-3] Runner build-3 of job 1 ended FAILURE: unknown Layerfile'])
  })

  it('an owner whose name holds a word about keys does not turn a "no jobs" answer into a refused key', async () => {
    const fake = await startFake({ repos: { web: { owner: 'token-co', schedule: MANUAL } } })
    const clock = new FakeClock()
    clock.onSleep = (index) => {
      if (index === 1) {
        fake.inject('latest', { kind: 'body', body: JSON.stringify({ status: 'error', error: 'no jobs for token-co/web yet' }) })
        fake.setStatus('web', 1, 'SUCCEEDED')
      }
    }
    const result = await run(fake, { owner: 'token-co', repoName: 'web' }, clock)
    expect(result.error).toBeUndefined()
    expect(result.verdict).toBe('passed')
  })

  it('a created job the API never shows fails at the third poll, saying the run created it', async () => {
    const fake = await fakeWith()
    const created = {
      id: 99,
      calculated_status: 'NEW',
      status: 'NEW',
      branch: 'main',
      commit_sha: 'abcdef1234567890abcdef1234567890abcdef12'
    }
    fake.inject('create', { kind: 'body', body: JSON.stringify({ status: 'ok', job: created }) })
    const result = await run(fake, { timeoutMs: 600_000 }, new FakeClock())
    expect(result.error).toBeInstanceOf(ApiError)
    expect((result.error as Error).message).toBe(
      'LayerCI does not show job 99, which it created in layerci-example: layerci-example has no jobs. Check the job on the LayerCI dashboard, and that the API address is the one that created it.'
    )
    // The first poll comes right after the create answer: three polls, two sleeps between them.
    expect(result.clock.sleeps).toHaveLength(2)
  })
})
