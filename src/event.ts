/**
 * Defaults for `ref` and `branch` from the GitHub event that started the workflow.
 * Only the event context of @actions/github is loaded: the package's entry point also builds its
 * Octokit client, which this action never uses, and which would cost start-up time in every run.
 * The package's "exports" map names only that entry point, hence the path to its context module.
 */
import { Context } from '../node_modules/@actions/github/lib/context.js'
import type { SourceDefaults } from './settings.js'

function field(value: unknown, ...path: string[]): string | undefined {
  let current: unknown = value
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return typeof current === 'string' && current !== '' ? current : undefined
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment'])

/** The parts of the event context the defaults read. */
export interface EventContext {
  eventName: string
  sha: string
  ref: string
  payload: unknown
}

/** The event's defaults; `context` is read from the environment when not given (tests pass one). */
export function eventDefaults(context: EventContext = new Context()): SourceDefaults {
  const { eventName, sha, ref, payload } = context
  if (PULL_REQUEST_EVENTS.has(eventName)) {
    return {
      ref: field(payload, 'pull_request', 'head', 'sha'),
      branch: field(payload, 'pull_request', 'head', 'ref'),
      origin: `${eventName} head`
    }
  }
  if (eventName === 'release' || (ref ?? '').startsWith('refs/tags/')) {
    const tag = (ref ?? '').startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : field(payload, 'release', 'tag_name')
    const of = tag ? `${eventName} of tag ${tag}` : `${eventName} of a tag`
    const defaults: SourceDefaults = {
      ref: sha || undefined,
      branch: field(payload, 'repository', 'default_branch'),
      origin: of,
      refOrigin: of
    }
    if (defaults.branch !== undefined) defaults.branchOrigin = `${of}; a tag is not a branch: the repository's default branch`
    else
      defaults.branchNote = `${of}: a tag is not a branch, and the event names no default branch, so no branch is sent (LayerCI uses master); give a branch to choose one.`
    return defaults
  }
  if (eventName === 'merge_group') {
    return {
      ref: field(payload, 'merge_group', 'head_sha') ?? (sha || undefined),
      branch: (field(payload, 'merge_group', 'head_ref') ?? '').replace(/^refs\/heads\//, '') || undefined,
      origin: 'merge_group head'
    }
  }
  return {
    ref: sha || undefined,
    branch: (ref ?? '').startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined,
    origin: `${eventName || 'GitHub'} event`
  }
}

/** Pull request events that GitHub runs without secrets when the pull request comes from a fork. */
const FORK_WITHOUT_SECRETS = new Set(['pull_request', 'pull_request_review', 'pull_request_review_comment'])

/**
 * Why GitHub passed no secrets to this run, when the event says so: a pull request from a fork,
 * or a run triggered by Dependabot (which sees only Dependabot secrets).
 */
export function secretsWithheld(context: EventContext & { actor: string } = new Context()): 'fork' | 'dependabot' | undefined {
  if (context.actor === 'dependabot[bot]') return 'dependabot'
  if (!FORK_WITHOUT_SECRETS.has(context.eventName)) return undefined
  const head = field(context.payload, 'pull_request', 'head', 'repo', 'full_name')
  const base = field(context.payload, 'pull_request', 'base', 'repo', 'full_name')
  return head !== undefined && base !== undefined && head !== base ? 'fork' : undefined
}
