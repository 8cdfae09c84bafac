/**
 * Defaults for `ref`, `branch` and `repository` outside GitHub Actions: the usual variables of
 * GitLab CI, Jenkins, CircleCI and Buildkite, else the git checkout in the working directory.
 * Inside GitHub Actions, the event defaults of the action.
 */
import { execFileSync } from 'node:child_process'
import { eventDefaults } from './event.js'
import type { SourceDefaults } from './settings.js'

export type Env = Record<string, string | undefined>
/** Runs git with these arguments; its trimmed output, or undefined when git fails. */
export type Git = (args: string[]) => string | undefined

export function gitIn(cwd: string): Git {
  return (args) => {
    try {
      const out = execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8', timeout: 5000 }).trim()
      return out === '' ? undefined : out
    } catch {
      return undefined
    }
  }
}

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value.trim())

/** What a CI system's variables say. */
interface CiDefaults {
  ref?: string
  branch?: string
  /** Where ref and branch come from, e.g. "GitLab CI variables". */
  origin: string
  /** Whether HEAD of the checkout is the commit to build, to fill a missing ref from. */
  headIsTheCommit: boolean
  /** Where the branch comes from, when it is not `origin`'s plain variables. */
  branchOrigin?: string
  /** Why no branch is sent, when the CI names none that LayerCI could use. */
  branchNote?: string
}

/** GitLab pipelines that build a merge commit of their own instead of the source branch's head. */
const GITLAB_MERGE_PIPELINES: Record<string, string> = { merged_result: 'merged results pipeline', merge_train: 'merge train pipeline' }

function gitlab(env: Env): CiDefaults {
  const mergePipeline = GITLAB_MERGE_PIPELINES[env.CI_MERGE_REQUEST_EVENT_TYPE ?? '']
  if (mergePipeline !== undefined) {
    // CI_COMMIT_SHA and the checkout's HEAD are a merge commit GitLab made for this pipeline,
    // which LayerCI has never seen: build the source branch's head instead.
    return {
      ref: nonEmpty(env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA),
      branch: nonEmpty(env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME),
      origin: `GitLab merge request source branch (${mergePipeline})`,
      headIsTheCommit: false
    }
  }
  const named = nonEmpty(env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME) ?? nonEmpty(env.CI_COMMIT_BRANCH)
  const defaults: CiDefaults = { ref: nonEmpty(env.CI_COMMIT_SHA), branch: named, origin: 'GitLab CI variables', headIsTheCommit: true }
  const tag = nonEmpty(env.CI_COMMIT_TAG)
  if (named === undefined && tag !== undefined) {
    defaults.branch = nonEmpty(env.CI_DEFAULT_BRANCH)
    defaults.branchOrigin = `GitLab builds tag ${tag}, which is not a branch: the project's default branch, CI_DEFAULT_BRANCH`
  }
  return defaults
}

/**
 * CircleCI names no branch for a tag build, and `pull/N` for a pull request from a fork (its head
 * branch lives in the fork and is not named): neither is sent, and the log says why.
 */
function circleci(env: Env): CiDefaults {
  const defaults: CiDefaults = { ref: nonEmpty(env.CIRCLE_SHA1), origin: 'CircleCI variables', headIsTheCommit: true }
  const branch = nonEmpty(env.CIRCLE_BRANCH)
  const instead = 'so LayerCI checks the commit out on its default branch (master); give --branch to choose one'
  if (branch !== undefined && /^pull\/\d+$/.test(branch)) {
    defaults.branchNote = `CircleCI names the branch of a pull request from a fork "${branch}", which is not a branch of this repository: no branch is sent, ${instead}.`
  } else if (branch !== undefined) {
    defaults.branch = branch
  } else if (nonEmpty(env.CIRCLE_TAG) !== undefined) {
    defaults.branchNote = `CircleCI builds tag ${nonEmpty(env.CIRCLE_TAG) ?? ''}, which is not a branch, and names no default branch: no branch is sent, ${instead}.`
  }
  return defaults
}

function fromCi(env: Env): CiDefaults | undefined {
  if (env.GITLAB_CI) return gitlab(env)
  if (env.JENKINS_URL) {
    const branch =
      nonEmpty(env.CHANGE_BRANCH) ?? nonEmpty(env.BRANCH_NAME) ?? nonEmpty(env.GIT_BRANCH)?.replace(/^(origin|refs\/heads)\//, '')
    return { ref: nonEmpty(env.GIT_COMMIT), branch: env.TAG_NAME ? undefined : branch, origin: 'Jenkins variables', headIsTheCommit: true }
  }
  if (env.CIRCLECI) return circleci(env)
  if (env.BUILDKITE) {
    const commit = nonEmpty(env.BUILDKITE_COMMIT)
    return {
      ref: commit === 'HEAD' ? undefined : commit,
      branch: env.BUILDKITE_TAG ? undefined : nonEmpty(env.BUILDKITE_BRANCH),
      origin: 'Buildkite variables',
      headIsTheCommit: true
    }
  }
  return undefined
}

const CHECKOUT = 'the git checkout'

/**
 * ref and branch for the CLI. Outside a known CI system both come from the git checkout; inside
 * one, from its variables, with a missing ref filled from HEAD where HEAD is the commit to build.
 * A CI system that names no branch (a tag) gets none from git either: the checkout is detached.
 */
export function cliDefaults(env: Env, git: Git, github: () => SourceDefaults = () => eventDefaults()): SourceDefaults {
  if (env.GITHUB_ACTIONS === 'true') return github()
  const ci = fromCi(env)
  if (ci === undefined) {
    const result: SourceDefaults = {
      ref: git(['rev-parse', 'HEAD']),
      branch: git(['symbolic-ref', '--short', '-q', 'HEAD']),
      origin: CHECKOUT
    }
    return withFieldOrigins(result, CHECKOUT, CHECKOUT)
  }
  const gitRef = ci.ref === undefined && ci.headIsTheCommit ? git(['rev-parse', 'HEAD']) : undefined
  const ref = ci.ref ?? gitRef
  const refOrigin = gitRef === undefined ? ci.origin : CHECKOUT
  const origin = ci.branch === undefined || refOrigin === ci.origin ? refOrigin : `${CHECKOUT} for the ref, ${ci.origin} for the branch`
  const result = withFieldOrigins({ ref, branch: ci.branch, origin }, refOrigin, ci.branchOrigin ?? ci.origin)
  if (ci.branchNote !== undefined) result.branchNote = ci.branchNote
  return result
}

function withFieldOrigins(defaults: SourceDefaults, refOrigin: string, branchOrigin: string): SourceDefaults {
  if (defaults.ref !== undefined) defaults.refOrigin = refOrigin
  if (defaults.branch !== undefined) defaults.branchOrigin = branchOrigin
  return defaults
}

/** The repository when --repository is not given: GitHub's, GitLab's or CircleCI's variables. */
export function defaultRepository(env: Env): string | undefined {
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_REPOSITORY) return env.GITHUB_REPOSITORY
  // GitLab's whole path, nested groups included: the API uses its last part, job URLs the rest.
  if (env.GITLAB_CI && env.CI_PROJECT_PATH) return env.CI_PROJECT_PATH
  if (env.CIRCLECI && env.CIRCLE_PROJECT_USERNAME && env.CIRCLE_PROJECT_REPONAME)
    return `${env.CIRCLE_PROJECT_USERNAME}/${env.CIRCLE_PROJECT_REPONAME}`
  return undefined
}
