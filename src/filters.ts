/**
 * The five filters of the `latest` endpoint, defined once, as the API page (ci-jobs.md) defines
 * them. The wait's consistency checks and the tests' model of the API both use `matches`.
 */
import { FAILED, isInFlight } from './status.js'

/** A query of the `latest` endpoint: every filter present must hold ("done" and "failed" are "true"). */
export interface Filters {
  readonly branch?: string
  readonly calculated_status?: string
  readonly status?: string
  readonly done?: 'true'
  readonly failed?: 'true'
}

/** What the filters look at in a job. */
export interface Matchable {
  readonly calculated_status: string
  readonly status?: string
  /** '' or absent: recorded without a branch. */
  readonly branch?: string
}

/**
 * What an empty `branch=` matches, which the page does not say: only jobs recorded without a
 * branch, or every job (the filter ignored). Only the tests' model chooses; the wait never
 * relies on either reading.
 */
export type EmptyBranch = 'branchless' | 'any'

/**
 * Whether a job matches every filter of a query, by the page's definitions: `done` is "neither
 * NEW, STARTING_RUNNERS, nor RUNNING", `failed` is "JOB_ERROR, BAD_LAYERFILE, FAILURE, or
 * RUNNER_ERROR", `calculated_status` and `status` are equality, `branch` the branch a job is
 * recorded on. An empty `branch=` is read as `emptyBranch` says (default: only branchless jobs).
 */
export function matches(job: Matchable, filters: Filters, emptyBranch: EmptyBranch = 'branchless'): boolean {
  const status = job.calculated_status
  if (filters.calculated_status !== undefined && status !== filters.calculated_status) return false
  if (filters.status !== undefined && job.status !== filters.status) return false
  if (filters.done !== undefined && isInFlight(status)) return false
  if (filters.failed !== undefined && !(FAILED as readonly string[]).includes(status)) return false
  if (filters.branch !== undefined && !(filters.branch === '' && emptyBranch === 'any') && (job.branch ?? '') !== filters.branch) {
    return false
  }
  return true
}

/** The filters without the branch: what the page defines exactly. */
export function statusFilters(filters: Filters): Filters {
  const rest = { ...filters }
  delete rest.branch
  return rest
}

const NAMES = ['branch', 'calculated_status', 'done', 'failed', 'status'] as const

/** One string per query, the same for the same filters in any order. */
export function queryKey(filters: Filters): string {
  let key = ''
  for (const name of NAMES) {
    const value = filters[name]
    if (value !== undefined) key += `${key === '' ? '' : '&'}${name}=${value}`
  }
  return key
}
