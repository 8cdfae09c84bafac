/**
 * Cancel: the runner sends SIGINT, then SIGTERM, when a workflow is cancelled. The API has no
 * cancel endpoint, so the job keeps running; say so, with where to see it, and stop at once.
 */
import { ExitCode } from './errors.js'
import type { RunState } from './report.js'
import { ACTION_WORDS, resumeHint, type Vocabulary } from './settings.js'

/**
 * The runner's cancel sends SIGINT, then SIGTERM; SIGHUP is a closed terminal (the CLI run by
 * hand). In each case the job keeps running all the same.
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/** The message for an interrupted run, naming the job when one is known, and how to go on with it. */
export function interruptMessage(state: RunState, signal: string, words: Vocabulary = ACTION_WORDS): string {
  const id = state.job?.id ?? state.jobId
  if (id !== undefined) {
    return `Interrupted by ${signal}. LayerCI job ${id} keeps running: the LayerCI API has no cancel endpoint${state.url ? `. Cancel it at ${state.url}` : ''}. ${resumeHint(id, words)}`
  }
  if (state.creating)
    return `Interrupted by ${signal} while the job was being created: a LayerCI job may have been created and keeps running.`
  return `Interrupted by ${signal} before any LayerCI job was created.`
}

/**
 * Installs handlers for SIGINT, SIGTERM and SIGHUP that call `report` and exit with 130.
 * Returns the function that removes them: call it when the run ends, so that a process that runs
 * several runs (the tests, a program embedding the CLI) keeps no handler of a finished run.
 */
export function onInterrupt(report: (signal: string) => void): () => void {
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
  for (const signal of SIGNALS) process.once(signal, handler)
  return () => {
    for (const signal of SIGNALS) process.removeListener(signal, handler)
  }
}
