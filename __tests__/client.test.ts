import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import type { Socket } from 'node:net'
import { LayerCiClient, type ClientOptions } from '../src/client.js'
import { ApiError, DeadlineError } from '../src/errors.js'
import { NetworkError, TlsError, parseRetryAfter } from '../src/transport.js'
import { FakeClock } from '../__fixtures__/clock.js'
import { MemoryLog } from '../__fixtures__/log.js'
import { closedPort, connectProxy, httpServer, rawServer, serve, setEnv, type Handler } from '../__fixtures__/servers.js'
import { job, json, ScriptedTransport, type Scripted } from '../__fixtures__/transport.js'
import { testClient } from '../__fixtures__/client.js'

const TOKEN = 'k3y/with+special&chars'
const ENCODED = encodeURIComponent(TOKEN)

interface SetupOptions extends Partial<Omit<ClientOptions, 'deadline' | 'transport' | 'clock' | 'log'>> {
  deadlineMs?: number
  clock?: FakeClock
}

function setup(script: Scripted[], options: SetupOptions = {}) {
  const { deadlineMs = 600_000, clock = new FakeClock(), ...rest } = options
  const log = new MemoryLog()
  const transport = new ScriptedTransport(script)
  const client = new LayerCiClient({
    apiUrl: 'https://layer.example.com/prefix',
    token: TOKEN,
    flavor: 'layerci',
    repoName: 'web app',
    random: () => 0.5,
    ...rest,
    deadline: clock.now() + deadlineMs,
    transport,
    clock,
    log
  })
  return { clock, log, transport, client }
}

function expectNoKey(...texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(TOKEN)
    expect(text).not.toContain(ENCODED)
  }
}

const ok = (id: number, status = 'SUCCEEDED') => json(200, { status: 'ok', job: job(id, status) })

describe('LayerCiClient requests', () => {
  it('builds the layerci URL: path prefix, encoded repository segment, filters, URL-encoded layertoken', async () => {
    const { client, transport } = setup([ok(1)])
    await client.latest({ done: 'true', branch: 'main' })
    const url = new URL(transport.requests[0]?.url ?? '')
    expect(url.origin).toBe('https://layer.example.com')
    expect(url.pathname).toBe('/prefix/api/v1/run/web%20app/latest')
    expect(url.searchParams.get('done')).toBe('true')
    expect(url.searchParams.get('branch')).toBe('main')
    expect(url.searchParams.get('layertoken')).toBe(TOKEN)
    expect(transport.requests[0]?.url).toContain(`layertoken=${encodeURIComponent(TOKEN).replace(/%20/g, '+')}`)
  })

  it('uses the token parameter and search terms in the webappio flavor', async () => {
    const { client, transport } = setup([ok(1)], { flavor: 'webappio' })
    await client.search(['id:12', 'done'])
    const url = new URL(transport.requests[0]?.url ?? '')
    expect(url.pathname).toBe('/prefix/api/v1/run/web%20app/search')
    expect(url.searchParams.get('search')).toBe('id:12 done')
    expect(url.searchParams.get('token')).toBe(TOKEN)
    expect(url.searchParams.has('layertoken')).toBe(false)
  })

  it('writes one debug line a request: method, redacted path, status, milliseconds, attempt', async () => {
    const { client, log } = setup([ok(1)])
    await client.latest({ done: 'true' })
    expect(log.matching('debug')).toEqual([
      'debug: GET /prefix/api/v1/run/web%20app/latest?done=true&layertoken=*** -> HTTP 200 in 0 ms (attempt 1)'
    ])
  })

  it('treats "no job found" as nothing matching yet, with HTTP 200 or 404', async () => {
    const { client } = setup([json(200, { status: 'error', error: 'no job found' }), json(404, { status: 'error', error: 'no job found' })])
    await expect(client.latest({ done: 'true' })).resolves.toEqual({ kind: 'none' })
    await expect(client.latest({ done: 'true' })).resolves.toEqual({ kind: 'none' })
  })
})

describe('LayerCiClient retries of reads', () => {
  it.each<[string, Scripted]>([
    ['a connection reset', new NetworkError('the connection was reset', 'ECONNRESET', true)],
    ['a refused connection', new NetworkError('the connection was refused', 'ECONNREFUSED', false)],
    ['a socket timeout', new NetworkError('the request timed out', 'ETIMEDOUT', true)],
    ['HTTP 500', json(500, {})],
    ['HTTP 502', { statusCode: 502, headers: {}, body: '<html>Bad gateway</html>' }],
    ['HTTP 429', json(429, {})],
    ['an HTML page', { statusCode: 200, headers: {}, body: '<html>proxy login</html>' }],
    ['a truncated body', { statusCode: 200, headers: {}, body: '{"status":"ok","job":{"id":' }]
  ])('retries after %s and logs the attempt and reason as info', async (_, fault) => {
    const { client, log, clock } = setup([fault, fault, ok(7)])
    const found = await client.latest({ done: 'true' }, 'Poll')
    expect(found).toMatchObject({ kind: 'job', job: { id: 7 } })
    const infos = log.matching('info')
    expect(infos).toHaveLength(2)
    expect(infos[0]).toMatch(/^info: Poll: .+ \(attempt 1\); retrying in \d+\.\ds$/)
    expect(infos[1]).toMatch(/\(attempt 2\)/)
    expect(log.matching('warning')).toHaveLength(0)
    // Exponential back-off with jitter: 1s·0.75, then 2s·0.75.
    expect(clock.sleeps).toEqual([750, 1500])
  })

  it('caps the back-off at 30 s', async () => {
    const script: Scripted[] = Array.from({ length: 8 }, () => json(503, {}))
    const { client, clock } = setup([...script, ok(1)], { deadlineMs: 3_600_000 })
    await client.latest({})
    expect(Math.max(...clock.sleeps)).toBe(22_500)
  })

  it('honours Retry-After in seconds: no request to that endpoint before it has passed', async () => {
    const { client, clock, transport } = setup([json(429, {}, { 'retry-after': '20' }), ok(1)])
    const times: number[] = []
    const original = transport.send.bind(transport)
    transport.send = async (request) => {
      times.push(clock.now())
      return original(request)
    }
    await client.latest({})
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(20_000)
  })

  it('honours Retry-After as an HTTP date on 503', async () => {
    const date = new Date(new FakeClock().now() + 45_000).toUTCString()
    const { client, clock } = setup([json(503, {}, { 'retry-after': date }), ok(1)])
    await client.latest({})
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(45_000)
  })

  it('never backs off past the deadline: one last attempt just before it, then the last problem', async () => {
    const script: Scripted[] = Array.from({ length: 10 }, () => json(503, {}))
    const { client, transport, clock } = setup(script, { deadlineMs: 10_000 })
    const error = await client.latest({}, 'Poll').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(DeadlineError)
    expect((error as DeadlineError).lastProblem).toBe('Poll: HTTP 503')
    // 0.75 s, 1.5 s, 3 s; the next 6 s would end past the deadline: the last try is at 9 s, and
    // the run ends at its deadline, not before.
    expect(clock.sleeps).toEqual([750, 1500, 3000, 3750, 1000])
    expect(transport.requests).toHaveLength(5)
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBe(10_000)
  })

  it('a server back before the deadline is seen by that last attempt', async () => {
    const { client, clock } = setup([json(503, {}), json(503, {}), json(503, {}), json(503, {}), ok(4)], { deadlineMs: 10_000 })
    await expect(client.latest({}, 'Poll')).resolves.toMatchObject({ kind: 'job', job: { id: 4 } })
    expect(clock.sleeps).toEqual([750, 1500, 3000, 3750])
  })

  it('bounds each request timeout by the time left', async () => {
    const { client, transport, clock } = setup([ok(1), ok(1)], { deadlineMs: 10_000 })
    await client.latest({})
    clock.time += 8000
    await client.latest({})
    expect(transport.requests.map((request) => request.timeoutMs)).toEqual([10_000, 2000])
  })

  it('keeps retrying through a long outage that recovers before the deadline', async () => {
    const outage: Scripted[] = Array.from({ length: 30 }, () => new NetworkError('the connection was refused', 'ECONNREFUSED', false))
    const { client, clock } = setup([ok(4), ...outage, ok(5)], { deadlineMs: 3_600_000 })
    await client.latest({})
    const found = await client.latest({})
    expect(found).toMatchObject({ kind: 'job', job: { id: 5 } })
    expect(client.lastProblem).toBeUndefined()
    expect(clock.time - Date.UTC(2026, 0, 1)).toBeGreaterThan(5 * 60_000)
  })
})

describe('LayerCiClient permanent errors', () => {
  it.each([401, 403])('HTTP %d: the key was refused, at once', async (status) => {
    const { client, transport } = setup([json(status, { status: 'error', error: 'invalid API key' })])
    await expect(client.latest({})).rejects.toThrow(
      new ApiError(
        `The LayerCI API key was refused (HTTP ${status}: invalid API key). Check "token": it must be a LayerCI API key with access to web app.`
      )
    )
    expect(transport.requests).toHaveLength(1)
  })

  it('an error body about the key with HTTP 200 is a refusal too', async () => {
    const { client } = setup([json(200, { status: 'error', error: 'Invalid token' })])
    await expect(client.latest({})).rejects.toThrow(/API key was refused \(HTTP 200: Invalid token\)/)
  })

  it('an unknown repository fails at once', async () => {
    const { client } = setup([json(404, { status: 'error', error: 'repository web app not found' })])
    await expect(client.latest({})).rejects.toThrow(
      'Repository "web app" was not found for this API key (HTTP 404: repository web app not found).'
    )
  })

  it('a 4xx page that is not the API names api-url', async () => {
    const { client } = setup([{ statusCode: 404, headers: {}, body: '<html>Not Found</html>' }])
    await expect(client.latest({})).rejects.toThrow(/answered HTTP 404 with an HTML page, not the API. Check "api-url"/)
  })
})

describe('LayerCiClient create', () => {
  const created = json(200, { status: 'ok', job: job(9, 'NEW'), url: 'https://layerci.com/jobs/github/o/r/9' })

  it('sends the body as JSON and returns the job and URL', async () => {
    const { client, transport } = setup([created])
    const result = await client.post({ branch: 'main', ref: 'abc', accept_buttons: 'true' })
    expect(result).toMatchObject({ kind: 'created', job: { id: 9 }, url: 'https://layerci.com/jobs/github/o/r/9' })
    expect(transport.requests[0]).toMatchObject({ method: 'POST', body: '{"branch":"main","ref":"abc","accept_buttons":"true"}' })
  })

  it.each<[string, Scripted]>([
    ['a refused connection', new NetworkError('the connection was refused', 'ECONNREFUSED', false)],
    ['a name that did not resolve', new NetworkError('the host name did not resolve', 'ENOTFOUND', false)],
    ['HTTP 429', json(429, {}, { 'retry-after': '3' })],
    ['HTTP 429 without Retry-After', json(429, {})],
    ['HTTP 503 with Retry-After', { statusCode: 503, headers: { 'retry-after': '2' }, body: '<html>busy</html>' }],
    ["HTTP 503 with the API's own error", json(503, { status: 'error', error: 'maintenance' })]
  ])('re-sends after %s, where the server surely did not act', async (_, fault) => {
    const { client, transport } = setup([fault, created])
    expect((await client.post({})).kind).toBe('created')
    expect(transport.requests.filter((request) => request.method === 'POST')).toHaveLength(2)
  })

  it('a 503 page of a gateway (not the API, no Retry-After) may come after the API acted: never re-sent', async () => {
    const { client, transport } = setup([{ statusCode: 503, headers: {}, body: '<html>Application error</html>' }, created])
    expect(await client.post({})).toEqual({ kind: 'ambiguous', reason: 'HTTP 503' })
    expect(transport.requests).toHaveLength(1)
  })

  it.each<[string, Scripted]>([
    ['HTTP 500', json(500, {})],
    ['HTTP 502', json(502, {})],
    ['HTTP 504', json(504, {})],
    ['a reset after sending', new NetworkError('the connection was reset', 'ECONNRESET', true)],
    ['a timeout', new NetworkError('the request timed out', 'ETIMEDOUT', true)],
    ['a 200 that is not JSON', { statusCode: 200, headers: {}, body: '<html></html>' }]
  ])('never re-sends after %s, which may have reached the server', async (_, fault) => {
    const { client, transport } = setup([fault, created])
    const result = await client.post({})
    expect(result.kind).toBe('ambiguous')
    expect(transport.requests).toHaveLength(1)
  })

  it.each<[number, unknown, RegExp]>([
    [401, { status: 'error', error: 'bad key' }, /API key was refused \(HTTP 401: bad key\)/],
    [404, { status: 'error', error: 'no such repo' }, /Repository "web app" was not found for this API key \(HTTP 404: no such repo\)/],
    [400, { status: 'error', error: 'invalid ref zzz' }, /LayerCI refused to create the job \(HTTP 400\): invalid ref zzz/],
    [200, { status: 'error', error: 'Layerfile quota exceeded' }, /LayerCI did not create the job: Layerfile quota exceeded/]
  ])('HTTP %d fails at once with the API text', async (status, body, message) => {
    const { client, transport } = setup([json(status, body)])
    await expect(client.post({})).rejects.toThrow(message)
    expect(transport.requests).toHaveLength(1)
  })
})

describe('LayerCiClient redaction', () => {
  const leaky = `Request timeout: /api/v1/run/x/latest?layertoken=${ENCODED}`
  it.each<[string, Scripted]>([
    ['a network error carrying the URL', new NetworkError(leaky, 'ETIMEDOUT', true)],
    [
      'a thrown non-network error',
      (): never => {
        throw new Error(`boom ${TOKEN}`)
      }
    ],
    ['an API error echoing the key', json(401, { status: 'error', error: `key ${TOKEN} refused` })],
    ['an unexpected API error echoing the key', json(422, { status: 'error', error: `bad ${ENCODED}` })]
  ])('keeps the key out of %s', async (_, fault) => {
    const { client, log } = setup([fault, ok(1)], { deadlineMs: 5000 })
    const outcome = await client.latest({}).then(
      () => 'resolved',
      (error: unknown) =>
        error instanceof DeadlineError
          ? `${error.message} ${error.lastProblem ?? ''}`
          : error instanceof Error
            ? error.message
            : String(error)
    )
    expectNoKey(outcome, log.text(), client.lastProblem ?? '')
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds and dates, ignores the unreadable', () => {
    expect(parseRetryAfter('7', 0)).toBe(7000)
    expect(parseRetryAfter(['3'], 0)).toBe(3000)
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).toBe(60_000)
    expect(parseRetryAfter(new Date(0).toUTCString(), 60_000)).toBe(0)
    expect(parseRetryAfter('soon', 0)).toBeUndefined()
    expect(parseRetryAfter(undefined, 0)).toBeUndefined()
  })
})

describe('LayerCiClient unreachable server', () => {
  const refused = (): NetworkError => new NetworkError('the connection was refused', 'ECONNREFUSED', false)

  it('fails with one clear message when the server was never reached, within the budget', async () => {
    const { client, clock } = setup(Array.from({ length: 20 }, refused), { deadlineMs: 3_600_000 })
    await expect(client.latest({})).rejects.toThrow(
      new ApiError(
        'LayerCI could not be reached at https://layer.example.com: the connection was refused. Check "api-url", or run again when the service is back.'
      )
    )
    expect(clock.time - Date.UTC(2026, 0, 1)).toBeLessThan(30_000)
  })

  it('rides out an outage once the server has answered', async () => {
    const { client } = setup([ok(1), ...Array.from({ length: 20 }, refused), ok(2)], { deadlineMs: 3_600_000 })
    await client.latest({})
    await expect(client.latest({})).resolves.toMatchObject({ kind: 'job', job: { id: 2 } })
  })
})

describe('LayerCiClient over HTTP', () => {
  function over(apiUrl: string, timeoutMs = 600_000) {
    return testClient({ apiUrl, token: TOKEN, repoName: 'web app', timeoutMs, random: () => 0.5 })
  }

  const jobBody = (id: number, status = 'SUCCEEDED'): string => JSON.stringify({ status: 'ok', job: job(id, status) })
  const answer =
    (id: number, status = 'SUCCEEDED'): Handler =>
    (_, response) =>
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(jobBody(id, status))
  /** A handler that answers the nth request (from 0) with `handlers[n]`, the rest with the last one. */
  const inTurn = (...handlers: Handler[]): Handler => {
    let n = 0
    return (request, response, seen) => {
      const handler = handlers[Math.min(n++, handlers.length - 1)]
      handler(request, response, seen)
    }
  }

  const rejection = (promise: Promise<unknown>): Promise<unknown> =>
    promise.then(
      () => new Error('resolved'),
      (error: unknown) => error
    )

  describe('TLS', () => {
    it('a certificate no one trusts fails at once, on the first request, saying how to trust it', async () => {
      const api = await serve(httpServer(answer(1), { tls: true }))
      const { client, log, clock } = over(api.origin)
      const started = clock.now()
      const error = await rejection(client.latest({}))
      expect(error).toBeInstanceOf(ApiError)
      expect((error as ApiError).message).toMatch(
        new RegExp(
          `^LayerCI could not be reached securely at ${api.origin}: the TLS connection could not be set up \\(DEPTH_ZERO_SELF_SIGNED_CERT: [^)]*\\)\\. If its certificate comes from a private certificate authority, give that authority's certificate to Node\\.js with NODE_EXTRA_CA_CERTS; if the server speaks plain HTTP, check "api-url"\\.$`
        )
      )
      expect(client.sent.GET).toBe(1)
      expect(clock.now() - started).toBe(0)
      expectNoKey((error as ApiError).message, log.text())
    })

    it('a create over a TLS connection that fails says no job was created, and is not sent again', async () => {
      const api = await serve(httpServer(answer(1)))
      const { client } = over(api.origin.replace('http:', 'https:'))
      const error = await rejection(client.post({ branch: 'main' }))
      expect(error).toBeInstanceOf(ApiError)
      expect((error as ApiError).message).toMatch(/the TLS connection could not be set up .*check "api-url"\. No job was created\.$/)
      expect(client.sent.POST).toBe(1)
      expect(api.seen).toEqual([])
    })
  })

  describe('redirects', () => {
    it('fails at once on a redirect to another origin, naming where without its query, and sends the key nowhere else', async () => {
      const other = await serve(httpServer(answer(1)))
      const api = await serve(
        httpServer((_, response) =>
          response.writeHead(301, { Location: `${other.origin}/v2/api/v1/run/web%20app/latest?done=true&layertoken=${ENCODED}` }).end()
        )
      )
      const { client, log } = over(`${api.origin}/prefix`)
      const error = await rejection(client.latest({ done: 'true' }))
      expect(error).toBeInstanceOf(ApiError)
      expect((error as ApiError).message).toBe(
        `LayerCI at ${api.origin} answered HTTP 301, a redirect to ${other.origin}/v2/api/v1/run/web%20app/latest on another origin; it was not followed, so the API key was not sent there: change "api-url" to the API's address.`
      )
      expect(other.connections).toBe(0)
      expect(client.sent.GET).toBe(1)
      expectNoKey((error as ApiError).message, log.text())
    })

    it.each([301, 302, 307, 308])(
      'fails the create at once on HTTP %d, with exactly one POST sent, saying no job was created by the redirect',
      async (status) => {
        const api = await serve(
          httpServer((_, response) => response.writeHead(status, { Location: `/prefix/api/v1/run/web%20app?layertoken=${ENCODED}` }).end())
        )
        const { client, log } = over(`${api.origin}/prefix`)
        const error = await rejection(client.post({ branch: 'main' }))
        expect(error).toBeInstanceOf(ApiError)
        expect((error as ApiError).message).toBe(
          `LayerCI at ${api.origin} answered the create request with HTTP ${status}, a redirect to ${api.origin}/prefix/api/v1/run/web%20app; the request was not sent there, so no job was created by the redirected request: change "api-url" to the API's address.`
        )
        expect(api.seen.filter((seen) => seen.method === 'POST')).toHaveLength(1)
        expectNoKey((error as ApiError).message, log.text())
      }
    )

    it('treats HTTP 303 to the create as an answer that may have created a job, and does not send it again', async () => {
      const api = await serve(httpServer((_, response) => response.writeHead(303, { Location: '/prefix/jobs/9' }).end()))
      const { client } = over(`${api.origin}/prefix`)
      await expect(client.post({})).resolves.toEqual({
        kind: 'ambiguous',
        reason: `HTTP 303, a redirect to ${api.origin}/prefix/jobs/9 that was not followed`
      })
      expect(api.seen).toHaveLength(1)
    })

    it('follows a relative redirect within the origin for a read and logs it at debug level, redacted', async () => {
      const api = await serve(
        httpServer((request, response) => {
          if (request.url?.startsWith('/prefix/')) {
            response.writeHead(302, { Location: `/moved${request.url}` }).end()
          } else answer(3)(request, response, { method: '', url: '', body: '' })
        })
      )
      const { client, log } = over(`${api.origin}/prefix`)
      await expect(client.latest({ done: 'true' })).resolves.toMatchObject({ kind: 'job', job: { id: 3 } })
      expect(log.matching('debug')).toEqual([
        'debug: GET /prefix/api/v1/run/web%20app/latest?done=true&layertoken=*** -> HTTP 302, redirected to /moved/prefix/api/v1/run/web%20app/latest?done=true&layertoken=***',
        expect.stringMatching(
          /^debug: GET \/prefix\/api\/v1\/run\/web%20app\/latest\?done=true&layertoken=\*\*\* -> HTTP 200 in \d+ ms \(attempt 1\)$/
        )
      ])
      expect(log.matching('info')).toEqual([])
      expectNoKey(log.text())
    })

    it('fails at once on a redirect loop within the origin, naming it', async () => {
      const api = await serve(httpServer((_, response) => response.writeHead(307, { Location: `/loop?layertoken=${ENCODED}` }).end()))
      const { client } = over(api.origin)
      const error = await rejection(client.latest({}))
      expect(error).toBeInstanceOf(ApiError)
      expect((error as ApiError).message).toBe(
        `LayerCI at ${api.origin} redirected the request more than 3 times (a redirect loop, last HTTP 307 to ${api.origin}/loop): check "api-url".`
      )
      expect(api.seen).toHaveLength(4)
    })
  })

  describe('bodies', () => {
    const huge: Handler = (_, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(2 * 1024 * 1024) })
      response.end(
        `{"status":"ok","job":${JSON.stringify(job(66, 'SUCCEEDED'))},"pad":"${'x'.repeat(2 * 1024 * 1024 - 100)}"}`.slice(
          0,
          2 * 1024 * 1024
        )
      )
    }

    it('retries a read whose answer is larger than 1 MiB, never using it', async () => {
      const api = await serve(httpServer(inTurn(huge, answer(5))))
      const { client, log } = over(api.origin)
      await expect(client.latest({})).resolves.toMatchObject({ kind: 'job', job: { id: 5 } })
      expect(log.matching('info')).toEqual(['info: Poll: the answer was larger than 1 MiB and was not read (attempt 1); retrying in 0.8s'])
    })

    it('does not send the create again after an answer larger than 1 MiB: it may have created a job', async () => {
      const api = await serve(httpServer(inTurn(huge, answer(5, 'NEW'))))
      const { client } = over(api.origin)
      await expect(client.post({})).resolves.toEqual({ kind: 'ambiguous', reason: 'the answer was larger than 1 MiB and was not read' })
      expect(api.seen).toHaveLength(1)
    })

    it('retries a read whose answer was cut short at once, not after the request timeout', async () => {
      let connection = 0
      const api = await serve(
        rawServer((socket: Socket) => {
          const body = jobBody(8)
          if (connection++ === 0) socket.end(`HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n${body.slice(0, 10)}`)
          else socket.end(`HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
        })
      )
      const { client, log } = over(api.origin)
      const started = Date.now()
      await expect(client.latest({})).resolves.toMatchObject({ kind: 'job', job: { id: 8 } })
      expect(Date.now() - started).toBeLessThan(1000)
      expect(log.matching('info')).toEqual([
        'info: Poll: the connection closed before the whole answer arrived (attempt 1); retrying in 0.8s'
      ])
    })
  })

  describe('proxies', () => {
    let restore: () => void = () => undefined
    beforeEach(() => {
      restore = setEnv({ HTTPS_PROXY: undefined, https_proxy: undefined, NO_PROXY: undefined, no_proxy: undefined })
    })
    afterEach(() => restore())

    it('fails at once, naming the proxy and its variable but not its credentials, when the proxy wants credentials', async () => {
      const proxy = await serve(connectProxy(407))
      process.env.HTTPS_PROXY = `http://proxy-user:pr0xy-pass@127.0.0.1:${proxy.port}`
      const { client, clock } = over('https://layerci.invalid')
      const error = await rejection(client.post({}))
      expect(error).toBeInstanceOf(ApiError)
      expect((error as ApiError).message).toBe(
        `LayerCI could not be reached at https://layerci.invalid: the proxy 127.0.0.1:${proxy.port} (from HTTPS_PROXY) answered HTTP 407 (Proxy Authentication Required) to the tunnel request (CONNECT). Check the proxy credentials in HTTPS_PROXY, or add the API's host to no_proxy.`
      )
      expect(proxy.connects).toHaveLength(1)
      expect(clock.sleeps).toEqual([])
    })

    it('fails as fast as an unreachable API when the proxy cannot be reached, and never calls a create ambiguous', async () => {
      const port = await closedPort()
      process.env.HTTPS_PROXY = `http://proxy-user:pr0xy-pass@127.0.0.1:${port}`
      const { client, clock } = over('https://layerci.invalid', 3_600_000)
      const error = await rejection(client.post({}))
      expect(error).toBeInstanceOf(ApiError)
      expect((error as ApiError).message).toBe(
        `LayerCI could not be reached at https://layerci.invalid: the proxy 127.0.0.1:${port} (from HTTPS_PROXY) refused the connection. Check HTTPS_PROXY and no_proxy, or run again when the proxy is back.`
      )
      expect(clock.time - Date.UTC(2026, 0, 1)).toBeLessThan(10_000)
    })
  })

  describe('Retry-After', () => {
    it('fails the create at once when LayerCI asks to wait past the deadline, saying no job was created', async () => {
      const api = await serve(httpServer((_, response) => response.writeHead(429, { 'Retry-After': '120' }).end()))
      const { client, clock } = over(api.origin, 60_000)
      const error = await rejection(client.post({}))
      expect(error).toBeInstanceOf(ApiError)
      expect((error as ApiError).message).toBe(
        'LayerCI answered HTTP 429 and asked to wait 2m00s before sending the create request again, which leaves no time for another request before the timeout (1m00s left): no job was created, as HTTP 429 means the server did not act on the request.'
      )
      expect(clock.sleeps).toEqual([])
      expect(api.seen).toHaveLength(1)
    })

    it('gives up a read at once when LayerCI asks to wait past the deadline, naming both durations', async () => {
      const api = await serve(httpServer((_, response) => response.writeHead(503, { 'Retry-After': '90' }).end()))
      const { client, clock } = over(api.origin, 30_000)
      const error = await rejection(client.latest({}, 'Poll'))
      expect(error).toBeInstanceOf(DeadlineError)
      expect((error as DeadlineError).lastProblem).toBe(
        'Poll: LayerCI answered HTTP 503 and asked to wait 1m30s, which leaves no time for another request before the timeout (30s left)'
      )
      expect(clock.sleeps).toEqual([])
    })

    it('never sleeps past the deadline because of Retry-After', async () => {
      const api = await serve(httpServer((_, response) => response.writeHead(429, { 'Retry-After': '25' }).end()))
      const { client, clock } = over(api.origin, 60_000)
      const error = await rejection(client.post({}))
      expect((error as ApiError).message).toMatch(
        /^LayerCI answered HTTP 429 and asked to wait 25s .*, which leaves no time for another request before the timeout \(10s left\): no job was created/
      )
      expect(clock.sleeps).toEqual([25_000, 25_000])
      expect(api.seen).toHaveLength(3)
    })
  })
})

describe('LayerCiClient: what a read answer means', () => {
  it('retries HTTP 408 (the server timed out waiting): never fatal', async () => {
    const { client, transport, log } = setup([json(408, { status: 'error', error: 'request timeout' }), ok(3)])
    await expect(client.latest({})).resolves.toMatchObject({ kind: 'job', job: { id: 3 } })
    expect(transport.requests).toHaveLength(2)
    expect(log.matching('info')).toEqual(['info: Poll: HTTP 408 (attempt 1); retrying in 0.8s'])
  })

  it.each([400, 409, 410, 422])(
    'HTTP %d with an error text the API does not explain is fatal at once, never "no match yet"',
    async (status) => {
      const { client, transport } = setup([json(status, { status: 'error', error: 'something odd happened' }), ok(1)])
      await expect(client.latest({})).rejects.toThrow(new ApiError(`LayerCI answered HTTP ${status}: something odd happened`))
      expect(transport.requests).toHaveLength(1)
    }
  )

  it('HTTP 4xx with an "ok" answer is fatal at once', async () => {
    const { client, transport } = setup([json(400, { status: 'ok', job: job(1, 'SUCCEEDED') }), ok(1)])
    await expect(client.latest({})).rejects.toThrow(new ApiError('LayerCI answered HTTP 400 to a read request'))
    expect(transport.requests).toHaveLength(1)
  })

  it('an error text it does not explain, with HTTP 200 or 404, is unclear: nothing is concluded, and it is the last problem', async () => {
    const { client, transport } = setup([
      json(200, { status: 'error', error: 'something odd happened' }),
      json(404, { status: 'error', error: 'something odd happened' })
    ])
    await expect(client.latest({}, 'Poll')).resolves.toEqual({
      kind: 'unclear',
      problem: 'Poll: LayerCI answered "something odd happened"'
    })
    await expect(client.latest({}, 'Poll')).resolves.toEqual({
      kind: 'unclear',
      problem: 'Poll: LayerCI answered "something odd happened"'
    })
    expect(client.lastProblem).toBe('Poll: LayerCI answered "something odd happened"')
    expect(transport.requests).toHaveLength(2)
  })

  it('an "ok" answer without a job is unclear, and the last problem says so', async () => {
    const { client } = setup([json(200, { status: 'ok' })])
    await expect(client.latest({}, 'Poll')).resolves.toEqual({ kind: 'unclear', problem: 'Poll: LayerCI answered "ok" without a job' })
    expect(client.lastProblem).toBe('Poll: LayerCI answered "ok" without a job')
  })

  it('a 2xx page that is not the API is retried, a 4xx one is fatal naming api-url', async () => {
    const page = { statusCode: 200, headers: {}, body: '<html>login</html>' }
    const retried = setup([page, ok(2)])
    await expect(retried.client.latest({})).resolves.toMatchObject({ kind: 'job', job: { id: 2 } })
    const fatal = setup([{ statusCode: 400, headers: {}, body: '<html>bad</html>' }, ok(2)])
    await expect(fatal.client.latest({})).rejects.toThrow(
      new ApiError(
        'https://layer.example.com/prefix answered HTTP 400 with an HTML page, not the API. Check "api-url": it must be the LayerCI API\'s base URL.'
      )
    )
    expect(fatal.transport.requests).toHaveLength(1)
  })

  it('HTTP 401 without an API error text names no text', async () => {
    const { client } = setup([{ statusCode: 401, headers: {}, body: 'Unauthorized' }])
    await expect(client.latest({})).rejects.toThrow(
      new ApiError('The LayerCI API key was refused (HTTP 401). Check "token": it must be a LayerCI API key with access to web app.')
    )
  })

  it('HTTP 403 with an "ok" answer names no text either', async () => {
    const { client } = setup([json(403, { status: 'ok', job: job(1, 'NEW') })])
    await expect(client.latest({})).rejects.toThrow(
      new ApiError('The LayerCI API key was refused (HTTP 403). Check "token": it must be a LayerCI API key with access to web app.')
    )
  })

  it('an answer ends the last problem: a later timeout names only a current one', async () => {
    const { client } = setup([json(503, {}), ok(1)])
    await client.latest({}, 'Poll')
    expect(client.lastProblem).toBeUndefined()
  })

  it('"no job found" after a retried fault ends the last problem too', async () => {
    const { client } = setup([json(503, {}), json(200, { status: 'error', error: 'no job found' })])
    const outcome = client.latest({}, 'Look for it')
    await expect(outcome).resolves.toEqual({ kind: 'none' })
    expect(client.lastProblem).toBeUndefined()
  })
})

describe('LayerCiClient: a create that failed in an unexpected way', () => {
  it('an unexpected error while sending the create is taken as "may have reached the server": never re-sent', async () => {
    const { client, transport } = setup([
      (): never => {
        throw new TypeError('something unexpected in the transport')
      },
      json(200, { status: 'ok', job: job(9, 'NEW') })
    ])
    await expect(client.post({})).resolves.toEqual({ kind: 'ambiguous', reason: 'TypeError: something unexpected in the transport' })
    expect(transport.requests).toHaveLength(1)
  })

  it('an unexpected error during a read is retried', async () => {
    const { client, transport } = setup([
      (): never => {
        throw new TypeError('something unexpected in the transport')
      },
      ok(4)
    ])
    await expect(client.latest({})).resolves.toMatchObject({ kind: 'job', job: { id: 4 } })
    expect(transport.requests).toHaveLength(2)
  })

  it('an "ok" answer to the create without a job may have created one: never re-sent', async () => {
    const { client, transport } = setup([json(200, { status: 'ok' }), json(200, { status: 'ok', job: job(9, 'NEW') })])
    await expect(client.post({})).resolves.toEqual({ kind: 'ambiguous', reason: 'HTTP 200 without a job in the answer' })
    expect(transport.requests).toHaveLength(1)
  })

  it('an error text naming the key or the repository with HTTP 200 is a refusal or an unknown repository', async () => {
    const refused = setup([json(200, { status: 'error', error: 'Invalid API key' })])
    await expect(refused.client.post({})).rejects.toThrow(
      new ApiError(
        'The LayerCI API key was refused (HTTP 200: Invalid API key). Check "token": it must be a LayerCI API key with access to web app.'
      )
    )
    const unknown = setup([json(200, { status: 'error', error: 'unknown repository' })])
    await expect(unknown.client.post({})).rejects.toThrow(
      new ApiError('Repository "web app" was not found for this API key (HTTP 200: unknown repository).')
    )
  })

  it('HTTP 4xx without an API text says that none was given', async () => {
    const { client } = setup([{ statusCode: 422, headers: {}, body: 'nope' }])
    await expect(client.post({})).rejects.toThrow(new ApiError('LayerCI refused to create the job (HTTP 422): no explanation given'))
  })

  it('a created job comes back without a URL when the API gave none', async () => {
    const { client } = setup([json(200, { status: 'ok', job: job(9, 'NEW') })])
    const result = await client.post({})
    expect(result).toMatchObject({ kind: 'created', job: { id: 9 } })
    expect(result).not.toHaveProperty('url')
  })
})

describe('LayerCiClient: Retry-After against the deadline', () => {
  /** The time from the start to each request, and the total slept. */
  function timed(script: Scripted[], deadlineMs: number) {
    const context = setup(script, { deadlineMs })
    const start = context.clock.now()
    const at: number[] = []
    const original = context.transport.send.bind(context.transport)
    context.transport.send = (request) => {
      at.push(context.clock.now() - start)
      return original(request)
    }
    return { ...context, at, slept: () => context.clock.sleeps.reduce((a, b) => a + b, 0) }
  }

  it('waits a Retry-After that ends just before the last moment a retry can start', async () => {
    // Deadline 60 s: the last retry starts at 59 s at the latest; 58.9 s leaves room for one.
    const { client, at, slept } = timed([json(429, {}, { 'retry-after': '58' }), ok(1)], 60_000)
    await expect(client.latest({})).resolves.toMatchObject({ kind: 'job' })
    expect(at).toEqual([0, 58_000])
    expect(slept()).toBe(58_000)
  })

  it('gives up at once on a Retry-After that ends at the last moment or later: no sleep at all', async () => {
    for (const seconds of ['59', '60', '61']) {
      const { client, clock, transport } = timed([json(503, {}, { 'retry-after': seconds }), ok(1)], 60_000)
      const error = await client.latest({}, 'Poll').catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(DeadlineError)
      expect(clock.sleeps).toEqual([])
      expect(transport.requests).toHaveLength(1)
    }
  })

  it('the create: a Retry-After past the last moment fails at once, naming the time asked and the time left', async () => {
    const { client, clock } = timed([json(429, {}, { 'retry-after': '59' }), ok(1)], 60_000)
    await expect(client.post({})).rejects.toThrow(
      new ApiError(
        'LayerCI answered HTTP 429 and asked to wait 59s before sending the create request again, which leaves no time for another request before the timeout (1m00s left): no job was created, as HTTP 429 means the server did not act on the request.'
      )
    )
    expect(clock.sleeps).toEqual([])
  })

  it('never sleeps past the deadline, however the Retry-After answers follow each other', async () => {
    const script = Array.from({ length: 6 }, () => json(503, {}, { 'retry-after': '20' }))
    const { client, clock, slept } = timed(script, 60_000)
    const error = await client.latest({}, 'Poll').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(DeadlineError)
    expect(slept()).toBeLessThanOrEqual(60_000)
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBeLessThanOrEqual(60_000)
  })

  it('a Retry-After shorter than the back-off does not shorten it', async () => {
    const { client, clock } = timed([json(503, {}), json(503, {}, { 'retry-after': '1' }), ok(1)], 600_000)
    await client.latest({})
    expect(clock.sleeps).toEqual([750, 1500])
  })

  it('a Retry-After on another status (500) is not honoured', async () => {
    const { client, clock } = timed([json(500, {}, { 'retry-after': '40' }), ok(1)], 600_000)
    await client.latest({})
    expect(clock.sleeps).toEqual([750])
  })
})

describe('LayerCiClient: names in error texts', () => {
  it('a repository name that contains a word about keys does not turn "no jobs" into a refusal', async () => {
    const { client } = setup([json(200, { status: 'error', error: 'no jobs for token-service yet' })], { repoName: 'token-service' })
    await expect(client.latest({})).resolves.toEqual({ kind: 'none' })
  })

  it('the full name is taken out before the owner: an owner inside the repository name leaves no key word behind', async () => {
    // Taking out "my" first would leave "REPO/REPO-token", which reads as a refusal.
    const { client } = setup([json(200, { status: 'error', error: 'no jobs for my/my-token yet' })], { owner: 'my', repoName: 'my-token' })
    await expect(client.latest({})).resolves.toEqual({ kind: 'none' })
  })

  it('an owner whose name holds a word about keys does not turn "no jobs" into a refusal either', async () => {
    const { client } = setup([json(200, { status: 'error', error: 'no jobs for token-co/web yet' })], {
      owner: 'token-co',
      repoName: 'web'
    })
    await expect(client.latest({})).resolves.toEqual({ kind: 'none' })
  })

  it.each([400, 410, 422])(
    'the documented "no match" text means no match with HTTP %d too (the API page allows 200 or 4xx)',
    async (status) => {
      const { client, transport } = setup([
        json(status, { status: 'error', error: 'There are no runs in o/web app matching the given filters.' })
      ])
      await expect(client.latest({ done: 'true' })).resolves.toEqual({ kind: 'none' })
      expect(transport.requests).toHaveLength(1)
    }
  )

  it('an unknown repository names the flavor hint when auto chose the flavor, and no text when none was given', async () => {
    const { client } = setup([{ statusCode: 404, headers: {}, body: '{"status":"ok"}' }], {
      flavorHint: 'api-flavor "auto" chose webappio.'
    })
    await expect(client.post({})).rejects.toThrow(
      new ApiError('Repository "web app" was not found for this API key (HTTP 404). api-flavor "auto" chose webappio.')
    )
  })
})

describe('LayerCiClient: addresses', () => {
  it('an api-url path with several trailing slashes gives one clean path', async () => {
    const { client, transport } = setup([ok(1)], { apiUrl: 'https://layer.example.com/prefix//' })
    await client.latest({})
    expect(new URL(transport.requests[0]?.url ?? '').pathname).toBe('/prefix/api/v1/run/web%20app/latest')
  })

  it('webappio: the newest job of a branch is searched by branch, of the repository by repo', async () => {
    const { client, transport } = setup([ok(1), ok(2)], { flavor: 'webappio' })
    await client.newest('feature/x', 'Look')
    await client.newest(undefined, 'Look')
    expect(transport.requests.map((request) => new URL(request.url).searchParams.get('search'))).toEqual([
      'branch:feature/x',
      'repo:web app'
    ])
  })

  it('a redirect whose Location is not a URL fails naming it, quoted and cut to 200 characters', async () => {
    const location = `http://[${'x'.repeat(300)}`
    const { client } = setup([
      { statusCode: 302, headers: {}, body: '', refusedRedirect: { statusCode: 302, location, why: 'unreadable' } }
    ])
    await expect(client.latest({})).rejects.toThrow(
      new ApiError(
        `LayerCI at https://layer.example.com answered HTTP 302, a redirect to "${location.slice(0, 200)}", which is not a URL: check "api-url".`
      )
    )
  })
})

describe('LayerCiClient: what a create answer means', () => {
  it('HTTP 403 to the create is a refused key, whatever the body', async () => {
    const { client, transport } = setup([{ statusCode: 403, headers: {}, body: 'Forbidden' }])
    await expect(client.post({})).rejects.toThrow(
      new ApiError('The LayerCI API key was refused (HTTP 403). Check "token": it must be a LayerCI API key with access to web app.')
    )
    expect(transport.requests).toHaveLength(1)
  })

  it('a 2xx page that is not the API may have created a job: never re-sent, and the reason says what came back', async () => {
    const { client, transport } = setup([{ statusCode: 200, headers: {}, body: '<html>welcome</html>' }, ok(1)])
    await expect(client.post({})).resolves.toEqual({ kind: 'ambiguous', reason: 'HTTP 200 with an HTML page, not the API' })
    expect(transport.requests).toHaveLength(1)
  })
})

describe('LayerCiClient: labels of the log lines', () => {
  it('a search is a "Poll" unless told otherwise; the runners are "Runners"', async () => {
    const { client, log } = setup([json(503, {}), ok(1), json(503, {}), json(200, { status: 'ok', runners: [] })], { flavor: 'webappio' })
    await client.search(['id:1'])
    await client.runners('0f0e0d0c-0b0a-4908-8706-050403020100')
    expect(log.matching('info')).toEqual([
      'info: Poll: HTTP 503 (attempt 1); retrying in 0.8s',
      'info: Runners: HTTP 503 (attempt 1); retrying in 0.8s'
    ])
  })

  it('runners the API will not list: the error names its text, redacted', async () => {
    const { client } = setup([json(200, { status: 'error', error: `There is no run for web app matching uuid x (${TOKEN})` })], {
      flavor: 'webappio'
    })
    await expect(client.runners('0f0e0d0c-0b0a-4908-8706-050403020100')).rejects.toThrow(
      new ApiError('LayerCI did not list the runners: There is no run for web app matching uuid x (***)')
    )
  })
})

describe('LayerCiClient: a side request within its own limit', () => {
  const UUID = '0f0e0d0c-0b0a-4908-8706-050403020100'

  it("stops after its tries, naming the last problem, with the run's hour still left", async () => {
    const { client, clock, transport } = setup([json(503, {}), json(503, {}), ok(1)], { flavor: 'webappio', deadlineMs: 3_600_000 })
    const start = clock.now()
    await expect(client.runners(UUID, { attempts: 2, until: start + 15_000 })).rejects.toThrow(new ApiError('HTTP 503, 2 tries'))
    expect(transport.requests).toHaveLength(2)
    expect(clock.now() - start).toBeLessThan(2000)
  })

  it("bounds each request by its own limit, not by the run's deadline", async () => {
    const timedOut = (request: { timeoutMs: number }) => {
      clock.time += request.timeoutMs
      return new NetworkError('the request timed out', 'ETIMEDOUT', true)
    }
    const clock = new FakeClock()
    const { client, transport } = setup([timedOut, timedOut, timedOut], { flavor: 'webappio', deadlineMs: 3_600_000, clock })
    const start = clock.now()
    const error = await client.runners(UUID, { attempts: 2, until: start + 15_000 }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(DeadlineError)
    expect(error).toMatchObject({ lastProblem: 'Runners: the request timed out' })
    expect(transport.requests[0]?.timeoutMs).toBe(15_000)
    // Never past the limit, whatever the run's deadline.
    expect(clock.now() - start).toBeLessThanOrEqual(15_000)
  })

  it('a single try: one request, and its problem', async () => {
    const { client, transport } = setup([json(502, {}), ok(1)], { flavor: 'webappio' })
    await expect(client.runners(UUID, { attempts: 1, until: Date.UTC(2027, 0, 1) })).rejects.toThrow(new ApiError('HTTP 502, 1 try'))
    expect(transport.requests).toHaveLength(1)
  })
})

/** A clock whose sleeps of 2 ms or more end a millisecond early, as timers may against the wall clock. */
class EarlyClock extends FakeClock {
  override async sleep(ms: number): Promise<void> {
    await super.sleep(ms >= 2 ? ms - 1 : ms)
  }
}

describe('LayerCiClient: the deadline, to the millisecond', () => {
  const start = Date.UTC(2026, 0, 1)
  const refused = (): NetworkError => new NetworkError('the connection was refused', 'ECONNREFUSED', false)
  const reset = (): NetworkError => new NetworkError('the connection was reset', 'ECONNRESET', true)

  it('at the deadline, nothing is sent', async () => {
    const { client, transport } = setup([ok(1)], { deadlineMs: 0 })
    await expect(client.latest({})).rejects.toBeInstanceOf(DeadlineError)
    expect(transport.requests).toHaveLength(0)
  })

  it('a first failure at the last moment a retry could start ends the run at its deadline, with no second try', async () => {
    for (const deadlineMs of [1000, 500]) {
      const { client, transport, clock } = setup([json(503, {}), ok(1)], { deadlineMs })
      await expect(client.latest({})).rejects.toBeInstanceOf(DeadlineError)
      expect(transport.requests).toHaveLength(1)
      expect(clock.now() - start).toBe(deadlineMs)
    }
  })

  it('on a clock that wakes early, one last try is made, not a string of ever shorter ones', async () => {
    const { client, transport, clock } = setup(
      Array.from({ length: 10 }, () => json(503, {})),
      { deadlineMs: 10_000, clock: new EarlyClock(start) }
    )
    await expect(client.latest({})).rejects.toBeInstanceOf(DeadlineError)
    // 0, 0.749, 2.248, 5.247 s; the next back-off passes 9 s, so the last try is set for 9 s and
    // starts at 8.999 s on this clock. Nothing is sent after it.
    expect(transport.requests).toHaveLength(5)
    expect(clock.now() - start).toBeLessThanOrEqual(10_000)
  })

  it('an attempt whose back-off ends exactly at the last moment is the last one', async () => {
    // Deadline 1.75 s: the last try may start at 0.75 s, exactly when the first back-off ends.
    const { client, transport } = setup([json(503, {}), json(503, {}), json(503, {}), ok(1)], {
      deadlineMs: 1750,
      clock: new EarlyClock(start)
    })
    await expect(client.latest({})).rejects.toBeInstanceOf(DeadlineError)
    expect(transport.requests).toHaveLength(2)
  })

  it('a server that answered once, even with errors, is reachable: its 503s are ridden out past the unreachable budget', async () => {
    const { client, clock } = setup([refused(), ...Array.from({ length: 4 }, () => json(503, {})), ok(5)], { deadlineMs: 3_600_000 })
    await expect(client.latest({})).resolves.toMatchObject({ kind: 'job', job: { id: 5 } })
    expect(clock.now() - start).toBeGreaterThan(10_000)
  })

  it('the unreachable budget counts from the first refused connection: resets before it (something answered) do not use it up', async () => {
    const { client, transport } = setup([reset(), reset(), reset(), ...Array.from({ length: 5 }, refused)], { deadlineMs: 3_600_000 })
    await expect(client.latest({})).rejects.toThrow(/^LayerCI could not be reached at https:\/\/layer\.example\.com/)
    // Refused at 5.25 s and 11.25 s: the next try (23.25 s) would be 18 s after the first refusal.
    expect(transport.requests).toHaveLength(5)
  })

  it('a retry that would start when the unreachable budget is spent is not made', async () => {
    const { client, transport } = setup([refused(), refused(), ok(1)], { unreachableBudgetMs: 750 })
    await expect(client.latest({})).rejects.toThrow(/^LayerCI could not be reached/)
    expect(transport.requests).toHaveLength(1)
  })

  it('an unreachable server whose next retry would start at or past the deadline fails as unreachable, not as a timeout', async () => {
    for (const deadlineMs of [750, 2000]) {
      const { client, clock } = setup(Array.from({ length: 5 }, refused), { deadlineMs })
      const error = await client.latest({}).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(ApiError)
      expect(error).not.toBeInstanceOf(DeadlineError)
      expect((error as Error).message).toMatch(
        /^LayerCI could not be reached at https:\/\/layer\.example\.com: the connection was refused\./
      )
      expect(clock.now() - start).toBeLessThan(deadlineMs)
    }
  })
})

describe('LayerCiClient: a TLS failure after the request was written', () => {
  const broken = (): TlsError => new TlsError('ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC', 'bad record', true)

  it('a create may have been acted on: never re-sent, never "no job was created"', async () => {
    const { client, transport } = setup([broken(), ok(9)])
    await expect(client.post({})).resolves.toEqual({
      kind: 'ambiguous',
      reason: 'the TLS connection failed (ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC: bad record)'
    })
    expect(transport.requests).toHaveLength(1)
  })

  it('a read is retried like after any other network fault', async () => {
    const { client, transport } = setup([broken(), ok(4)])
    await expect(client.latest({})).resolves.toMatchObject({ kind: 'job', job: { id: 4 } })
    expect(transport.requests).toHaveLength(2)
  })
})
