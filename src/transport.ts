/**
 * One HTTP exchange through @actions/http-client (which honours the proxy variables), bounded by
 * a hard timeout that also covers a server that sends headers and then stalls the body.
 * Retries, redaction and meaning live in client.ts; this file only moves bytes.
 */
import { HttpClient } from '@actions/http-client'

export interface HttpRequest {
  method: 'GET' | 'POST'
  url: string
  body?: string
  timeoutMs: number
}

export interface HttpResponse {
  statusCode: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** Codes for which the connection was never made, so the server cannot have acted. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'EAI_NONAME'])

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

export interface Transport {
  send(request: HttpRequest): Promise<HttpResponse>
}

function toNetworkError(error: unknown): NetworkError {
  if (error instanceof NetworkError) return error
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : ''
  const message = error instanceof Error ? error.message : String(error)
  if (/^Request timeout/.test(message)) return new NetworkError('the request timed out', 'ETIMEDOUT', true)
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

export class HttpClientTransport implements Transport {
  constructor(private readonly userAgent: string) {}

  async send(request: HttpRequest): Promise<HttpResponse> {
    const client = new HttpClient(this.userAgent, [], { socketTimeout: Math.max(1, request.timeoutMs), keepAlive: false })
    let timer: NodeJS.Timeout | undefined
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new NetworkError('the request timed out', 'ETIMEDOUT', true)), Math.max(1, request.timeoutMs))
    })
    const exchange = (async (): Promise<HttpResponse> => {
      const headers: Record<string, string> = { Accept: 'application/json' }
      if (request.body !== undefined) headers['Content-Type'] = 'application/json'
      const response = await client.request(request.method, request.url, request.body ?? null, headers)
      const body = await response.readBody()
      return { statusCode: response.message.statusCode ?? 0, headers: response.message.headers, body }
    })()
    try {
      return await Promise.race([exchange, expired])
    } catch (error) {
      throw toNetworkError(error)
    } finally {
      clearTimeout(timer)
      // Destroys the socket of an abandoned exchange, so it cannot keep the process alive.
      client.dispose()
      exchange.catch(() => undefined)
    }
  }
}
