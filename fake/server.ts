/**
 * A fake LayerCI API for tests, the demo and the benchmark: a real HTTP server on 127.0.0.1
 * implementing ci-jobs.md (create, `latest` with its five filters) and the later webapp.io
 * dialect (`token`, `search` terms, `uuid`, runners), with jobs that move through the documented
 * statuses on a schedule, jobs created by others, and faults a test scripts per request.
 * Only node: built-ins, so its bundle runs without an install.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

export type Dialect = 'layerci' | 'webappio'

/** From `at` milliseconds after its creation, a job has this calculated status. */
export interface Step {
  at: number
  calculated_status: string
  status?: string
}

export interface FakeRunner {
  id: string
  layerfile_relative_path: string
  status: string
  was_retried: boolean
  runner_index: number
}

export interface JobSpec {
  branch?: string
  commit_sha?: string
  calculated_status?: string
  status?: string
  schedule?: Step[]
  runners?: FakeRunner[]
  run_start_reason?: string
  /** The branch the `branch` filter matches for this job, when not its `branch`: a server that stores it elsewhere. */
  filterBranch?: string
}

export interface RepoConfig {
  owner?: string
  /** The schedule of jobs created through the API; default: running, then SUCCEEDED after 1.5 s. */
  schedule?: Step[]
  runners?: FakeRunner[]
  /** The branch the `branch` filter matches for jobs created through the API (default: their branch). */
  filterBranch?: string
  /** The id of the repository's first job (default 1); ids then grow by one. */
  firstId?: number
  /** The branch recorded for jobs created through the API, whatever was sent ('' for none). */
  createdBranch?: string
}

export interface FakeOptions {
  /** The one API key accepted; default "fake-layerci-key". */
  token?: string
  dialect?: Dialect
  repos?: Record<string, RepoConfig>
  /** HTTP status of the "no job matches" error body: 200 (default) or 404. */
  noMatchStatus?: 200 | 404
  /** Statuses that `failed=true` matches beyond the documented four: a server newer than its docs. */
  undocumentedFailed?: string[]
  /** Undocumented statuses that `done=true` does not match (the page's definition matches them): e.g. QUEUED. */
  undocumentedInFlight?: string[]
  /**
   * What an empty `branch=` matches, which the page does not say: jobs recorded without a branch
   * (default), or every job (a server that takes an empty value as no filter).
   */
  emptyBranch?: 'branchless' | 'any'
}

export type Endpoint = 'create' | 'latest' | 'search' | 'runners'

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'body'; body: string; status?: number }
  | { kind: 'truncated' }
  /** Create only: the job is created, but the answer is a 502. */
  | { kind: 'created-then-502' }
  /** Create only: the job is created, then the connection is reset. */
  | { kind: 'created-then-reset' }

export interface RecordedRequest {
  method: string
  endpoint: Endpoint | 'other'
  path: string
  query: Record<string, string>
  body: unknown
  /** performance.now() when the request arrived. */
  at: number
}

interface FakeJob {
  repository_name: string
  id: number
  uuid: string
  /** Wall-clock milliseconds, for the times the API shows. */
  createdAt: number
  /**
   * performance.now() at creation: a schedule runs on the monotonic clock, which a step of the
   * system clock (NTP, a resumed VM) does not move; a job does not end early or late for it.
   */
  startedAt: number
  commit_sha: string
  branch: string
  merge_branch: string
  run_start_reason: string
  schedule: Step[]
  override?: { calculated_status: string; status: string }
  runners?: FakeRunner[]
  extra?: string
  filterBranch?: string
}

const DONE_EXCLUDES = new Set(['NEW', 'STARTING_RUNNERS', 'RUNNING'])
const FAILED = new Set(['JOB_ERROR', 'BAD_LAYERFILE', 'FAILURE', 'RUNNER_ERROR'])

export const DEFAULT_TOKEN = 'fake-layerci-key'
export const DEFAULT_SCHEDULE: Step[] = [
  { at: 0, calculated_status: 'NEW' },
  { at: 200, calculated_status: 'STARTING_RUNNERS' },
  { at: 400, calculated_status: 'RUNNING' },
  { at: 1500, calculated_status: 'SUCCEEDED' }
]

/** The internal `status` the API pairs with a calculated status. */
export function internalStatus(calculated: string): string {
  if (calculated === 'NEW' || calculated === 'STARTING_RUNNERS') return calculated
  if (calculated === 'JOB_ERROR' || calculated === 'BAD_LAYERFILE') return 'ERROR'
  return 'SEE_RUNNERS'
}

/** A schedule that reaches `outcome` after `ms`. */
export function scheduleTo(outcome: string, ms: number): Step[] {
  return [
    { at: 0, calculated_status: 'NEW' },
    { at: Math.min(50, ms / 4), calculated_status: 'RUNNING' },
    { at: ms, calculated_status: outcome }
  ]
}

function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '000 +0000 UTC')
}

export class FakeLayerCi {
  readonly requests: RecordedRequest[] = []
  /** Called as each request arrives, before it is answered: lets a test move jobs between two requests. */
  beforeAnswer: ((request: RecordedRequest) => void) | undefined
  readonly token: string
  readonly dialect: Dialect
  private readonly repos = new Map<string, { config: RepoConfig; jobs: FakeJob[] }>()
  private readonly faults: Array<{
    endpoint: Endpoint | 'any'
    fault: Fault
    times: number
    when?: (request: RecordedRequest) => boolean
  }> = []
  private readonly server: Server
  private readonly sockets = new Set<Socket>()
  private readonly noMatchStatus: 200 | 404
  private readonly emptyBranch: 'branchless' | 'any'
  private readonly failed: Set<string>
  private readonly notDone: Set<string>
  private port = 0

  constructor(options: FakeOptions = {}) {
    this.token = options.token ?? DEFAULT_TOKEN
    this.dialect = options.dialect ?? 'layerci'
    this.noMatchStatus = options.noMatchStatus ?? 200
    this.emptyBranch = options.emptyBranch ?? 'branchless'
    this.failed = new Set([...FAILED, ...(options.undocumentedFailed ?? [])])
    this.notDone = new Set([...DONE_EXCLUDES, ...(options.undocumentedInFlight ?? [])])
    for (const [name, config] of Object.entries(options.repos ?? { 'layerci-example': {} })) {
      this.repos.set(name, { config, jobs: [] })
    }
    this.server = createServer((request, response) => {
      this.handle(request, response).catch(() => {
        response.statusCode = 500
        response.end()
      })
    })
    this.server.on('connection', (socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  /** Listens on 127.0.0.1; rejects when the port cannot be listened on (in use, not allowed). */
  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject)
        resolve()
      })
    })
    const address = this.server.address()
    this.port = typeof address === 'object' && address ? address.port : port
    return this
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  /** Adds a job as if someone else (a push, a teammate) had started it. */
  addJob(repo: string, spec: JobSpec = {}): number {
    const entry = this.repo(repo)
    if (!entry) throw new Error(`fake: no repository ${repo}`)
    const calculated = spec.calculated_status ?? 'NEW'
    const job = this.makeJob(repo, this.nextId(entry), {
      commit_sha: spec.commit_sha ?? 'f'.repeat(40),
      branch: spec.branch ?? 'master',
      run_start_reason: spec.run_start_reason ?? 'Commit pushed to GitHub',
      schedule: spec.schedule ?? [{ at: 0, calculated_status: calculated, ...(spec.status ? { status: spec.status } : {}) }]
    })
    if (spec.runners) job.runners = spec.runners
    if (spec.filterBranch !== undefined) job.filterBranch = spec.filterBranch
    entry.jobs.push(job)
    return job.id
  }

  /** Sets a job's status now, whatever its schedule says. */
  setStatus(repo: string, id: number, calculated: string, status?: string): void {
    const job = this.repo(repo)?.jobs.find((candidate) => candidate.id === id)
    if (!job) throw new Error(`fake: no job ${repo}/${id}`)
    job.override = { calculated_status: calculated, status: status ?? internalStatus(calculated) }
  }

  /** The next `times` requests to `endpoint` (for which `when` holds) meet `fault` instead of the API. */
  inject(endpoint: Endpoint | 'any', fault: Fault, times = 1, when?: (request: RecordedRequest) => boolean): void {
    this.faults.push(when ? { endpoint, fault, times, when } : { endpoint, fault, times })
  }

  /** The jobs of a repository as the API would show them now. */
  jobs(repo: string): Array<Record<string, unknown>> {
    return (this.repo(repo)?.jobs ?? []).map((job) => this.view(job))
  }

  count(endpoint: Endpoint): number {
    return this.requests.filter((request) => request.endpoint === endpoint).length
  }

  private nextId(entry: { config: RepoConfig; jobs: FakeJob[] }): number {
    return (entry.config.firstId ?? 1) + entry.jobs.length
  }

  private repo(name: string): { config: RepoConfig; jobs: FakeJob[] } | undefined {
    return this.repos.get(name)
  }

  private makeJob(repo: string, id: number, fields: Pick<FakeJob, 'commit_sha' | 'branch' | 'run_start_reason' | 'schedule'>): FakeJob {
    const hex = id.toString(16).padStart(12, '0')
    return {
      repository_name: repo,
      id,
      uuid: `00000000-0000-4000-8000-${hex}`,
      createdAt: Date.now(),
      startedAt: performance.now(),
      merge_branch: fields.branch,
      ...fields
    }
  }

  private current(job: FakeJob): { calculated_status: string; status: string; changedAt: number } {
    if (job.override) return { ...job.override, changedAt: Date.now() }
    const age = performance.now() - job.startedAt
    let step: Step = job.schedule[0] ?? { at: 0, calculated_status: 'NEW' }
    for (const candidate of job.schedule) if (candidate.at <= age) step = candidate
    return {
      calculated_status: step.calculated_status,
      status: step.status ?? internalStatus(step.calculated_status),
      changedAt: job.createdAt + step.at
    }
  }

  private view(job: FakeJob): Record<string, unknown> {
    const now = this.current(job)
    const view: Record<string, unknown> = {
      repository_name: job.repository_name,
      id: job.id,
      status: now.status,
      status_change_time: formatTime(now.changedAt),
      calculated_status: now.calculated_status,
      commit_sha: job.commit_sha,
      branch: job.branch,
      merge_branch: job.merge_branch,
      run_start_reason: job.run_start_reason,
      run_start_reason_url: ''
    }
    if (this.dialect === 'webappio') view.uuid = job.uuid
    return view
  }

  private runnersOf(job: FakeJob, config: RepoConfig): FakeRunner[] {
    if (job.runners) return job.runners
    if (config.runners) return config.runners
    const calculated = this.current(job).calculated_status
    const main: FakeRunner = {
      id: 'main-layerfile-1',
      layerfile_relative_path: 'Layerfile',
      status: 'SUCCESS',
      was_retried: false,
      runner_index: 1
    }
    if (calculated === 'SUCCEEDED') return [main]
    const failed = calculated === 'RUNNER_CANCELLED' ? 'CANCELLED' : calculated === 'RUNNER_ERROR' ? 'ERROR' : 'FAILURE'
    return [main, { id: 'e2e-tests-2', layerfile_relative_path: 'e2e/Layerfile', status: failed, was_retried: false, runner_index: 2 }]
  }

  private matchesLatest(job: FakeJob, query: Record<string, string>): boolean {
    const now = this.current(job)
    if (query.calculated_status !== undefined && now.calculated_status !== query.calculated_status) return false
    if (query.status !== undefined && now.status !== query.status) return false
    const anyBranch = query.branch === '' && this.emptyBranch === 'any'
    if (query.branch !== undefined && !anyBranch && (job.filterBranch ?? job.branch) !== query.branch) return false
    if (query.done === 'true' && this.notDone.has(now.calculated_status)) return false
    if (query.failed === 'true' && !this.failed.has(now.calculated_status)) return false
    return true
  }

  private matchesSearch(job: FakeJob, terms: string[]): boolean {
    const now = this.current(job)
    return terms.every((term) => {
      const [key, ...rest] = term.split(':')
      const value = rest.join(':')
      switch (key?.toLowerCase()) {
        case 'repo':
          return job.repository_name === value
        case 'branch':
          return job.branch === value
        case 'id':
          return String(job.id) === value
        case 'status':
          return now.calculated_status.toLowerCase() === value.toLowerCase()
        case 'done':
          return !this.notDone.has(now.calculated_status)
        case 'failed':
          return this.failed.has(now.calculated_status)
        default:
          return false
      }
    })
  }

  private takeFault(request: RecordedRequest): Fault | undefined {
    const index = this.faults.findIndex(
      (entry) => (entry.endpoint === 'any' || entry.endpoint === request.endpoint) && (entry.when?.(request) ?? true)
    )
    if (index < 0) return undefined
    const entry = this.faults[index]
    if (!entry) return undefined
    entry.times--
    if (entry.times <= 0) this.faults.splice(index, 1)
    return entry.fault
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const at = performance.now()
    const url = new URL(request.url ?? '/', 'http://fake')
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    let body: unknown
    try {
      body = text ? JSON.parse(text) : {}
    } catch {
      body = text
    }
    const query = Object.fromEntries(url.searchParams.entries())
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent)
    // /api/v1/run/{repo}[/latest|/search] · /api/v1/jobs/github/{owner}/{repo}/latest · /api/v1/runners/{repo}/{uuid}
    let endpoint: Endpoint | 'other' = 'other'
    let repoName = ''
    if (parts[0] === 'api' && parts[1] === 'v1') {
      if (parts[2] === 'run' && parts.length === 4 && request.method === 'POST') [endpoint, repoName] = ['create', parts[3] ?? '']
      else if (parts[2] === 'run' && parts.length === 5 && parts[4] === 'latest') [endpoint, repoName] = ['latest', parts[3] ?? '']
      else if (parts[2] === 'run' && parts.length === 5 && parts[4] === 'search') [endpoint, repoName] = ['search', parts[3] ?? '']
      else if (parts[2] === 'jobs' && parts[3] === 'github' && parts.length === 7 && parts[6] === 'latest')
        [endpoint, repoName] = ['latest', parts[5] ?? '']
      else if (parts[2] === 'runners' && parts.length === 5) [endpoint, repoName] = ['runners', parts[3] ?? '']
    }
    const recorded: RecordedRequest = { method: request.method ?? '', endpoint, path: url.pathname, query, body, at }
    this.requests.push(recorded)
    this.beforeAnswer?.(recorded)

    const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      response.writeHead(status, { 'Content-Type': 'application/json', ...headers })
      response.end(JSON.stringify(payload))
    }
    const error = (status: number, message: string): void => send(status, { status: 'error', error: message })

    const fault = this.takeFault(recorded)
    if (fault && fault.kind !== 'created-then-502' && fault.kind !== 'created-then-reset') {
      switch (fault.kind) {
        case 'status':
          response.writeHead(fault.status, {
            'Content-Type': 'text/plain',
            ...(fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {})
          })
          response.end(fault.body ?? `fake fault ${fault.status}`)
          return
        case 'reset':
          request.socket.destroy()
          return
        case 'hang':
          return
        case 'body':
          response.writeHead(fault.status ?? 200, { 'Content-Type': 'text/html' })
          response.end(fault.body)
          return
        case 'truncated':
          response.writeHead(200, { 'Content-Type': 'application/json' })
          response.end('{"status":"ok","job":{"id":')
          return
      }
    }

    if (endpoint === 'other') return error(404, 'not found')
    const keyParam = this.dialect === 'webappio' ? 'token' : 'layertoken'
    if (query[keyParam] !== this.token) return error(401, 'invalid API key')
    const entry = this.repo(repoName)
    if (!entry) return error(404, `repository ${repoName} not found`)

    if (endpoint === 'create') {
      const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}
      const branch = typeof fields.branch === 'string' ? fields.branch : 'master'
      const ref = typeof fields.ref === 'string' ? fields.ref : '0'.repeat(40)
      if (!/^[\w./-]+$/.test(branch)) return error(400, `invalid branch ${branch}`)
      const job = this.makeJob(repoName, this.nextId(entry), {
        commit_sha: ref,
        branch: entry.config.createdBranch ?? branch,
        run_start_reason: 'Manual run created by API',
        schedule: entry.config.schedule ?? DEFAULT_SCHEDULE
      })
      if (typeof fields.extra === 'string') job.extra = fields.extra
      if (entry.config.filterBranch !== undefined) job.filterBranch = entry.config.filterBranch
      entry.jobs.push(job)
      if (fault?.kind === 'created-then-502') return error(502, 'bad gateway')
      if (fault?.kind === 'created-then-reset') {
        request.socket.destroy()
        return
      }
      return send(200, {
        status: 'ok',
        job: this.view(job),
        url: `${this.url}/jobs/github/${entry.config.owner ?? 'fake-owner'}/${repoName}/${job.id}`
      })
    }

    if (endpoint === 'runners') {
      const job = entry.jobs.find((candidate) => candidate.uuid === parts[4])
      if (!job) return error(200, `There is no run for ${repoName} matching uuid ${parts[4] ?? ''}.`)
      return send(200, { status: 'ok', runners: this.runnersOf(job, entry.config) })
    }

    const newestFirst = [...entry.jobs].sort((a, b) => b.id - a.id)
    const found =
      endpoint === 'latest'
        ? newestFirst.find((job) => this.matchesLatest(job, query))
        : newestFirst.find((job) => this.matchesSearch(job, (query.search ?? '').split(/\s+/).filter(Boolean)))
    if (!found) {
      const message =
        endpoint === 'search'
          ? `There are no runs in ${entry.config.owner ?? 'fake-owner'}/${repoName} matching the given filters.`
          : 'no job found'
      return error(this.noMatchStatus, message)
    }
    return send(200, { status: 'ok', job: this.view(found) })
  }
}
