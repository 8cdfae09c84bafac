#!/usr/bin/env node
/** `layerci-run`'s entry point. */
import { runCli } from './cli-main.js'

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  handleSignals: true
})
process.exitCode = code
