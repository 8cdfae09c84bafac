/**
 * One HTTP exchange through @actions/http-client (which honours the proxy variables), bounded by
 * a hard timeout that also covers a server that sends headers and then stalls the body.
 * Retries, redaction and meaning live in client.ts; this file only moves bytes, and knows HTTP:
 * how much body is read, and when a body was cut short.
 */
import type { IncomingMessage, RequestOptions } from 'node:http'
import { HttpClient, type HttpClientResponse } from '@actions/http-client'
import type { RequestHandler } from '@actions/http-client/lib/interfaces'

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

/** The largest body read; a larger one is abandoned unread, as a transient fault. */
export const MAX_BODY_BYTES = 1024 * 1024

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
  }
  canHandleAuthentication(): boolean {
    return false
  }
  handleAuthentication(): Promise<HttpClientResponse> {
    return Promise.reject(new Error('not used'))
  }
}

export class HttpClientTransport implements Transport {
  constructor(private readonly userAgent: string) {}

  async send(request: HttpRequest): Promise<HttpResponse> {
    const timeoutMs = Math.max(1, request.timeoutMs)
    const abort = new AbortController()
    // The hard timer below is the request timeout; the socket timeout is only a backstop.
    const client = new HttpClient(this.userAgent, [new AbortHandler(abort.signal)], {
      socketTimeout: timeoutMs + 1000,
      keepAlive: false
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
      const response = await client.request(request.method, request.url, request.body ?? null, headers)
      const body = await readBody(response.message)
      return { statusCode: response.message.statusCode ?? 0, headers: response.message.headers, body }
    })()
    try {
      return await Promise.race([exchange, expired])
    } catch (error) {
      throw toNetworkError(error)
    } finally {
      clearTimeout(timer)
      // Ends an abandoned exchange (its sockets too), so it cannot keep the process alive.
      abort.abort()
      client.dispose()
      exchange.catch(() => undefined)
    }
  }
}
