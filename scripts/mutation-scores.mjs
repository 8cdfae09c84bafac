// Prints the per-file scores of the last mutation run as a Markdown table, from StrykerJS's JSON
// report, with a row for all files: `node scripts/mutation-scores.mjs`. See TESTING.md.
import { readFileSync } from 'node:fs'

const report = JSON.parse(readFileSync('reports/mutation/mutation.json', 'utf8'))
const COLUMNS = ['Killed', 'Timeout', 'Survived', 'NoCoverage']
const rows = []
const total = Object.fromEntries(COLUMNS.map((status) => [status, 0]))
for (const [name, file] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const count = Object.fromEntries(COLUMNS.map((status) => [status, file.mutants.filter((m) => m.status === status).length]))
  for (const status of COLUMNS) total[status] += count[status]
  rows.push([name.replace(/^src\//, ''), count])
}
rows.push(['**all of src/**', total])
const pct = (n, d) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)} %`)
console.log('| File | Mutants | Killed | Timeout | Survived | No coverage | Covered score | Score |')
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
for (const [name, c] of rows) {
  const detected = c.Killed + c.Timeout
  const mutants = detected + c.Survived + c.NoCoverage
  console.log(
    `| ${name} | ${mutants} | ${c.Killed} | ${c.Timeout} | ${c.Survived} | ${c.NoCoverage} | ${pct(detected, detected + c.Survived)} | ${pct(detected, mutants)} |`
  )
}
