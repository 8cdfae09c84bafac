/** Every way a run ends other than success, with the exit code the CLI uses (docs/cli.md, "Exit codes"). */
import { describe, expect, it } from '@jest/globals'
import { ApiError, DeadlineError, ExitCode, InputError, JobFailedError, LayerError, messageOf, WaitTimeoutError } from '../src/errors.js'

describe('errors', () => {
  it('the exit codes docs/cli.md documents', () => {
    expect(ExitCode).toEqual({ ok: 0, jobFailed: 1, usage: 2, api: 3, timeout: 4, interrupted: 130 })
  })

  it.each<[string, LayerError, number]>([
    ['InputError', new InputError('m'), 2],
    ['ApiError', new ApiError('m'), 3],
    ['WaitTimeoutError', new WaitTimeoutError('m'), 4],
    ['JobFailedError', new JobFailedError('m'), 1]
  ])('%s: its exit code, its own name, and the message as given', (name, error, code) => {
    expect(error.exitCode).toBe(code)
    expect(error.name).toBe(name)
    expect(error.message).toBe('m')
    expect(error).toBeInstanceOf(LayerError)
    expect(String(error)).toBe(`${name}: m`)
  })

  it('DeadlineError carries the last problem and whether a job may exist (no by default)', () => {
    const plain = new DeadlineError('Poll: HTTP 503')
    expect(plain).toMatchObject({ name: 'DeadlineError', message: 'deadline passed', lastProblem: 'Poll: HTTP 503', jobMayExist: false })
    expect(new DeadlineError(undefined, true).jobMayExist).toBe(true)
    expect(plain).not.toBeInstanceOf(LayerError)
  })

  it('messageOf: the message of an error, without its stack; anything else as text', () => {
    expect(messageOf(new ApiError('refused'))).toBe('refused')
    expect(messageOf('plain text')).toBe('plain text')
    expect(messageOf(42)).toBe('42')
  })
})
