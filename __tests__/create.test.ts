/**
 * Creating a job exactly once (src/create.ts), against the fake LayerCI on 127.0.0.1 and, for
 * answers the fake cannot give, real loopback servers. After a create whose answer was lost, the
 * POST is never sent again, and no job is taken as the one it made (the API cannot show which
 * request made a job): a newer job on the branch built is named, and the run fails.
 */
import { describe, expect, it } from '@jest/globals'
import type { Socket } from 'node:net'
import type { Job } from '../src/api.js'
import { LayerCiClient } from '../src/client.js'
import { builtBranch, createBody, createJob, matchesRequest, type Created } from '../src/create.js'
import { ApiError, DeadlineError } from '../src/errors.js'
import type { Settings } from '../src/settings.js'
import { HttpClientTransport, type HttpRequest, type HttpResponse, type Transport } from '../src/transport.js'
import { FakeClock } from '../__fixtures__/clock.js'
import { MANUAL, startFake } from '../__fixtures__/fake.js'
import { MemoryLog } from '../__fixtures__/log.js'
import { rawServer } from '../__fixtures__/servers.js'
import { settingsFor } from '../__fixtures__/settings.js'
import type { FakeLayerCi } from '../fake/server.js'
import { testClient } from '../__fixtures__/client.js'

const REPO = 'layerci-example'
/** settingsFor's ref: a full commit SHA. */
const REF = 'abcdef1234567890abcdef1234567890abcdef12'
const OTHER_SHA = '9'.repeat(40)

interface Run {
  result?: Created
  error?: unknown
  log: MemoryLog
  clock: FakeClock
  client: LayerCiClient
}

/** Runs createJob against `apiUrl` with the settings given; `timeoutMs` bounds the client. */
async function create(
  apiUrl: string,
  overrides: Partial<Settings> = {},
  options: { timeoutMs?: number; token?: string; clock?: FakeClock; transport?: Transport } = {}
): Promise<Run> {
  const settings = settingsFor(apiUrl, { ...(options.token ? { token: options.token } : {}), ...overrides })
  const { client, clock, log } = testClient({
    apiUrl,
    token: settings.token,
    flavor: settings.flavor,
    repoName: settings.repoName,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.transport ? { transport: options.transport } : {})
  })
  const outcome = await createJob(client, settings, clock, log).then(
    (result) => ({ result }),
    (error: unknown) => ({ error })
  )
  return { ...outcome, log, clock, client }
}

function fakeRepo(): Promise<FakeLayerCi> {
  return startFake({ repos: { [REPO]: { owner: 'fake-owner', schedule: MANUAL } } })
}

const posts = (fake: FakeLayerCi): number => fake.count('create')

/** The `latest` queries sent, without the key, in order. */
function lookups(fake: FakeLayerCi): string[] {
  return fake.requests
    .filter((request) => request.endpoint === 'latest')
    .map((request) => new URLSearchParams(Object.entries(request.query).filter(([name]) => name !== 'layertoken')).toString())
}

function job(fields: Partial<Job> = {}): Job {
  return { id: 5, calculated_status: 'NEW', status: 'NEW', commit_sha: REF, branch: 'main', raw: {}, ...fields }
}

describe('createBody: only the fields that are set are sent', () => {
  it('sends branch, ref, accept_buttons, skip_no_further_than and extra when set', async () => {
    const fake = await fakeRepo()
    await create(fake.url, { checkpoint: 'deploy', acceptButtons: true, extra: 'x=1' }, { token: fake.token })
    expect(fake.requests.find((request) => request.endpoint === 'create')?.body).toEqual({
      branch: 'main',
      ref: REF,
      accept_buttons: 'true',
      skip_no_further_than: 'deploy',
      extra: 'x=1'
    })
  })

  it('sends an empty body when nothing is set, and never an empty or false field', async () => {
    const fake = await fakeRepo()
    await create(fake.url, { branch: '', ref: '', checkpoint: '', extra: '', acceptButtons: false }, { token: fake.token })
    expect(fake.requests.find((request) => request.endpoint === 'create')?.body).toEqual({})
  })

  it('leaves out each unset field alone', () => {
    const base = settingsFor('http://127.0.0.1:1')
    expect(createBody({ ...base, branch: undefined })).toEqual({ ref: REF })
    expect(createBody({ ...base, ref: undefined })).toEqual({ branch: 'main' })
    expect(createBody({ ...base, branch: undefined, ref: undefined, acceptButtons: true })).toEqual({ accept_buttons: 'true' })
  })
})

describe('matchesRequest: whether a job is for what the request asked (never whose it is)', () => {
  const settings = settingsFor('http://127.0.0.1:1')

  it('is a job of the same branch and commit', () => {
    expect(matchesRequest(job(), settings)).toBe(true)
  })

  it('is not a job of another branch, even for the same commit', () => {
    expect(matchesRequest(job({ branch: 'dev' }), settings)).toBe(false)
    expect(matchesRequest(job({ branch: undefined }), settings)).toBe(false)
  })

  it('is not a job of another commit', () => {
    expect(matchesRequest(job({ commit_sha: OTHER_SHA }), settings)).toBe(false)
  })

  it('is not a job whose commit the API does not give', () => {
    expect(matchesRequest(job({ commit_sha: undefined }), settings)).toBe(false)
    expect(matchesRequest(job({ commit_sha: '' }), settings)).toBe(false)
  })

  it('takes an abbreviated SHA on either side, in either case', () => {
    expect(matchesRequest(job(), { ...settings, ref: 'abcdef1' })).toBe(true)
    expect(matchesRequest(job({ commit_sha: 'abcdef1' }), settings)).toBe(true)
    expect(matchesRequest(job(), { ...settings, ref: REF.toUpperCase() })).toBe(true)
    expect(matchesRequest(job({ commit_sha: REF.toUpperCase() }), settings)).toBe(true)
    expect(matchesRequest(job(), { ...settings, ref: 'ABCDEF1' })).toBe(true)
    expect(matchesRequest(job({ commit_sha: OTHER_SHA }), { ...settings, ref: 'ABCDEF1' })).toBe(false)
    expect(matchesRequest(job({ commit_sha: 'abcdef2' }), settings)).toBe(false)
  })

  it.each([
    ['a tag name', 'v1.2.0'],
    ['a branch name ending in hex digits', 'release-cafe'],
    ['a branch name starting with hex digits', 'cafe-release'],
    ['three hex digits', 'abc'],
    ['65 hex digits', 'a'.repeat(65)]
  ])('cannot compare when the ref is %s, not a SHA: the commit built is not known', (_, ref) => {
    expect(matchesRequest(job({ commit_sha: OTHER_SHA }), { ...settings, ref })).toBeUndefined()
    expect(matchesRequest(job({ commit_sha: ref }), { ...settings, ref })).toBeUndefined()
  })

  it('compares SHAs of 4 and of 64 hex digits', () => {
    expect(matchesRequest(job({ commit_sha: OTHER_SHA }), { ...settings, ref: 'abcd' })).toBe(false)
    expect(matchesRequest(job({ commit_sha: 'abcd1234' }), { ...settings, ref: 'abcd' })).toBe(true)
    expect(matchesRequest(job({ commit_sha: OTHER_SHA }), { ...settings, ref: 'a'.repeat(64) })).toBe(false)
    expect(matchesRequest(job({ commit_sha: 'a'.repeat(64) }), { ...settings, ref: 'a'.repeat(64) })).toBe(true)
  })

  it('cannot compare when no ref was sent: LayerCI builds the head of the branch, whose commit is not known', () => {
    expect(matchesRequest(job(), { ...settings, ref: undefined })).toBeUndefined()
  })

  it('without a branch sent, the layerci flavor builds "master" (the API page)', () => {
    const layerci = { ...settings, branch: undefined, flavor: 'layerci' as const }
    expect(builtBranch(layerci)).toBe('master')
    expect(matchesRequest(job({ branch: 'master' }), layerci)).toBe(true)
    expect(matchesRequest(job({ branch: 'someone-elses-branch' }), layerci)).toBe(false)
  })

  it('without a branch sent, the webappio flavor cannot compare: the later API does not say which branch it builds', () => {
    const webappio = { ...settings, branch: undefined, flavor: 'webappio' as const }
    expect(builtBranch(webappio)).toBeUndefined()
    expect(matchesRequest(job({ branch: 'master' }), webappio)).toBeUndefined()
    expect(builtBranch({ ...webappio, branch: 'dev' })).toBe('dev')
  })

  it('is a job started through the API, or one that does not say why it was started; never one started by a push', () => {
    expect(matchesRequest(job({ run_start_reason: 'Manual run created by API' }), settings)).toBe(true)
    expect(matchesRequest(job({ run_start_reason: undefined }), settings)).toBe(true)
    expect(matchesRequest(job({ run_start_reason: 'Push to main' }), settings)).toBe(false)
  })
})

describe('createJob: the answer came back', () => {
  it('returns the job and its URL, after one POST, and notes the newest job before it', async () => {
    const fake = await fakeRepo()
    fake.addJob(REPO, { branch: 'main', calculated_status: 'SUCCEEDED' })
    const { result, log, clock } = await create(fake.url, {}, { token: fake.token })
    expect(result).toEqual({
      job: expect.objectContaining({ id: 2, branch: 'main', commit_sha: REF }),
      url: `${fake.url}/jobs/github/fake-owner/layerci-example/2`
    })
    expect(posts(fake)).toBe(1)
    expect(clock.sleeps).toEqual([])
    expect(log.matching('debug').filter((line) => line.includes('Newest job before the create'))).toEqual([
      'debug: Newest job before the create: 1'
    ])
  })

  it('the newest job before the create is the repository newest, on any branch', async () => {
    const fake = await fakeRepo()
    fake.addJob(REPO, { branch: 'dev' })
    const { log } = await create(fake.url, {}, { token: fake.token })
    expect(lookups(fake)[0]).toBe('')
    expect(log.text()).toContain('Newest job before the create: 1')
  })

  it('an empty repository is noted as such', async () => {
    const fake = await fakeRepo()
    const { log } = await create(fake.url, {}, { token: fake.token })
    expect(log.text()).toContain('Newest job before the create: none')
  })
})

/** The message of a lost answer whose look named `id`. */
const named = (id: number, fit: string): RegExp =>
  new RegExp(
    `^Creating the LayerCI job failed \\(HTTP 50\\d\\) after the request may have reached LayerCI\\. Job ${id} \\(.*\\) is newer than job \\d+, the newest before the request, and ${fit}\\. It may be the job this request made, or one that another run made at the same moment: the API cannot tell which request made a job, so this run does not take it as its own\\. Check job ${id}; if it is this run's, wait for it with "job-id: ${id}" instead of creating another\\.$`
  )

describe('createJob: the answer was lost', () => {
  it('never takes the job the attempt made as its own: names it and fails, without sending the POST again', async () => {
    const fake = await fakeRepo()
    fake.addJob(REPO, { branch: 'main', commit_sha: REF, calculated_status: 'SUCCEEDED' })
    fake.inject('create', { kind: 'created-then-502' })
    const { result, error, log, clock } = await create(fake.url, {}, { token: fake.token })
    expect(result).toBeUndefined()
    expect(error).toBeInstanceOf(ApiError)
    expect((error as Error).message).toMatch(named(2, 'for the commit and branch this request asked for'))
    expect((error as Error).message).toContain(
      `Job 2 (NEW, commit abcdef123456, on main, started by "Manual run created by API", ${fake.url}/jobs/github/fake-owner/layerci-example/2) is newer than job 1`
    )
    expect(posts(fake)).toBe(1)
    expect(clock.sleeps).toEqual([2000])
    expect(lookups(fake)).toEqual(['', 'branch=main'])
    expect(log.matching('warning')).toEqual([
      'warning: Creating the LayerCI job failed (HTTP 502) after the request may have reached LayerCI. It is not sent again; looking for a job it may have made, to name it.'
    ])
  })

  it("two runs on one commit and branch: the run whose answer was lost names the other run's job, never reports it", async () => {
    const fake = await fakeRepo()
    fake.addJob(REPO, { branch: 'main', commit_sha: REF, calculated_status: 'SUCCEEDED' }) // 1: the baseline
    fake.inject('create', { kind: 'created-then-502' }) // 2: this run's job, its answer lost
    const clock = new FakeClock()
    // Another run (a matrix twin) creates job 3 for the same commit and branch while this one looks.
    clock.onSleep = (index) => {
      if (index === 1) fake.addJob(REPO, { branch: 'main', commit_sha: REF, run_start_reason: 'Manual run created by API' })
    }
    const { result, error } = await create(fake.url, {}, { token: fake.token, clock })
    expect(result).toBeUndefined()
    expect((error as Error).message).toMatch(named(3, 'for the commit and branch this request asked for'))
    expect(posts(fake)).toBe(1)
  })

  it('looks on the branch built: a newer job of another branch is not named', async () => {
    const fake = await fakeRepo()
    fake.inject('create', { kind: 'status', status: 502 })
    const clock = new FakeClock()
    clock.onSleep = (index) => {
      if (index === 1) fake.addJob(REPO, { branch: 'dev', commit_sha: OTHER_SHA })
      if (index === 2) fake.addJob(REPO, { branch: 'main', commit_sha: REF, run_start_reason: 'Manual run created by API' })
    }
    const { error } = await create(fake.url, {}, { token: fake.token, clock })
    expect((error as Error).message).toMatch(named(2, 'for the commit and branch this request asked for'))
    expect(clock.sleeps).toEqual([2000, 4000])
  })

  it('in an empty repository, any job is newer than none', async () => {
    const fake = await fakeRepo()
    fake.inject('create', { kind: 'created-then-reset' })
    const { error } = await create(fake.url, {}, { token: fake.token })
    expect((error as Error).message).toMatch(/Job 1 \(NEW, .*\) is newer than job 0, the newest before the request/)
    expect(posts(fake)).toBe(1)
  })

  it('never names a job that existed before the create: three looks, then it says none appeared', async () => {
    const fake = await fakeRepo()
    fake.addJob(REPO, { branch: 'main', commit_sha: REF })
    fake.inject('create', { kind: 'status', status: 500 })
    const { result, error, clock } = await create(fake.url, {}, { token: fake.token })
    expect(result).toBeUndefined()
    expect(error).toBeInstanceOf(ApiError)
    expect((error as Error).message).toBe(
      `Creating the LayerCI job failed (HTTP 500) after the request may have reached LayerCI, and no job newer than job 1 appeared on main in the 14s it was looked for. A job may still have been created: check the jobs of layerci-example at ${fake.url} before running again, so as not to start a job twice.`
    )
    expect(posts(fake)).toBe(1)
    expect(clock.sleeps).toEqual([2000, 4000, 8000])
    expect(lookups(fake)).toEqual(['', 'branch=main', 'branch=main', 'branch=main'])
  })

  it('without a certain newest job before the create, fails at once saying a job may exist, and does not look', async () => {
    const fake = await fakeRepo()
    fake.inject('latest', { kind: 'body', status: 200, body: '{"status":"error","error":"database busy"}' })
    fake.inject('create', { kind: 'created-then-502' })
    const { error, clock, log } = await create(fake.url, {}, { token: fake.token })
    expect((error as Error).message).toBe(
      `Creating the LayerCI job failed (HTTP 502) after the request may have reached LayerCI, and the newest job before it could not be read, so no job can be named as one it may have made. A job may have been created: check the jobs of layerci-example at ${fake.url} before running again, so as not to start a job twice.`
    )
    expect(posts(fake)).toBe(1)
    expect(lookups(fake)).toEqual([''])
    expect(clock.sleeps).toEqual([])
    expect(log.text()).toContain('Newest job before the create: unclear')
  })

  it("a newer job of the branch for another commit is named as not this request's, and never suggested for job-id", async () => {
    const fake = await fakeRepo()
    fake.inject('create', { kind: 'status', status: 504 })
    const clock = new FakeClock()
    clock.onSleep = (index) => {
      if (index === 1) fake.addJob(REPO, { branch: 'main', commit_sha: OTHER_SHA })
    }
    const { error } = await create(fake.url, {}, { token: fake.token, clock })
    const message = (error as Error).message
    expect(message).toMatch(
      /^Creating the LayerCI job failed \(HTTP 504\) after the request may have reached LayerCI\. The newest job since, job 1 \(.*\), is for another commit or branch than this request asked for, so it is not this request's job; a job this request made, if any, is older than it and not shown\. A job may have been created: check the jobs of layerci-example at .* before running again, so as not to start a job twice\.$/
    )
    expect(message).not.toMatch(/job-id/)
    expect(posts(fake)).toBe(1)
  })

  it('a tag as the ref: the job is named, as one whose request cannot be compared', async () => {
    const fake = await fakeRepo()
    fake.inject('create', { kind: 'status', status: 500 })
    const clock = new FakeClock()
    clock.onSleep = (index) => {
      if (index === 1) fake.addJob(REPO, { branch: 'main', commit_sha: 'c'.repeat(40), run_start_reason: 'Manual run created by API' })
    }
    const { error } = await create(fake.url, { ref: 'v1.2.3' }, { token: fake.token, clock })
    expect((error as Error).message).toMatch(named(1, 'whose request cannot be compared with this one'))
    expect(posts(fake)).toBe(1)
  })

  it('keeps looking when the job appears late: the third look names it', async () => {
    const fake = await fakeRepo()
    fake.inject('create', { kind: 'status', status: 502 })
    const clock = new FakeClock()
    clock.onSleep = (index) => {
      if (index === 3) fake.addJob(REPO, { branch: 'main', commit_sha: REF, run_start_reason: 'Manual run created by API' })
    }
    const { error } = await create(fake.url, {}, { token: fake.token, clock })
    expect((error as Error).message).toMatch(named(1, 'for the commit and branch this request asked for'))
    expect(clock.sleeps).toEqual([2000, 4000, 8000])
  })

  it('the last look is made just before the deadline, not given up: a job visible at 7 s of a 12 s timeout is named', async () => {
    const fake = await fakeRepo()
    fake.inject('create', { kind: 'status', status: 502 })
    const clock = new FakeClock()
    const start = clock.now()
    clock.onSleep = (_, now) => {
      if (now - start >= 7000 && fake.jobs(REPO).length === 0) {
        fake.addJob(REPO, { branch: 'main', commit_sha: REF, run_start_reason: 'Manual run created by API' })
      }
    }
    const { error } = await create(fake.url, {}, { token: fake.token, clock, timeoutMs: 12_000 })
    // Looks at 2 s and 6 s; the third, due at 14 s, is moved to 11 s (a second before the deadline).
    expect(clock.sleeps).toEqual([2000, 4000, 5000])
    expect((error as Error).message).toMatch(named(1, 'for the commit and branch this request asked for'))
  })

  it('looks cut short by the timeout end as a timeout that says a job may exist, after a last look just before it', async () => {
    const fake = await fakeRepo()
    fake.inject('create', { kind: 'status', status: 502 })
    const cut = await create(fake.url, {}, { token: fake.token, timeoutMs: 5000 })
    expect(cut.clock.sleeps).toEqual([2000, 2000])
    expect(cut.error).toBeInstanceOf(DeadlineError)
    expect(cut.error).toMatchObject({ jobMayExist: true, lastProblem: 'Create: HTTP 502' })
    expect(lookups(fake)).toEqual(['', 'branch=main', 'branch=main'])
  })

  it('when even the first look would come after the last moment, it is moved there; none left: a timeout that says a job may exist', async () => {
    const fake = await fakeRepo()
    fake.inject('create', { kind: 'status', status: 502 })
    const early = await create(fake.url, {}, { token: fake.token, timeoutMs: 2000 })
    expect(early.clock.sleeps).toEqual([1000])
    expect(early.error).toMatchObject({ jobMayExist: true })
    const fake2 = await fakeRepo()
    fake2.inject('create', { kind: 'status', status: 502 })
    const none = await create(fake2.url, {}, { token: fake2.token, timeoutMs: 1000 })
    expect(none.error).toBeInstanceOf(DeadlineError)
    expect(none.error).toMatchObject({ jobMayExist: true, lastProblem: 'Create: HTTP 502' })
    expect(none.clock.sleeps).toEqual([])
    expect(lookups(fake2)).toEqual([''])
  })

  it('no branch sent (layerci): looks on master', async () => {
    const fake = await fakeRepo()
    fake.inject('create', { kind: 'status', status: 502 })
    const clock = new FakeClock()
    clock.onSleep = (index) => {
      if (index === 1) fake.addJob(REPO, { branch: 'someone-elses-branch', commit_sha: REF, run_start_reason: 'Manual run created by API' })
    }
    const { error } = await create(fake.url, { branch: undefined }, { token: fake.token, clock })
    expect((error as Error).message).toMatch(/no job newer than job 0 appeared on master in the 14s it was looked for/)
    expect(lookups(fake)).toEqual(['', 'branch=master', 'branch=master', 'branch=master'])
  })

  it('a timeout while the looks are answered 503: a DeadlineError that says a job may exist, naming the last problem', async () => {
    const fake = await fakeRepo()
    fake.inject('create', { kind: 'status', status: 500 })
    fake.inject('latest', { kind: 'status', status: 503 }, 1000, (request) => request.query.branch === 'main')
    const { error } = await create(fake.url, {}, { token: fake.token, timeoutMs: 15_000 })
    expect(error).toBeInstanceOf(DeadlineError)
    expect(error).toMatchObject({ jobMayExist: true, lastProblem: 'Look for a job the failed create may have made: HTTP 503' })
    expect(posts(fake)).toBe(1)
  })

  it('a look refused for good (401): the error says so, and that a job may have been created', async () => {
    const fake = await fakeRepo()
    fake.inject('create', { kind: 'status', status: 500 })
    fake.inject('latest', { kind: 'status', status: 401 }, 1000, (request) => request.query.branch === 'main')
    const { error } = await create(fake.url, {}, { token: fake.token })
    expect(error).toBeInstanceOf(ApiError)
    expect((error as Error).message).toMatch(
      /HTTP 401.* This happened while looking for a job that a failed create \(HTTP 500\) may have made\. A job may have been created: check the jobs of layerci-example/
    )
  })
})

describe('createJob: what the log says about its reads', () => {
  it('a read that is retried is named by its purpose: the newest job before the create, the look for the lost job', async () => {
    const fake = await fakeRepo()
    fake.inject('latest', { kind: 'status', status: 502 }, 1)
    fake.inject('create', { kind: 'created-then-502' })
    fake.inject('latest', { kind: 'status', status: 502 }, 1, (request) => request.query.branch === 'main')
    const { error, log } = await create(fake.url, {}, { token: fake.token })
    expect((error as Error).message).toMatch(/^Creating the LayerCI job failed \(HTTP 502\).* Job 1 /)
    const retries = log.matching('info').filter((line) => line.includes('retrying'))
    expect(retries.map((line) => line.replace(/ in [\d.]+s$/, ''))).toEqual([
      'info: Read the newest job before creating one: HTTP 502 (attempt 1); retrying',
      'info: Look for a job the failed create may have made: HTTP 502 (attempt 1); retrying'
    ])
  })
})

describe('createJob: failures that are neither an answer nor a known network error', () => {
  it('an unexpected error after the POST left is taken as a lost answer: the POST is not sent again', async () => {
    const fake = await fakeRepo()
    const real = new HttpClientTransport('create-test')
    // Something throws after the request reached the server (a bug, a broken dependency).
    const breaking: Transport = {
      async send(request: HttpRequest): Promise<HttpResponse> {
        const response = await real.send(request)
        if (request.method === 'POST') throw new TypeError('Cannot read properties of undefined')
        return response
      }
    }
    const { result, error, log } = await create(fake.url, {}, { token: fake.token, transport: breaking })
    expect(posts(fake)).toBe(1)
    expect(result).toBeUndefined()
    expect((error as Error).message).toMatch(/Job 1 \(.*\) is newer than job 0/)
    expect(log.text()).toContain('Creating the LayerCI job failed (TypeError: Cannot read properties of undefined)')
  })

  it('a transport error of unknown kind (an answer that is not HTTP) is taken as a lost answer: the POST is sent once', async () => {
    const noMatch = '{"status":"error","error":"no job found"}'
    const server = await rawServer((socket: Socket) => {
      const request = server.seen.at(-1)
      if (request?.method === 'POST') socket.end('NOT HTTP AT ALL\r\n\r\n')
      else
        socket.end(
          `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${noMatch.length}\r\nConnection: close\r\n\r\n${noMatch}`
        )
    })
    try {
      const { error, clock } = await create(server.origin)
      expect(error).toBeInstanceOf(ApiError)
      expect((error as Error).message).toMatch(
        /^Creating the LayerCI job failed \(the request failed \(HPE_[A-Z_]+\)\) after the request may/
      )
      expect(server.seen.filter((seen) => seen.method === 'POST')).toHaveLength(1)
      expect(clock.sleeps).toEqual([2000, 4000, 8000])
    } finally {
      await server.close()
    }
  })
})
