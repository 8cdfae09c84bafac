// Runs the bundled action the way a GitHub runner does: `node dist/index.js` with INPUT_*
// variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files and an event payload, and reads the
// outputs back. Plain JavaScript with no dependencies: the demo runs it before any install.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Reads a GITHUB_OUTPUT file (`name<<DELIMITER` … `DELIMITER` blocks); later values win. */
export function readOutputs(text) {
  const outputs = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (match) {
      const value = []
      for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i])
      outputs[match[1]] = value.join('\n')
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      outputs[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return outputs
}

/**
 * options: actionDir (holding dist/index.js), inputs {name: value}, event (payload object),
 * env (GITHUB_* and other variables), signal + signalAfterMs (to cancel), nodeArgs, onSpawn (given
 * the child process as soon as it is spawned).
 */
export function runAction(options) {
  const dir = mkdtempSync(join(tmpdir(), 'layerci-runner-'))
  const files = { output: join(dir, 'output'), summary: join(dir, 'summary'), event: join(dir, 'event.json') }
  writeFileSync(files.output, '')
  writeFileSync(files.summary, '')
  writeFileSync(files.event, JSON.stringify(options.event ?? {}))
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_PATH: files.event,
    ...options.env
  }
  for (const [name, value] of Object.entries(options.inputs ?? {})) env[`INPUT_${name.toUpperCase()}`] = value
  const started = performance.now()
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), join(options.actionDir, 'dist', 'index.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  options.onSpawn?.(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  if (options.signal) {
    setTimeout(() => child.kill(options.signal), options.signalAfterMs ?? 0)
  }
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      const outputFile = readFileSync(files.output, 'utf8')
      const summary = readFileSync(files.summary, 'utf8')
      // The runner's files are read; nothing of a run is left behind in the temporary directory.
      rmSync(dir, { recursive: true, force: true })
      resolve({
        code,
        signal,
        stdout,
        stderr,
        pid: child.pid,
        started,
        ended: performance.now(),
        outputs: readOutputs(outputFile),
        outputFile,
        summary
      })
    })
  })
}
