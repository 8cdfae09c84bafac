import { describe, expect, it } from '@jest/globals'
import { eventDefaults, secretsWithheld } from '../src/event.js'

const sha = '1111111111111111111111111111111111111111'
const head = '2222222222222222222222222222222222222222'

describe('eventDefaults', () => {
  it('push to a branch: the pushed commit and its branch', () => {
    expect(eventDefaults({ eventName: 'push', sha, ref: 'refs/heads/main', payload: {} })).toMatchObject({ ref: sha, branch: 'main' })
  })

  it.each(['workflow_dispatch', 'schedule'])('%s: GITHUB_SHA and the branch', (eventName) => {
    expect(eventDefaults({ eventName, sha, ref: 'refs/heads/release/1.x', payload: {} })).toMatchObject({ ref: sha, branch: 'release/1.x' })
  })

  it.each(['pull_request', 'pull_request_target'])('%s: the head commit and head branch, not the merge commit', (eventName) => {
    const defaults = eventDefaults({
      eventName,
      sha,
      ref: 'refs/pull/7/merge',
      payload: { pull_request: { head: { sha: head, ref: 'feature-x' } } }
    })
    expect(defaults).toMatchObject({ ref: head, branch: 'feature-x' })
    expect(defaults.origin).toContain(eventName)
  })

  it('tag push: the tagged commit, the default branch from the payload', () => {
    expect(
      eventDefaults({ eventName: 'push', sha, ref: 'refs/tags/v1.2.0', payload: { repository: { default_branch: 'trunk' } } })
    ).toMatchObject({
      ref: sha,
      branch: 'trunk'
    })
  })

  it('release: the commit, the default branch; no branch when the payload has none', () => {
    expect(
      eventDefaults({ eventName: 'release', sha, ref: 'refs/tags/v2', payload: { repository: { default_branch: 'main' } } }).branch
    ).toBe('main')
    const defaults = eventDefaults({ eventName: 'release', sha, ref: 'refs/tags/v2', payload: {} })
    expect(defaults.ref).toBe(sha)
    expect(defaults.branch).toBeUndefined()
  })

  it('merge_group: the queue head', () => {
    expect(
      eventDefaults({
        eventName: 'merge_group',
        sha,
        ref: 'refs/heads/gh-readonly-queue/main/pr-1',
        payload: { merge_group: { head_sha: head, head_ref: 'refs/heads/gh-readonly-queue/main/pr-1' } }
      })
    ).toMatchObject({ ref: head, branch: 'gh-readonly-queue/main/pr-1' })
  })

  it('reads the environment when no context is given', () => {
    const saved = { ...process.env }
    try {
      process.env.GITHUB_EVENT_NAME = 'push'
      process.env.GITHUB_SHA = sha
      process.env.GITHUB_REF = 'refs/heads/dev'
      delete process.env.GITHUB_EVENT_PATH
      expect(eventDefaults()).toMatchObject({ ref: sha, branch: 'dev' })
    } finally {
      process.env = saved
    }
  })

  it.each(['pull_request_review', 'pull_request_review_comment'])('%s: the pull request head too', (eventName) => {
    expect(
      eventDefaults({ eventName, sha, ref: 'refs/pull/7/merge', payload: { pull_request: { head: { sha: head, ref: 'feature-x' } } } })
    ).toEqual({ ref: head, branch: 'feature-x', origin: `${eventName} head` })
  })

  it('a pull request payload without a head, or with empty or non-string fields, gives no defaults (and does not throw)', () => {
    const at = (payload: unknown) => eventDefaults({ eventName: 'pull_request', sha, ref: 'refs/pull/7/merge', payload })
    expect(at({ pull_request: null })).toEqual({ ref: undefined, branch: undefined, origin: 'pull_request head' })
    expect(at(null)).toMatchObject({ ref: undefined, branch: undefined })
    expect(at({ pull_request: { head: { sha: '', ref: 7 } } })).toMatchObject({ ref: undefined, branch: undefined })
  })

  it('says where the defaults came from for a tag, a release, a merge queue and a branch', () => {
    const repository = { default_branch: 'main' }
    // The reason a tag gets the default branch belongs to the branch, not to the ref.
    expect(eventDefaults({ eventName: 'push', sha, ref: 'refs/tags/v1', payload: { repository } })).toEqual({
      ref: sha,
      branch: 'main',
      origin: 'push of tag v1',
      refOrigin: 'push of tag v1',
      branchOrigin: "push of tag v1; a tag is not a branch: the repository's default branch"
    })
    expect(eventDefaults({ eventName: 'merge_group', sha, ref: '', payload: {} }).origin).toBe('merge_group head')
    expect(eventDefaults({ eventName: 'push', sha, ref: 'refs/heads/main', payload: {} }).origin).toBe('push event')
    expect(eventDefaults({ eventName: '', sha, ref: 'refs/heads/main', payload: {} }).origin).toBe('GitHub event')
  })

  it('release: the default branch whatever GITHUB_REF says', () => {
    expect(eventDefaults({ eventName: 'release', sha, ref: '', payload: { repository: { default_branch: 'trunk' } } })).toEqual({
      ref: sha,
      branch: 'trunk',
      origin: 'release of a tag',
      refOrigin: 'release of a tag',
      branchOrigin: "release of a tag; a tag is not a branch: the repository's default branch"
    })
    const release = { repository: { default_branch: 'trunk' }, release: { tag_name: 'v2.0.0' } }
    expect(eventDefaults({ eventName: 'release', sha, ref: '', payload: release }).refOrigin).toBe('release of tag v2.0.0')
  })

  it('a tag whose event names no default branch: no branch, and a note that says why and what LayerCI then uses', () => {
    expect(eventDefaults({ eventName: 'push', sha, ref: 'refs/tags/v1', payload: {} })).toEqual({
      ref: sha,
      branch: undefined,
      origin: 'push of tag v1',
      refOrigin: 'push of tag v1',
      branchNote:
        'push of tag v1: a tag is not a branch, and the event names no default branch, so no branch is sent (LayerCI uses master); give a branch to choose one.'
    })
  })

  it('merge_group without a head in the payload: GITHUB_SHA, and no branch; nothing when that is empty too', () => {
    expect(eventDefaults({ eventName: 'merge_group', sha, ref: '', payload: {} })).toMatchObject({ ref: sha, branch: undefined })
    expect(eventDefaults({ eventName: 'merge_group', sha: '', ref: '', payload: {} })).toMatchObject({ ref: undefined, branch: undefined })
  })

  it('merge_group: only a leading refs/heads/ is taken off the head ref', () => {
    const defaults = eventDefaults({
      eventName: 'merge_group',
      sha,
      ref: '',
      payload: { merge_group: { head_sha: head, head_ref: 'queue/refs/heads/x' } }
    })
    expect(defaults.branch).toBe('queue/refs/heads/x')
  })

  it('an event whose ref is neither a branch nor a tag gives no branch; an empty GITHUB_SHA gives no ref', () => {
    expect(eventDefaults({ eventName: 'check_run', sha, ref: 'refs/pull/7/merge', payload: {} })).toEqual({
      ref: sha,
      branch: undefined,
      origin: 'check_run event'
    })
    expect(eventDefaults({ eventName: 'push', sha: '', ref: 'refs/heads/main', payload: {} }).ref).toBeUndefined()
    expect(eventDefaults({ eventName: 'push', sha: '', ref: 'refs/tags/v1', payload: {} }).ref).toBeUndefined()
  })
})

describe('secretsWithheld', () => {
  const pr = (head: string, base: string) => ({
    pull_request: { head: { repo: { full_name: head } }, base: { repo: { full_name: base } } }
  })
  const context = (eventName: string, payload: unknown, actor = 'octocat') => ({ eventName, sha: '', ref: '', payload, actor })

  it.each(['pull_request', 'pull_request_review', 'pull_request_review_comment'])('%s from a fork: GitHub passes no secrets', (event) => {
    expect(secretsWithheld(context(event, pr('someone/web-app', 'octo-org/web-app')))).toBe('fork')
  })

  it('a pull request from a branch of the same repository gets secrets', () => {
    expect(secretsWithheld(context('pull_request', pr('octo-org/web-app', 'octo-org/web-app')))).toBeUndefined()
  })

  it('pull_request_target runs with the base repository secrets, forks included', () => {
    expect(secretsWithheld(context('pull_request_target', pr('someone/web-app', 'octo-org/web-app')))).toBeUndefined()
  })

  it('a payload without the repositories says nothing', () => {
    expect(secretsWithheld(context('pull_request', { pull_request: {} }))).toBeUndefined()
  })

  it('a payload naming only one side (a deleted fork has no head repository) says nothing either', () => {
    const baseOnly = { pull_request: { head: { repo: null }, base: { repo: { full_name: 'octo-org/web-app' } } } }
    const headOnly = { pull_request: { head: { repo: { full_name: 'someone/web-app' } }, base: {} } }
    expect(secretsWithheld(context('pull_request', baseOnly))).toBeUndefined()
    expect(secretsWithheld(context('pull_request', headOnly))).toBeUndefined()
  })

  it('Dependabot runs see only Dependabot secrets, whatever the event', () => {
    expect(secretsWithheld(context('push', {}, 'dependabot[bot]'))).toBe('dependabot')
    expect(secretsWithheld(context('push', {}))).toBeUndefined()
  })
})
