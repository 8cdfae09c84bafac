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

function fromCi(env: Env): SourceDefaults | undefined {
  if (env.GITLAB_CI) {
    const branch =
      nonEmpty(env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME) ??
      nonEmpty(env.CI_COMMIT_BRANCH) ??
      (env.CI_COMMIT_TAG ? nonEmpty(env.CI_DEFAULT_BRANCH) : undefined)
    return { ref: nonEmpty(env.CI_COMMIT_SHA), branch, origin: 'GitLab CI variables' }
  }
  if (env.JENKINS_URL) {
    const branch =
      nonEmpty(env.CHANGE_BRANCH) ?? nonEmpty(env.BRANCH_NAME) ?? nonEmpty(env.GIT_BRANCH)?.replace(/^(origin|refs\/heads)\//, '')
    return { ref: nonEmpty(env.GIT_COMMIT), branch: env.TAG_NAME ? undefined : branch, origin: 'Jenkins variables' }
  }
  if (env.CIRCLECI) {
    return { ref: nonEmpty(env.CIRCLE_SHA1), branch: nonEmpty(env.CIRCLE_BRANCH), origin: 'CircleCI variables' }
  }
  if (env.BUILDKITE) {
    const commit = nonEmpty(env.BUILDKITE_COMMIT)
    return {
      ref: commit === 'HEAD' ? undefined : commit,
      branch: env.BUILDKITE_TAG ? undefined : nonEmpty(env.BUILDKITE_BRANCH),
      origin: 'Buildkite variables'
    }
  }
  return undefined
}

/** ref and branch for the CLI; missing pieces are filled from the git checkout. */
export function cliDefaults(env: Env, git: Git, github: () => SourceDefaults = () => eventDefaults()): SourceDefaults {
  if (env.GITHUB_ACTIONS === 'true') return github()
  const ci = fromCi(env)
  const ref = ci?.ref ?? git(['rev-parse', 'HEAD'])
  const branch = ci?.branch ?? (ci ? undefined : git(['symbolic-ref', '--short', '-q', 'HEAD']))
  const origin = ci ? (ci.ref && ci.branch ? ci.origin : `${ci.origin} and the git checkout`) : 'the git checkout'
  return { ref, branch, origin }
}

/** The repository when --repository is not given: GitHub's, GitLab's or CircleCI's variables. */
export function defaultRepository(env: Env): string | undefined {
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_REPOSITORY) return env.GITHUB_REPOSITORY
  if (env.GITLAB_CI && env.CI_PROJECT_PATH) return env.CI_PROJECT_PATH.split('/').slice(-2).join('/')
  if (env.CIRCLECI && env.CIRCLE_PROJECT_USERNAME && env.CIRCLE_PROJECT_REPONAME)
    return `${env.CIRCLE_PROJECT_USERNAME}/${env.CIRCLE_PROJECT_REPONAME}`
  return undefined
}
