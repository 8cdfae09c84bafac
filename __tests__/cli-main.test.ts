/** runCli in-process: the live status line, flag names in messages. */
import { describe, expect, it } from '@jest/globals'
import { runCli, type CliIo } from '../src/cli-main.js'
import { cliDefaults, defaultRepository } from '../src/ci-env.js'
import { FakeClock } from '../__fixtures__/clock.js'
import { MANUAL, startFake } from '../__fixtures__/fake.js'

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
    const terminal = io({ LAYERCI_TOKEN: 'k' }, false)
    expect(await runCli(['--repository', 'r', '--poll-interval', '0s'], terminal)).toBe(2)
    expect(terminal.err.join('')).toContain('error: --poll-interval must be at least 1s')
  })

  it('requires a repository outside known CI systems', async () => {
    const terminal = io({ LAYERCI_TOKEN: 'k' }, false)
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
})
