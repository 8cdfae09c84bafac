/**
 * The committed bundle, run as a GitHub runner runs it: from a copy of action.yml and dist/ alone
 * (no node_modules), with INPUT_* from action.yml's defaults, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY
 * and an event payload.
 */
import { beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { runAction, type RunActionOptions } from '../scripts/runner.mjs'
import { MANUAL, startFake } from '../__fixtures__/fake.js'
import { scheduleTo } from '../fake/server.js'
import { tempDir } from '../__fixtures__/temp.js'

const REPO = 'layerci-example'
const SHA = 'c0ffee0000000000000000000000000000000001'
const HEAD = 'feed000000000000000000000000000000000002'
let actionDir: string
let defaults: Record<string, string>

beforeAll(() => {
  actionDir = tempDir('layerci-action-')
  cpSync('action.yml', join(actionDir, 'action.yml'))
  cpSync('dist', join(actionDir, 'dist'), { recursive: true })
  const action = parse(readFileSync(join(actionDir, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> }
  defaults = {}
  for (const [name, input] of Object.entries(action.inputs)) {
    // The runner evaluates expressions in defaults; this one is the only kind action.yml uses.
    if (input.default !== undefined) defaults[name] = input.default.replace('${{ github.repository }}', `octo-org/${REPO}`)
  }
})

function runner(inputs: Record<string, string>, extra: Partial<RunActionOptions> = {}) {
  return runAction({
    actionDir,
    inputs: { ...defaults, ...inputs },
    env: { GITHUB_EVENT_NAME: 'push', GITHUB_SHA: SHA, GITHUB_REF: 'refs/heads/main', GITHUB_REPOSITORY: `octo-org/${REPO}` },
    event: { ref: 'refs/heads/main', repository: { default_branch: 'main' } },
    ...extra
  })
}

describe('dist/index.js as a runner runs it', () => {
  it('runs from action.yml + dist/ alone: creates, waits, reports SUCCEEDED through the output and summary files', async () => {
    const fake = await startFake({ repos: { [REPO]: { owner: 'octo-org', schedule: scheduleTo('SUCCEEDED', 1200) } } })
    const result = await runner({ token: fake.token, 'api-url': fake.url, 'poll-interval': '1s' })
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({
      'job-id': '1',
      'calculated-status': 'SUCCEEDED',
      status: 'SEE_RUNNERS',
      'commit-sha': SHA,
      branch: 'main',
      'job-url': `${fake.url}/jobs/github/octo-org/${REPO}/1`
    })
    expect(result.summary).toContain('<h3>LayerCI job 1: SUCCEEDED</h3>')
    expect(result.stdout).toContain(`Created LayerCI job 1: ${fake.url}/jobs/github/octo-org/layerci-example/1`)
    expect(fake.requests.find((r) => r.endpoint === 'create')?.body).toEqual({ branch: 'main', ref: SHA })
    expect(result.stdout.split('\n')[0]).toBe(`::add-mask::${fake.token}`)
    expect(result.stderr).toBe('')
  })

  it('pull_request: builds the head commit and head branch, not the merge commit', async () => {
    const fake = await startFake({ repos: { [REPO]: { owner: 'octo-org', schedule: scheduleTo('FAILURE', 300) } } })
    const result = await runner(
      { token: fake.token, 'api-url': fake.url, 'poll-interval': '1s' },
      {
        env: { GITHUB_EVENT_NAME: 'pull_request', GITHUB_SHA: SHA, GITHUB_REF: 'refs/pull/7/merge', GITHUB_REPOSITORY: `octo-org/${REPO}` },
        event: { pull_request: { number: 7, head: { sha: HEAD, ref: 'feature-x' } } }
      }
    )
    expect(fake.requests.find((r) => r.endpoint === 'create')?.body).toEqual({ branch: 'feature-x', ref: HEAD })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      `::error title=LayerCI job 1%3A FAILURE::LayerCI job 1 finished FAILURE: ${fake.url}/jobs/github/octo-org/layerci-example/1`
    )
    expect(result.stdout.match(/^::error/gm)).toHaveLength(1)
    expect(result.outputs['calculated-status']).toBe('FAILURE')
  })

  it('tag push with accept-buttons and checkpoint: the default branch, both fields sent', async () => {
    const fake = await startFake({ repos: { [REPO]: { owner: 'octo-org', schedule: scheduleTo('SUCCEEDED', 100) } } })
    const result = await runner(
      { token: fake.token, 'api-url': `${fake.url}/`, 'accept-buttons': 'true', checkpoint: 'deploy', wait: 'false' },
      {
        env: { GITHUB_EVENT_NAME: 'push', GITHUB_SHA: SHA, GITHUB_REF: 'refs/tags/v1.2.0', GITHUB_REPOSITORY: `octo-org/${REPO}` },
        event: { ref: 'refs/tags/v1.2.0', repository: { default_branch: 'trunk' } }
      }
    )
    expect(result.code).toBe(0)
    expect(fake.requests.find((r) => r.endpoint === 'create')?.body).toEqual({
      branch: 'trunk',
      ref: SHA,
      accept_buttons: 'true',
      skip_no_further_than: 'deploy'
    })
    expect(result.outputs['job-id']).toBe('1')
  })

  it('bad input: one ::error:: naming the input, no request sent', async () => {
    const fake = await startFake()
    const result = await runner({ token: fake.token, 'api-url': fake.url, 'poll-interval': '500ms' })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('::error title=LayerCI%3A not started (bad input)::Input "poll-interval" "500ms" is not a duration')
    expect(fake.requests).toHaveLength(0)
    expect(result.stdout).not.toMatch(/\bat .*\.js:\d+/)
    // Issue 26, point 5: an early ending writes a summary too, saying what happened and why.
    expect(result.summary).toContain('<h3>LayerCI: not started (bad input)</h3>')
    expect(result.summary).toContain('is not a duration')
  })

  it('issue 26, point 1: a job whose result cannot be known is headed "result unknown", never "failed"', async () => {
    const fake = await startFake({ repos: { [REPO]: { owner: 'octo-org', schedule: MANUAL } } })
    fake.addJob(REPO, { branch: 'main', calculated_status: 'SUCCEEDED' })
    fake.addJob(REPO, { branch: 'main', calculated_status: 'SUCCEEDED' })
    const result = await runner({ token: fake.token, 'api-url': fake.url, 'poll-interval': '1s', timeout: '20s', 'job-id': '1' })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('LayerCI never showed job 1')
    expect(result.summary).toContain('<h3>LayerCI job 1: result unknown (never shown by the API)</h3>')
    expect(result.summary).not.toContain('failed</h3>')
  }, 30_000)

  it('a server that is down: one clear ::error:: line, no stack trace, no key', async () => {
    const fake = await startFake()
    const url = fake.url
    await fake.stop()
    const result = await runner({ token: 'zz-secret-zz', 'api-url': url, timeout: '20s' })
    expect(result.code).toBe(1)
    const errors = result.stdout.split('\n').filter((line) => line.startsWith('::error'))
    expect(errors).toEqual([
      expect.stringMatching(
        /^::error title=LayerCI%3A not started \(LayerCI unreachable\)::LayerCI could not be reached at http:\/\/127\.0\.0\.1:\d+: the connection was refused\./
      )
    ])
    expect(result.stdout.split('\n').slice(1).join('\n')).not.toContain('zz-secret-zz')
    expect(result.stderr).toBe('')
  }, 40_000)

  it('cancel: on SIGINT it stops within a second, writes the outputs, says the job keeps running, exits non-zero', async () => {
    const fake = await startFake({ repos: { [REPO]: { owner: 'octo-org', schedule: MANUAL } } })
    const result = await runner(
      { token: fake.token, 'api-url': fake.url, 'poll-interval': '1s' },
      { signal: 'SIGINT', signalAfterMs: 1500 }
    )
    expect(result.code).not.toBe(0)
    expect(result.code).toBe(130)
    expect(result.ended - result.started - 1500).toBeLessThan(1000)
    expect(result.outputs['job-id']).toBe('1')
    expect(result.stdout).toContain(
      `::error title=LayerCI job 1%3A interrupted::Interrupted by SIGINT. LayerCI job 1 keeps running: the LayerCI API has no cancel endpoint. Cancel it at ${fake.url}/jobs/github/octo-org/${REPO}/1. "job-id: 1" waits for the same job.`
    )
  })

  it('cancel while the create is under way: says a job may have been created', async () => {
    const fake = await startFake({ repos: { [REPO]: { owner: 'octo-org', schedule: MANUAL } } })
    fake.inject('create', { kind: 'hang' })
    const result = await runner({ token: fake.token, 'api-url': fake.url }, { signal: 'SIGINT', signalAfterMs: 1000 })
    expect(result.code).toBe(130)
    expect(result.stdout).toContain(
      '::error title=LayerCI%3A interrupted::Interrupted by SIGINT while the job was being created: a LayerCI job may have been created and keeps running.'
    )
  })

  it('cancel during the read before the create: says no job was created', async () => {
    const fake = await startFake({ repos: { [REPO]: { owner: 'octo-org', schedule: MANUAL } } })
    fake.inject('latest', { kind: 'hang' })
    const result = await runner({ token: fake.token, 'api-url': fake.url }, { signal: 'SIGINT', signalAfterMs: 1000 })
    expect(result.code).toBe(130)
    expect(result.stdout).toContain('::error title=LayerCI%3A interrupted::Interrupted by SIGINT before any LayerCI job was created.')
    expect(fake.count('create')).toBe(0)
  })

  it('cancel by SIGTERM works the same', async () => {
    const fake = await startFake({ repos: { [REPO]: { owner: 'octo-org', schedule: MANUAL } } })
    const result = await runner(
      { token: fake.token, 'api-url': fake.url, 'poll-interval': '1s' },
      { signal: 'SIGTERM', signalAfterMs: 1200 }
    )
    expect(result.code).toBe(130)
    expect(result.stdout).toContain('Interrupted by SIGTERM. LayerCI job 1 keeps running')
  })

  const specialToken = 'Key+With/Special&Chars=42'
  function expectOnlyMasked(result: { stdout: string; stderr: string; outputs: Record<string, string>; summary: string }): void {
    const everything = [result.stdout, result.stderr, JSON.stringify(result.outputs), result.summary].join('\n')
    const withoutMask = everything
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n')
    for (const form of [specialToken, encodeURIComponent(specialToken), encodeURIComponent(specialToken).replace(/%20/g, '+')])
      expect(withoutMask).not.toContain(form)
  }

  it('redaction end to end: with debug on, through retries and non-JSON answers, the key shows only in ::add-mask::', async () => {
    const fake = await startFake({ token: specialToken, repos: { [REPO]: { owner: 'octo-org', schedule: scheduleTo('SUCCEEDED', 1500) } } })
    const result = await runner(
      { token: specialToken, 'api-url': fake.url, 'poll-interval': '1s', timeout: '40s' },
      { env: { GITHUB_EVENT_NAME: 'push', GITHUB_SHA: SHA, GITHUB_REF: 'refs/heads/main', RUNNER_DEBUG: '1' } }
    )
    expect(result.code).toBe(0)
    expectOnlyMasked(result)
    expect(result.stdout).toMatch(
      /::debug::GET \/api\/v1\/run\/layerci-example\/latest\?layertoken=\*\*\* -> HTTP 200 in \d+ ms \(attempt 1\)/
    )
    expect(result.stdout).toMatch(/::debug::POST \/api\/v1\/run\/layerci-example\?layertoken=\*\*\* -> HTTP 200 in \d+ ms \(attempt 1\)/)
  })

  it('redaction end to end: retries of 502 and HTML answers, then a hung server at the timeout', async () => {
    const fake = await startFake({ token: specialToken, repos: { [REPO]: { owner: 'octo-org', schedule: MANUAL } } })
    const polls = (request: { query: Record<string, string> }): boolean => request.query.branch === 'main'
    fake.inject('latest', { kind: 'status', status: 502 }, 1, polls)
    fake.inject('latest', { kind: 'body', body: '<html>proxy</html>' }, 1, polls)
    fake.inject('latest', { kind: 'hang' }, 100, polls)
    const started = Date.now()
    const result = await runner(
      { token: specialToken, 'api-url': fake.url, 'poll-interval': '1s', timeout: '7s' },
      { env: { GITHUB_EVENT_NAME: 'push', GITHUB_SHA: SHA, GITHUB_REF: 'refs/heads/main', RUNNER_DEBUG: '1' } }
    )
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(result.code).toBe(1)
    expectOnlyMasked(result)
    expect(result.stdout).toMatch(/HTTP 502 \(attempt 1\); retrying in \d+\.\ds/)
    expect(result.stdout).toMatch(/HTTP 200 with an HTML page, not the API \(attempt \d\); retrying in/)
    const errors = result.stdout.split('\n').filter((line) => line.startsWith('::error'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(
      /^::error title=LayerCI job 1%3A result unknown \(timed out\)::Timed out after 7s waiting for LayerCI job 1\. Last problem: Poll: the request timed out\. Last status seen: NEW, http:\/\/127\.0\.0\.1:\d+\/jobs\/github\/octo-org\/layerci-example\/1\. It is not cancelled \(the API has no cancel endpoint\); "job-id: 1" waits for the same job\.$/
    )
    expect(result.outputs['job-id']).toBe('1')
    expect(result.summary).toContain('<h3>LayerCI job 1: result unknown (timed out)</h3>')
  }, 20_000)

  it('a job hidden by a newer job that ended the same way: the result by elimination, said in the log and summary', async () => {
    const fake = await startFake({ repos: { [REPO]: { owner: 'octo-org', schedule: scheduleTo('SUCCEEDED', 2500) } } })
    // Someone's push to main right after ours: a newer job that succeeds first.
    fake.beforeAnswer = (request) => {
      if (request.endpoint === 'latest' && fake.count('create') === 1 && fake.jobs(REPO).length === 1) {
        fake.addJob(REPO, { branch: 'main', schedule: scheduleTo('SUCCEEDED', 500) })
      }
    }
    const result = await runner({ token: fake.token, 'api-url': fake.url, 'poll-interval': '1s', timeout: '30s' })
    expect(result.code).toBe(0)
    expect(result.outputs['calculated-status']).toBe('SUCCEEDED')
    expect(result.stdout).toContain('The result of job 1, SUCCEEDED, was established by elimination: newer jobs (2 (SUCCEEDED)) hid it')
    expect(result.summary).toContain('<p>The result of job 1, SUCCEEDED, was established by elimination')
    // Reported within two polls of ours finishing at 2.5 s.
    expect(result.ended - result.started).toBeLessThan(2500 + 2000 + 1000)
  }, 20_000)

  it('a closed stdout (| head -c 10) does not crash the run with a stack trace: it ends as it would, exit code and all', async () => {
    const fake = await startFake({ repos: { [REPO]: { owner: 'octo-org', schedule: scheduleTo('FAILURE', 300) } } })
    const dir = tempDir('layerci-epipe-')
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
      GITHUB_EVENT_NAME: 'push',
      GITHUB_SHA: SHA,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_REPOSITORY: `octo-org/${REPO}`
    }
    for (const file of ['output', 'summary']) writeFileSync(join(dir, file), '')
    for (const [name, value] of Object.entries({ ...defaults, token: fake.token, 'api-url': fake.url, 'poll-interval': '1s' })) {
      env[`INPUT_${name.toUpperCase()}`] = value
    }
    // As `node dist/index.js | head -c 10`: the reader takes 10 bytes and goes away.
    const result = await new Promise<{ stderr: string; code: number | null }>((resolve) => {
      const child = spawn(process.execPath, [join(actionDir, 'dist', 'index.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      child.stdout.once('data', () => child.stdout.destroy())
      child.on('close', (code) => resolve({ stderr, code }))
    })
    expect(result.stderr).not.toMatch(/EPIPE|Unhandled|at .*\(/)
    expect(result.code).toBe(1)
    expect(readFileSync(join(dir, 'output'), 'utf8')).toContain('FAILURE')
  }, 20_000)

  it('issue 25, case 1: a server that takes an empty branch= as no filter drops that narrowing only, and the result comes by elimination', async () => {
    // Ours is recorded without a branch; newer jobs on main and without a branch all end SUCCEEDED, like ours.
    const fake = await startFake({
      emptyBranch: 'any',
      repos: { [REPO]: { owner: 'octo-org', createdBranch: '', schedule: scheduleTo('SUCCEEDED', 2500) } }
    })
    fake.beforeAnswer = (request) => {
      if (request.endpoint === 'latest' && fake.count('create') === 1 && fake.jobs(REPO).length === 1) {
        fake.addJob(REPO, { branch: '', schedule: scheduleTo('SUCCEEDED', 900) })
        fake.addJob(REPO, { branch: 'main', schedule: scheduleTo('SUCCEEDED', 600) })
      }
    }
    const result = await runner({ token: fake.token, 'api-url': fake.url, 'poll-interval': '1s', timeout: '30s' })
    expect(result.stdout).toContain('this server does not match branch= as its jobs')
    expect(result.stdout).not.toContain('nothing is concluded about job 1')
    expect(result.code).toBe(0)
    expect(result.outputs['calculated-status']).toBe('SUCCEEDED')
    // Within two polls of ours finishing at 2.5 s (1 s apart), not at the timeout.
    expect(result.ended - result.started).toBeLessThan(2500 + 2000 + 1500)
  }, 20_000)

  it('issue 25, case 2: a push to the branch right after the create does not hide the job: it was read through its branch at once', async () => {
    const fake = await startFake({ repos: { [REPO]: { owner: 'octo-org', schedule: scheduleTo('FAILURE', 2500) } } })
    let timers = false
    fake.beforeAnswer = (request) => {
      if (timers || request.endpoint !== 'create') return
      timers = true
      // From the create on: jobs on other branches keep running; 0.5 s after ours (before a first
      // poll one interval after the create), a push adds a newer job on main that runs while ours
      // runs and fails like ours, after it (3 s): ours is never again the newest of main in its status.
      setTimeout(() => fake.addJob(REPO, { branch: 'dev', calculated_status: 'RUNNING' }), 300)
      setTimeout(() => fake.addJob(REPO, { branch: 'main', schedule: scheduleTo('FAILURE', 2500) }), 500)
      setTimeout(() => fake.addJob(REPO, { branch: 'feature', calculated_status: 'RUNNING' }), 700)
    }
    const result = await runner({ token: fake.token, 'api-url': fake.url, 'poll-interval': '1s', timeout: '30s' })
    expect(result.code).toBe(1)
    expect(result.outputs['calculated-status']).toBe('FAILURE')
    expect(result.stdout).toContain('The result of job 1, FAILURE, was established by elimination')
    expect(result.ended - result.started).toBeLessThan(3000 + 2000 + 1500)
  }, 20_000)

  it('a job id that does not exist fails within two polls, naming the newest job and the repository', async () => {
    const fake = await startFake({ repos: { [REPO]: { owner: 'octo-org', schedule: MANUAL } } })
    for (let i = 0; i < 3; i++) fake.addJob(REPO, { calculated_status: 'SUCCEEDED' })
    const result = await runner({ token: fake.token, 'api-url': fake.url, 'poll-interval': '1s', 'job-id': '99' })
    expect(result.code).toBe(1)
    expect(result.stdout.split('\n').filter((line) => line.startsWith('::error'))).toEqual([
      '::error title=LayerCI job 99%3A result unknown (no such job)::LayerCI has no job 99 in layerci-example: the newest job of layerci-example is 3. Check the job id.'
    ])
    expect(result.ended - result.started).toBeLessThan(4000)
  })

  it('a poll-interval longer than the timeout: a warning, and a poll just before the deadline sees the job done', async () => {
    const fake = await startFake({ repos: { [REPO]: { owner: 'octo-org', schedule: scheduleTo('SUCCEEDED', 600) } } })
    const result = await runner({ token: fake.token, 'api-url': fake.url, 'poll-interval': '1m', timeout: '3s' })
    expect(result.code).toBe(0)
    expect(result.outputs['calculated-status']).toBe('SUCCEEDED')
    expect(result.stdout).toContain(
      '::warning::"poll-interval" (1m00s) is not shorter than "timeout" (3s): the job is polled once more just before the timeout, however long the interval.'
    )
  })

  /** A module node preloads: Date.now() steps by `stepMs` once `afterMs` have passed, as NTP or a resumed VM steps a system clock. */
  function steppedClock(stepMs: number, afterMs: number): string[] {
    const file = join(tempDir('layerci-clock-'), 'step.mjs')
    writeFileSync(
      file,
      `const real = Date.now.bind(Date)\nconst start = real()\nDate.now = () => { const t = real(); return t - start >= ${afterMs} ? t + ${stepMs} : t }\n`
    )
    return ['--import', file]
  }

  it.each([
    ['+2 h', 2 * 3600_000],
    ['-1 h', -3600_000]
  ])(
    'a system clock step of %s during the wait changes nothing: the job is reported when it ends',
    async (_, stepMs) => {
      const fake = await startFake({ repos: { [REPO]: { owner: 'octo-org', schedule: scheduleTo('SUCCEEDED', 4500) } } })
      const result = await runner(
        { token: fake.token, 'api-url': fake.url, 'poll-interval': '1s', timeout: '10s' },
        { nodeArgs: steppedClock(stepMs, 2500) }
      )
      expect([result.code, result.outputs['calculated-status']]).toEqual([0, 'SUCCEEDED'])
      expect(result.stdout).not.toContain('Timed out')
      expect(result.ended - result.started).toBeLessThan(7000)
    },
    20_000
  )

  it('a system clock stepped back an hour: a job that never ends still times out at the timeout, not an hour later', async () => {
    const fake = await startFake({ repos: { [REPO]: { owner: 'octo-org', schedule: MANUAL } } })
    const result = await runner(
      { token: fake.token, 'api-url': fake.url, 'poll-interval': '1s', timeout: '4s' },
      { nodeArgs: steppedClock(-3600_000, 1500) }
    )
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /::error title=LayerCI job 1%3A result unknown \(timed out\)::Timed out after 4s waiting for LayerCI job 1/
    )
    expect(result.ended - result.started).toBeLessThan(6000)
  }, 20_000)

  it('writes each output once per change of state, and the job object once: GITHUB_OUTPUT stays small however long the wait', async () => {
    const fake = await startFake({ repos: { [REPO]: { owner: 'octo-org', schedule: MANUAL } } })
    // A status set by hand: the job object's status_change_time changes at every read.
    fake.beforeAnswer = () => {
      if (fake.jobs(REPO).length > 0 && fake.count('latest') === 2) fake.setStatus(REPO, 1, 'RUNNING')
    }
    const done = setTimeout(() => fake.setStatus(REPO, 1, 'SUCCEEDED'), 6000)
    const result = await runner({ token: fake.token, 'api-url': fake.url, 'poll-interval': '1s', timeout: '30s' })
    clearTimeout(done)
    expect(result.code).toBe(0)
    const writes = (name: string): number => result.outputFile.split('\n').filter((line) => line.startsWith(`${name}<<`)).length
    expect(writes('job')).toBe(1)
    expect(writes('job-id')).toBe(1)
    // NEW (the create), RUNNING, SUCCEEDED.
    expect(writes('calculated-status')).toBe(3)
    expect(result.outputFile.length).toBeLessThan(4096)
  }, 20_000)

  describe('a hostile server', () => {
    const KEY = `Tok&'"\\!<e>~x9`
    /** The key as a server might echo it back, in each form it can take. */
    const echoes = [
      KEY,
      encodeURIComponent(KEY),
      new URLSearchParams([['k', KEY]]).toString().slice(2),
      JSON.stringify(KEY).slice(1, -1),
      KEY.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
      encodeURI(KEY)
    ]
    /** Forms no mask can list: each character written another way, as an unknown encoder might. */
    const mixes = [
      Array.from(KEY, (c, i) => (i % 2 === 0 ? `&#x${c.charCodeAt(0).toString(16)};` : c)).join(''),
      Array.from(KEY, (c, i) => (i % 2 === 1 ? `%${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)).join('')
    ]
    const ours = new Set(['add-mask', 'debug', 'error', 'warning', 'notice', 'group', 'endgroup'])

    it('cannot start a workflow command, split a line, or get the key into any output, in any form', async () => {
      const fake = await startFake({ token: KEY, repos: { [REPO]: { owner: 'octo-org', schedule: MANUAL } } })
      const job = {
        id: 1,
        status: 'SEE_RUNNERS\n::warning::from the server',
        branch: 'main',
        commit_sha: SHA,
        run_start_reason: `echoed: ${[...echoes, ...mixes].join(' | ')}`,
        merge_branch: '\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007 ##[error]legacy'
      }
      fake.inject('create', {
        kind: 'body',
        body: JSON.stringify({
          status: 'ok',
          job: { ...job, calculated_status: 'NEW' },
          url: `javascript:alert(1)//\n::error::${KEY}`
        })
      })
      fake.inject(
        'latest',
        { kind: 'body', body: JSON.stringify({ status: 'ok', job: { ...job, calculated_status: 'FAILURE\n::stop-commands::x' } }) },
        50,
        // The polls, not the read of the newest job before the create.
        () => fake.count('create') > 0
      )
      const result = await runner({ token: KEY, 'api-url': fake.url, 'poll-interval': '1s', timeout: '20s' })
      expect(result.code).toBe(1)
      const lines = result.stdout.split('\n')
      // Every line a runner reads as a command is one of the action's own: one error annotation.
      const commands = lines.filter((line) => line.trimStart().startsWith('::') || line.includes('##['))
      expect(commands.every((line) => ours.has(/^::([a-z-]+)/.exec(line.trimStart())?.[1] ?? ''))).toBe(true)
      expect(lines.filter((line) => line.startsWith('::error'))).toEqual([
        `::error title=LayerCI job 1%3A FAILURE\\n%3A%3Astop-commands%3A%3Ax::LayerCI job 1 finished FAILURE\\n::stop-commands::x (a status the API documentation does not name): ${fake.url}/jobs/github/octo-org/layerci-example/1`
      ])
      // The server's url was not an http(s) link: the job's page is built instead.
      expect(result.outputs['job-url']).toBe(`${fake.url}/jobs/github/octo-org/layerci-example/1`)
      expect(result.outputs['calculated-status']).toBe('FAILURE\\n::stop-commands::x')
      expect(result.outputs.status).toBe('SEE_RUNNERS\\n::warning::from the server')
      expect(JSON.parse(result.outputs.job ?? '{}')).toMatchObject({
        id: 1,
        run_start_reason: `echoed: ${Array(echoes.length + mixes.length)
          .fill('***')
          .join(' | ')}`
      })
      expect(result.summary).toContain('FAILURE\\n::stop-commands::x')
      expect(result.summary).not.toContain('\u001b')
      // The key: only in ::add-mask:: lines, in no output, nor the summary, in any form.
      const everything = [
        lines.filter((line) => !line.startsWith('::add-mask::')).join('\n'),
        result.stderr,
        JSON.stringify(result.outputs),
        result.summary
      ].join('\n')
      for (const form of [...echoes, ...mixes]) expect(everything).not.toContain(form)
      const masked = lines.filter((line) => line.startsWith('::add-mask::')).map((line) => line.slice('::add-mask::'.length))
      for (const form of echoes) expect(masked).toContain(form.replace(/%/g, '%25'))
    }, 30_000)
  })

  it('a 300 KB error answer: quoted up to 1,000 characters with how much was left out, the key redacted across the cut', async () => {
    const KEY = 'long-answer-key-0042'
    const fake = await startFake({ token: KEY, repos: { [REPO]: { owner: 'octo-org', schedule: MANUAL } } })
    // The key starts just before the cut (so a cut before redaction would show its first half) and
    // comes again far past it.
    const error = `${'x'.repeat(990)}${KEY}${'stack frame\n'.repeat(25_000)}${KEY}`
    fake.inject('create', { kind: 'body', status: 422, body: JSON.stringify({ status: 'error', error }) })
    const result = await runner({ token: KEY, 'api-url': fake.url })
    expect(result.code).toBe(1)
    const errors = result.stdout.split('\n').filter((line) => line.startsWith('::error'))
    expect(errors).toHaveLength(1)
    const [line = ''] = errors
    expect(line.length).toBeLessThan(1300)
    const left = error.length - KEY.length * 2 + 6 - 1000
    expect(line).toContain(`: ${'x'.repeat(990)}***stack f… (${left} more characters)`)
    expect(line).not.toContain(KEY.slice(0, 6))
    expect(result.summary.length).toBeLessThan(2000)
    expect(result.summary).toContain('more characters)')
  })

  it('a refused key through the bundle: one error line, nothing created', async () => {
    const fake = await startFake()
    const result = await runner({ token: 'wrong-key-77', 'api-url': fake.url })
    expect(result.code).toBe(1)
    expect(result.stdout.split('\n').filter((line) => line.startsWith('::error'))).toEqual([
      `::error title=LayerCI%3A not started (API key refused)::The LayerCI API key was refused (HTTP 401: invalid API key). Check "token": it must be a LayerCI API key with access to layerci-example. "api-flavor" is auto, which chose layerci for ${new URL(fake.url).host}: if this server speaks the webappio API, set "api-flavor: webappio".`
    ])
    expect(fake.count('create')).toBe(0)
  })
})
