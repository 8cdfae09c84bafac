/**
 * The files a GitHub runner gives a step, checked before any job is created: an output or summary
 * file that cannot be written, or an event payload that is not JSON, fails the run while nothing
 * exists yet, rather than after a job was created.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { InputError } from './errors.js'

type Env = Record<string, string | undefined>

function reason(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String(error.code)
    : error instanceof Error
      ? error.message
      : String(error)
}

/** Checks GITHUB_OUTPUT and GITHUB_STEP_SUMMARY (when `outputs`) and GITHUB_EVENT_PATH. */
export function checkRunnerFiles(env: Env, options: { outputs: boolean }): void {
  const writable = options.outputs
    ? ([
        ['GITHUB_OUTPUT', "the step's outputs"],
        ['GITHUB_STEP_SUMMARY', 'the job summary']
      ] as const)
    : []
  for (const [variable, what] of writable) {
    const path = env[variable]
    if (!path) continue
    try {
      appendFileSync(path, '')
    } catch (error) {
      throw new InputError(
        `${variable} names ${path}, which cannot be written (${reason(error)}), so ${what} would be lost: no job was created.`
      )
    }
  }
  const event = env.GITHUB_EVENT_PATH
  if (event && existsSync(event)) {
    try {
      JSON.parse(readFileSync(event, 'utf8'))
    } catch (error) {
      throw new InputError(`GITHUB_EVENT_PATH names ${event}, which is not a JSON event payload (${reason(error)}): no job was created.`)
    }
  }
}
