/**
 * Every way a run can end other than success, each with the exit code the CLI uses.
 * The action maps all of them to a failed step with one `::error::` line.
 */

/** Exit codes shared by the CLI and (as non-zero) the action. */
export const ExitCode = {
  ok: 0,
  jobFailed: 1,
  usage: 2,
  api: 3,
  timeout: 4,
  interrupted: 130
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/**
 * Why a run ended without a result, as a stable code (the `job` output's and `--json`'s
 * `reason`): the words for people are in report.ts.
 */
export type Reason =
  | 'bad-input'
  | 'refused-key'
  | 'unknown-repository'
  | 'unreachable'
  | 'api-error'
  | 'never-shown'
  | 'no-such-job'
  | 'hidden'
  | 'timed-out'
  | 'create-answer-lost'
  | 'outputs-lost'
  | 'interrupted'

/** Base class: a message written for people, the exit code it maps to, and why. */
export class LayerError extends Error {
  readonly exitCode: ExitCode
  readonly reason: Reason
  constructor(message: string, exitCode: ExitCode, reason: Reason = 'api-error') {
    super(message)
    this.name = new.target.name
    this.exitCode = exitCode
    this.reason = reason
  }
}

/** An input (or CLI flag) is missing or malformed. Raised before any request is sent. */
export class InputError extends LayerError {
  constructor(message: string) {
    super(message, ExitCode.usage, 'bad-input')
  }
}

/** The API refused the request for a reason retrying cannot fix, or could not be reached in time. */
export class ApiError extends LayerError {
  constructor(message: string, reason: Reason = 'api-error') {
    super(message, ExitCode.api, reason)
  }
}

/**
 * The overall `timeout` passed before the job was seen finished (`hidden`: newer jobs hid it;
 * `create-answer-lost`: a create request may have made a job that was never confirmed).
 */
export class WaitTimeoutError extends LayerError {
  constructor(message: string, reason: 'timed-out' | 'hidden' | 'create-answer-lost' = 'timed-out') {
    super(message, ExitCode.timeout, reason)
  }
}

/** The job finished with a calculated status other than SUCCEEDED. */
export class JobFailedError extends LayerError {
  constructor(message: string) {
    super(message, ExitCode.jobFailed)
  }
}

/** Raised inside the client when the deadline passes during a request or a back-off. */
export class DeadlineError extends Error {
  constructor(
    readonly lastProblem: string | undefined,
    /** A create request may have reached the server before the deadline: a job may exist. */
    readonly jobMayExist = false
  ) {
    super('deadline passed')
    this.name = 'DeadlineError'
  }
}

/** Returns a message for any thrown value, without a stack trace. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}

/** Why a thrown value ended the run: its own reason, or an API error for anything unforeseen. */
export function reasonOf(error: unknown): Reason {
  return error instanceof LayerError ? error.reason : 'api-error'
}
