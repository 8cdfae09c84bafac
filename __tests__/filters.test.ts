/**
 * The five filters of the `latest` endpoint, as ci-jobs.md defines them, written here as a table
 * of their own (not through `matches`): `done` is "neither NEW, STARTING_RUNNERS, nor RUNNING",
 * `failed` is "JOB_ERROR, BAD_LAYERFILE, FAILURE, or RUNNER_ERROR", the others equality.
 */
import { describe, expect, it } from '@jest/globals'
import { matches, queryKey, statusFilters, type Filters } from '../src/filters.js'

const STATUSES = [
  'NEW',
  'STARTING_RUNNERS',
  'RUNNING',
  'SUCCEEDED',
  'FAILURE',
  'JOB_ERROR',
  'BAD_LAYERFILE',
  'RUNNER_CANCELLED',
  'RUNNER_ERROR'
]
const DONE = new Set(['SUCCEEDED', 'FAILURE', 'JOB_ERROR', 'BAD_LAYERFILE', 'RUNNER_CANCELLED', 'RUNNER_ERROR'])
const FAILED = new Set(['JOB_ERROR', 'BAD_LAYERFILE', 'FAILURE', 'RUNNER_ERROR'])

describe('matches: the page definitions, status by status', () => {
  it.each(STATUSES)('%s: done, failed and calculated_status as the page defines them', (status) => {
    const job = { calculated_status: status, status: 'SEE_RUNNERS', branch: 'main' }
    expect(matches(job, { done: 'true' })).toBe(DONE.has(status))
    expect(matches(job, { failed: 'true' })).toBe(FAILED.has(status))
    expect(matches(job, { done: 'true', failed: 'true' })).toBe(FAILED.has(status))
    for (const other of STATUSES) expect(matches(job, { calculated_status: other })).toBe(other === status)
    expect(matches(job, {})).toBe(true)
  })

  it('a status the page does not name is done (not NEW, STARTING_RUNNERS nor RUNNING) and not failed', () => {
    expect(matches({ calculated_status: 'PAUSED' }, { done: 'true' })).toBe(true)
    expect(matches({ calculated_status: 'PAUSED' }, { failed: 'true' })).toBe(false)
  })

  it('status: equality with the internal status; a job without one matches no status=', () => {
    expect(matches({ calculated_status: 'FAILURE', status: 'ERROR' }, { status: 'ERROR' })).toBe(true)
    expect(matches({ calculated_status: 'FAILURE', status: 'SEE_RUNNERS' }, { status: 'ERROR' })).toBe(false)
    expect(matches({ calculated_status: 'FAILURE' }, { status: 'ERROR' })).toBe(false)
  })

  it.each<[string, string | undefined, string, 'branchless' | 'any', boolean]>([
    ['the same branch', 'main', 'main', 'branchless', true],
    ['another branch', 'dev', 'main', 'branchless', false],
    ['no branch, for branch=main', undefined, 'main', 'branchless', false],
    ['an empty branch, for branch=main', '', 'main', 'branchless', false],
    ['no branch, for branch= (branchless reading)', undefined, '', 'branchless', true],
    ['an empty branch, for branch= (branchless reading)', '', '', 'branchless', true],
    ['main, for branch= (branchless reading)', 'main', '', 'branchless', false],
    ['main, for branch= (read as no filter)', 'main', '', 'any', true],
    ['no branch, for branch= (read as no filter)', undefined, '', 'any', true],
    ['another branch, for branch=main, whatever the reading of branch=', 'dev', 'main', 'any', false]
  ])('branch: %s', (_name, branch, filter, emptyBranch, expected) => {
    const job = { calculated_status: 'RUNNING', ...(branch === undefined ? {} : { branch }) }
    expect(matches(job, { branch: filter }, emptyBranch)).toBe(expected)
  })

  it('every filter present must hold', () => {
    const job = { calculated_status: 'FAILURE', status: 'SEE_RUNNERS', branch: 'main' }
    expect(matches(job, { branch: 'main', failed: 'true', calculated_status: 'FAILURE' })).toBe(true)
    expect(matches(job, { branch: 'dev', failed: 'true' })).toBe(false)
    expect(matches(job, { branch: 'main', calculated_status: 'SUCCEEDED' })).toBe(false)
  })
})

describe('statusFilters and queryKey', () => {
  it('statusFilters drops the branch only, and leaves its argument as it was', () => {
    const filters: Filters = { branch: 'main', failed: 'true', calculated_status: 'FAILURE' }
    expect(statusFilters(filters)).toEqual({ failed: 'true', calculated_status: 'FAILURE' })
    expect(filters).toEqual({ branch: 'main', failed: 'true', calculated_status: 'FAILURE' })
  })

  it('queryKey: one string per query, as its query string reads, in any order of the filters', () => {
    expect(queryKey({})).toBe('')
    expect(queryKey({ done: 'true' })).toBe('done=true')
    expect(queryKey({ failed: 'true', branch: 'main' })).toBe('branch=main&failed=true')
    expect(queryKey({ status: 'ERROR', done: 'true', calculated_status: 'X', branch: '' })).toBe(
      'branch=&calculated_status=X&done=true&status=ERROR'
    )
    expect(queryKey({ branch: 'main', failed: 'true' })).toBe(queryKey({ failed: 'true', branch: 'main' }))
  })
})
