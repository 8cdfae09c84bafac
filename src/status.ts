/** The calculated statuses the API documents, and what each means for the step. */

export const IN_FLIGHT = ['NEW', 'STARTING_RUNNERS', 'RUNNING'] as const
export const FINISHED = ['SUCCEEDED', 'FAILURE', 'JOB_ERROR', 'BAD_LAYERFILE', 'RUNNER_CANCELLED', 'RUNNER_ERROR'] as const

/** What `failed=true` matches, by the API's definition. */
export const FAILED = ['JOB_ERROR', 'BAD_LAYERFILE', 'FAILURE', 'RUNNER_ERROR'] as const

export function isInFlight(status: string): boolean {
  return (IN_FLIGHT as readonly string[]).includes(status)
}

export function isDocumented(status: string): boolean {
  return isInFlight(status) || (FINISHED as readonly string[]).includes(status)
}
