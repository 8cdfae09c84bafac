/** `layerci-run`, the built command, run as a subprocess against the fake LayerCI. */
import { describe, expect, it } from '@jest/globals'
import { execFileSync, spawn } from 'node:child_process'
import { createServer } from 'node:http'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { MANUAL, startFake } from '../__fixtures__/fake.js'
import { scheduleTo } from '../fake/server.js'
import { tempDir } from '../__fixtures__/temp.js'

const CLI = resolve('dist/cli/index.js')
const REPO = 'layerci-example'

interface Run {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

function cli(
  args: string[],
  env: Record<string, string> = {},
  options: { cwd?: string; signalAfterMs?: number; signal?: NodeJS.Signals } = {}
): Promise<Run> {
  const started = Date.now()
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? tmpdir(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  if (options.signalAfterMs !== undefined) setTimeout(() => child.kill(options.signal ?? 'SIGINT'), options.signalAfterMs)
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr, ms: Date.now() - started })))
}

function gitRepo(branch: string): { dir: string; sha: string } {
  const dir = tempDir('layerci-git-')
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim()
  git('init', '-q', '-b', branch)
  writeFileSync(join(dir, 'Layerfile'), 'FROM vm/ubuntu:18.04\n')
  git('add', '.')
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'init')
  return { dir, sha: git('rev-parse', 'HEAD') }
}

const fakeWith = (schedule = scheduleTo('SUCCEEDED', 300), token?: string) =>
  startFake({ repos: { [REPO]: { owner: 'octo', schedule } }, ...(token ? { token } : {}) })

describe('layerci-run', () => {
  it('exit 0: the job passed; defaults from the git checkout; --json prints the job as one line', async () => {
    const fake = await fakeWith()
    const { dir, sha } = gitRepo('feature/cli')
    const run = await cli(
      ['--repository', `octo/${REPO}`, '--api-url', fake.url, '--poll-interval', '1s', '--json'],
      { LAYERCI_TOKEN: fake.token },
      { cwd: dir }
    )
    expect(run.code).toBe(0)
    expect(fake.requests.find((r) => r.endpoint === 'create')?.body).toEqual({ branch: 'feature/cli', ref: sha })
    const lines = run.stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ id: 1, calculated_status: 'SUCCEEDED', commit_sha: sha })
    expect(run.stderr).toContain(`ref defaults to ${sha} (the git checkout)`)
    expect(run.stderr).toContain('Job 1: SUCCEEDED after')
    expect(run.stdout + run.stderr).not.toContain(fake.token)
  })

  it('exit 0 with --no-wait: created, not awaited', async () => {
    const fake = await fakeWith(MANUAL)
    const run = await cli(['--repository', REPO, '--api-url', fake.url, '--no-wait', '--ref', 'abc1234', '--branch', 'main'], {
      LAYERCI_TOKEN: fake.token
    })
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('Created LayerCI job 1; not waiting (--no-wait).')
    expect(fake.requests.filter((r) => r.query.done)).toHaveLength(0)
    // stdout is the id alone, for id=$(layerci-run --no-wait …) and then --job-id "$id".
    expect(run.stdout).toBe('1\n')
    fake.setStatus(REPO, 1, 'SUCCEEDED')
    const later = await cli(['--repository', REPO, '--api-url', fake.url, '--job-id', run.stdout.trim()], { LAYERCI_TOKEN: fake.token })
    expect(later.code).toBe(0)
    expect(later.stderr).toContain('LayerCI job 1 SUCCEEDED')
  })

  it('exit 0 on a status listed in --succeed-on, saying it was counted as success', async () => {
    const fake = await fakeWith(scheduleTo('RUNNER_CANCELLED', 300))
    const run = await cli(
      [
        '--repository',
        REPO,
        '--api-url',
        fake.url,
        '--poll-interval',
        '1s',
        '--ref',
        'abc1234',
        '--branch',
        'main',
        '--succeed-on',
        'succeeded, runner_cancelled'
      ],
      { LAYERCI_TOKEN: fake.token }
    )
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('The step passes when the job ends SUCCEEDED or RUNNER_CANCELLED (--succeed-on).')
    expect(run.stderr).toContain('layerci-run: note: RUNNER_CANCELLED counted as success by --succeed-on.')
  })

  it('a closed stdout or stderr does not crash the command: the exit code still says how the job ended', async () => {
    // A job that passes: a crash would exit 1.
    const fake = await fakeWith(scheduleTo('SUCCEEDED', 300))
    const child = spawn(
      process.execPath,
      [CLI, '--repository', REPO, '--api-url', fake.url, '--poll-interval', '1s', '--ref', 'abc1234', '--branch', 'main', '--json'],
      { cwd: tmpdir(), env: { PATH: process.env.PATH ?? '', LAYERCI_TOKEN: fake.token }, stdio: ['ignore', 'pipe', 'pipe'] }
    )
    child.stdout.destroy()
    child.stderr.destroy()
    const code = await new Promise((done) => child.on('close', done))
    expect(code).toBe(0)
  })

  it('exit 1: the job finished unsuccessfully', async () => {
    const fake = await fakeWith(scheduleTo('BAD_LAYERFILE', 300))
    const run = await cli(
      ['--repository', REPO, '--api-url', fake.url, '--poll-interval', '1s', '--ref', 'abc1234', '--branch', 'main', '--json'],
      { LAYERCI_TOKEN: fake.token }
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('error: LayerCI job 1 finished BAD_LAYERFILE')
    expect(JSON.parse(run.stdout)).toMatchObject({ calculated_status: 'BAD_LAYERFILE' })
  })

  it.each([
    [['--timeout', 'soon'], /--timeout "soon" is not a duration/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--token', 'abc'], /--token is not accepted .* LAYERCI_TOKEN/],
    [['--job-id', '5', '--no-wait'], /--job-id cannot be used with --no-wait: an existing job can only be waited for/],
    [['--api-url', ''], /^layerci-run: error: --api-url was given an empty value \(an unset variable\?\)/m],
    [['--timeout', ' '], /--timeout was given an empty value/],
    [['--succeed-on', 'RUNNING'], /--succeed-on cannot list RUNNING: the wait ends only when the job is done/],
    [
      ['--succeed-on', 'passed'],
      /--succeed-on "passed" is not a documented status. Use .*SUCCEEDED, FAILURE, JOB_ERROR, BAD_LAYERFILE, RUNNER_CANCELLED, RUNNER_ERROR/
    ]
  ])('exit 2: bad usage %j, no request sent', async (args, message) => {
    const fake = await fakeWith()
    const run = await cli(['--repository', REPO, '--api-url', fake.url, ...args], { LAYERCI_TOKEN: fake.token })
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(fake.requests).toHaveLength(0)
  })

  it('exit 2: no LAYERCI_TOKEN', async () => {
    const run = await cli(['--repository', REPO])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('LAYERCI_TOKEN is not set')
  })

  it('exit 3: the API refused the key; the key never appears', async () => {
    const fake = await fakeWith()
    const run = await cli(['--repository', REPO, '--api-url', fake.url, '--ref', 'abc1234', '--branch', 'main'], {
      LAYERCI_TOKEN: 'wrong/key+123',
      LAYERCI_DEBUG: '1'
    })
    expect(run.code).toBe(3)
    expect(run.stderr).toContain('error: The LayerCI API key was refused (HTTP 401')
    expect(run.stderr).toContain('debug: GET /api/v1/run/layerci-example/latest?layertoken=*** -> HTTP 401')
    for (const form of ['wrong/key+123', encodeURIComponent('wrong/key+123')]) expect(run.stdout + run.stderr).not.toContain(form)
  })

  it('exit 3: the API could not be reached', async () => {
    const fake = await fakeWith()
    const url = fake.url
    await fake.stop()
    const run = await cli(['--repository', REPO, '--api-url', url, '--ref', 'abc1234', '--branch', 'main'], { LAYERCI_TOKEN: 'k3y-value' })
    expect(run.code).toBe(3)
    expect(run.stderr).toMatch(/LayerCI could not be reached at http:\/\/127\.0\.0\.1:\d+/)
  }, 30_000)

  it('exit 3 at once: https:// to a server that speaks plain HTTP is a TLS failure, not something to wait out', async () => {
    const fake = await fakeWith()
    const run = await cli(
      ['--repository', REPO, '--api-url', fake.url.replace('http:', 'https:'), '--ref', 'abc1234', '--branch', 'main'],
      {
        LAYERCI_TOKEN: 'k3y-value'
      }
    )
    expect(run.code).toBe(3)
    expect(run.stderr).toMatch(
      /LayerCI could not be reached securely at https:\/\/127\.0\.0\.1:\d+: the TLS connection could not be set up/
    )
    expect(run.stderr).not.toContain('k3y-value')
    expect(fake.requests).toEqual([])
    expect(run.ms).toBeLessThan(5000)
  })

  it('exit 3: --job-id names a job newer than the newest job of the repository', async () => {
    const fake = await fakeWith(MANUAL)
    fake.addJob(REPO, { calculated_status: 'SUCCEEDED' })
    const run = await cli(['--repository', REPO, '--api-url', fake.url, '--poll-interval', '1s', '--job-id', '5'], {
      LAYERCI_TOKEN: fake.token
    })
    expect(run.code).toBe(3)
    expect(run.stderr).toContain('LayerCI has no job 5 in layerci-example: the newest job of layerci-example is 1. Check the job id.')
    expect(run.ms).toBeLessThan(4000)
  })

  it('exit 4: a create that timed out, saying a job may have been created', async () => {
    const fake = await fakeWith(MANUAL)
    fake.inject('create', { kind: 'hang' })
    const run = await cli(['--repository', REPO, '--api-url', fake.url, '--timeout', '3s', '--ref', 'abc1234', '--branch', 'main'], {
      LAYERCI_TOKEN: fake.token
    })
    expect(run.code).toBe(4)
    expect(run.stderr).toMatch(/layerci-run: error: Timed out after \ds before LayerCI confirmed a new job\. .*A job may have been created/)
    expect(fake.count('create')).toBe(1)
  })

  it('exit 2 inside GitHub Actions when the event payload is not JSON, naming the file', async () => {
    const dir = tempDir('layerci-event-')
    writeFileSync(join(dir, 'event.json'), '{not json')
    const run = await cli(['--repository', REPO, '--api-url', 'http://127.0.0.1:9', '--ref', 'abc1234'], {
      LAYERCI_TOKEN: 'k3y-value',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_PATH: join(dir, 'event.json')
    })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`GITHUB_EVENT_PATH names ${join(dir, 'event.json')}, which is not a JSON event payload`)
  })

  it('exit 4: timed out', async () => {
    const fake = await fakeWith(MANUAL)
    const run = await cli(
      ['--repository', REPO, '--api-url', fake.url, '--poll-interval', '1s', '--timeout', '3s', '--ref', 'abc1234', '--branch', 'main'],
      { LAYERCI_TOKEN: fake.token }
    )
    expect(run.code).toBe(4)
    expect(run.stderr).toMatch(
      /error: Timed out after 3s waiting for LayerCI job 1 \(last status seen: NEW, [^)]*\)\. It is not cancelled \(the API has no cancel endpoint\); --job-id 1 waits for the same job\./
    )
  })

  it.each<NodeJS.Signals>(['SIGINT', 'SIGHUP'])('exit 130 on %s: interrupted, says the job keeps running', async (signal) => {
    const fake = await fakeWith(MANUAL)
    const run = await cli(
      ['--repository', REPO, '--api-url', fake.url, '--poll-interval', '1s', '--ref', 'abc1234', '--branch', 'main', '--json'],
      { LAYERCI_TOKEN: fake.token },
      { signalAfterMs: 1200, signal }
    )
    expect(run.code).toBe(130)
    expect(run.stderr).toContain(`Interrupted by ${signal}. LayerCI job 1 keeps running: the LayerCI API has no cancel endpoint`)
    // --json: the one object says what happened and why, with the message, as every ending without a result does.
    expect(JSON.parse(run.stdout)).toMatchObject({
      id: 1,
      outcome: 'interrupted',
      reason: 'interrupted',
      error: expect.stringMatching(new RegExp(`^Interrupted by ${signal}\\. .* --job-id 1 waits for the same job\\.$`)),
      exit_code: 130
    })
    expect(run.ms).toBeLessThan(2500)
  })

  it('uses GitLab CI variables when present', async () => {
    const fake = await fakeWith(MANUAL)
    const run = await cli(['--api-url', fake.url, '--no-wait'], {
      LAYERCI_TOKEN: fake.token,
      GITLAB_CI: 'true',
      CI_PROJECT_PATH: `octo/${REPO}`,
      CI_COMMIT_SHA: 'a'.repeat(40),
      CI_COMMIT_BRANCH: 'develop'
    })
    expect(run.code).toBe(0)
    expect(fake.requests.find((r) => r.endpoint === 'create')?.body).toEqual({ branch: 'develop', ref: 'a'.repeat(40) })
  })

  it('a GitLab merged-results pipeline builds the source branch head, not the merge commit, and says so', async () => {
    const fake = await fakeWith(MANUAL)
    const run = await cli(['--api-url', fake.url, '--no-wait'], {
      LAYERCI_TOKEN: fake.token,
      GITLAB_CI: 'true',
      CI_PROJECT_PATH: `octo/${REPO}`,
      CI_COMMIT_SHA: 'a'.repeat(40),
      CI_MERGE_REQUEST_EVENT_TYPE: 'merged_result',
      CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: 'b'.repeat(40),
      CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature/mr'
    })
    expect(run.code).toBe(0)
    expect(fake.requests.find((r) => r.endpoint === 'create')?.body).toEqual({ branch: 'feature/mr', ref: 'b'.repeat(40) })
    expect(run.stderr).toContain(`ref defaults to ${'b'.repeat(40)} (GitLab merge request source branch (merged results pipeline))`)
  })

  it('outside CI and outside a git checkout, says what LayerCI will build before creating the job', async () => {
    const fake = await fakeWith(MANUAL)
    const run = await cli(['--repository', REPO, '--api-url', fake.url, '--no-wait'], { LAYERCI_TOKEN: fake.token })
    expect(run.code).toBe(0)
    expect(run.stderr).toContain(
      'layerci-run: note: No --ref or --branch was given, and the git checkout gave none: LayerCI builds its own default, origin/master on the master branch.'
    )
    expect(run.stderr.indexOf('LayerCI builds its own default')).toBeLessThan(run.stderr.indexOf('Created LayerCI job 1'))
  })

  it('an api-url with an IPv6 literal host, [::1], is reached (with a proxy set, which loopback bypasses)', async () => {
    const server = createServer((_, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' })
      response.end(JSON.stringify({ status: 'ok', job: { id: 1, calculated_status: 'SUCCEEDED', status: 'SEE_RUNNERS', branch: 'main' } }))
    })
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false))
      server.listen(0, '::1', () => resolve(true))
    })
    if (!listening) return // no IPv6 loopback on this machine
    try {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      const envs: Array<Record<string, string>> = [{}, { HTTP_PROXY: 'http://127.0.0.1:9' }]
      for (const env of envs) {
        const run = await cli(['--repository', REPO, '--api-url', `http://[::1]:${port}`, '--job-id', '1'], {
          LAYERCI_TOKEN: 'k3y-value',
          ...env
        })
        expect([env, run.code, run.stderr]).toEqual([env, 0, expect.stringContaining('LayerCI job 1 SUCCEEDED')])
      }
    } finally {
      server.close()
    }
  })

  it('--help names the key variable and the exit codes; --version prints the version', async () => {
    const help = await cli(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('LAYERCI_TOKEN environment variable, never from a flag')
    expect(help.stdout).toMatch(/130 +interrupted/)
    const version = await cli(['--version'])
    expect(version.stdout).toMatch(/^layerci-run \d+\.\d+\.\d+\n$/)
  })
})
