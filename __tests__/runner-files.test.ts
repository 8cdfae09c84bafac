/** The runner's files, checked before any job is created. */
import { describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { InputError } from '../src/errors.js'
import { checkRunnerFiles } from '../src/runner-files.js'
import { tempDir } from '../__fixtures__/temp.js'

const dir = (): string => tempDir('runner-files-')

function failure(run: () => void): InputError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error('expected an InputError')
}

describe('checkRunnerFiles', () => {
  it('accepts writable output and summary files and leaves their content alone', () => {
    const where = dir()
    const output = join(where, 'output')
    writeFileSync(output, 'name=value\n')
    checkRunnerFiles({ GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: join(where, 'summary') }, { outputs: true })
    expect(readFileSync(output, 'utf8')).toBe('name=value\n')
  })

  it.each([
    ['GITHUB_OUTPUT', "the step's outputs"],
    ['GITHUB_STEP_SUMMARY', 'the job summary']
  ])('%s that cannot be written: names the variable, the path, the reason and what would be lost', (variable, what) => {
    const path = join(dir(), 'missing', 'file')
    const error = failure(() => checkRunnerFiles({ [variable]: path }, { outputs: true }))
    expect(error.message).toBe(`${variable} names ${path}, which cannot be written (ENOENT), so ${what} would be lost: no job was created.`)
  })

  it('does not look at the output files when asked only for the event (the CLI)', () => {
    const path = join(dir(), 'missing', 'file')
    expect(() => checkRunnerFiles({ GITHUB_OUTPUT: path, GITHUB_STEP_SUMMARY: path }, { outputs: false })).not.toThrow()
  })

  it('unset or empty variables are not checked', () => {
    expect(() =>
      checkRunnerFiles({ GITHUB_OUTPUT: '', GITHUB_STEP_SUMMARY: undefined, GITHUB_EVENT_PATH: '' }, { outputs: true })
    ).not.toThrow()
  })

  it('an event payload that is JSON is accepted; one that does not exist is left to the event reader', () => {
    const where = dir()
    writeFileSync(join(where, 'event.json'), '{"pull_request":{}}')
    expect(() => checkRunnerFiles({ GITHUB_EVENT_PATH: join(where, 'event.json') }, { outputs: false })).not.toThrow()
    expect(() => checkRunnerFiles({ GITHUB_EVENT_PATH: join(where, 'none.json') }, { outputs: false })).not.toThrow()
  })

  it("an event payload that is not JSON: names the variable, the path and the parser's reason", () => {
    const path = join(dir(), 'event.json')
    writeFileSync(path, '<html>')
    const error = failure(() => checkRunnerFiles({ GITHUB_EVENT_PATH: path }, { outputs: false }))
    expect(error.message).toMatch(
      new RegExp(
        `^GITHUB_EVENT_PATH names ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, which is not a JSON event payload \\(Unexpected token .+\\): no job was created\\.$`
      )
    )
  })

  it('an event path that is a directory: the reason is the error code', () => {
    const path = dir()
    const error = failure(() => checkRunnerFiles({ GITHUB_EVENT_PATH: path }, { outputs: false }))
    expect(error.message).toBe(`GITHUB_EVENT_PATH names ${path}, which is not a JSON event payload (EISDIR): no job was created.`)
  })
})
