/** The transport at an edge users meet: a proxy that never answers. */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { Socket } from 'node:net'
import { HttpClientTransport, ignoredProxyVariable } from '../src/transport.js'
import { rawServer, setEnv, type TestServer } from '../__fixtures__/servers.js'

const transport = new HttpClientTransport('transport-edges-test')
const closers: Array<() => Promise<void>> = []

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()))
})

describe('HttpClientTransport edges', () => {
  it('a proxy that accepts the connection and never answers is named when the request times out', async () => {
    const proxy: TestServer = await rawServer((socket: Socket) => socket.on('error', () => undefined))
    closers.push(() => proxy.close())
    const restore = setEnv({
      HTTPS_PROXY: `http://user:pass@127.0.0.1:${proxy.port}`,
      https_proxy: undefined,
      NO_PROXY: undefined,
      no_proxy: undefined
    })
    try {
      const error = await transport
        .send({ method: 'GET', url: 'https://layerci.invalid/api', timeoutMs: 300 })
        .catch((caught: unknown) => caught)
      expect(error).toMatchObject({
        code: 'ETIMEDOUT',
        message: `the request timed out (through the proxy 127.0.0.1:${proxy.port} from HTTPS_PROXY)`
      })
      expect((error as Error).message).not.toContain('pass')
    } finally {
      restore()
    }
  })

  it.each<[Record<string, string | undefined>, string | undefined]>([
    [{ HTTPS_PROXY: 'localhost:3128' }, 'HTTPS_PROXY'],
    [{ https_proxy: 'user:pass@proxy.example.com:3128' }, 'https_proxy'],
    [{ HTTPS_PROXY: 'http://localhost:3128' }, undefined],
    [{ HTTPS_PROXY: '10.0.0.5:3128' }, undefined],
    [{ HTTPS_PROXY: 'localhost:3128', NO_PROXY: 'layerci.example' }, undefined],
    [{}, undefined]
  ])('with %j, the proxy variable http-client would ignore is %s', (env, ignored) => {
    const restore = setEnv({ HTTPS_PROXY: undefined, https_proxy: undefined, NO_PROXY: undefined, no_proxy: undefined, ...env })
    try {
      expect(ignoredProxyVariable('https://layerci.example/api')).toBe(ignored)
    } finally {
      restore()
    }
  })
})

describe('ignoredProxyVariable for a plain-HTTP API', () => {
  it.each<[Record<string, string | undefined>, string | undefined]>([
    [{ http_proxy: 'localhost:3128' }, 'http_proxy'],
    [{ HTTP_PROXY: 'localhost:3128' }, 'HTTP_PROXY'],
    [{ HTTPS_PROXY: 'localhost:3128' }, undefined],
    [{ http_proxy: 'http://localhost:3128' }, undefined]
  ])('with %j, the variable named is %s', (env, ignored) => {
    const restore = setEnv({
      HTTP_PROXY: undefined,
      http_proxy: undefined,
      HTTPS_PROXY: undefined,
      https_proxy: undefined,
      NO_PROXY: undefined,
      no_proxy: undefined,
      ...env
    })
    try {
      expect(ignoredProxyVariable('http://layerci.example/api')).toBe(ignored)
    } finally {
      restore()
    }
  })
})
