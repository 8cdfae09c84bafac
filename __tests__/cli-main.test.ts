/** runCli in-process: the live status line, flag names in messages. */
import { describe, expect, it } from '@jest/globals'
import { runCli, type CliIo } from '../src/cli-main.js'
import { cliDefaults, defaultRepository } from '../src/ci-env.js'
import { FakeClock } from '../__fixtures__/clock.js'
import { MANUAL, startFake } from '../__fixtures__/fake.js'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

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
    expect(defaultRepository({ GITLAB_CI: 'true', CI_PROJECT_PATH: 'group/sub/r' })).toBe('sub/r')
    expect(defaultRepository({ CIRCLECI: 'true', CIRCLE_PROJECT_USERNAME: 'o', CIRCLE_PROJECT_REPONAME: 'r' })).toBe('o/r')
    expect(defaultRepository({})).toBeUndefined()
  })

  it('writes no terminal control sequence that came from the server, on the status line or any other', async () => {
    const fake = await startFake({ repos: { r: { schedule: MANUAL } } })
    const hostile = { id: 1, status: 'SEE_RUNNERS', branch: 'main', calculated_status: 'RUNNING\u001b]0;pwned\u0007\u001b[2J' }
    // A status the docs do not name ends the wait, and fails it.
    fake.inject('latest', { kind: 'body', body: JSON.stringify({ status: 'ok', job: hostile }) }, 2)
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
    const plain = { ...io({ LAYERCI_TOKEN: fake.token }, false), cwd: mkdtempSync(join(tmpdir(), 'not-git-')) }
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
