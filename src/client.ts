/**
 * The LayerCI API client: URLs and the key, one attempt's meaning, retries with back-off and
 * Retry-After, per-request timeouts bounded by the deadline, and redaction of everything it says.
 * It knows both API flavors' endpoints; which requests to make is the waiter's business.
 */
import { parseAnswer, classifyErrorText, type Answer, type Job, type Runner } from './api.js'
import type { Clock } from './clock.js'
import { formatDuration } from './duration.js'
import { ApiError, DeadlineError, type Reason } from './errors.js'
import type { Log } from './log.js'
import { makeRedactor, type Redactor } from './redact.js'
import { ACTION_WORDS, type Flavor, type Vocabulary } from './settings.js'
import { cut } from './text.js'
import {
  MAX_REDIRECTS,
  NetworkError,
  ProxyError,
  TlsError,
  parseRetryAfter,
  type HttpResponse,
  type RefusedRedirect,
  type Transport
} from './transport.js'

export interface ClientOptions {
  apiUrl: string
  token: string
  flavor: Flavor
  repoName: string
  /** Monotonic time (the clock's now()) after which no request is sent and no back-off ends. */
  deadline: number
  transport: Transport
  clock: Clock
  log: Log
  /** The repository's owner, when known: taken out of error texts before they are read. */
  owner?: string
  /** How messages name inputs (the action's) or flags (the CLI's). */
  words?: Vocabulary
  /** Added to a refused key or unknown repository when `auto` chose the flavor. */
  flavorHint?: string
  random?: () => number
  maxBackoffMs?: number
  requestTimeoutCapMs?: number
  /**
   * Until the server has answered once, how long refused connections and unresolved names are
   * retried before the run fails as "cannot be reached": a wrong api-url or a service that is
   * down fails in seconds, while an outage during a long wait is ridden out until the deadline.
   */
  unreachableBudgetMs?: number
}

/** The body of a create request; only fields that are set are sent. */
export interface CreateBody {
  branch?: string
  ref?: string
  accept_buttons?: 'true'
  skip_no_further_than?: string
  extra?: string
}

/**
 * What a read says: the newest matching job, that no job matches, or nothing certain (an error
 * answer the API does not explain as "no match"). Only `none` may be taken as "no job matches":
 * the waiter draws conclusions from it.
 */
export type Lookup = { kind: 'job'; job: Job } | { kind: 'none' } | { kind: 'unclear'; problem: string }

export type PostResult =
  | { kind: 'created'; job: Job; url?: string }
  /** The request may have reached the server and created a job: never send it again blindly. */
  | { kind: 'ambiguous'; reason: string }

type Verdict =
  | { kind: 'answer'; answer: Answer }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'ambiguous'; reason: string }
  | { kind: 'fatal'; message: string; reason?: Reason }

const RETRY_AFTER_STATUSES = new Set([429, 503])
/** The last retry starts at least this long before the deadline, so that it can be answered. */
const LAST_TRY_RESERVE_MS = 1000

export class LayerCiClient {
  readonly redact: Redactor
  /** The last transient problem seen, for the timeout message. */
  lastProblem: string | undefined
  /** Requests sent, by method: the benchmark and the tests read these. */
  readonly sent = { GET: 0, POST: 0 }
  private readonly random: () => number
  private readonly maxBackoffMs: number
  private readonly requestTimeoutCapMs: number
  private readonly unreachableBudgetMs: number
  private readonly words: Vocabulary
  /** The repository's names, as error texts may quote them. */
  private readonly names: string[]
  private reached = false
  deadline: number

  constructor(private readonly options: ClientOptions) {
    this.redact = makeRedactor([options.token])
    this.random = options.random ?? Math.random
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000
    this.requestTimeoutCapMs = options.requestTimeoutCapMs ?? 30_000
    this.unreachableBudgetMs = options.unreachableBudgetMs ?? 10_000
    this.words = options.words ?? ACTION_WORDS
    this.names = options.owner ? [`${options.owner}/${options.repoName}`, options.owner, options.repoName] : [options.repoName]
    this.deadline = options.deadline
  }

  get flavor(): Flavor {
    return this.options.flavor
  }

  private path(...segments: string[]): string {
    const prefix = new URL(this.options.apiUrl).pathname.replace(/\/+$/, '')
    return `${prefix}/api/v1/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`
  }

  private url(path: string, query: Array<[string, string]>): string {
    const keyParam = this.options.flavor === 'webappio' ? 'token' : 'layertoken'
    const search = new URLSearchParams([...query, [keyParam, this.options.token]])
    return `${new URL(this.options.apiUrl).origin}${path}?${search.toString()}`
  }

  private refusedMessage(statusCode: number, text?: string): string {
    const hint = this.options.flavorHint ? ` ${this.options.flavorHint}` : ''
    return `The LayerCI API key was refused (HTTP ${statusCode}${text ? `: ${this.serverText(text)}` : ''}). Check ${this.words.name('token')}: it must be a LayerCI API key with access to ${this.options.repoName}.${hint}`
  }

  private unknownRepositoryMessage(statusCode: number, text?: string): string {
    const hint = this.options.flavorHint ? ` ${this.options.flavorHint}` : ''
    return `Repository "${this.options.repoName}" was not found for this API key (HTTP ${statusCode}${text ? `: ${this.serverText(text)}` : ''}).${hint}`
  }

  /** "change api-url": the input (action) or flag (CLI) that fixes a wrong address. */
  private get apiUrlName(): string {
    return this.words.name('api-url')
  }

  /**
   * Text the server chose (an error answer, a Location header), made fit to quote in a message or
   * a log line: redacted whole, then cut to SERVER_TEXT_LIMIT. Every such text goes through here.
   */
  private serverText(text: string): string {
    return cut(this.redact(text))
  }

  /** A redirect target as a message names it: without its query (which may hold the key) or credentials. */
  private redirectTarget(location: string): string {
    // Redacted first: a URL parser's normalised form of the key is not one the redactor knows.
    const redacted = this.serverText(location)
    let target: URL
    try {
      target = new URL(redacted, this.options.apiUrl)
    } catch {
      return `"${redacted.slice(0, 200)}"`
    }
    target.search = ''
    target.hash = ''
    target.username = ''
    target.password = ''
    return this.serverText(target.href)
  }

  /**
   * A redirect the transport did not follow. A create is never sent twice, and the key (in the
   * URL) is never sent to another origin: either way the user has to fix api-url.
   */
  private judgeRedirect(method: 'GET' | 'POST', redirect: RefusedRedirect): Verdict {
    const code = redirect.statusCode
    const where = this.redirectTarget(redirect.location)
    const origin = new URL(this.options.apiUrl).origin
    if (method === 'POST') {
      // 303 See Other says the server acted on the request and points at the result.
      if (code === 303) return { kind: 'ambiguous', reason: `HTTP 303, a redirect to ${where} that was not followed` }
      return {
        kind: 'fatal',
        message: `LayerCI at ${origin} answered the create request with HTTP ${code}, a redirect to ${where}; the request was not sent there, so no job was created by the redirected request: change ${this.apiUrlName} to the API's address.`
      }
    }
    switch (redirect.why) {
      case 'too-many':
        return {
          kind: 'fatal',
          message: `LayerCI at ${origin} redirected the request more than ${MAX_REDIRECTS} times (a redirect loop, last HTTP ${code} to ${where}): check ${this.apiUrlName}.`
        }
      case 'unreadable':
        return {
          kind: 'fatal',
          message: `LayerCI at ${origin} answered HTTP ${code}, a redirect to ${where}, which is not a URL: check ${this.apiUrlName}.`
        }
      default:
        return {
          kind: 'fatal',
          message: `LayerCI at ${origin} answered HTTP ${code}, a redirect to ${where} on another origin; it was not followed, so the API key was not sent there: change ${this.apiUrlName} to the API's address.`
        }
    }
  }

  private judgeGet(response: HttpResponse): Verdict {
    const code = response.statusCode
    if (code === 401 || code === 403) {
      const parsed = parseAnswer(response.body)
      return {
        kind: 'fatal',
        reason: 'refused-key',
        message: this.refusedMessage(code, parsed.ok && parsed.value.status === 'error' ? parsed.value.error : undefined)
      }
    }
    if (code === 429 || code === 408 || code >= 500) {
      const retryAfterMs = RETRY_AFTER_STATUSES.has(code)
        ? parseRetryAfter(response.headers['retry-after'], this.options.clock.wall())
        : undefined
      return { kind: 'retry', reason: `HTTP ${code}`, retryAfterMs }
    }
    const parsed = parseAnswer(response.body)
    if (!parsed.ok) {
      if (code >= 400) {
        return {
          kind: 'fatal',
          message: `${this.options.apiUrl} answered HTTP ${code} with ${parsed.reason}. Check ${this.apiUrlName}: it must be the LayerCI API's base URL.`
        }
      }
      return { kind: 'retry', reason: `HTTP ${code} with ${parsed.reason}` }
    }
    const answer = parsed.value
    if (answer.status === 'error') {
      const kind = classifyErrorText(answer.error, this.names)
      if (kind === 'refused') return { kind: 'fatal', reason: 'refused-key', message: this.refusedMessage(code, answer.error) }
      if (kind === 'unknown-repository')
        return { kind: 'fatal', reason: 'unknown-repository', message: this.unknownRepositoryMessage(code, answer.error) }
      if (kind === 'other' && code >= 400 && code !== 404)
        return { kind: 'fatal', message: `LayerCI answered HTTP ${code}: ${this.serverText(answer.error)}` }
      return { kind: 'answer', answer }
    }
    if (code >= 400) return { kind: 'fatal', message: `LayerCI answered HTTP ${code} to a read request` }
    return { kind: 'answer', answer }
  }

  private judgePost(response: HttpResponse): Verdict {
    const code = response.statusCode
    const parsed = parseAnswer(response.body)
    const apiText = parsed.ok && parsed.value.status === 'error' ? parsed.value.error : undefined
    if (code === 401 || code === 403) return { kind: 'fatal', reason: 'refused-key', message: this.refusedMessage(code, apiText) }
    if (code === 404) return { kind: 'fatal', reason: 'unknown-repository', message: this.unknownRepositoryMessage(code, apiText) }
    // 429, and a 503 that the API sends (its JSON, or a Retry-After), say the server did not take
    // the request: safe to send again. A 503 page from a gateway may come after the API acted on
    // the request (a router's timeout while the create goes on): a job may exist.
    const retryAfter = response.headers['retry-after']
    if (code === 429 || (code === 503 && (retryAfter !== undefined || parsed.ok))) {
      const retryAfterMs = parseRetryAfter(retryAfter, this.options.clock.wall())
      return { kind: 'retry', reason: `HTTP ${code}`, retryAfterMs }
    }
    if (code >= 500) return { kind: 'ambiguous', reason: `HTTP ${code}` }
    if (code >= 400)
      return {
        kind: 'fatal',
        message: `LayerCI refused to create the job (HTTP ${code}): ${apiText === undefined ? 'no explanation given' : this.serverText(apiText)}`
      }
    if (!parsed.ok) return { kind: 'ambiguous', reason: `HTTP ${code} with ${parsed.reason}` }
    const answer = parsed.value
    if (answer.status === 'error') {
      const kind = classifyErrorText(answer.error, this.names)
      if (kind === 'refused') return { kind: 'fatal', reason: 'refused-key', message: this.refusedMessage(code, answer.error) }
      if (kind === 'unknown-repository')
        return { kind: 'fatal', reason: 'unknown-repository', message: this.unknownRepositoryMessage(code, answer.error) }
      return { kind: 'fatal', message: `LayerCI did not create the job: ${this.serverText(answer.error)}` }
    }
    if (!answer.job) return { kind: 'ambiguous', reason: `HTTP ${code} without a job in the answer` }
    return { kind: 'answer', answer }
  }

  private backoff(attempt: number, retryAfterMs: number | undefined): number {
    const exponential = Math.min(this.maxBackoffMs, 1000 * 2 ** Math.min(attempt - 1, 20))
    const jittered = exponential * (0.5 + this.random() / 2)
    return Math.max(jittered, retryAfterMs ?? 0)
  }

  /** Sends one request with retries as `judge` allows; returns the answer or throws. */
  private async exchange(
    method: 'GET' | 'POST',
    path: string,
    query: Array<[string, string]>,
    body: string | undefined,
    what: string,
    /** A side request's own bound: this many attempts, and not past `until` (nor the run's deadline). */
    limit?: { attempts: number; until: number }
  ): Promise<Verdict & { kind: 'answer' | 'ambiguous' }> {
    const { clock, log, transport } = this.options
    const deadline = limit === undefined ? this.deadline : Math.min(this.deadline, limit.until)
    const judge = (response: HttpResponse): Verdict =>
      response.refusedRedirect
        ? this.judgeRedirect(method, response.refusedRedirect)
        : method === 'GET'
          ? this.judgeGet(response)
          : this.judgePost(response)
    const pathOf = (url: string): string => this.redact(url.slice(new URL(url).origin.length))
    let unreachableSince: number | undefined
    let proxyVariable: string | undefined
    let lastTry = false
    for (let attempt = 1; ; attempt++) {
      const timeLeft = deadline - clock.now()
      if (timeLeft <= 0) throw new DeadlineError(this.lastProblem)
      const url = this.url(path, query)
      const started = clock.now()
      this.sent[method]++
      let verdict: Verdict
      let statusText: string
      let unreachable = false
      try {
        const response = await transport.send({ method, url, timeoutMs: Math.min(this.requestTimeoutCapMs, timeLeft), body })
        for (const hop of response.redirects ?? []) {
          log.debug(`${method} ${pathOf(hop.from)} -> HTTP ${hop.statusCode}, redirected to ${this.serverText(hop.location)}`)
        }
        statusText = `HTTP ${response.statusCode}`
        this.reached = true
        verdict = judge(response)
      } catch (error) {
        const network = error instanceof NetworkError ? error : new NetworkError(this.redact(String(error)), 'EUNKNOWN', true)
        statusText = network.message
        const reason = this.redact(network.message)
        if (network instanceof TlsError && !network.sent) {
          // A certificate does not become trusted by waiting. (A TLS failure after the request
          // was written is a network fault like any other: a create may have been acted on.)
          verdict = {
            kind: 'fatal',
            reason: 'unreachable',
            message: `LayerCI could not be reached securely at ${new URL(this.options.apiUrl).origin}: ${reason}. If its certificate comes from a private certificate authority, give that authority's certificate to Node.js with NODE_EXTRA_CA_CERTS; if the server speaks plain HTTP, check ${this.apiUrlName}.${method === 'POST' ? ' No job was created.' : ''}`
          }
        } else if (network instanceof ProxyError && network.connectStatus === 407) {
          // Credentials do not appear by waiting.
          verdict = {
            kind: 'fatal',
            reason: 'unreachable',
            message: `LayerCI could not be reached at ${new URL(this.options.apiUrl).origin}: ${reason}. Check the proxy credentials in ${network.variable}, or add the API's host to no_proxy.`
          }
        } else {
          verdict = method === 'POST' && network.sent ? { kind: 'ambiguous', reason } : { kind: 'retry', reason }
        }
        unreachable = !network.sent && !this.reached
        if (unreachable) unreachableSince ??= started
        proxyVariable = network instanceof ProxyError ? network.variable : undefined
      }
      log.debug(`${method} ${pathOf(url)} -> ${this.redact(statusText)} in ${Math.round(clock.now() - started)} ms (attempt ${attempt})`)
      if (verdict.kind === 'fatal') throw new ApiError(this.redact(verdict.message), verdict.reason)
      if (verdict.kind === 'ambiguous') return { kind: 'ambiguous', reason: this.redact(verdict.reason) }
      if (verdict.kind === 'answer') {
        // An answer ends whatever problem came before: the timeout message names only a current one.
        this.lastProblem = undefined
        return verdict
      }
      this.lastProblem = `${what}: ${this.redact(verdict.reason)}`
      if (verdict.retryAfterMs !== undefined && clock.now() + verdict.retryAfterMs >= deadline - LAST_TRY_RESERVE_MS) {
        // The server asked for a pause the deadline does not allow: fail now rather than wait for nothing.
        const asked = `LayerCI answered ${verdict.reason} and asked to wait ${formatDuration(verdict.retryAfterMs)}`
        const left = `which leaves no time for another request before the timeout (${formatDuration(deadline - clock.now())} left)`
        if (method === 'POST') {
          throw new ApiError(
            this.redact(
              `${asked} before sending the create request again, ${left}: no job was created, as ${verdict.reason} means the server did not act on the request.`
            )
          )
        }
        this.lastProblem = `${what}: ${this.redact(`${asked}, ${left}`)}`
        throw new DeadlineError(this.lastProblem)
      }
      if (limit !== undefined && attempt >= limit.attempts) {
        // A side request never holds the run: its last problem is the answer.
        throw new ApiError(`${this.redact(verdict.reason)}, ${attempt} ${attempt === 1 ? 'try' : 'tries'}`)
      }
      let delay = this.backoff(attempt, verdict.retryAfterMs)
      if (unreachable && unreachableSince !== undefined) {
        const next = clock.now() + delay
        if (next - unreachableSince >= this.unreachableBudgetMs || next >= deadline) {
          const origin = new URL(this.options.apiUrl).origin
          throw new ApiError(
            proxyVariable === undefined
              ? `LayerCI could not be reached at ${origin}: ${this.redact(verdict.reason)}. Check ${this.apiUrlName}, or run again when the service is back.`
              : `LayerCI could not be reached at ${origin}: ${this.redact(verdict.reason)}. Check ${proxyVariable} and no_proxy, or run again when the proxy is back.`,
            'unreachable'
          )
        }
      }
      // The last attempt is made as close to the deadline as a request allows, not given up on
      // because the next back-off would pass it: the server may be back by then. An attempt that
      // starts at that moment is the last, even if the clock wakes a little early for it.
      const lastStart = deadline - LAST_TRY_RESERVE_MS
      if (clock.now() + delay >= lastStart) {
        if (lastTry || clock.now() >= lastStart) {
          // Nothing more can be tried in time: the run ends at its deadline, not before.
          await clock.sleep(deadline - clock.now())
          throw new DeadlineError(this.lastProblem)
        }
        delay = lastStart - clock.now()
        lastTry = true
      }
      log.info(`${what}: ${this.redact(verdict.reason)} (attempt ${attempt}); retrying in ${(delay / 1000).toFixed(1)}s`)
      await clock.sleep(delay)
    }
  }

  private async read(path: string, query: Array<[string, string]>, what: string): Promise<Lookup> {
    const verdict = await this.exchange('GET', path, query, undefined, what)
    if (verdict.kind !== 'answer') return { kind: 'unclear', problem: `${what}: ${verdict.reason}` }
    const answer = verdict.answer
    if (answer.status === 'error') {
      if (classifyErrorText(answer.error, this.names) === 'no-match') return { kind: 'none' }
      this.lastProblem = `${what}: LayerCI answered "${this.serverText(answer.error)}"`
      return { kind: 'unclear', problem: this.lastProblem }
    }
    if (!answer.job) {
      this.lastProblem = `${what}: LayerCI answered "ok" without a job`
      return { kind: 'unclear', problem: this.lastProblem }
    }
    return { kind: 'job', job: answer.job }
  }

  /** layerci flavor: the newest job matching all `filters`. */
  latest(filters: Record<string, string>, what = 'Poll'): Promise<Lookup> {
    return this.read(this.path('run', this.options.repoName, 'latest'), Object.entries(filters), what)
  }

  /** webappio flavor: the newest job matching all search terms. */
  search(terms: string[], what = 'Poll'): Promise<Lookup> {
    return this.read(this.path('run', this.options.repoName, 'search'), [['search', terms.join(' ')]], what)
  }

  /** The newest job of the repository, optionally on one branch, in either flavor. */
  newest(branch: string | undefined, what: string): Promise<Lookup> {
    if (this.options.flavor === 'webappio') {
      return this.search(branch ? [`branch:${branch}`] : [`repo:${this.options.repoName}`], what)
    }
    return this.latest(branch ? { branch } : {}, what)
  }

  /**
   * webappio flavor: the Layerfile runners of a finished job. A side request: `limit` bounds its
   * attempts and time, so that it never holds a result that is already known.
   */
  async runners(uuid: string, limit?: { attempts: number; until: number }): Promise<Runner[]> {
    const verdict = await this.exchange('GET', this.path('runners', this.options.repoName, uuid), [], undefined, 'Runners', limit)
    if (verdict.kind !== 'answer' || verdict.answer.status === 'error') {
      const text = verdict.kind === 'answer' && verdict.answer.status === 'error' ? verdict.answer.error : 'no answer'
      throw new ApiError(`LayerCI did not list the runners: ${this.serverText(text)}`)
    }
    return verdict.answer.runners ?? []
  }

  /** One create request, re-sent only where the server surely did not act on it. */
  async post(body: CreateBody): Promise<PostResult> {
    const verdict = await this.exchange('POST', this.path('run', this.options.repoName), [], JSON.stringify(body), 'Create')
    if (verdict.kind === 'ambiguous') return verdict
    if (verdict.answer.status !== 'ok' || !verdict.answer.job) return { kind: 'ambiguous', reason: 'an answer without a job' }
    const result: PostResult = { kind: 'created', job: verdict.answer.job }
    if (verdict.answer.url) result.url = verdict.answer.url
    return result
  }
}
