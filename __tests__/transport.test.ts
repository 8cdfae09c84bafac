/**
 * The HTTP transport against real servers on 127.0.0.1: redirects, body limits, cut-short and
 * stalled bodies, and proxies that refuse or cannot be reached.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { createServer } from 'node:http'
import type { Socket } from 'node:net'
import {
  HttpClientTransport,
  MAX_BODY_BYTES,
  MAX_REDIRECTS,
  NetworkError,
  ProxyError,
  TlsError,
  parseRetryAfter,
  toNetworkError,
  type HttpRequest
} from '../src/transport.js'
import { closedPort, connectProxy, httpServer, rawServer, serve, setEnv, type TestServer } from '../__fixtures__/servers.js'

const KEY = 'k3y-s3cret'
const transport = new HttpClientTransport('transport-test')

function get(url: string, timeoutMs = 10_000): HttpRequest {
  return { method: 'GET', url, timeoutMs }
}

/** Runs `send` and returns what it threw, with the time it took. */
async function failure(request: HttpRequest): Promise<{ error: unknown; ms: number }> {
  const started = Date.now()
  const error = await transport.send(request).then(
    (response) => new Error(`answered HTTP ${response.statusCode}`),
    (caught: unknown) => caught
  )
  return { error, ms: Date.now() - started }
}

describe('HttpClientTransport redirects', () => {
  it.each<[string, (a: TestServer, b: TestServer) => string]>([
    ['another port', (_, b) => `${b.origin}/api/v1/run/r/latest?layertoken=${KEY}`],
    ['another host name', (_, b) => `http://localhost:${b.port}/api/v1/run/r/latest?layertoken=${KEY}`],
    ['another scheme', (a) => `https://127.0.0.1:${a.port}/api/v1/run/r/latest?layertoken=${KEY}`]
  ])('does not follow a GET redirected to %s: the key is never sent there', async (_, target) => {
    const other = await serve(httpServer((__, response) => response.end('{}')))
    const api: TestServer = await serve(
      httpServer((__, response) => response.writeHead(302, { Location: target(api, other) }).end('moved'))
    )
    const response = await transport.send(get(`${api.origin}/api/v1/run/r/latest?layertoken=${KEY}`))
    expect(response.statusCode).toBe(302)
    expect(response.refusedRedirect).toEqual({ statusCode: 302, location: target(api, other), why: 'other-origin' })
    expect(response.body).toBe('')
    expect(other.connections).toBe(0)
    expect(api.seen).toHaveLength(1)
  })

  it.each([301, 302, 303, 307, 308])('sends a POST once when it is answered with HTTP %d', async (status) => {
    const api = await serve(httpServer((__, response) => response.writeHead(status, { Location: '/api/v1/run/r' }).end()))
    const response = await transport.send({
      method: 'POST',
      url: `${api.origin}/api/v1/run/r?layertoken=${KEY}`,
      body: '{"branch":"main"}',
      timeoutMs: 10_000
    })
    expect(response.refusedRedirect).toEqual({ statusCode: status, location: '/api/v1/run/r', why: 'not-get' })
    expect(api.seen.map((seen) => `${seen.method} ${seen.body}`)).toEqual(['POST {"branch":"main"}'])
  })

  it('follows a relative Location within the origin for a GET, using its query as the server gave it', async () => {
    const api = await serve(
      httpServer((request, response) => {
        if (request.url?.startsWith('/old')) response.writeHead(301, { Location: `/new/latest?moved=1&layertoken=${KEY}` }).end()
        else response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}')
      })
    )
    const response = await transport.send(get(`${api.origin}/old/latest?layertoken=${KEY}`))
    expect(response.statusCode).toBe(200)
    expect(response.body).toBe('{"status":"ok"}')
    expect(response.redirects).toEqual([
      {
        statusCode: 301,
        from: `${api.origin}/old/latest?layertoken=${KEY}`,
        location: `/new/latest?moved=1&layertoken=${KEY}`,
        to: `${api.origin}/new/latest?moved=1&layertoken=${KEY}`
      }
    ])
    expect(api.seen.map((seen) => seen.url)).toEqual([`/old/latest?layertoken=${KEY}`, `/new/latest?moved=1&layertoken=${KEY}`])
  })

  it(`stops a redirect loop after ${MAX_REDIRECTS} redirects`, async () => {
    const api = await serve(httpServer((__, response) => response.writeHead(307, { Location: 'loop' }).end()))
    const response = await transport.send(get(`${api.origin}/api/loop`))
    expect(response.refusedRedirect).toMatchObject({ statusCode: 307, location: 'loop', why: 'too-many' })
    expect(response.redirects).toHaveLength(MAX_REDIRECTS)
    expect(api.seen).toHaveLength(MAX_REDIRECTS + 1)
  })

  it('reports a Location that is not a URL instead of requesting it', async () => {
    const api = await serve(httpServer((__, response) => response.writeHead(302, { Location: 'http://[broken' }).end()))
    const response = await transport.send(get(`${api.origin}/api`))
    expect(response.refusedRedirect).toEqual({ statusCode: 302, location: 'http://[broken', why: 'unreadable' })
    expect(api.seen).toHaveLength(1)
  })
})

describe('HttpClientTransport bodies', () => {
  it('decodes a body split inside a UTF-8 character', async () => {
    const bytes = Buffer.from('{"text":"é"}')
    const cut = bytes.indexOf(0xc3) + 1
    const api = await serve(
      httpServer((__, response) => {
        response.write(bytes.subarray(0, cut))
        setTimeout(() => response.end(bytes.subarray(cut)), 20)
      })
    )
    expect((await transport.send(get(api.origin))).body).toBe('{"text":"é"}')
  })

  it('reads a body of exactly 1 MiB', async () => {
    const body = 'x'.repeat(MAX_BODY_BYTES)
    const api = await serve(httpServer((__, response) => response.end(body)))
    expect((await transport.send(get(api.origin))).body).toHaveLength(MAX_BODY_BYTES)
  })

  it('abandons a streamed body past 1 MiB at once, as a transient fault, and closes the connection', async () => {
    let written = 0
    let closed = false
    const api = await serve(
      httpServer((__, response) => {
        const chunk = Buffer.alloc(64 * 1024, 'x')
        response.on('close', () => (closed = true))
        const pump = (): void => {
          while (!closed && written < 50 * 1024 * 1024) {
            written += chunk.length
            if (!response.write(chunk)) {
              response.once('drain', pump)
              return
            }
          }
          if (!closed) response.end()
        }
        pump()
      })
    )
    const { error, ms } = await failure(get(api.origin))
    expect(error).toBeInstanceOf(NetworkError)
    expect(error).toMatchObject({ code: 'EBODYTOOLARGE', sent: true, message: 'the answer was larger than 1 MiB and was not read' })
    expect(ms).toBeLessThan(2000)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(closed).toBe(true)
    expect(written).toBeLessThan(50 * 1024 * 1024)
  })

  it('abandons a body whose Content-Length announces more than 1 MiB without waiting for it', async () => {
    let closed = false
    const api = await serve(
      rawServer((socket: Socket) => {
        socket.on('close', () => (closed = true))
        socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${50 * 1024 * 1024}\r\n\r\n{"status":`)
      })
    )
    const { error, ms } = await failure(get(api.origin))
    expect(error).toMatchObject({ code: 'EBODYTOOLARGE', sent: true })
    expect(ms).toBeLessThan(1000)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(closed).toBe(true)
  })

  it.each<[string, string]>([
    ['before Content-Length bytes arrived', 'Content-Length: 100\r\n\r\n{"status":'],
    ['before the last chunk', 'Transfer-Encoding: chunked\r\n\r\na\r\n{"status":\r\n']
  ])('fails at once, as a transient fault, when the connection closes %s', async (_, rest) => {
    const api = await serve(rawServer((socket: Socket) => socket.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n${rest}`)))
    const { error, ms } = await failure(get(api.origin, 20_000))
    expect(error).toBeInstanceOf(NetworkError)
    expect(error).toMatchObject({ code: 'ETRUNCATED', sent: true, message: 'the connection closed before the whole answer arrived' })
    expect(ms).toBeLessThan(1000)
  })

  it('times out a server that sends the headers and part of the body and then stalls, and drops the connection', async () => {
    let closedAt: number | undefined
    const api = await serve(
      rawServer((socket: Socket) => {
        socket.on('close', () => (closedAt = Date.now()))
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"status":')
      })
    )
    const started = Date.now()
    const { error, ms } = await failure(get(api.origin, 400))
    expect(error).toBeInstanceOf(NetworkError)
    expect(error).toMatchObject({ code: 'ETIMEDOUT', sent: true, message: 'the request timed out' })
    expect(ms).toBeGreaterThanOrEqual(390)
    expect(ms).toBeLessThan(1000)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect((closedAt ?? Infinity) - started).toBeLessThan(1000)
  })

  it('times out a server that never answers', async () => {
    const api = await serve(rawServer(() => undefined))
    const { error, ms } = await failure(get(api.origin, 300))
    expect(error).toMatchObject({ code: 'ETIMEDOUT', sent: true })
    expect(ms).toBeLessThan(1000)
  })
})

describe('HttpClientTransport proxies', () => {
  let restore: () => void = () => undefined
  beforeEach(() => {
    restore = setEnv({
      HTTPS_PROXY: undefined,
      https_proxy: undefined,
      HTTP_PROXY: undefined,
      http_proxy: undefined,
      NO_PROXY: undefined,
      no_proxy: undefined
    })
  })
  afterEach(() => restore())

  // Loopback targets bypass the proxy in http-client: the API's host name must not be loopback.
  // It never resolves: the proxy refuses before anything would connect to it.
  it.each<[string, string, string]>([
    ['HTTPS_PROXY', 'https://layerci.invalid', 'layerci.invalid:443'],
    ['https_proxy', 'https://layerci.invalid', 'layerci.invalid:443'],
    ['HTTP_PROXY', 'http://layerci.invalid', 'layerci.invalid:80'],
    // An IPv6 literal keeps its brackets in the CONNECT target.
    ['http_proxy', 'http://[fd00::1]:8080', '[fd00::1]:8080']
  ])('a proxy from %s that answers CONNECT with 407 fails naming it, never its credentials', async (variable, api, target) => {
    const proxy = await serve(connectProxy(407))
    process.env[variable] = `http://proxy-user:pr0xy-pass@127.0.0.1:${proxy.port}`
    const { error, ms } = await failure(get(`${api}/api/v1/run/r/latest?layertoken=${KEY}`))
    expect(error).toBeInstanceOf(ProxyError)
    expect(error).toMatchObject({
      message: `the proxy 127.0.0.1:${proxy.port} (from ${variable}) answered HTTP 407 (Proxy Authentication Required) to the tunnel request (CONNECT)`,
      proxy: `127.0.0.1:${proxy.port}`,
      variable,
      connectStatus: 407,
      sent: false
    })
    expect((error as Error).message).not.toMatch(/proxy-user|pr0xy-pass/)
    expect(proxy.connects).toEqual([target])
    expect(ms).toBeLessThan(1000)
  })

  it('a proxy (written without a scheme) that answers CONNECT with another error status fails the same way', async () => {
    const proxy = await serve(connectProxy(502))
    process.env.HTTPS_PROXY = `127.0.0.1:${proxy.port}`
    const { error } = await failure(get('https://layerci.invalid/api'))
    expect(error).toBeInstanceOf(ProxyError)
    expect(error).toMatchObject({
      message: `the proxy 127.0.0.1:${proxy.port} (from HTTPS_PROXY) answered HTTP 502 to the tunnel request (CONNECT)`,
      connectStatus: 502,
      sent: false
    })
  })

  it('a proxy that cannot be reached fails at once, naming it, as not sent', async () => {
    const port = await closedPort()
    process.env.HTTPS_PROXY = `http://proxy-user:pr0xy-pass@127.0.0.1:${port}`
    const { error, ms } = await failure(get(`https://layerci.invalid/api/v1/run/r/latest?layertoken=${KEY}`))
    expect(error).toBeInstanceOf(ProxyError)
    expect(error).toMatchObject({
      message: `the proxy 127.0.0.1:${port} (from HTTPS_PROXY) refused the connection`,
      variable: 'HTTPS_PROXY',
      connectStatus: undefined,
      sent: false
    })
    expect(ms).toBeLessThan(1000)
  })

  it('a proxy from http_proxy (lower case) is named by that variable', async () => {
    const proxy = await serve(connectProxy(407))
    process.env.http_proxy = `http://127.0.0.1:${proxy.port}`
    const { error } = await failure(get('http://layerci.invalid/api'))
    expect(error).toMatchObject({ variable: 'http_proxy', connectStatus: 407 })
  })

  it.each<[string, string]>([
    ['https://127.0.0.1', '127.0.0.1:443'],
    ['http://127.0.0.1', '127.0.0.1:80']
  ])('a proxy URL without a port (%s) is named with the default port of its scheme', async (url, address) => {
    process.env.HTTPS_PROXY = url
    const { error } = await failure(get('https://layerci.invalid/api', 3000))
    expect(error).toBeInstanceOf(ProxyError)
    expect(error).toMatchObject({ proxy: address })
  })

  it('lets go of a proxy that never answers CONNECT when the request times out', async () => {
    let closed = false
    const proxy = await serve(
      rawServer((socket: Socket) => {
        socket.on('close', () => (closed = true))
      })
    )
    process.env.HTTPS_PROXY = `http://127.0.0.1:${proxy.port}`
    const { error, ms } = await failure(get('https://layerci.invalid/api', 300))
    expect(error).toMatchObject({ code: 'ETIMEDOUT' })
    expect(ms).toBeLessThan(1000)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(closed).toBe(true)
  })
})

describe('HttpClientTransport requests', () => {
  it('asks for JSON; a POST says its body is JSON, a GET sends no Content-Type', async () => {
    const headers: Array<Record<string, string | string[] | undefined>> = []
    const api = await serve(
      httpServer((request, response) => {
        headers.push(request.headers)
        response.end('{}')
      })
    )
    await transport.send(get(api.origin))
    await transport.send({ method: 'POST', url: api.origin, body: '{}', timeoutMs: 10_000 })
    expect(headers.map((h) => [h.accept, h['content-type']])).toEqual([
      ['application/json', undefined],
      ['application/json', 'application/json']
    ])
  })

  it('a response reached without a redirect, or refused at the first one, has no list of redirects', async () => {
    const api = await serve(
      httpServer((request, response) => {
        if (request.url === '/away') response.writeHead(302, { Location: 'http://[broken' }).end()
        else response.end('{}')
      })
    )
    expect((await transport.send(get(api.origin))).redirects).toBeUndefined()
    const refused = await transport.send(get(`${api.origin}/away`))
    expect(refused.refusedRedirect?.why).toBe('unreadable')
    expect(refused.redirects).toBeUndefined()
  })

  it('finished requests leave no timer behind: a process that is done can exit at once', async () => {
    const api = await serve(httpServer((__, response) => response.end('{}')))
    const timers = (): number => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length
    const before = timers()
    for (let i = 0; i < 10; i++) await transport.send(get(api.origin, 60_000))
    // Other timers of the test process come and go; ten left behind would not.
    expect(timers() - before).toBeLessThan(3)
  })
})

describe('HttpClientTransport network errors: whether the server may have seen the request', () => {
  it('a refused connection was never sent', async () => {
    const port = await closedPort()
    const { error } = await failure(get(`http://127.0.0.1:${port}/api`))
    expect(error).toBeInstanceOf(NetworkError)
    expect(error).toMatchObject({ code: 'ECONNREFUSED', sent: false, message: 'the connection was refused' })
  })

  it('a host name that does not resolve was never sent', async () => {
    const { error } = await failure(get('http://layerci.invalid/api'))
    expect(error).toMatchObject({ sent: false, message: 'the host name did not resolve' })
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain((error as NetworkError).code)
  })

  it('a connection reset after the request arrived may have been acted on', async () => {
    const api = await serve(rawServer((socket: Socket) => socket.destroy()))
    const { error } = await failure({ method: 'POST', url: api.origin, body: '{}', timeoutMs: 10_000 })
    expect(error).toMatchObject({ code: 'ECONNRESET', sent: true, message: 'the connection was reset' })
  })

  it('an answer that is not HTTP is an error of no known kind, and may have been acted on', async () => {
    const api = await serve(rawServer((socket: Socket) => socket.end('NOT HTTP AT ALL\r\n\r\n')))
    const { error } = await failure({ method: 'POST', url: api.origin, body: '{}', timeoutMs: 10_000 })
    expect(error).toBeInstanceOf(NetworkError)
    expect(error).toMatchObject({ sent: true })
    expect((error as NetworkError).code).toMatch(/^HPE_/)
    expect((error as NetworkError).message).toBe(`the request failed (${(error as NetworkError).code})`)
  })

  it('a certificate no one trusts (self-signed): a TLS error, never sent, named by its code', async () => {
    const api = await serve(httpServer((_, response) => response.end('{}'), { tls: true }))
    const { error } = await failure({ method: 'POST', url: `${api.origin}/api`, body: '{}', timeoutMs: 10_000 })
    expect(error).toBeInstanceOf(TlsError)
    expect(error).toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', sent: false, name: 'TlsError' })
    expect((error as Error).message).toMatch(
      /^the TLS connection could not be set up \(DEPTH_ZERO_SELF_SIGNED_CERT: self[- ]signed certificate\)$/
    )
    expect(api.seen).toEqual([])
  })

  it('https:// to a server that speaks plain HTTP: a TLS error, never sent', async () => {
    const api = await serve(httpServer((_, response) => response.end('{}')))
    const { error } = await failure(get(`${api.origin.replace('http:', 'https:')}/api`))
    expect(error).toBeInstanceOf(TlsError)
    expect(error).toMatchObject({ sent: false })
    expect(['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER']).toContain((error as NetworkError).code)
  })

  const failed = (code: string | undefined, message = `failed ${code ?? ''}`): Error =>
    code === undefined ? new Error(message) : Object.assign(new Error(message), { code })

  it.each<[string, string]>([
    ['ECONNREFUSED', 'the connection was refused'],
    ['ENOTFOUND', 'the host name did not resolve'],
    ['EAI_AGAIN', 'the host name did not resolve'],
    ['EAI_NONAME', 'the host name did not resolve'],
    ['ENETUNREACH', 'the host is unreachable'],
    ['EHOSTUNREACH', 'the host is unreachable']
  ])('%s: the connection was never made, so the request was not sent', (code, message) => {
    expect(toNetworkError(failed(code), undefined)).toMatchObject({ code, message, sent: false })
  })

  it.each<[string, Error | string, string, string]>([
    ['ECONNRESET', failed('ECONNRESET'), 'ECONNRESET', 'the connection was reset'],
    ['a socket hang up without a code', failed(undefined, 'socket hang up'), 'ECONNRESET', 'the connection was reset'],
    ['EPIPE', failed('EPIPE'), 'EPIPE', 'the request failed (EPIPE)'],
    [
      'a TLS handshake that timed out',
      failed('ERR_TLS_HANDSHAKE_TIMEOUT'),
      'ERR_TLS_HANDSHAKE_TIMEOUT',
      'the request failed (ERR_TLS_HANDSHAKE_TIMEOUT)'
    ],
    ['an error without a code', failed(undefined, 'something odd'), 'EUNKNOWN', 'the request failed (something odd)'],
    ['a thrown string', 'odd', 'EUNKNOWN', 'the request failed (odd)'],
    [
      "http-client's own socket timeout",
      failed(undefined, 'Request timeout: /api/v1/run/r/latest?layertoken=k'),
      'ETIMEDOUT',
      'the request timed out'
    ]
  ])('%s: the request may have reached the server', (_, error, code, message) => {
    expect(toNetworkError(error, undefined)).toMatchObject({ code, message, sent: true })
  })

  it.each([
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'HOSTNAME_MISMATCH',
    'EPROTO',
    'ERR_SSL_WRONG_VERSION_NUMBER'
  ])('%s is a TLS error: waiting does not fix it, and nothing was sent', (code) => {
    const error = toNetworkError(failed(code, 'detail'), undefined)
    expect(error).toBeInstanceOf(TlsError)
    expect(error).toMatchObject({ code, sent: false, message: `the TLS connection could not be set up (${code}: detail)` })
  })

  it('a TLS error names OpenSSL\'s reason, not its file and line; other messages by their first line, without "Error: "', () => {
    const openssl =
      'write EPROTO 808CCA3B597F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n'
    expect(toNetworkError(failed('EPROTO', openssl), undefined).message).toBe(
      'the TLS connection could not be set up (EPROTO: wrong version number)'
    )
    expect(toNetworkError(failed('CERT_HAS_EXPIRED', 'Error: certificate has expired\nmore'), undefined).message).toBe(
      'the TLS connection could not be set up (CERT_HAS_EXPIRED: certificate has expired)'
    )
    expect(toNetworkError(failed('CERT_HAS_EXPIRED', 'x'.repeat(300)), undefined).message).toBe(
      `the TLS connection could not be set up (CERT_HAS_EXPIRED: ${'x'.repeat(200)})`
    )
    expect(toNetworkError(failed('CERT_HAS_EXPIRED', ''), undefined).message).toBe(
      'the TLS connection could not be set up (CERT_HAS_EXPIRED)'
    )
  })

  it.each(['ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC', 'ERR_SSL_SSLV3_ALERT_BAD_RECORD_MAC'])(
    '%s can come after the request was written: a TLS error that may have been sent',
    (code) => {
      const error = toNetworkError(failed(code, 'detail'), undefined)
      expect(error).toBeInstanceOf(TlsError)
      expect(error).toMatchObject({ code, sent: true, message: `the TLS connection failed (${code}: detail)` })
    }
  )

  it.each(['EPROTONOSUPPORT', 'EPROTOTYPE', 'ERR_TLS_HANDSHAKE_TIMEOUT', 'ECONNRESET'])(
    '%s is not a TLS error (a code that only begins like one)',
    (code) => {
      expect(toNetworkError(failed(code), undefined)).not.toBeInstanceOf(TlsError)
    }
  )

  it('a TLS error drops every leading "Error: ", and only leading ones', () => {
    expect(toNetworkError(failed('CERT_HAS_EXPIRED', 'Error: Error: certificate has expired'), undefined).message).toBe(
      'the TLS connection could not be set up (CERT_HAS_EXPIRED: certificate has expired)'
    )
    expect(toNetworkError(failed('CERT_HAS_EXPIRED', 'certificate rejected (Error: expired)'), undefined).message).toBe(
      'the TLS connection could not be set up (CERT_HAS_EXPIRED: certificate rejected (Error: expired))'
    )
  })

  it('a message that only mentions a timeout, a reset or a refusal is not taken for one', () => {
    expect(toNetworkError(failed(undefined, 'upstream said: Request timeout'), undefined)).toMatchObject({ code: 'EUNKNOWN' })
  })

  it('a NetworkError is kept as it is', () => {
    const error = new NetworkError('the request timed out', 'ETIMEDOUT', true)
    expect(toNetworkError(error, undefined)).toBe(error)
  })

  const proxy = { address: 'proxy.example:3128', variable: 'HTTPS_PROXY' }
  it.each<[string, string]>([
    ['ECONNREFUSED', 'refused the connection'],
    ['getaddrinfo ENOTFOUND proxy.example', 'has a host name that did not resolve'],
    ['getaddrinfo EAI_AGAIN proxy.example', 'has a host name that did not resolve'],
    ['EAI_NONAME', 'has a host name that did not resolve'],
    ['connect ETIMEDOUT 10.0.0.1:3128', 'did not answer'],
    ['read ECONNRESET', 'closed the connection'],
    ['socket hang up', 'closed the connection'],
    ['Socket Hang Up', 'closed the connection'],
    ['EPERM', 'could not be reached'],
    ['', 'could not be reached']
  ])('a proxy tunnel that failed with cause "%s" %s, and the request was not sent', (cause, what) => {
    const error = toNetworkError(failed('ECONNRESET', `tunneling socket could not be established, cause=${cause}`), proxy)
    expect(error).toBeInstanceOf(ProxyError)
    expect(error).toMatchObject({ message: `the proxy proxy.example:3128 (from HTTPS_PROXY) ${what}`, sent: false, code: 'EPROXY' })
  })

  it('a proxy that sends a body with its answer to CONNECT', () => {
    const error = toNetworkError(failed(undefined, 'got illegal response body from proxy'), proxy)
    expect(error).toBeInstanceOf(ProxyError)
    expect(error).toMatchObject({
      message: 'the proxy proxy.example:3128 (from HTTPS_PROXY) sent a body with its answer to the tunnel request',
      connectStatus: undefined,
      sent: false
    })
  })

  it('a message that only quotes a proxy failure, or any error when no proxy is used, is not a proxy error', () => {
    const quoted = 'upstream: tunneling socket could not be established, statusCode=407'
    expect(toNetworkError(failed(undefined, quoted), proxy)).not.toBeInstanceOf(ProxyError)
    expect(toNetworkError(failed(undefined, 'upstream: got illegal response body from proxy'), proxy)).not.toBeInstanceOf(ProxyError)
    expect(
      toNetworkError(failed(undefined, 'tunneling socket could not be established, statusCode=407, said the upstream'), proxy)
    ).not.toBeInstanceOf(ProxyError)
    const real = 'tunneling socket could not be established, statusCode=407'
    expect(toNetworkError(failed(undefined, real), undefined)).not.toBeInstanceOf(ProxyError)
  })

  it('names the errors by their kind', () => {
    expect(new NetworkError('x', 'ETIMEDOUT', true).name).toBe('NetworkError')
    expect(toNetworkError(failed(undefined, 'tunneling socket could not be established, cause=x'), proxy).name).toBe('ProxyError')
  })
})

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1)
  it.each<[string | string[] | undefined, number | undefined]>([
    ['5', 5000],
    [' 5 ', 5000],
    [['7', '9'], 7000],
    ['999999999', 999_999_999_000],
    ['x5', undefined],
    ['5x', undefined],
    ['', undefined],
    [undefined, undefined],
    [[], undefined],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['soon', undefined]
  ])('reads %j as %j ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms)
  })
})

describe('HttpClientTransport: an IPv6 literal', () => {
  it('reaches an API at http://[::1]:port (the brackets are not part of the host name)', async () => {
    const server = createServer((_, response) => response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}'))
    await new Promise<void>((resolve) => server.listen(0, '::1', resolve))
    try {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      const response = await transport.send(get(`http://[::1]:${port}/api/v1/run/r/latest`))
      expect(response).toMatchObject({ statusCode: 200, body: '{"status":"ok"}' })
    } finally {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})
