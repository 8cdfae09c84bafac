// Lists the mutants a mutation run left alive (Survived, NoCoverage), one line each, from
// StrykerJS's JSON report: `node scripts/mutation-survivors.mjs [file-filter]`. See TESTING.md.
import { readFileSync } from 'node:fs'

const filter = process.argv[2] ?? ''
const report = JSON.parse(readFileSync('reports/mutation/mutation.json', 'utf8'))
const alive = new Set(['Survived', 'NoCoverage'])
for (const [name, file] of Object.entries(report.files)) {
  if (!name.includes(filter)) continue
  const lines = file.source.split('\n')
  const mutants = file.mutants.filter((mutant) => alive.has(mutant.status))
  mutants.sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column)
  for (const { location: at, status, mutatorName, replacement = '' } of mutants) {
    const line = lines[at.start.line - 1] ?? ''
    const original =
      at.start.line === at.end.line ? line.slice(at.start.column - 1, at.end.column - 1) : `${line.slice(at.start.column - 1)}…`
    console.log(
      `${name}:${at.start.line}:${at.start.column} ${status} ${mutatorName}: ${original.slice(0, 100)} => ${replacement.slice(0, 100)}`
    )
  }
}
