/** The action's entry point: the runner runs `node dist/index.js`. */
import { run } from './main.js'

run().catch((error: unknown) => {
  // Only a fault in reporting itself reaches here: one line, no stack trace.
  process.stdout.write(`::error::The action failed unexpectedly: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
