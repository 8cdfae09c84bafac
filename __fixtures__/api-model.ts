/**
 * An in-memory model of the `latest` endpoint, for the wait's exhaustive tests: a list of jobs
 * whose statuses change at given requests, and the five filters of ci-jobs.md as filters.ts
 * defines them. It answers as the API does over HTTP (a Transport for the real client): the
 * newest match, or "no match" as a 404 or as a 200 with `status: error`, as chosen; or, faster,
 * straight to the driver as the client would (`latest`). What an empty `branch=` matches, which
 * the page does not say, is chosen too.
 */
import { parseJob } from '../src/api.js'
import type { Lookup } from '../src/client.js'
import { matches, type EmptyBranch, type Filters } from '../src/filters.js'
import type { HttpRequest, HttpResponse, Transport } from '../src/transport.js'

/** A job's life: its statuses, each from the request index given (the first from its creation). */
export interface ModelJob {
  id: number
  /** '' for a job recorded without a branch. */
  branch: string
  /** The request index from which the job exists (0: before the first request). */
  bornAt: number
  /** [from, status] in increasing `from`; the first `from` is `bornAt`. */
  life: ReadonlyArray<readonly [number, string]>
}

export interface ModelOptions {
  emptyBranch: EmptyBranch
  noMatch: '404' | 'error'
  commit?: string
}

export function statusAt(job: ModelJob, t: number): string | undefined {
  if (t < job.bornAt) return undefined
  let status: string | undefined
  for (const [from, value] of job.life) if (from <= t) status = value
  return status
}

export class ApiModel implements Transport {
  /** Requests answered so far: the model's time. */
  time = 0
  /** Called before each answer (e.g. to record which poll a request belongs to). */
  onRequest: ((t: number, filters: Filters) => void) | undefined

  constructor(
    readonly jobs: readonly ModelJob[],
    readonly options: ModelOptions
  ) {}

  /** The newest job matching the filters at request `t`, as the API shows it. */
  newest(filters: Filters, t: number): ModelJob | undefined {
    let best: ModelJob | undefined
    for (const job of this.jobs) {
      const status = statusAt(job, t)
      if (status === undefined) continue
      if (!matches({ calculated_status: status, branch: job.branch }, filters, this.options.emptyBranch)) continue
      if (best === undefined || job.id > best.id) best = job
    }
    return best
  }

  view(job: ModelJob, t: number): Record<string, unknown> {
    return {
      repository_name: 'layerci-example',
      id: job.id,
      status: 'SEE_RUNNERS',
      calculated_status: statusAt(job, t),
      commit_sha: this.options.commit ?? 'c'.repeat(40),
      ...(job.branch === '' ? {} : { branch: job.branch, merge_branch: job.branch }),
      run_start_reason: 'Commit pushed to GitHub',
      run_start_reason_url: ''
    }
  }

  /** The answer as the client gives it to the driver, without HTTP. */
  latest(filters: Record<string, string>): Promise<Lookup> {
    const t = this.time++
    this.onRequest?.(t, filters)
    const found = this.newest(filters, t)
    if (!found) return Promise.resolve({ kind: 'none' })
    const parsed = parseJob(this.view(found, t))
    return Promise.resolve(parsed.ok ? { kind: 'job', job: parsed.value } : { kind: 'unclear', problem: parsed.reason })
  }

  send(request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url)
    const filters: Record<string, string> = {}
    for (const [name, value] of url.searchParams) if (name !== 'layertoken') filters[name] = value
    const t = this.time++
    this.onRequest?.(t, filters)
    const json = (statusCode: number, body: unknown): Promise<HttpResponse> =>
      Promise.resolve({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    if (request.method !== 'GET' || !url.pathname.endsWith('/latest')) return json(404, { status: 'error', error: 'not found' })
    const found = this.newest(filters, t)
    if (!found) return json(this.options.noMatch === '404' ? 404 : 200, { status: 'error', error: 'no job found' })
    return json(200, { status: 'ok', job: this.view(found, t) })
  }
}
