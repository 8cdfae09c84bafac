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

  it('action.yml has a description for every input and output, node24 and dist/index.js', () => {
    for (const entry of [...Object.values(action.inputs), ...Object.values(action.outputs)])
      expect(entry.description.length).toBeGreaterThan(10)
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })
})
