/**
 * Cancel: the runner sends SIGINT, then SIGTERM, when a workflow is cancelled. The API has no
 * cancel endpoint, so the job keeps running; say so, with where to see it, and stop at once.
 */
import { ExitCode } from './errors.js'
import type { RunState } from './report.js'

/** The message for an interrupted run, naming the job when one is known. */
export function interruptMessage(state: RunState, signal: string): string {
  const id = state.job?.id ?? state.jobId
  if (id !== undefined) {
    return `Interrupted by ${signal}. LayerCI job ${id} keeps running: the LayerCI API has no cancel endpoint${state.url ? `. Cancel it at ${state.url}` : ''}.`
  }
  if (state.creating)
    return `Interrupted by ${signal} while the job was being created: a LayerCI job may have been created and keeps running.`
  return `Interrupted by ${signal} before any LayerCI job was created.`
}

/** Installs handlers for SIGINT, SIGTERM and SIGHUP that call `report` and exit with 130. */
export function onInterrupt(report: (signal: string) => void): void {
  let handled = false
  const handler = (signal: NodeJS.Signals): void => {
    if (handled) return
    handled = true
    try {
      report(signal)
    } finally {
      process.exit(ExitCode.interrupted)
    }
  }
  process.once('SIGINT', handler)
  process.once('SIGTERM', handler)
  // A closed terminal (the CLI run by hand): the job keeps running all the same.
  process.once('SIGHUP', handler)
}
