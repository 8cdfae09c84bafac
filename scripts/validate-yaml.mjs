// Validates action.yml and .github/workflows/*.yml against their schemas with @action-validator/core.
// Its schema predates `runs.using: node24`, so action.yml is checked for node24 here and validated
// with the one field the schema does not know yet replaced by a value it does.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { validateAction, validateWorkflow } from '@action-validator/core'

let failures = 0
function report(file, state) {
  if (state.errors.length === 0) return console.log(`valid: ${file}`)
  failures++
  console.error(`invalid: ${file}\n${JSON.stringify(state.errors, null, 2)}`)
}

const action = readFileSync('action.yml', 'utf8')
if (parse(action)?.runs?.using !== 'node24') {
  failures++
  console.error('invalid: action.yml must declare runs.using: node24')
}
report('action.yml', validateAction(action.replace(/^(\s+using:\s*)node24\s*$/m, '$1node20')))

const dir = '.github/workflows'
for (const name of readdirSync(dir).filter((file) => /\.ya?ml$/.test(file))) {
  report(join(dir, name), validateWorkflow(readFileSync(join(dir, name), 'utf8')))
}
process.exit(failures === 0 ? 0 : 1)
