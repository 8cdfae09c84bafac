/**
 * README's inputs and outputs tables say what action.yml says; README stays a short front door;
 * the pages of docs/ say what the code and the package do.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { HELP } from '../src/cli-main.js'
import { repositorySources } from '../scripts/lint-workflows.mjs'

interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string }
}

const action = parse(readFileSync('action.yml', 'utf8')) as ActionYml
const readme = readFileSync('README.md', 'utf8')

/** The rows of the markdown table that follows `heading`, as arrays of cells. */
function table(heading: string): string[][] {
  const section = readme.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? ''
  return section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2)
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim())
    )
}

const unquote = (cell: string): string => cell.replace(/^`(.*)`$/, '$1')

describe('README matches action.yml', () => {
  it('lists every input, in order, with its default', () => {
    const rows = table('Inputs')
    expect(rows.map((row) => unquote(row[0] ?? ''))).toEqual(Object.keys(action.inputs))
    for (const row of rows) {
      const input = action.inputs[unquote(row[0] ?? '')]
      const documented = row[1] ?? ''
      if (input?.required) expect(documented).toBe('required')
      else if (input?.default === '' || input?.default === undefined)
        expect(['empty', "the event's commit", "the event's branch"]).toContain(documented)
      else expect(unquote(documented)).toBe(input?.default)
      expect((row[2] ?? '').length).toBeGreaterThan(10)
    }
  })

  it('documents event-derived defaults only for ref and branch', () => {
    for (const row of table('Inputs')) {
      if ((row[1] ?? '').startsWith('the event')) expect(['`ref`', '`branch`']).toContain(row[0])
    }
  })

  it('lists every output, in order', () => {
    expect(table('Outputs').map((row) => unquote(row[0] ?? ''))).toEqual(Object.keys(action.outputs))
  })

  it('action.yml descriptions read as sentences: no " - " standing in for a colon, each ending in a full stop', () => {
    for (const [name, entry] of [...Object.entries(action.inputs), ...Object.entries(action.outputs)]) {
      expect([name, entry.description.includes(' - ')]).toEqual([name, false])
      expect([name, /[.)]$/.test(entry.description.trim())]).toEqual([name, true])
    }
  })

  it('action.yml has a description for every input and output, node24 and dist/index.js', () => {
    for (const entry of [...Object.values(action.inputs), ...Object.values(action.outputs)])
      expect(entry.description.length).toBeGreaterThan(10)
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })
})

/** The text of a markdown file's section `heading` (`## ` or `# `), up to the next `## ` heading. */
function section(heading: string, file = 'README.md'): string {
  const text = `\n${readFileSync(file, 'utf8')}`.split(new RegExp(`\n#{1,2} ${heading.replace(/[()]/g, '\\$&')}\n`))[1]?.split('\n## ')[0]
  if (text === undefined) throw new Error(`${file} has no "## ${heading}" section`)
  return text
}

describe('README is the front door', () => {
  it('shows what a user will see: the log, the annotation titles, and a picture of the job summary that a script redraws', () => {
    const seen = section('What you will see')
    expect(seen).toMatch(/^Created LayerCI job \d+: /m)
    expect(seen).toContain('`LayerCI job 2: FAILURE`')
    expect(seen).toContain('waits for the same job')
    const picture = /!\[[^\]]+\]\((docs\/images\/[\w-]+\.png)\)/.exec(seen)?.[1] ?? ''
    expect(picture).not.toBe('')
    // A real PNG, small enough for a README.
    const png = readFileSync(picture)
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
    expect(png.length).toBeLessThan(200 * 1024)
    expect(readFileSync('docs/development.md', 'utf8')).toContain('node scripts/summary-picture.mjs')
    expect(readFileSync('scripts/summary-picture.mjs', 'utf8')).toContain(picture.replace(/^docs\//, ''))
  })

  it('speaks to users first: contributor commands only in "Develop", the last section, which still gives both', () => {
    const sections = readme.split('\n## ')
    const develop = sections.at(-1) ?? ''
    expect(develop.split('\n')[0]).toBe('Develop')
    expect(develop).toContain('npm run demo')
    expect(develop).toContain('npm cit')
    expect(sections.slice(0, -1).join('\n## ')).not.toMatch(/npm (cit|ci|run (all|mutate|bench))\b/)
  })

  it('is short: under 200 lines and 12 KB', () => {
    expect(readme.split('\n').length).toBeLessThan(200)
    expect(Buffer.byteLength(readme)).toBeLessThan(12 * 1024)
  })

  it('shows a complete workflow with the canonical `uses:` on its first screen', () => {
    const first = readme.split('\n').findIndex((line) => line.includes('uses: '))
    expect(first).toBeGreaterThan(0)
    expect(first).toBeLessThan(30)
    expect(readme.split('\n')[first]?.trim()).toBe('- uses: layerci/layerci-action@v1')
    expect(readme.split('\n').slice(0, first).join('\n')).toMatch(/^jobs:$/m)
  })

  it("says how to set up the key: a LAYERCI_TOKEN secret, with GitHub's page on secrets", () => {
    const setup = section('Set up the API key')
    expect(setup).toContain('secret named `LAYERCI_TOKEN`')
    expect(setup).toContain(
      'https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions'
    )
  })

  it('says that every run creates a job, and how to avoid a duplicate', () => {
    const when = section('When to use it, and avoiding a duplicate job')
    expect(when).toContain('**Every run of the action creates a LayerCI job**')
    expect(when).toContain("require LayerCI's own status check")
  })
})

describe('the documentation matches the code and the package', () => {
  it('"Defaults from the event" names every event src/event.ts treats apart', () => {
    const source = readFileSync('src/event.ts', 'utf8')
    const events = new Set([...source.matchAll(/'((?:pull_request|merge_group|release)[a-z_]*)'/g)].map((match) => match[1]))
    expect([...events].sort()).toEqual([
      'merge_group',
      'pull_request',
      'pull_request_review',
      'pull_request_review_comment',
      'pull_request_target',
      'release'
    ])
    const table = section('Defaults from the event', 'docs/inputs-and-defaults.md')
    for (const event of [...events, 'push', 'workflow_dispatch', 'schedule']) expect(table).toContain(`\`${event}\``)
  })

  it('"Proxy" names exactly the variables @actions/http-client reads', () => {
    const source = readFileSync('node_modules/@actions/http-client/lib/proxy.js', 'utf8')
    const read = new Set([...source.matchAll(/process\.env\['(\w+)'\]/g)].map((match) => match[1] ?? ''))
    expect([...read].sort()).toEqual(['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'])
    const proxy = section('Proxy', 'docs/setup.md')
    for (const name of read) expect(proxy).toContain(`\`${name}\``)
    const named = new Set([...proxy.matchAll(/`(\w+_PROXY|\w+_proxy)`/g)].map((match) => match[1]))
    expect([...named].filter((name) => name !== undefined && !read.has(name))).toEqual(['ALL_PROXY'])
    expect(proxy).toContain('`ALL_PROXY` is not read')
  })

  it('"Requirements" says the Node versions of package.json engines and action.yml', () => {
    const requirements = section('Requirements', 'docs/setup.md')
    const engines = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines.node
    expect(engines).toMatch(/^>=\d+$/)
    expect(requirements).toContain(`Node.js ${engines.slice(2)} or later`)
    expect(requirements).toContain(`\`runs.using: ${action.runs.using}\``)
  })

  it('"Permissions" says the action needs none, and every example workflow says so', () => {
    expect(section('Permissions', 'docs/setup.md')).toContain('The action needs no `GITHUB_TOKEN` permissions')
    const { examples } = repositorySources()
    expect(examples.filter((example) => example.file === 'README.md').length).toBeGreaterThanOrEqual(2)
    for (const example of examples)
      expect([example.file, example.line, /^permissions: \{\}/m.test(example.text)]).toEqual([example.file, example.line, true])
  })

  it('"Releases" says what a maintainer runs, and the workflow that does the rest exists', () => {
    const releases = section('Releases', 'docs/development.md')
    for (const command of [
      'npm version X.Y.Z --no-git-tag-version',
      'npm run bundle',
      '## [X.Y.Z] - YYYY-MM-DD',
      'git tag vX.Y.Z && git push origin vX.Y.Z'
    ]) {
      expect(releases).toContain(command)
    }
    expect(releases).toContain('`.github/workflows/release.yml`')
    expect(readFileSync('.github/workflows/release.yml', 'utf8')).toContain('scripts/changelog-entry.mjs')
  })

  it('the CLI reference lists every flag of --help, and the variables the CLI reads', () => {
    const cli = readFileSync('docs/cli.md', 'utf8')
    const flags = new Set([...HELP.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((match) => match[1] ?? ''))
    expect(flags.size).toBeGreaterThanOrEqual(16)
    for (const flag of flags) expect([flag, cli.includes(`\`${flag}`)]).toEqual([flag, true])
    for (const variable of ['LAYERCI_TOKEN', 'LAYERCI_API_URL', 'LAYERCI_DEBUG']) {
      expect(HELP).toContain(variable)
      expect(cli).toContain(`\`${variable}\``)
    }
  })
})
