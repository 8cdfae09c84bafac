/** The action's entry point: the runner runs `node dist/index.js`. */
import { getInput } from '@actions/core'
import { run } from './main.js'
import { makeRedactor } from './redact.js'
import { makeSafeText } from './text.js'

// A deprecation warning comes from bundled code (the proxy tunnel's Buffer()), which no user can
// act on, and would be the only line on stderr: not printed.
process.noDeprecation = true
// A closed stdout (`node dist/index.js | head -c 10`) must not crash the run with a stack trace:
// what it missed is lost; the outputs, the summary and the exit code still say how the job ended.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined)

run().catch((error: unknown) => {
  // Only a fault in reporting itself reaches here: one line, no stack trace, no key.
  const token = getInput('token')
  const safe = makeSafeText(makeRedactor([token, token.trim()]))
  process.stdout.write(`::error::The action failed unexpectedly: ${safe.line(error instanceof Error ? error.message : String(error))}\n`)
  process.exitCode = 1
})
