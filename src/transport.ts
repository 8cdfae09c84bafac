/**
 * One HTTP exchange through @actions/http-client (which honours the proxy variables), bounded by
 * a hard timeout that also covers a server that sends headers and then stalls the body.
 * Retries, redaction and meaning live in client.ts; this file only moves bytes, and knows HTTP:
 * redirects (followed only for a GET within the request's origin), how much body is read, what
 * a failed proxy tunnel looks like, and how Retry-After is written.
 */
import type { IncomingMessage, RequestOptions } from 'node:http'
import { HttpClient, getProxyUrl, type HttpClientResponse } from '@actions/http-client'
import { checkBypass } from '@actions/http-client/lib/proxy'
import type { RequestHandler } from '@actions/http-client/lib/interfaces'

export interface HttpRequest {
  method: 'GET' | 'POST'
  url: string
  body?: string
  timeoutMs: number
}

/** A redirect the transport followed: a GET, within the origin of the request. */
export interface FollowedRedirect {
  statusCode: number
  /** The URL that answered with the redirect. */
  from: string
  /** The Location header as the server sent it (for messages: redact it before anything else). */
  location: string
  /**
   * The URL requested next: the Location header resolved against `from`, used as given. It is
   * the server's own URL on the same origin, so the key may travel there; when the server's URL
   * lacks the key, the key is not added back and the server's answer (a refusal) says so.
   */
  to: string
}

/**
 * A redirect the transport did not follow. The key travels in the URL, so a redirect to another
 * origin would carry it there; a POST is never sent twice; a GET follows at most MAX_REDIRECTS.
 */
export interface RefusedRedirect {
  statusCode: number
  /** The Location header as the server sent it (for messages: redact it before anything else). */
  location: string
  why: 'other-origin' | 'not-get' | 'too-many' | 'unreadable'
}

export interface HttpResponse {
  statusCode: number
  headers: Record<string, string | string[] | undefined>
  body: string
  /** Redirects followed on the way to this response, in order; absent when there were none. */
  redirects?: FollowedRedirect[]
  /** Set when this response is a redirect that was not followed; its body is not read (''). */
  refusedRedirect?: RefusedRedirect
}

/** Redirects followed for one GET; one more is refused as a loop. */
export const MAX_REDIRECTS = 3
/** The largest body read; a larger one is abandoned unread, as a transient fault. */
export const MAX_BODY_BYTES = 1024 * 1024

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

/** Codes for which the connection was never made, so the server cannot have acted. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'EAI_NONAME'])

/**
 * TLS failures: the certificate could not be verified (self-signed, unknown authority, expired,
 * another host's name), the server does not speak TLS on that port (EPROTO, "wrong version
 * number"), or another OpenSSL error (ERR_SSL_*).
 */
const TLS_CODE = /^(EPROTO|ERR_SSL_\w+|HOSTNAME_MISMATCH|\w*CERT\w*|UNABLE_TO_\w+)$/
/**
 * The TLS failures that happen before the request is written: the handshake. Any other (a record
 * that fails to decrypt...) can come after the server has read the request and acted on it.
 */
const HANDSHAKE_CODE = /^(EPROTO|ERR_SSL_WRONG_VERSION_NUMBER|HOSTNAME_MISMATCH|\w*CERT\w*|UNABLE_TO_\w+)$/

/** A request that got no HTTP answer. `sent` is false only when the server surely never saw it. */
export class NetworkError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly sent: boolean
  ) {
    super(message)
    this.name = 'NetworkError'
  }
}

/**
 * The proxy named by HTTPS_PROXY/HTTP_PROXY failed before the request left it: it could not be
 * reached, or it refused the tunnel (CONNECT) to the API. The API never saw the request.
 * The message names the proxy by host and port only, never by its credentials.
 */
export class ProxyError extends NetworkError {
  constructor(
    message: string,
    /** `host:port` of the proxy. */
    readonly proxy: string,
    /** The environment variable the proxy came from, as set: `HTTPS_PROXY`, `http_proxy`... */
    readonly variable: string,
    /** The proxy's HTTP status for the tunnel request, when it answered one (407: credentials). */
    readonly connectStatus: number | undefined
  ) {
    super(message, 'EPROXY', false)
    this.name = 'ProxyError'
  }
}

/**
 * A TLS failure: in the handshake (`sent` false: the request never reached the server, and waiting
 * does not fix a certificate), or after the request was written (`sent` true: a network fault).
 */
export class TlsError extends NetworkError {
  constructor(code: string, detail: string, sent = false) {
    super(`the TLS connection ${sent ? 'failed' : 'could not be set up'} (${code}${detail ? `: ${detail}` : ''})`, code, sent)
    this.name = 'TlsError'
  }
}

export interface Transport {
  send(request: HttpRequest): Promise<HttpResponse>
}

/**
 * Retry-After as seconds or an HTTP date, in milliseconds to wait; undefined when absent or
 * unreadable. `wallNow` is the system clock: a date is a wall-clock time, the only place a run
 * reads it (the wait itself is then measured on the monotonic clock).
 */
export function parseRetryAfter(value: string | string[] | undefined, wallNow: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim()
  if (!text) return undefined
  if (/^\d{1,9}$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - wallNow)
}

export interface Proxy {
  address: string
  variable: string
}

/** The proxy http-client will use for `url` (it reads the same variables and no_proxy), if any. */
function proxyFor(url: string): Proxy | undefined {
  let href: string
  try {
    href = getProxyUrl(url)
  } catch {
    return undefined
  }
  if (!href) return undefined
  const proxy = new URL(href)
  if (!proxy.hostname) return undefined
  const names = new URL(url).protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY']
  const variable = names.find((name) => process.env[name]) ?? names[1]
  const port = proxy.port || (proxy.protocol === 'https:' ? '443' : '80')
  return { address: `${proxy.hostname}:${port}`, variable }
}

/**
 * The proxy variable that applies to `url` but that http-client reads as no proxy at all (a host
 * name without a scheme, `proxy.example.com:3128`, parses as a URL of scheme "proxy.example.com:"):
 * the requests then go to the API directly. Undefined when there is none, or it is used.
 */
export function ignoredProxyVariable(url: string): string | undefined {
  let href: string
  try {
    href = getProxyUrl(url)
  } catch {
    return undefined
  }
  if (!href || proxyFor(url) !== undefined) return undefined
  const names = new URL(url).protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY']
  return names.find((name) => process.env[name])
}

/** Whether http-client can read a proxy variable's value as a URL (it tries `http://` before a value without a scheme). */
function readableProxy(value: string): boolean {
  for (const candidate of /^https?:\/\//i.test(value) ? [value] : [value, `http://${value}`]) {
    try {
      new URL(candidate)
      return true
    } catch {
      // the next way of reading it
    }
  }
  return false
}

/**
 * The proxy variable that applies to `url` but cannot be read as a URL at all (`::::`,
 * `http://[bad`, a port above 65535): http-client then fails every request (ERR_INVALID_URL) or
 * silently goes to the API directly. The value is given without credentials.
 */
export function unreadableProxyVariable(url: string): { variable: string; value: string } | undefined {
  const target = new URL(url)
  if (checkBypass(target)) return undefined
  const names = target.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY']
  const variable = names.find((name) => process.env[name])
  const value = variable === undefined ? '' : (process.env[variable] ?? '')
  if (variable === undefined || readableProxy(value)) return undefined
  return { variable, value: value.replace(/^([a-z][\w+.-]*:\/\/)?[^@/]*@/i, '$1***@') }
}

/** http-client tunnels through a proxy with the `tunnel` package, which reports failures so. */
const TUNNEL_FAILURE = /^tunneling socket could not be established, (?:statusCode=(\d+)|cause=([\s\S]*))$/

function toProxyError(message: string, proxy: Proxy): ProxyError | undefined {
  const named = `the proxy ${proxy.address} (from ${proxy.variable})`
  if (/^got illegal response body from proxy/.test(message)) {
    return new ProxyError(`${named} sent a body with its answer to the tunnel request`, proxy.address, proxy.variable, undefined)
  }
  const match = TUNNEL_FAILURE.exec(message)
  if (!match) return undefined
  if (match[1] !== undefined) {
    const status = Number(match[1])
    const detail = status === 407 ? ' (Proxy Authentication Required)' : ''
    return new ProxyError(
      `${named} answered HTTP ${status}${detail} to the tunnel request (CONNECT)`,
      proxy.address,
      proxy.variable,
      status
    )
  }
  const cause = match[2] ?? ''
  const what = /ECONNREFUSED/.test(cause)
    ? 'refused the connection'
    : /ENOTFOUND|EAI_AGAIN|EAI_NONAME/.test(cause)
      ? 'has a host name that did not resolve'
      : /ETIMEDOUT/.test(cause)
        ? 'did not answer'
        : /ECONNRESET|socket hang up/i.test(cause)
          ? 'closed the connection'
          : 'could not be reached'
  return new ProxyError(`${named} ${what}`, proxy.address, proxy.variable, undefined)
}

/** What a failed exchange means: a NetworkError saying whether the server may have seen the request. Exported for its tests. */
export function toNetworkError(error: unknown, proxy: Proxy | undefined): NetworkError {
  if (error instanceof NetworkError) return error
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : ''
  const message = error instanceof Error ? error.message : String(error)
  const viaProxy = proxy === undefined ? undefined : toProxyError(message, proxy)
  if (viaProxy) return viaProxy
  if (/^Request timeout/.test(message)) return timedOut(proxy)
  if (TLS_CODE.test(code)) return new TlsError(code, tlsDetail(message), !HANDSHAKE_CODE.test(code))
  if (NOT_SENT_CODES.has(code)) {
    const what =
      code === 'ECONNREFUSED'
        ? 'the connection was refused'
        : code.startsWith('EAI') || code === 'ENOTFOUND'
          ? 'the host name did not resolve'
          : 'the host is unreachable'
    return new NetworkError(what, code, false)
  }
  if (code === 'ECONNRESET' || /socket hang up/i.test(message))
    return new NetworkError('the connection was reset', code || 'ECONNRESET', true)
  return new NetworkError(`the request failed (${code || message})`, code || 'EUNKNOWN', true)
}

/** The reason in a TLS error's message: OpenSSL's own words ("wrong version number"), or its first line. */
function tlsDetail(message: string): string {
  const openssl = /SSL routines:[^:]*:([^:\n]+)/.exec(message)
  const line = (openssl?.[1] ?? message.split('\n')[0] ?? '').replace(/^(Error: )+/, '')
  return line.slice(0, 200)
}

/** A request that timed out; through a proxy, the proxy is named (it may be the one not answering). */
function timedOut(proxy: Proxy | undefined): NetworkError {
  return new NetworkError(
    `the request timed out${proxy ? ` (through the proxy ${proxy.address} from ${proxy.variable})` : ''}`,
    'ETIMEDOUT',
    true
  )
}

const tooLarge = (): NetworkError => new NetworkError('the answer was larger than 1 MiB and was not read', 'EBODYTOOLARGE', true)
const cutShort = (): NetworkError => new NetworkError('the connection closed before the whole answer arrived', 'ETRUNCATED', true)

/**
 * Reads a body as Buffer chunks, decoded once at the end, in linear time. Past `limit` bytes
 * (announced or received) the socket is destroyed; a connection that ends before the body is
 * complete fails at once rather than at the request timeout.
 */
export function readBody(message: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const fail = (error: NetworkError): void => {
      if (settled) return
      settled = true
      chunks.length = 0
      message.destroy()
      reject(error)
    }
    const announced = Number(message.headers['content-length'])
    if (Number.isFinite(announced) && announced > limit) {
      fail(tooLarge())
      return
    }
    message.on('data', (chunk: Buffer) => {
      if (settled) return
      size += chunk.length
      if (size > limit) fail(tooLarge())
      else chunks.push(chunk)
    })
    message.on('end', () => {
      if (settled) return
      if (!message.complete) {
        fail(cutShort())
        return
      }
      settled = true
      resolve(Buffer.concat(chunks, size).toString('utf8'))
    })
    message.on('aborted', () => fail(cutShort()))
    message.on('error', () => fail(cutShort()))
    message.on('close', () => fail(cutShort()))
  })
}

/** Gives every request of an exchange the exchange's abort signal, so the hard timer ends it. */
class AbortHandler implements RequestHandler {
  constructor(private readonly signal: AbortSignal) {}
  prepareRequest(options: RequestOptions): void {
    options.signal = this.signal
    // Through a proxy, http-client's agent (from the `tunnel` package) sends a CONNECT request of
    // its own, built from its `proxyOptions`: with the signal there, a silent proxy is let go too.
    const agent: unknown = options.agent
    if (typeof agent === 'object' && agent !== null && 'proxyOptions' in agent) {
      const proxyOptions = agent.proxyOptions
      if (typeof proxyOptions === 'object' && proxyOptions !== null) Object.assign(proxyOptions, { signal: this.signal })
      // The CONNECT target is "host:port": an IPv6 literal keeps its brackets there.
      return
    }
    // http-client takes the host from URL.hostname, which keeps an IPv6 literal's brackets; a
    // direct connection needs the address without them.
    if (typeof options.host === 'string' && options.host.startsWith('[') && options.host.endsWith(']'))
      options.host = options.host.slice(1, -1)
  }
  canHandleAuthentication(): boolean {
    return false
  }
  handleAuthentication(): Promise<HttpClientResponse> {
    return Promise.reject(new Error('not used'))
  }
}

/** Where a redirect points, and whether the transport may follow it. */
function judgeRedirect(
  request: HttpRequest,
  from: string,
  statusCode: number,
  location: string,
  followed: number
): { follow: string } | { refuse: RefusedRedirect } {
  let target: URL
  try {
    target = new URL(location, from)
  } catch {
    return { refuse: { statusCode, location, why: 'unreadable' } }
  }
  const refuse = (why: RefusedRedirect['why']): { refuse: RefusedRedirect } => ({ refuse: { statusCode, location, why } })
  if (request.method !== 'GET') return refuse('not-get')
  if (target.origin !== new URL(request.url).origin) return refuse('other-origin')
  if (followed >= MAX_REDIRECTS) return refuse('too-many')
  return { follow: target.href }
}

export class HttpClientTransport implements Transport {
  constructor(private readonly userAgent: string) {}

  async send(request: HttpRequest): Promise<HttpResponse> {
    const timeoutMs = Math.max(1, request.timeoutMs)
    const abort = new AbortController()
    // The hard timer below is the request timeout; the socket timeout is only a backstop.
    const client = new HttpClient(this.userAgent, [new AbortHandler(abort.signal)], {
      socketTimeout: timeoutMs + 1000,
      keepAlive: false,
      allowRedirects: false
    })
    let timer: NodeJS.Timeout | undefined
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new NetworkError('the request timed out', 'ETIMEDOUT', true))
        abort.abort()
      }, timeoutMs)
    })
    const exchange = (async (): Promise<HttpResponse> => {
      const headers: Record<string, string> = { Accept: 'application/json' }
      if (request.body !== undefined) headers['Content-Type'] = 'application/json'
      const redirects: FollowedRedirect[] = []
      let url = request.url
      for (;;) {
        const response = await client.request(request.method, url, request.body ?? null, headers)
        const message = response.message
        const statusCode = message.statusCode ?? 0
        const location = message.headers.location
        if (REDIRECT_STATUSES.has(statusCode) && location !== undefined) {
          // A redirect's own body is never read.
          message.destroy()
          const next = judgeRedirect(request, url, statusCode, location, redirects.length)
          if ('refuse' in next) {
            const refused: HttpResponse = { statusCode, headers: message.headers, body: '', refusedRedirect: next.refuse }
            if (redirects.length > 0) refused.redirects = redirects
            return refused
          }
          redirects.push({ statusCode, from: url, location, to: next.follow })
          url = next.follow
          continue
        }
        const body = await readBody(message)
        const answer: HttpResponse = { statusCode, headers: message.headers, body }
        if (redirects.length > 0) answer.redirects = redirects
        return answer
      }
    })()
    try {
      return await Promise.race([exchange, expired])
    } catch (error) {
      const proxy = proxyFor(request.url)
      throw error instanceof NetworkError && error.code === 'ETIMEDOUT' ? timedOut(proxy) : toNetworkError(error, proxy)
    } finally {
      clearTimeout(timer)
      // Ends an abandoned exchange (its sockets too), so it cannot keep the process alive.
      abort.abort()
      client.dispose()
      exchange.catch(() => undefined)
    }
  }
}
