/** runCli in-process: the live status line, flag names in messages. */
import { describe, expect, it } from '@jest/globals'
import { HELP, runCli, type CliIo } from '../src/cli-main.js'
import { cliDefaults, defaultRepository } from '../src/ci-env.js'
import { FakeClock } from '../__fixtures__/clock.js'
import { MANUAL, startFake } from '../__fixtures__/fake.js'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { httpServer, serve } from '../__fixtures__/servers.js'
import { tempDir } from '../__fixtures__/temp.js'

function io(env: Record<string, string>, tty: boolean, clock = new FakeClock()): CliIo & { out: string[]; err: string[] } {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text), isTTY: tty },
    env,
    cwd: process.cwd(),
    clock
  }
}

/** The --json object of a run refused for bad input: no job, no result, why, exit 2. */
const badInput = (error: unknown): Record<string, unknown> => ({
  id: null,
  calculated_status: null,
  status: null,
  established: null,
  url: null,
  outcome: 'not-started',
  exit_code: 2,
  reason: 'bad-input',
  error
})

describe('runCli', () => {
  it('on a terminal, redraws one status line in place', async () => {
    const fake = await startFake({ repos: { r: { schedule: MANUAL } } })
    const clock = new FakeClock()
    clock.onSleep = (index) => {
      if (index === 1) fake.setStatus('r', 1, 'RUNNING')
      if (index === 2) fake.setStatus('r', 1, 'SUCCEEDED')
    }
    const terminal = io({ LAYERCI_TOKEN: fake.token }, true, clock)
    const code = await runCli(['--repository', 'r', '--api-url', fake.url, '--ref', 'abc1234', '--branch', 'main'], terminal)
    expect(code).toBe(0)
    const redraws = terminal.err.filter((text) => text.startsWith('\r\x1b[2KJob 1: '))
    expect(redraws.length).toBeGreaterThan(0)
    expect(redraws[0]?.slice(5)).toMatch(/^Job 1: NEW · \d+s elapsed$/)
  })

  it('names flags, not inputs, in input errors', async () => {
    const terminal = io({ LAYERCI_TOKEN: 'k3y-value' }, false)
    expect(await runCli(['--repository', 'r', '--poll-interval', '0s'], terminal)).toBe(2)
    expect(terminal.err.join('')).toContain('error: --poll-interval must be at least 1s')
  })

  it('requires a repository outside known CI systems', async () => {
    const terminal = io({ LAYERCI_TOKEN: 'k3y-value' }, false)
    expect(await runCli([], terminal)).toBe(2)
    expect(terminal.err.join('')).toContain('--repository is required')
  })
})

describe('CI defaults', () => {
  const git = (args: string[]): string | undefined => (args[0] === 'rev-parse' ? 'f'.repeat(40) : 'local-branch')
  it.each<[Record<string, string>, { ref?: string; branch?: string }]>([
    [{}, { ref: 'f'.repeat(40), branch: 'local-branch' }],
    [
      { GITLAB_CI: 'true', CI_COMMIT_SHA: 'a1', CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'mr', CI_COMMIT_BRANCH: 'x' },
      { ref: 'a1', branch: 'mr' }
    ],
    [
      { GITLAB_CI: 'true', CI_COMMIT_SHA: 'a1', CI_COMMIT_TAG: 'v1', CI_DEFAULT_BRANCH: 'main' },
      { ref: 'a1', branch: 'main' }
    ],
    [
      { JENKINS_URL: 'x', GIT_COMMIT: 'b2', GIT_BRANCH: 'origin/dev' },
      { ref: 'b2', branch: 'dev' }
    ],
    [
      { JENKINS_URL: 'x', GIT_COMMIT: 'b2', CHANGE_BRANCH: 'pr-branch', BRANCH_NAME: 'PR-5' },
      { ref: 'b2', branch: 'pr-branch' }
    ],
    [
      { CIRCLECI: 'true', CIRCLE_SHA1: 'c3', CIRCLE_BRANCH: 'circle' },
      { ref: 'c3', branch: 'circle' }
    ],
    [
      { BUILDKITE: 'true', BUILDKITE_COMMIT: 'HEAD', BUILDKITE_BRANCH: 'bk' },
      { ref: 'f'.repeat(40), branch: 'bk' }
    ],
    [
      { BUILDKITE: 'true', BUILDKITE_COMMIT: 'd4', BUILDKITE_BRANCH: 'main', BUILDKITE_TAG: 'v2' },
      { ref: 'd4', branch: undefined }
    ]
  ])('%j', (env, expected) => {
    const defaults = cliDefaults(env, git)
    expect(defaults.ref).toBe(expected.ref)
    expect(defaults.branch).toBe(expected.branch)
  })

  it('inside GitHub Actions uses the event defaults', () => {
    expect(cliDefaults({ GITHUB_ACTIONS: 'true' }, git, () => ({ ref: 'e', branch: 'b', origin: 'push event' }))).toEqual({
      ref: 'e',
      branch: 'b',
      origin: 'push event'
    })
  })

  it('finds the repository in CI variables', () => {
    expect(defaultRepository({ GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'o/r' })).toBe('o/r')
    expect(defaultRepository({ GITLAB_CI: 'true', CI_PROJECT_PATH: 'group/sub/r' })).toBe('group/sub/r')
    expect(defaultRepository({ CIRCLECI: 'true', CIRCLE_PROJECT_USERNAME: 'o', CIRCLE_PROJECT_REPONAME: 'r' })).toBe('o/r')
    expect(defaultRepository({})).toBeUndefined()
  })

  it('writes no terminal control sequence that came from the server, on the status line or any other', async () => {
    const fake = await startFake({ repos: { r: { schedule: MANUAL } } })
    const hostile = { id: 1, status: 'SEE_RUNNERS', branch: 'main', calculated_status: 'RUNNING\u001b]0;pwned\u0007\u001b[2J' }
    // A status the docs do not name ends the wait where done=true shows the job in it, and fails it.
    fake.inject('latest', { kind: 'body', body: JSON.stringify({ status: 'ok', job: hostile }) }, 2, (r) => r.query.branch === 'main')
    const terminal = io({ LAYERCI_TOKEN: fake.token }, true)
    const code = await runCli(['--repository', 'r', '--api-url', fake.url, '--ref', 'abc1234', '--branch', 'main', '--json'], terminal)
    expect(code).toBe(1)
    expect(terminal.out.join('')).not.toContain('\u001b')
    // The only escape sequence is the command's own "return, clear the line".
    const written = terminal.err.join('').split('\r\u001b[2K').join('')
    expect(written).not.toContain('\u001b')
    expect(written).not.toContain('\u0007')
    expect(written).toContain('Job 1: RUNNING\\u001b]0;pwned\\u0007\\u001b[2J')
  })

  it('says plainly what LayerCI builds when no ref and no branch come from anywhere', async () => {
    const fake = await startFake({ repos: { r: { schedule: MANUAL } } })
    const plain = { ...io({ LAYERCI_TOKEN: fake.token }, false), cwd: tempDir('not-git-') }
    expect(await runCli(['--repository', 'r', '--api-url', fake.url, '--no-wait'], plain)).toBe(0)
    expect(plain.err.join('')).toContain(
      'layerci-run: note: No --ref or --branch was given, and the git checkout gave none: LayerCI builds its own default, origin/master on the master branch.'
    )
    expect(fake.requests.find((r) => r.endpoint === 'create')?.body).toEqual({})
  })

  it('sends a branch given as a full ref as its name, with a note', async () => {
    const fake = await startFake({ repos: { r: { schedule: MANUAL } } })
    const plain = io({ LAYERCI_TOKEN: fake.token }, false)
    expect(
      await runCli(['--repository', 'r', '--api-url', fake.url, '--no-wait', '--ref', 'abc1234', '--branch', 'refs/heads/release/2'], plain)
    ).toBe(0)
    expect(fake.requests.find((r) => r.endpoint === 'create')?.body).toEqual({ branch: 'release/2', ref: 'abc1234' })
    expect(plain.err.join('')).toContain(
      'layerci-run: note: --branch "refs/heads/release/2" is a full ref: LayerCI is sent the branch name "release/2".'
    )
  })

  it('a refused key names the variable and, when auto chose the flavor, the --api-flavor flag', async () => {
    const fake = await startFake({ repos: { r: { schedule: MANUAL } } })
    const plain = io({ LAYERCI_TOKEN: 'not-the-key' }, false)
    expect(await runCli(['--repository', 'r', '--api-url', fake.url, '--ref', 'abc1234'], plain)).toBe(3)
    expect(plain.err.join('')).toContain(
      `layerci-run: error: The LayerCI API key was refused (HTTP 401: invalid API key). Check LAYERCI_TOKEN: it must be a LayerCI API key with access to r. --api-flavor is auto, which chose layerci for ${new URL(fake.url).host}: if this server speaks the webappio API, set --api-flavor webappio.`
    )
  })

  it('a server that cannot be reached names the --api-url flag', async () => {
    const fake = await startFake({ repos: { r: { schedule: MANUAL } } })
    const url = fake.url
    await fake.stop()
    const plain = io({ LAYERCI_TOKEN: 'k3y-value' }, false)
    expect(await runCli(['--repository', 'r', '--api-url', url, '--ref', 'abc1234', '--api-flavor', 'layerci'], plain)).toBe(3)
    expect(plain.err.join('')).toMatch(/the connection was refused\. Check --api-url, or run again when the service is back\./)
  })

  it('warns when the proxy variable cannot be used as a proxy (a host name without its scheme)', async () => {
    const fake = await startFake({ repos: { r: { schedule: MANUAL } } })
    const saved = process.env.HTTP_PROXY
    process.env.HTTP_PROXY = 'proxy.example.com:3128'
    try {
      const plain = io({ LAYERCI_TOKEN: fake.token }, false)
      // The fake listens on loopback, which never goes through a proxy: use its host name.
      const apiUrl = fake.url.replace('127.0.0.1', 'localhost')
      expect(await runCli(['--repository', 'r', '--api-url', apiUrl, '--no-wait', '--ref', 'abc1234'], plain)).toBe(0)
      expect(plain.err.join('')).not.toContain('is set, but not to a proxy URL')
      const viaName = io({ LAYERCI_TOKEN: fake.token }, false)
      await runCli(
        ['--repository', 'r', '--api-url', 'http://layerci.invalid', '--no-wait', '--ref', 'abc1234', '--timeout', '2s'],
        viaName
      )
      expect(viaName.err.join('')).toContain(
        'layerci-run: warning: HTTP_PROXY is set, but not to a proxy URL that can be used (write it with its scheme, e.g. http://proxy.example.com:3128): requests go to LayerCI directly.'
      )
    } finally {
      if (saved === undefined) Reflect.deleteProperty(process.env, 'HTTP_PROXY')
      else process.env.HTTP_PROXY = saved
    }
  })
})

describe('runCli exit codes', () => {
  it('a key refused while polling exits 3 (the API refused), never 4 (timed out)', async () => {
    const fake = await startFake({ repos: { r: { schedule: MANUAL } } })
    fake.addJob('r', { calculated_status: 'RUNNING' })
    const clock = new FakeClock()
    clock.onSleep = () =>
      fake.inject('latest', { kind: 'body', status: 401, body: JSON.stringify({ status: 'error', error: 'invalid API key' }) }, 100)
    const plain = io({ LAYERCI_TOKEN: fake.token }, false, clock)
    expect(await runCli(['--repository', 'r', '--api-url', fake.url, '--job-id', '1', '--timeout', '10m'], plain)).toBe(3)
    expect(plain.err.join('')).toContain('layerci-run: error: The LayerCI API key was refused (HTTP 401: invalid API key).')
  })

  it('a job that does not end before the timeout exits 4', async () => {
    const fake = await startFake({ repos: { r: { schedule: MANUAL } } })
    fake.addJob('r', { calculated_status: 'RUNNING' })
    const plain = io({ LAYERCI_TOKEN: fake.token }, false)
    expect(await runCli(['--repository', 'r', '--api-url', fake.url, '--job-id', '1', '--timeout', '30s'], plain)).toBe(4)
    expect(plain.err.join('')).toContain('layerci-run: error: Timed out after 30s waiting for LayerCI job 1')
  })
})

describe('runCli in-process: flags, output, exit codes', () => {
  const BASE = ['--ref', 'abc1234', '--branch', 'main']
  async function fakeRepo() {
    return startFake({ repos: { r: { schedule: MANUAL } } })
  }

  it('--help prints the help on stdout and exits 0; --version prints the version', async () => {
    const help = io({}, false)
    expect(await runCli(['--help'], help)).toBe(0)
    expect(help.out.join('')).toBe(HELP)
    expect(help.err).toEqual([])
    const version = io({}, false)
    expect(await runCli(['--version'], version)).toBe(0)
    expect(version.out.join('')).toMatch(/^layerci-run \d+\.\d+\.\d+\n$/)
  })

  it('an unknown flag: exit 2, the error and a pointer to --help, redacted', async () => {
    const plain = io({ LAYERCI_TOKEN: 'k3y-value' }, false)
    expect(await runCli(['--k3y-value'], plain)).toBe(2)
    const text = plain.err.join('')
    expect(text).toMatch(/^layerci-run: error: .*Unknown option '--\*\*\*'.*\nRun layerci-run --help for usage\.\n$/)
    expect(text).not.toContain('k3y-value')
  })

  it('a positional argument is refused with exit 2', async () => {
    const plain = io({ LAYERCI_TOKEN: 'k3y-value' }, false)
    expect(await runCli(['extra'], plain)).toBe(2)
    expect(plain.err.join('')).toContain('Run layerci-run --help for usage.')
  })

  it('--token is refused, whatever its value, with exit 2', async () => {
    const plain = io({ LAYERCI_TOKEN: 'k3y-value' }, false)
    expect(await runCli(['--token', 'abc', '--repository', 'r'], plain)).toBe(2)
    expect(plain.err.join('')).toBe(
      'layerci-run: error: --token is not accepted (flags show in process lists): set the LAYERCI_TOKEN environment variable instead.\n'
    )
  })

  it('no key, or a key of white space: exit 2 naming the variable', async () => {
    for (const env of [{}, { LAYERCI_TOKEN: ' \n' }] as Array<Record<string, string>>) {
      const plain = io(env, false)
      expect(await runCli(['--repository', 'r'], plain)).toBe(2)
      expect(plain.err.join('')).toBe(
        'layerci-run: error: LAYERCI_TOKEN is not set: export the LayerCI API key in the LAYERCI_TOKEN environment variable.\n'
      )
    }
  })

  it('with handleSignals, leaves no signal handler behind once it has returned, passed or failed', async () => {
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
    const counts = () => signals.map((signal) => process.listenerCount(signal))
    const before = counts()
    const fake = await fakeRepo()
    const clock = new FakeClock()
    clock.onSleep = () => fake.setStatus('r', 1, 'SUCCEEDED')
    const passed = { ...io({ LAYERCI_TOKEN: fake.token }, false, clock), handleSignals: true }
    expect(await runCli(['--repository', 'r', '--api-url', fake.url, ...BASE], passed)).toBe(0)
    expect(counts()).toEqual(before)
    const failed = { ...io({ LAYERCI_TOKEN: fake.token }, false), handleSignals: true }
    expect(await runCli(['--repository', 'r', '--api-url', fake.url, '--timeout', 'forever', ...BASE], failed)).toBe(2)
    expect(counts()).toEqual(before)
  })

  it('a flag given an empty or blank value is refused, naming it; a value with spaces around is not blank', async () => {
    const plain = io({ LAYERCI_TOKEN: 'k3y-value' }, false)
    expect(await runCli(['--repository', 'r', '--checkpoint', ' '], plain)).toBe(2)
    expect(plain.err.join('')).toBe(
      'layerci-run: error: --checkpoint was given an empty value (an unset variable?): give it a value, or leave the flag out for its default.\n'
    )
  })

  it('passes every flag to the create as its input', async () => {
    const fake = await fakeRepo()
    const plain = io({ LAYERCI_TOKEN: fake.token }, false)
    const code = await runCli(
      [
        '--repository',
        'octo/r',
        '--api-url',
        fake.url,
        '--api-flavor',
        'layerci',
        '--ref',
        'abc1234',
        '--branch',
        'dev',
        '--checkpoint',
        'deploy',
        '--accept-buttons',
        '--extra',
        'x=1',
        '--no-wait',
        '--timeout',
        '5m',
        '--poll-interval',
        '3s',
        '--succeed-on',
        'SUCCEEDED'
      ],
      plain
    )
    expect(code).toBe(0)
    expect(fake.requests.find((r) => r.endpoint === 'create')?.body).toEqual({
      branch: 'dev',
      ref: 'abc1234',
      accept_buttons: 'true',
      skip_no_further_than: 'deploy',
      extra: 'x=1'
    })
  })

  it('--no-wait prints the id alone on stdout, and says it does not wait', async () => {
    const fake = await fakeRepo()
    const plain = io({ LAYERCI_TOKEN: fake.token }, false)
    expect(await runCli(['--repository', 'r', '--api-url', fake.url, '--no-wait', ...BASE], plain)).toBe(0)
    expect(plain.out).toEqual(['1\n'])
    expect(plain.err.join('')).toContain('Created LayerCI job 1; not waiting (--no-wait).\n')
  })

  it('--no-wait --json prints the job object instead of the id', async () => {
    const fake = await fakeRepo()
    const plain = io({ LAYERCI_TOKEN: fake.token }, false)
    expect(await runCli(['--repository', 'r', '--api-url', fake.url, '--no-wait', '--json', ...BASE], plain)).toBe(0)
    expect(plain.out).toHaveLength(1)
    expect(JSON.parse(plain.out[0] ?? '')).toMatchObject({ id: 1, calculated_status: 'NEW' })
  })

  it('a job that passes: one line naming it, and --json prints the job; without --json stdout stays empty', async () => {
    const fake = await fakeRepo()
    fake.addJob('r', { calculated_status: 'SUCCEEDED' })
    const withJson = io({ LAYERCI_TOKEN: fake.token }, false)
    expect(await runCli(['--repository', 'octo/r', '--api-url', fake.url, '--job-id', '1', '--json'], withJson)).toBe(0)
    expect(withJson.err.join('')).toContain(`LayerCI job 1 SUCCEEDED: ${fake.url}/jobs/github/octo/r/1\n`)
    expect(withJson.out).toHaveLength(1)
    expect(withJson.out[0]).toMatch(/^\{"repository_name":"r","id":1,.*\}\n$/)
    const without = io({ LAYERCI_TOKEN: fake.token }, false)
    expect(await runCli(['--repository', 'r', '--api-url', fake.url, '--job-id', '1'], without)).toBe(0)
    expect(without.out).toEqual([])
    expect(without.err.join('')).toContain('LayerCI job 1 SUCCEEDED\n')
  })

  it('a status passed by --succeed-on: the line says it was counted as success', async () => {
    const fake = await fakeRepo()
    fake.addJob('r', { calculated_status: 'RUNNER_CANCELLED' })
    const plain = io({ LAYERCI_TOKEN: fake.token }, false)
    expect(
      await runCli(['--repository', 'r', '--api-url', fake.url, '--job-id', '1', '--succeed-on', 'SUCCEEDED,RUNNER_CANCELLED'], plain)
    ).toBe(0)
    expect(plain.err.join('')).toContain('LayerCI job 1 RUNNER_CANCELLED (RUNNER_CANCELLED counted as success by --succeed-on)\n')
  })

  it('a failed job: exit 1, the error line, and --json still prints the job', async () => {
    const fake = await fakeRepo()
    fake.addJob('r', { calculated_status: 'FAILURE' })
    const plain = io({ LAYERCI_TOKEN: fake.token }, false)
    expect(await runCli(['--repository', 'r', '--api-url', fake.url, '--job-id', '1', '--json'], plain)).toBe(1)
    expect(plain.err.join('')).toContain('layerci-run: error: LayerCI job 1 finished FAILURE\n')
    expect(JSON.parse(plain.out[0] ?? '')).toMatchObject({ id: 1, calculated_status: 'FAILURE' })
  })

  it('--json: exactly one object for every end, with the result, how it was established, the URL, outcome and exit code', async () => {
    // A result established by elimination: calculated_status is the result, never the RUNNING last read.
    const fake = await fakeRepo()
    const clock = new FakeClock()
    clock.onSleep = (index) => {
      if (index === 1) {
        fake.setStatus('r', 1, 'RUNNING')
        fake.addJob('r', { calculated_status: 'RUNNING', branch: 'main' })
      }
      if (index === 2) {
        fake.setStatus('r', 2, 'FAILURE')
        fake.setStatus('r', 1, 'FAILURE')
      }
    }
    const hidden = io({ LAYERCI_TOKEN: fake.token }, false, clock)
    expect(await runCli(['--repository', 'octo/r', '--api-url', fake.url, '--json', ...BASE], hidden)).toBe(1)
    expect(hidden.out).toHaveLength(1)
    expect(JSON.parse(hidden.out[0] ?? '')).toMatchObject({
      id: 1,
      calculated_status: 'FAILURE',
      status: null,
      established: 'elimination',
      hidden_by: [2],
      url: `${fake.url}/jobs/github/octo/r/1`,
      outcome: 'failed',
      exit_code: 1
    })
    // A job id that passes: one object (never an empty stdout).
    const passed = await fakeRepo()
    passed.addJob('r', { calculated_status: 'SUCCEEDED' })
    const byId = io({ LAYERCI_TOKEN: passed.token }, false)
    expect(await runCli(['--repository', 'r', '--api-url', passed.url, '--job-id', '1', '--json'], byId)).toBe(0)
    expect(byId.out).toHaveLength(1)
    expect(JSON.parse(byId.out[0] ?? '')).toMatchObject({
      id: 1,
      calculated_status: 'SUCCEEDED',
      established: 'read',
      outcome: 'passed',
      exit_code: 0
    })
    // Bad input: one object that says there is no job and no result.
    const bad = io({ LAYERCI_TOKEN: passed.token }, false)
    expect(await runCli(['--repository', 'r', '--api-url', passed.url, '--timeout', 'soon', '--json'], bad)).toBe(2)
    // Issue 26, point 2: with no result, the object says why (a stable reason) and the message.
    expect(bad.out.map((line): unknown => JSON.parse(line))).toEqual([
      badInput(expect.stringContaining('--timeout "soon" is not a duration'))
    ])
  })

  it('--json tells a refused key, an unknown repository and a server that is down apart, by reason and message, without the key', async () => {
    const refused = await fakeRepo()
    const key = io({ LAYERCI_TOKEN: 'wrong-key-123456' }, false)
    expect(await runCli(['--repository', 'r', '--api-url', refused.url, '--json', ...BASE], key)).toBe(3)
    const keyStory = JSON.parse(key.out[0] ?? '') as Record<string, unknown>
    expect(keyStory).toMatchObject({ outcome: 'not-started', reason: 'refused-key', exit_code: 3 })
    // A refused key's message leads with the key, and names where the CLI reads it.
    expect(String(keyStory.error)).toMatch(/^The LayerCI API key was refused \(HTTP 401: invalid API key\)\. Check LAYERCI_TOKEN: /)
    expect(key.out[0]).not.toContain('wrong-key-123456')
    const unknown = io({ LAYERCI_TOKEN: refused.token }, false)
    expect(await runCli(['--repository', 'no-such-repo', '--api-url', refused.url, '--json', ...BASE], unknown)).toBe(3)
    expect(JSON.parse(unknown.out[0] ?? '')).toMatchObject({ reason: 'unknown-repository', exit_code: 3 })
    const down = io({ LAYERCI_TOKEN: refused.token }, false)
    expect(await runCli(['--repository', 'r', '--api-url', 'http://127.0.0.1:9', '--json', ...BASE], down)).toBe(3)
    expect(JSON.parse(down.out[0] ?? '')).toMatchObject({ reason: 'unreachable', exit_code: 3 })
  }, 30_000)

  it('--json on a timeout: no status is claimed that the job is known to have left', async () => {
    const fake = await fakeRepo()
    const clock = new FakeClock()
    clock.onSleep = (index) => {
      if (index === 1) {
        fake.setStatus('r', 1, 'SUCCEEDED')
        fake.addJob('r', { calculated_status: 'SUCCEEDED', branch: 'main' })
        fake.addJob('r', { calculated_status: 'FAILURE', branch: 'main' })
      }
    }
    const plain = io({ LAYERCI_TOKEN: fake.token }, false, clock)
    expect(await runCli(['--repository', 'r', '--api-url', fake.url, '--json', '--timeout', '1m', ...BASE], plain)).toBe(4)
    const story: unknown = JSON.parse(plain.out[0] ?? '')
    // The run established that job 1 finished, but not with which result: NEW (last read) is not claimed.
    expect(story).toMatchObject({
      id: 1,
      calculated_status: null,
      established: null,
      outcome: 'result-unknown',
      reason: 'hidden',
      error: expect.stringMatching(/^Timed out after 1m00s waiting for LayerCI job 1\. Job 1 has finished, but newer jobs on branch main /),
      exit_code: 4
    })
    const said = plain.err.join('')
    expect(said).toContain('Last status seen: finished: SUCCEEDED or FAILURE (newer jobs hide which)')
    // How to go on, in the CLI's own words.
    expect(said).toContain('It is not cancelled (the API has no cancel endpoint); --job-id 1 waits for the same job.')
  })

  it.each([['--json', '--bogus'], ['--json', '--timeout'], ['--json', 'extra-positional'], ['--json=true']])(
    '--json with a command line it cannot read (%j): still exactly one object, exit 2',
    async (...argv) => {
      const plain = io({ LAYERCI_TOKEN: 'k'.repeat(20) }, false)
      expect(await runCli(['--repository', 'r', ...argv], plain)).toBe(2)
      expect(plain.out.map((line): unknown => JSON.parse(line))).toEqual([badInput(expect.any(String))])
    }
  )

  it('issue 26, point 6: -h is --help, whose text has examples; an unknown flag near a known one gets "did you mean"', async () => {
    const short = io({}, false)
    expect(await runCli(['-h'], short)).toBe(0)
    expect(short.out.join('')).toBe(HELP)
    expect(HELP).toMatch(/\nExamples:\n/)
    expect(HELP).toContain('--job-id "$id"')
    const typo = io({ LAYERCI_TOKEN: 'k'.repeat(20) }, false)
    expect(await runCli(['--repo', 'octo/r'], typo)).toBe(2)
    expect(typo.err.join('')).toContain("Unknown option '--repo'. Did you mean --repository?")
    const near = io({ LAYERCI_TOKEN: 'k'.repeat(20) }, false)
    expect(await runCli(['--timout', '5m'], near)).toBe(2)
    expect(near.err.join('')).toContain('Did you mean --timeout?')
    const far = io({ LAYERCI_TOKEN: 'k'.repeat(20) }, false)
    expect(await runCli(['--zzzzzz'], far)).toBe(2)
    expect(far.err.join('')).not.toContain('Did you mean')
  })

  it.each([
    [
      ['--wait=false'],
      "Unknown option '--wait': waiting is the default; to create the job without waiting (the action's \"wait: false\"), give --no-wait."
    ],
    [
      ['--wait', 'false'],
      "Unknown option '--wait': waiting is the default; to create the job without waiting (the action's \"wait: false\"), give --no-wait."
    ],
    [
      ['--accept-buttons=true'],
      "Option '--accept-buttons' does not take an argument: --accept-buttons is a switch; give it alone, or leave it out."
    ],
    [['--bogus'], "Unknown option '--bogus'"]
  ])('a mistaken flag %j says what to write instead', async (argv, message) => {
    const plain = io({ LAYERCI_TOKEN: 'k'.repeat(20) }, false)
    expect(await runCli(['--repository', 'r', ...argv], plain)).toBe(2)
    expect(plain.err.join('')).toBe(`layerci-run: error: ${message}\nRun layerci-run --help for usage.\n`)
  })

  it('warnings and notes carry the prefix; a phase is one line ending in an ellipsis', async () => {
    const fake = await startFake({ dialect: 'webappio', repos: { r: { schedule: MANUAL } } })
    const plain = io({ LAYERCI_TOKEN: fake.token }, false)
    await runCli(
      ['--repository', 'r', '--api-url', fake.url, '--api-flavor', 'webappio', '--no-wait', '--checkpoint', 'deploy', ...BASE],
      plain
    )
    const lines = plain.err.join('').split('\n')
    expect(lines).toContain('Create a LayerCI job for r…')
    expect(lines).toContain(
      'layerci-run: note: The later LayerCI/webapp.io API no longer documents skip_no_further_than; "checkpoint" is sent as skip_no_further_than anyway.'
    )
  })

  it('debug lines only with LAYERCI_DEBUG=1 or RUNNER_DEBUG=1', async () => {
    const fake = await fakeRepo()
    for (const [env, shown] of [
      [{}, false],
      [{ LAYERCI_DEBUG: '1' }, true],
      [{ RUNNER_DEBUG: '1' }, true],
      [{ LAYERCI_DEBUG: '0' }, false]
    ] as const) {
      const plain = io({ LAYERCI_TOKEN: fake.token, ...env }, false)
      await runCli(['--repository', 'r', '--api-url', fake.url, '--no-wait', ...BASE], plain)
      expect(plain.err.join('').includes('debug: GET /api/v1/run/r/latest?layertoken=*** -> HTTP 200')).toBe(shown)
    }
  })

  it('without a terminal, each status is a line of its own, with no control sequence', async () => {
    const fake = await fakeRepo()
    const clock = new FakeClock()
    clock.onSleep = (index) => fake.setStatus('r', 1, index === 1 ? 'RUNNING' : 'SUCCEEDED')
    const plain = io({ LAYERCI_TOKEN: fake.token }, false, clock)
    expect(await runCli(['--repository', 'r', '--api-url', fake.url, ...BASE], plain)).toBe(0)
    const text = plain.err.join('')
    expect(text).not.toContain('\u001b')
    expect(text).toMatch(/\nJob 1: NEW after \d+s\nJob 1: RUNNING after \d+s\nJob 1: SUCCEEDED after \d+s\n/)
  })

  it('on a terminal, a plain line first clears the status line, then the status line is drawn again; the end leaves a newline', async () => {
    const fake = await fakeRepo()
    const clock = new FakeClock()
    clock.onSleep = () => fake.setStatus('r', 1, 'SUCCEEDED')
    const terminal = io({ LAYERCI_TOKEN: fake.token }, true, clock)
    expect(await runCli(['--repository', 'r', '--api-url', fake.url, ...BASE], terminal)).toBe(0)
    const text = terminal.err.join('')
    expect(text).toContain('\r\u001b[2KJob 1: NEW · ')
    expect(text).toContain('\r\u001b[2KJob 1: SUCCEEDED · ')
    // The status line is closed with a newline before the final line, which is never drawn over.
    expect(text).toMatch(/Job 1: SUCCEEDED · \d+s elapsed\nLayerCI job 1 SUCCEEDED: \S+\n$/)
    expect(terminal.err.at(-1)).toMatch(/^LayerCI job 1 SUCCEEDED: \S+\n$/)
  })

  it('inside GitHub Actions, an event payload that is not JSON fails with exit 2 before any request', async () => {
    const dir = tempDir('layerci-event-')
    writeFileSync(join(dir, 'event.json'), '{not json')
    const fake = await fakeRepo()
    const plain = io({ LAYERCI_TOKEN: fake.token, GITHUB_ACTIONS: 'true', GITHUB_EVENT_PATH: join(dir, 'event.json') }, false)
    expect(await runCli(['--repository', 'r', '--api-url', fake.url, ...BASE], plain)).toBe(2)
    expect(plain.err.join('')).toContain(`GITHUB_EVENT_PATH names ${join(dir, 'event.json')}, which is not a JSON event payload`)
    expect(fake.requests).toHaveLength(0)
    const outside = io({ LAYERCI_TOKEN: fake.token, GITHUB_EVENT_PATH: join(dir, 'event.json') }, false)
    expect(await runCli(['--repository', 'r', '--api-url', fake.url, '--no-wait', ...BASE], outside)).toBe(0)
  })

  it('the repository defaults to the CI variables', async () => {
    const fake = await fakeRepo()
    const plain = io({ LAYERCI_TOKEN: fake.token, GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'octo/r' }, false)
    expect(await runCli(['--api-url', fake.url, '--no-wait', ...BASE], plain)).toBe(0)
    expect(fake.count('create')).toBe(1)
  })

  it('messages name flags: a refused --job-id together with --no-wait', async () => {
    const plain = io({ LAYERCI_TOKEN: 'k3y-value' }, false)
    expect(await runCli(['--repository', 'r', '--job-id', '5', '--no-wait'], plain)).toBe(2)
    expect(plain.err.join('')).toBe('layerci-run: error: --job-id cannot be used with --no-wait: an existing job can only be waited for\n')
  })

  it('messages name flags: --accept-buttons given a bad value is impossible, --api-flavor names its value', async () => {
    const plain = io({ LAYERCI_TOKEN: 'k3y-value' }, false)
    expect(await runCli(['--repository', 'r', '--api-flavor', 'gitlab'], plain)).toBe(2)
    expect(plain.err.join('')).toBe('layerci-run: error: --api-flavor must be auto, layerci or webappio, not "gitlab"\n')
  })

  it('an auto flavor names the other one as a flag with its value', async () => {
    const fake = await fakeRepo()
    const plain = io({ LAYERCI_TOKEN: 'wrong-key-1' }, false)
    expect(await runCli(['--repository', 'r', '--api-url', fake.url, ...BASE], plain)).toBe(3)
    expect(plain.err.join('')).toContain('set --api-flavor webappio.')
  })
})

describe('runCli: the key and the server', () => {
  it('a key stored with a trailing newline is redacted trimmed too, in the job printed by --json', async () => {
    const fake = await startFake({ repos: { r: { schedule: MANUAL } } })
    const job = {
      id: 1,
      calculated_status: 'SUCCEEDED',
      status: 'SEE_RUNNERS',
      branch: 'main',
      run_start_reason: `API call with ${fake.token}`
    }
    fake.inject('latest', { kind: 'body', body: JSON.stringify({ status: 'ok', job }) }, 100)
    const plain = io({ LAYERCI_TOKEN: `${fake.token}\n` }, false)
    expect(await runCli(['--repository', 'r', '--api-url', fake.url, '--job-id', '1', '--json'], plain)).toBe(0)
    const out = plain.out.join('')
    expect(JSON.parse(out)).toMatchObject({ id: 1, run_start_reason: 'API call with ***' })
    expect(out + plain.err.join('')).not.toContain(fake.token)
  })

  it('says who is asking: requests carry the layerci-run user agent and version', async () => {
    const agents: Array<string | undefined> = []
    const api = await serve(
      httpServer((request, response) => {
        agents.push(request.headers['user-agent'])
        const body =
          request.method === 'POST'
            ? { status: 'ok', job: { id: 1, calculated_status: 'NEW', status: 'NEW', branch: 'main' } }
            : { status: 'error', error: 'There are no runs in o/r matching the given filters.' }
        response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body))
      })
    )
    const plain = io({ LAYERCI_TOKEN: 'k3y-value' }, false)
    expect(await runCli(['--repository', 'r', '--api-url', api.origin, '--ref', 'abc1234', '--branch', 'main', '--no-wait'], plain)).toBe(0)
    expect(agents).toHaveLength(2)
    for (const agent of agents) expect(agent).toMatch(/^layerci-run\/\d+\.\d+\.\d+/)
  })

  it('with no repository from a flag or a CI system, says where one can come from', async () => {
    const plain = io({ LAYERCI_TOKEN: 'k3y-value' }, false)
    expect(await runCli([], plain)).toBe(2)
    expect(plain.err.join('')).toBe(
      'layerci-run: error: --repository is required (owner/name or name) outside GitHub Actions, GitLab CI and CircleCI.\n'
    )
  })
})

describe('the API URL from LAYERCI_API_URL', () => {
  const BASE = ['--repository', 'r', '--ref', 'abc1234', '--branch', 'main', '--no-wait']

  it('--help says so', () => {
    expect(HELP).toContain('--api-url URL          API base URL (default: LAYERCI_API_URL, else https://layerci.com)')
  })

  it('is where the requests go when --api-url is not given', async () => {
    const fake = await startFake({ repos: { r: { schedule: MANUAL } } })
    const plain = io({ LAYERCI_TOKEN: fake.token, LAYERCI_API_URL: fake.url }, false)
    expect(await runCli(BASE, plain)).toBe(0)
    expect(plain.out).toEqual(['1\n'])
    expect(fake.requests.map((r) => r.endpoint)).toContain('create')
  })

  it('--api-url wins over it, even when the variable is empty or not a URL', async () => {
    const fake = await startFake({ repos: { r: { schedule: MANUAL } } })
    for (const value of ['', 'not a url', 'http://127.0.0.1:1']) {
      const plain = io({ LAYERCI_TOKEN: fake.token, LAYERCI_API_URL: value }, false)
      expect([value, await runCli([...BASE, '--api-url', fake.url], plain)]).toEqual([value, 0])
    }
    expect(fake.requests.filter((r) => r.endpoint === 'create')).toHaveLength(3)
  })

  it.each(['', '  '])('set to %j, is refused like an empty flag, naming the variable: exit 2, no request', async (value) => {
    const fake = await startFake({ repos: { r: { schedule: MANUAL } } })
    const plain = io({ LAYERCI_TOKEN: fake.token, LAYERCI_API_URL: value }, false)
    expect(await runCli(BASE, plain)).toBe(2)
    expect(plain.err.join('')).toBe(
      "layerci-run: error: LAYERCI_API_URL is set but empty (an unset variable?): give it the API's base URL, or unset it for the default, https://layerci.com.\n"
    )
    expect(fake.requests).toEqual([])
  })

  it('messages about a URL from the variable name the variable, not --api-url', async () => {
    const bad = io({ LAYERCI_TOKEN: 'k3y-value', LAYERCI_API_URL: 'layerci.example' }, false)
    expect(await runCli(BASE, bad)).toBe(2)
    expect(bad.err.join('')).toMatch(/^layerci-run: error: LAYERCI_API_URL "layerci\.example" is not a URL/)
    const fake = await startFake({ repos: { r: { schedule: MANUAL } } })
    const url = fake.url
    await fake.stop()
    const down = io({ LAYERCI_TOKEN: 'k3y-value', LAYERCI_API_URL: url }, false)
    expect(await runCli([...BASE, '--api-flavor', 'layerci'], down)).toBe(3)
    expect(down.err.join('')).toMatch(/the connection was refused\. Check LAYERCI_API_URL, or run again when the service is back\./)
    expect(down.err.join('')).not.toContain('--api-url')
  })
})
