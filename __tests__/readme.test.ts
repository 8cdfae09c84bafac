/** README's inputs and outputs tables must say what action.yml says. */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

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

/** The text of README's section `heading`, up to the next `## ` heading. */
function section(heading: string): string {
  const text = readme.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0]
  if (text === undefined) throw new Error(`README has no "## ${heading}" section`)
  return text
}

describe('README matches the code and the package', () => {
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
    const table = section('Defaults from the event')
    for (const event of [...events, 'push', 'workflow_dispatch', 'schedule']) expect(table).toContain(`\`${event}\``)
  })

  it('"Proxy" names exactly the variables @actions/http-client reads', () => {
    const source = readFileSync('node_modules/@actions/http-client/lib/proxy.js', 'utf8')
    const read = new Set([...source.matchAll(/process\.env\['(\w+)'\]/g)].map((match) => match[1] ?? ''))
    expect([...read].sort()).toEqual(['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'])
    const proxy = section('Proxy')
    for (const name of read) expect(proxy).toContain(`\`${name}\``)
    const named = new Set([...proxy.matchAll(/`(\w+_PROXY|\w+_proxy)`/g)].map((match) => match[1]))
    expect([...named].filter((name) => name !== undefined && !read.has(name))).toEqual(['ALL_PROXY'])
    expect(proxy).toContain('`ALL_PROXY` is not read')
  })

  it('"Requirements" says the Node versions of package.json engines and action.yml', () => {
    const requirements = section('Requirements')
    const engines = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines.node
    expect(engines).toMatch(/^>=\d+$/)
    expect(requirements).toContain(`Node.js ${engines.slice(2)} or later`)
    expect(requirements).toContain(`\`runs.using: ${action.runs.using}\``)
  })

  it('"Permissions" says the action needs none, and every example workflow says so', () => {
    expect(section('Permissions')).toContain('The action needs no `GITHUB_TOKEN` permissions')
    const examples = section('Usage').split('```yaml\n').slice(1)
    const workflows = examples.filter((block) => /^on:/m.test(block.split('```')[0] ?? ''))
    expect(workflows.length).toBeGreaterThanOrEqual(2)
    for (const workflow of workflows) expect(workflow.split('```')[0]).toMatch(/^permissions: \{\}/m)
  })

  it('"Releases" says what a maintainer runs, and the workflow that does the rest exists', () => {
    const releases = section('Releases')
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
})
