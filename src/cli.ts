#!/usr/bin/env node
/** `layerci-run`'s entry point. */
import { runCli } from './cli-main.js'

// A reader that goes away (`layerci-run … | head -1`) must not crash the command: what it missed
// is lost, and the exit code still says how the job ended.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined)
// A deprecation warning comes from bundled code (the proxy tunnel's Buffer()), which no user can act on.
process.noDeprecation = true

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  handleSignals: true
})
process.exitCode = code
