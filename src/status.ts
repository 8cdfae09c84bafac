/** The calculated statuses the API documents, and what each means for the step. */

export const IN_FLIGHT = ['NEW', 'STARTING_RUNNERS', 'RUNNING'] as const
export const FINISHED = ['SUCCEEDED', 'FAILURE', 'JOB_ERROR', 'BAD_LAYERFILE', 'RUNNER_CANCELLED', 'RUNNER_ERROR'] as const
export type FinishedStatus = (typeof FINISHED)[number]

/** What `failed=true` matches, by the API's definition. */
export const FAILED = ['JOB_ERROR', 'BAD_LAYERFILE', 'FAILURE', 'RUNNER_ERROR'] as const

export function isInFlight(status: string): boolean {
  return (IN_FLIGHT as readonly string[]).includes(status)
}

export function isDocumented(status: string): boolean {
  return isInFlight(status) || (FINISHED as readonly string[]).includes(status)
}

/** What each documented calculated status means, in the API page's words made short, for people. */
export const MEANING: Readonly<Record<string, string>> = {
  NEW: 'waiting to start',
  STARTING_RUNNERS: 'starting its runners',
  RUNNING: 'running',
  SUCCEEDED: 'every runner succeeded',
  FAILURE: 'a runner failed',
  JOB_ERROR: 'LayerCI failed to start the job',
  BAD_LAYERFILE: 'a Layerfile is invalid',
  RUNNER_CANCELLED: 'a runner was cancelled by a user',
  RUNNER_ERROR: 'a runner had an internal error'
}
