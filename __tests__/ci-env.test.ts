/** The CLI's defaults outside GitHub Actions: what each CI system's variables give, and where each field came from. */
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cliDefaults, defaultRepository, gitIn, type Git } from '../src/ci-env.js'

const HEAD = 'f'.repeat(40)
const MERGE_COMMIT = 'e'.repeat(40)
const SOURCE_HEAD = 'a'.repeat(40)

/** A checkout whose HEAD is `head` on `branch`; records what it was asked. */
function checkout(head: string | undefined, branch: string | undefined): Git & { asked: string[][] } {
  const asked: string[][] = []
  const git = (args: string[]): string | undefined => {
    asked.push(args)
    return args[0] === 'rev-parse' ? head : branch
  }
  return Object.assign(git, { asked })
}

/** The variables of a GitLab merge request pipeline of this event type. */
const mergeRequest = (eventType: string, extra: Record<string, string> = {}): Record<string, string> => ({
  GITLAB_CI: 'true',
  CI_PIPELINE_SOURCE: 'merge_request_event',
  CI_MERGE_REQUEST_EVENT_TYPE: eventType,
  CI_COMMIT_SHA: MERGE_COMMIT,
  CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature/login',
  CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: SOURCE_HEAD,
  CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
  ...extra
})

describe('GitLab merge request pipelines', () => {
  it.each([
    ['merged_result', 'merged results pipeline'],
    ['merge_train', 'merge train pipeline']
  ])('%s: builds the source branch head, not the merge commit GitLab made (CI_COMMIT_SHA)', (eventType, name) => {
    const git = checkout(MERGE_COMMIT, undefined)
    const origin = `GitLab merge request source branch (${name})`
    expect(cliDefaults(mergeRequest(eventType), git)).toEqual({
      ref: SOURCE_HEAD,
      branch: 'feature/login',
      origin,
      refOrigin: origin,
      branchOrigin: origin
    })
    expect(git.asked).toEqual([])
  })

  it('merged_result without the source branch SHA: no ref rather than the merge commit, from the variables or from HEAD', () => {
    const git = checkout(MERGE_COMMIT, undefined)
    const defaults = cliDefaults(mergeRequest('merged_result', { CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: '' }), git)
    expect(defaults.ref).toBeUndefined()
    expect(defaults.refOrigin).toBeUndefined()
    expect(defaults.branch).toBe('feature/login')
    expect(defaults.branchOrigin).toBe('GitLab merge request source branch (merged results pipeline)')
    expect(git.asked).toEqual([])
  })

  it('detached (the default merge request pipeline): CI_COMMIT_SHA is the source branch head, and is used', () => {
    const defaults = cliDefaults(
      mergeRequest('detached', { CI_COMMIT_SHA: SOURCE_HEAD, CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: '' }),
      checkout(HEAD, 'x')
    )
    expect(defaults).toEqual({
      ref: SOURCE_HEAD,
      branch: 'feature/login',
      origin: 'GitLab CI variables',
      refOrigin: 'GitLab CI variables',
      branchOrigin: 'GitLab CI variables'
    })
  })

  it('a branch pipeline: CI_COMMIT_SHA on CI_COMMIT_BRANCH', () => {
    expect(
      cliDefaults({ GITLAB_CI: 'true', CI_COMMIT_SHA: HEAD, CI_COMMIT_BRANCH: 'develop' }, checkout(undefined, undefined))
    ).toMatchObject({
      ref: HEAD,
      branch: 'develop',
      origin: 'GitLab CI variables'
    })
  })
})

describe('where each default came from', () => {
  it('no CI system: both from the git checkout', () => {
    expect(cliDefaults({}, checkout(HEAD, 'local'))).toEqual({
      ref: HEAD,
      branch: 'local',
      origin: 'the git checkout',
      refOrigin: 'the git checkout',
      branchOrigin: 'the git checkout'
    })
  })

  it('the ref from the git checkout, the branch from the CI variables: says which is which', () => {
    const defaults = cliDefaults({ BUILDKITE: 'true', BUILDKITE_COMMIT: 'HEAD', BUILDKITE_BRANCH: 'bk' }, checkout(HEAD, 'ignored'))
    expect(defaults).toEqual({
      ref: HEAD,
      branch: 'bk',
      origin: 'the git checkout for the ref, Buildkite variables for the branch',
      refOrigin: 'the git checkout',
      branchOrigin: 'Buildkite variables'
    })
  })

  it('a tag build with the ref from git: only the git checkout is named, and no branch is taken from it', () => {
    const defaults = cliDefaults(
      { BUILDKITE: 'true', BUILDKITE_COMMIT: 'HEAD', BUILDKITE_TAG: 'v2', BUILDKITE_BRANCH: 'v2' },
      checkout(HEAD, 'x')
    )
    expect(defaults).toEqual({ ref: HEAD, branch: undefined, origin: 'the git checkout', refOrigin: 'the git checkout' })
  })

  it('a tag build with the ref from the variables: the CI system alone is named', () => {
    const git = checkout(HEAD, 'x')
    expect(cliDefaults({ JENKINS_URL: 'x', GIT_COMMIT: 'b2', TAG_NAME: 'v1', BRANCH_NAME: 'v1' }, git)).toEqual({
      ref: 'b2',
      branch: undefined,
      origin: 'Jenkins variables',
      refOrigin: 'Jenkins variables'
    })
    expect(git.asked).toEqual([])
  })

  it('nothing found: neither field, nor a field origin', () => {
    expect(cliDefaults({ CIRCLECI: 'true' }, checkout(undefined, undefined))).toEqual({
      ref: undefined,
      branch: undefined,
      origin: 'CircleCI variables'
    })
  })
})

describe('the git checkout, through real git', () => {
  it('gives HEAD and its branch; nothing outside a repository', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-env-'))
    try {
      const git = gitIn(dir)
      expect(cliDefaults({}, git)).toEqual({ ref: undefined, branch: undefined, origin: 'the git checkout' })
      const run = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim()
      run('init', '-q', '-b', 'feature/x')
      run('-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', 'commit', '-q', '--allow-empty', '-m', 'one')
      const head = run('rev-parse', 'HEAD')
      expect(cliDefaults({}, git)).toMatchObject({ ref: head, branch: 'feature/x' })
      // A detached HEAD has a commit and no branch.
      run('checkout', '-q', '--detach')
      expect(cliDefaults({}, git)).toMatchObject({ ref: head, branch: undefined })
      // A CI system that names the branch but not the commit: the commit from HEAD.
      expect(cliDefaults({ CIRCLECI: 'true', CIRCLE_BRANCH: 'main' }, git)).toMatchObject({
        ref: head,
        branch: 'main',
        refOrigin: 'the git checkout'
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('CI variables', () => {
  it('trims values, and takes blank ones for missing', () => {
    expect(
      cliDefaults({ CIRCLECI: 'true', CIRCLE_SHA1: ` ${HEAD} `, CIRCLE_BRANCH: ' dev ' }, checkout(undefined, undefined))
    ).toMatchObject({
      ref: HEAD,
      branch: 'dev'
    })
    expect(cliDefaults({ CIRCLECI: 'true', CIRCLE_SHA1: '  ', CIRCLE_BRANCH: '' }, checkout(HEAD, 'x'))).toMatchObject({
      ref: HEAD,
      branch: undefined
    })
  })

  it('Jenkins: GIT_BRANCH without only its leading origin/ or refs/heads/', () => {
    const jenkins = (GIT_BRANCH: string) =>
      cliDefaults({ JENKINS_URL: 'x', GIT_COMMIT: HEAD, GIT_BRANCH }, checkout(undefined, undefined)).branch
    expect(jenkins('origin/main')).toBe('main')
    expect(jenkins('refs/heads/dev')).toBe('dev')
    expect(jenkins('team/origin/x')).toBe('team/origin/x')
  })

  it.each<[string, Record<string, string>]>([
    ['Jenkins', { JENKINS_URL: 'x', BRANCH_NAME: 'b' }],
    ['CircleCI', { CIRCLECI: 'true', CIRCLE_BRANCH: 'b' }],
    ['Buildkite', { BUILDKITE: 'true', BUILDKITE_BRANCH: 'b' }],
    ['GitLab', { GITLAB_CI: 'true', CI_COMMIT_BRANCH: 'b' }]
  ])('%s without a commit: HEAD of the checkout is the commit', (_, env) => {
    const git = checkout(HEAD, 'ignored')
    expect(cliDefaults(env, git)).toMatchObject({ ref: HEAD, branch: 'b' })
    expect(git.asked).toEqual([['rev-parse', 'HEAD']])
  })

  it('GitLab tag pipeline: the default branch, saying why', () => {
    const tag = cliDefaults(
      { GITLAB_CI: 'true', CI_COMMIT_SHA: HEAD, CI_COMMIT_TAG: 'v1', CI_DEFAULT_BRANCH: 'main' },
      checkout(undefined, undefined)
    )
    expect(tag).toMatchObject({
      branch: 'main',
      refOrigin: 'GitLab CI variables',
      branchOrigin: "GitLab builds tag v1, which is not a branch: the project's default branch, CI_DEFAULT_BRANCH"
    })
    expect(
      cliDefaults({ GITLAB_CI: 'true', CI_COMMIT_SHA: HEAD, CI_DEFAULT_BRANCH: 'main' }, checkout(undefined, undefined)).branch
    ).toBeUndefined()
  })

  it('CircleCI tag build: no branch is sent, and the note says why and what LayerCI then builds on', () => {
    const tag = cliDefaults({ CIRCLECI: 'true', CIRCLE_SHA1: HEAD, CIRCLE_TAG: 'v1.2.0' }, checkout(undefined, undefined))
    expect(tag.branch).toBeUndefined()
    expect(tag.branchNote).toBe(
      'CircleCI builds tag v1.2.0, which is not a branch, and names no default branch: no branch is sent, so LayerCI checks the commit out on its default branch (master); give --branch to choose one.'
    )
  })

  it('CircleCI pull request from a fork ("pull/42"): not sent as a branch, and the note says why', () => {
    const fork = cliDefaults({ CIRCLECI: 'true', CIRCLE_SHA1: HEAD, CIRCLE_BRANCH: 'pull/42' }, checkout(undefined, undefined))
    expect(fork.branch).toBeUndefined()
    expect(fork.branchNote).toBe(
      'CircleCI names the branch of a pull request from a fork "pull/42", which is not a branch of this repository: no branch is sent, so LayerCI checks the commit out on its default branch (master); give --branch to choose one.'
    )
    // A branch that only starts like one is a branch.
    expect(cliDefaults({ CIRCLECI: 'true', CIRCLE_BRANCH: 'pull/42-fix' }, checkout(HEAD, 'x')).branch).toBe('pull/42-fix')
    expect(cliDefaults({ CIRCLECI: 'true', CIRCLE_BRANCH: 'feature/pull/42' }, checkout(HEAD, 'x')).branch).toBe('feature/pull/42')
  })

  it('inside GitHub Actions, the event defaults', () => {
    const github = { ref: 'e', branch: 'f', origin: 'push event' }
    expect(cliDefaults({ GITHUB_ACTIONS: 'true', GITLAB_CI: 'true' }, checkout(HEAD, 'x'), () => github)).toBe(github)
    expect(cliDefaults({ GITHUB_ACTIONS: 'false' }, checkout(HEAD, 'x'), () => github)).not.toBe(github)
  })
})

describe('defaultRepository', () => {
  it.each<[Record<string, string>, string | undefined]>([
    [{ GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'o/r' }, 'o/r'],
    [{ GITHUB_REPOSITORY: 'o/r' }, undefined],
    [{ GITHUB_ACTIONS: 'true' }, undefined],
    [{ GITLAB_CI: 'true', CI_PROJECT_PATH: 'group/sub/proj' }, 'group/sub/proj'],
    [{ CI_PROJECT_PATH: 'group/proj' }, undefined],
    [{ CIRCLECI: 'true', CIRCLE_PROJECT_USERNAME: 'u', CIRCLE_PROJECT_REPONAME: 'r' }, 'u/r'],
    [{ CIRCLECI: 'true', CIRCLE_PROJECT_REPONAME: 'r' }, undefined],
    [{ CIRCLECI: 'true', CIRCLE_PROJECT_USERNAME: 'u' }, undefined],
    [{ CIRCLE_PROJECT_USERNAME: 'u', CIRCLE_PROJECT_REPONAME: 'r' }, undefined]
  ])('%j: %j', (env, repository) => {
    expect(defaultRepository(env)).toBe(repository)
  })
})
