/**
 * docs/setup.md, "Proxy": the built command sends its requests through the proxy of http_proxy or
 * HTTP_PROXY (lower case first) and not for NO_PROXY hosts. The proxy here is a CONNECT proxy
 * that forwards every tunnel to the fake LayerCI, whatever host the tunnel names.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { resolve } from 'node:path'
import { startFake } from '../__fixtures__/fake.js'
import { scheduleTo } from '../fake/server.js'

const CLI = resolve('dist/cli/index.js')
const REPO = 'layerci-example'
/** A host that is not loopback (loopback never goes through a proxy) and that no resolver knows. */
const HOST = 'layerci.test'

interface Proxy {
  url: string
  /** The `host:port` of each CONNECT, and the URL of each plain proxied request. */
  seen: string[]
}

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))))
})

async function startProxy(targetPort: number): Promise<Proxy> {
  const seen: string[] = []
  const sockets = new Set<Socket>()
  const server = createServer((request, response) => {
    seen.push(request.url ?? '')
    response.writeHead(502).end()
  })
  server.on('connect', (request: { url?: string }, client: Socket, head: Buffer) => {
    seen.push(request.url ?? '')
    const upstream = connect(targetPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client).pipe(upstream)
    })
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => socket.destroy())
      socket.on('close', () => sockets.delete(socket))
    }
  })
  server.on('close', () => sockets.forEach((socket) => socket.destroy()))
  servers.push(server)
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return { url: `http://127.0.0.1:${port}`, seen }
}

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((done) => child.on('close', (code) => done({ code, stderr })))
}

/** The run went to HOST directly: its name did not resolve (or, with a resolver that hangs, the run timed out). */
function expectUnresolved(run: { code: number | null; stderr: string }, port: string): void {
  if (run.code === 4) expect(run.stderr).toMatch(/error: Timed out after 2s before LayerCI confirmed a new job/)
  else {
    expect(run.stderr).toContain(`LayerCI could not be reached at http://${HOST}:${port}: the host name did not resolve`)
    expect(run.code).toBe(3)
  }
}

async function setUp() {
  const fake = await startFake({ repos: { [REPO]: { owner: 'octo', schedule: scheduleTo('SUCCEEDED', 200) } } })
  const port = new URL(fake.url).port
  const args = [
    '--repository',
    REPO,
    '--api-url',
    `http://${HOST}:${port}`,
    '--ref',
    'abc1234',
    '--branch',
    'main',
    '--poll-interval',
    '1s'
  ]
  return { fake, port, args }
}

describe('proxy variables', () => {
  it('HTTP_PROXY: every request goes through the proxy, tunnelled to the api-url host', async () => {
    const { fake, port, args } = await setUp()
    const proxy = await startProxy(Number(port))
    const run = await cli(args, { LAYERCI_TOKEN: fake.token, HTTP_PROXY: proxy.url })
    expect(run.stderr).toContain('Job 1: SUCCEEDED')
    expect(run.code).toBe(0)
    expect(fake.requests.length).toBeGreaterThanOrEqual(2)
    expect(proxy.seen).toHaveLength(fake.requests.length)
    expect(new Set(proxy.seen)).toEqual(new Set([`${HOST}:${port}`]))
  })

  it('http_proxy wins over HTTP_PROXY', async () => {
    const { fake, port, args } = await setUp()
    const lower = await startProxy(Number(port))
    const upper = await startProxy(Number(port))
    const run = await cli(args, { LAYERCI_TOKEN: fake.token, http_proxy: lower.url, HTTP_PROXY: upper.url })
    expect(run.code).toBe(0)
    expect(lower.seen.length).toBeGreaterThanOrEqual(2)
    expect(upper.seen).toEqual([])
  })

  it('HTTPS_PROXY is not used for an http:// api-url', async () => {
    const { fake, port, args } = await setUp()
    const proxy = await startProxy(Number(port))
    const run = await cli([...args, '--timeout', '2s'], { LAYERCI_TOKEN: fake.token, HTTPS_PROXY: proxy.url })
    expectUnresolved(run, port)
    expect(proxy.seen).toEqual([])
  })

  it.each(['NO_PROXY', 'no_proxy'])('%s naming the host: no request goes through the proxy', async (variable) => {
    const { fake, port, args } = await setUp()
    const proxy = await startProxy(Number(port))
    // Without the proxy the host does not resolve: the run fails, and the proxy saw nothing.
    const run = await cli([...args, '--timeout', '2s'], {
      LAYERCI_TOKEN: fake.token,
      HTTP_PROXY: proxy.url,
      [variable]: `other.example, ${HOST}`
    })
    expectUnresolved(run, port)
    expect(proxy.seen).toEqual([])
    expect(fake.requests).toEqual([])
  })

  it('a proxy URL with credentials: one clear error line, and no deprecation warning from the bundled tunnel code', async () => {
    const { fake, port, args } = await setUp()
    const closed = await new Promise<number>((done) => {
      const server = createServer()
      server.listen(0, '127.0.0.1', () => {
        const address = server.address()
        server.close(() => done(typeof address === 'object' && address !== null ? address.port : 0))
      })
    })
    const run = await cli(args, { LAYERCI_TOKEN: fake.token, HTTP_PROXY: `http://user:secret-pw@127.0.0.1:${closed}` })
    expect(run.code).toBe(3)
    expect(run.stderr).not.toMatch(/DeprecationWarning|\(node:\d+\)/)
    expect(run.stderr).not.toContain('secret-pw')
    expect(run.stderr).toContain(`the proxy 127.0.0.1:${closed} (from HTTP_PROXY) refused the connection`)
    expect(port).not.toBe('')
  })
})
