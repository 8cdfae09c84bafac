/**
 * Real servers on 127.0.0.1 ephemeral ports for the transport's tests: an HTTP server that
 * counts what reaches it, a raw TCP server that writes whatever bytes a test wants, and an
 * HTTP proxy whose answer to CONNECT a test chooses. Every socket is destroyed on close.
 */
import { afterEach } from '@jest/globals'
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { readFileSync } from 'node:fs'
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net'

export interface Seen {
  method: string
  url: string
  body: string
}

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  origin: string
  port: number
  /** Every request that reached the server, body included. */
  seen: Seen[]
  /** Sockets the server accepted (a proxy's CONNECT counts as one). */
  connections: number
  close(): Promise<void>
}

function track(server: HttpServer | NetServer, state: { connections: number }): () => Promise<void> {
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    state.connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  return () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    })
}

async function listen(server: HttpServer | NetServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

export type Handler = (request: IncomingMessage, response: ServerResponse, seen: Seen) => void

/**
 * A self-signed certificate for 127.0.0.1 (valid until 2126), made for these tests with
 * `openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1`.
 */
const TLS = {
  key: readFileSync(new URL('tls/key.pem', import.meta.url)),
  cert: readFileSync(new URL('tls/cert.pem', import.meta.url))
}

/**
 * An HTTP server that records each request (after reading its body) and answers with `handler`;
 * with `tls`, an HTTPS server whose certificate no client trusts (self-signed).
 */
export async function httpServer(handler: Handler, options: { tls?: boolean } = {}): Promise<TestServer> {
  const seen: Seen[] = []
  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const entry = { method: request.method ?? '', url: request.url ?? '', body: Buffer.concat(chunks).toString('utf8') }
      seen.push(entry)
      handler(request, response, entry)
    })
  }
  const server = options.tls ? createHttpsServer(TLS, listener) : createHttpServer(listener)
  const state = { connections: 0 }
  const close = track(server, state)
  const port = await listen(server)
  return {
    origin: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    seen,
    get connections() {
      return state.connections
    },
    close
  }
}

/** A TCP server that hands each connection to `onConnection` once the request head has arrived. */
export async function rawServer(onConnection: (socket: Socket) => void): Promise<TestServer> {
  const seen: Seen[] = []
  const server = createNetServer((socket) => {
    let head = ''
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      socket.off('data', onData)
      const [method = '', url = ''] = head.split(' ')
      seen.push({ method, url, body: '' })
      onConnection(socket)
    }
    socket.on('data', onData)
    socket.on('error', () => undefined)
  })
  const state = { connections: 0 }
  const close = track(server, state)
  const port = await listen(server)
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    seen,
    get connections() {
      return state.connections
    },
    close
  }
}

/** An HTTP proxy that answers every CONNECT (and every plain request) with `status`, recording the CONNECT targets. */
export async function connectProxy(status: number): Promise<TestServer & { connects: string[] }> {
  const connects: string[] = []
  const seen: Seen[] = []
  const server = createHttpServer((request, response) => {
    seen.push({ method: request.method ?? '', url: request.url ?? '', body: '' })
    response.writeHead(status).end()
  })
  server.on('connect', (request: IncomingMessage, socket: Socket) => {
    connects.push(request.url ?? '')
    const reason = status === 407 ? 'Proxy Authentication Required' : 'Refused'
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n`)
  })
  const state = { connections: 0 }
  const close = track(server, state)
  const port = await listen(server)
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    seen,
    connects,
    get connections() {
      return state.connections
    },
    close
  }
}

/** A port on 127.0.0.1 with nothing listening: connections to it are refused. */
export async function closedPort(): Promise<number> {
  const server = createNetServer()
  const port = await listen(server)
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Sets environment variables for the duration of a test; returns the function that restores them. */
export function setEnv(values: Record<string, string | undefined>): () => void {
  const saved = new Map<string, string | undefined>()
  for (const [name, value] of Object.entries(values)) {
    saved.set(name, process.env[name])
    if (value === undefined) Reflect.deleteProperty(process.env, name)
    else process.env[name] = value
  }
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) Reflect.deleteProperty(process.env, name)
      else process.env[name] = value
    }
  }
}

const serving: TestServer[] = []

/** Waits for a server to start and closes it after the test. */
export async function serve<T extends TestServer>(server: Promise<T>): Promise<T> {
  const started = await server
  serving.push(started)
  return started
}

afterEach(async () => {
  await Promise.all(serving.splice(0).map((server) => server.close()))
})
