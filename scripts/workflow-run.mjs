// What a GitHub runner gives the action in a real workflow, for the benchmark and the profile:
// a staged copy of action.yml + dist/ alone (no node_modules next to it), a push event payload as
// GitHub sends it, every input set (the runner sets each input: given, or action.yml's
// default), a key of a realistic length, and the runner's files (GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH, written by runner.mjs).
import { cpSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'

export const REPO = 'layerci-example'
export const OWNER = 'octo-org'
/** 34 characters, letters and digits after a prefix: the length and alphabet of a real key. */
export const KEY = 'lci_7Hq2mZ9vXk4Rt8Wp1Ly6Nc3Bd5Fg0J'
export const SHA = 'c0ffee5d1b2a3948576afedcba0123456789abcd'

/** Copies action.yml and `distDir` (default: the committed dist/) to a new directory, as a runner downloads them. */
export function stageAction(root, distDir = join(root, 'dist')) {
  const dir = mkdtempSync(join(tmpdir(), 'layerci-staged-'))
  cpSync(join(root, 'action.yml'), join(dir, 'action.yml'))
  cpSync(distDir, join(dir, 'dist'), { recursive: true })
  return dir
}

/** action.yml's input defaults, with the one expression they use evaluated as the runner would. */
function inputDefaults(root) {
  const action = parse(readFileSync(join(root, 'action.yml'), 'utf8'))
  const defaults = {}
  for (const [name, input] of Object.entries(action.inputs)) {
    if (input.default !== undefined) defaults[name] = String(input.default).replace('${{ github.repository }}', `${OWNER}/${REPO}`)
  }
  return defaults
}

/** Every input, as a workflow step `with:` these values would have them: the rest at their defaults. */
export function workflowInputs(root, fake, extra = {}) {
  return {
    ...inputDefaults(root),
    token: KEY,
    repository: `${OWNER}/${REPO}`,
    'api-url': fake.url,
    checkpoint: 'after-build',
    'accept-buttons': 'false',
    'succeed-on': 'SUCCEEDED, RUNNER_CANCELLED',
    timeout: '15m',
    'poll-interval': '1s',
    extra: 'deploy=staging',
    ...extra
  }
}

export const PUSH_ENV = {
  GITHUB_EVENT_NAME: 'push',
  GITHUB_SHA: SHA,
  GITHUB_REF: 'refs/heads/main',
  GITHUB_REF_NAME: 'main',
  GITHUB_REF_TYPE: 'branch',
  GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
  GITHUB_REPOSITORY_OWNER: OWNER,
  GITHUB_ACTOR: 'octocat',
  GITHUB_WORKFLOW: 'CI',
  GITHUB_RUN_ID: '7351824390',
  GITHUB_RUN_NUMBER: '412',
  GITHUB_JOB: 'layerci',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_API_URL: 'https://api.github.com',
  GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
  RUNNER_OS: 'Linux',
  RUNNER_ARCH: 'X64',
  RUNNER_TEMP: tmpdir()
}

/** A push event payload with the fields GitHub sends for a push of three commits (about 5 KB). */
export function pushEvent() {
  const user = (login, id) => ({
    login,
    id,
    node_id: `MDQ6VXNlcj${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: `https://api.github.com/users/${login}`,
    html_url: `https://github.com/${login}`,
    type: 'User',
    site_admin: false
  })
  const commit = (i) => ({
    id: `${SHA.slice(0, 38)}${i}${i}`,
    tree_id: `7e3a${'0'.repeat(34)}${i}${i}`,
    distinct: true,
    message: `Commit ${i}: update the build and its tests\n\nLonger description of change ${i}.`,
    timestamp: '2026-11-27T10:15:0' + i + '+00:00',
    url: `https://github.com/${OWNER}/${REPO}/commit/${SHA}`,
    author: { name: 'Mona Octocat', email: 'mona@example.com', username: 'octocat' },
    committer: { name: 'GitHub', email: 'noreply@github.com', username: 'web-flow' },
    added: [`src/feature-${i}.ts`],
    removed: [],
    modified: ['src/index.ts', 'package.json', `__tests__/feature-${i}.test.ts`]
  })
  const commits = [1, 2, 3].map(commit)
  return {
    ref: 'refs/heads/main',
    before: 'b'.repeat(40),
    after: SHA,
    repository: {
      id: 123456789,
      node_id: 'R_kgDOHdQ1FQ',
      name: REPO,
      full_name: `${OWNER}/${REPO}`,
      private: true,
      owner: { ...user(OWNER, 987654), name: OWNER, email: null, type: 'Organization' },
      html_url: `https://github.com/${OWNER}/${REPO}`,
      description: 'An example repository built on LayerCI',
      fork: false,
      url: `https://github.com/${OWNER}/${REPO}`,
      created_at: 1700000000,
      updated_at: '2026-11-27T10:00:00Z',
      pushed_at: 1764238500,
      git_url: `git://github.com/${OWNER}/${REPO}.git`,
      ssh_url: `git@github.com:${OWNER}/${REPO}.git`,
      clone_url: `https://github.com/${OWNER}/${REPO}.git`,
      homepage: null,
      size: 2048,
      stargazers_count: 12,
      watchers_count: 12,
      language: 'TypeScript',
      has_issues: true,
      has_projects: false,
      has_downloads: true,
      has_wiki: false,
      has_pages: false,
      forks_count: 1,
      archived: false,
      disabled: false,
      open_issues_count: 3,
      license: null,
      allow_forking: false,
      is_template: false,
      topics: ['ci'],
      visibility: 'private',
      forks: 1,
      open_issues: 3,
      watchers: 12,
      default_branch: 'main',
      stargazers: 12,
      master_branch: 'main',
      organization: OWNER
    },
    pusher: { name: 'octocat', email: 'mona@example.com' },
    organization: { login: OWNER, id: 987654, node_id: 'O_kgDOAA8xVg', url: `https://api.github.com/orgs/${OWNER}`, description: '' },
    sender: user('octocat', 583231),
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `https://github.com/${OWNER}/${REPO}/compare/bbbbbbbbbbbb...${SHA.slice(0, 12)}`,
    commits,
    head_commit: commits[2]
  }
}
