/** The fake LayerCI's command line (`node dist/fake/index.js`), through its `main` in-process. */
import { afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { createServer, type Server } from 'node:net'
import type { FakeIo, FakeLayerCi } from '../fake/index.js'

type FakeModule = typeof import('../fake/index.js')
let main: FakeModule['main']
let parseFakeArgs: FakeModule['parseFakeArgs']
let USAGE: string
/** What importing the module did: writes to stdout or stderr, signal handlers, the exit code. */
const onImport = { writes: 0, signalHandlers: 0, exitCode: undefined as typeof process.exitCode }

beforeAll(async () => {
  const listeners = (): number => process.listenerCount('SIGINT') + process.listenerCount('SIGTERM')
  const before = listeners()
  // Another test file in this worker may have left an exit code: only the import's own counts.
  const exitCode = process.exitCode
  process.exitCode = undefined
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true)
  try {
    ;({ main, parseFakeArgs, USAGE } = await import('../fake/index.js'))
    // Give a main() started by the import the time to write or to fail.
    await new Promise((resolve) => setTimeout(resolve, 50))
  } finally {
    // Not counted: node's one-time "VM Modules is an experimental feature" warning on a first dynamic import.
    onImport.writes = [...out.mock.calls, ...err.mock.calls].filter(([text]) => !String(text).includes('ExperimentalWarning')).length
    out.mockRestore()
    err.mockRestore()
  }
  onImport.signalHandlers = listeners() - before
  onImport.exitCode = process.exitCode
  process.exitCode = exitCode
})

function io(): FakeIo & { out: string; err: string } {
  const captured = { out: '', err: '' }
  return Object.assign(captured, {
    stdout: { write: (text: string) => (captured.out += text) },
    stderr: { write: (text: string) => (captured.err += text) }
  })
}

const running: FakeLayerCi[] = []
const servers: Server[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((fake) => fake.stop()))
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
})

describe('fake LayerCI command', () => {
  it('importing the module starts nothing: no output, no signal handler, no exit code', () => {
    expect(onImport).toEqual({ writes: 0, signalHandlers: 0, exitCode: undefined })
  })

  it.each([['--help'], ['-h'], ['--port', '8080', '--help']])('%s prints the usage on stdout, exit 0', async (...argv) => {
    const terminal = io()
    expect(await main(argv, terminal)).toEqual({ code: 0 })
    expect(terminal.out).toBe(USAGE)
    expect(terminal.err).toBe('')
    for (const flag of ['--port', '--dialect', '--outcome', '--duration', '--repository', '--owner', '--help'])
      expect(USAGE).toContain(flag)
  })

  it.each<[string[], string]>([
    [['--dialect', 'xyz'], '--dialect "xyz" is not one of layerci, webappio'],
    [['--port', 'abc'], '--port "abc" is not a port number (0 to 65535)'],
    [['--port', '70000'], '--port "70000" is not a port number (0 to 65535)'],
    [['--port=-1'], '--port "-1" is not a port number (0 to 65535)'],
    [['--port', '-1'], "Option '--port' argument is ambiguous"],
    [['--duration', '1.5s'], '--duration "1.5s" is not a number of milliseconds (0 to 86400000)'],
    [['--outcome', 'succeeded'], '--outcome "succeeded" is not a calculated status such as SUCCEEDED or FAILURE'],
    [['--repository', 'octo/repo'], `--repository "octo/repo" is not a name (letters, digits, '.', '_', '-')`],
    [['--owner', ''], `--owner "" is not a name (letters, digits, '.', '_', '-')`],
    [['--bogus'], "Unknown option '--bogus'"],
    [['--port'], "Option '--port <value>' argument missing"],
    [['serve'], "Unexpected argument 'serve'"]
  ])('%j: a one-line error on stderr, exit 2, nothing started', async (argv, message) => {
    const terminal = io()
    expect(await main(argv, terminal)).toEqual({ code: 2 })
    expect(terminal.err).toBe(`fake LayerCI: error: ${message} (see --help)\n`)
    expect(terminal.out).toBe('')
  })

  it('defaults: any free port, the layerci dialect, SUCCEEDED after 1.5 s', () => {
    expect(parseFakeArgs([])).toEqual({
      port: 0,
      dialect: 'layerci',
      outcome: 'SUCCEEDED',
      durationMs: 1500,
      repository: 'layerci-example',
      owner: 'fake-owner'
    })
  })

  it('serves: prints LAYERCI_API_URL and LAYERCI_TOKEN (what layerci-run reads), creates jobs with the given outcome', async () => {
    const terminal = io()
    const result = await main(
      ['--dialect', 'layerci', '--outcome', 'FAILURE', '--duration', '0', '--repository', 'web', '--owner', 'octo'],
      terminal
    )
    if (result.code !== undefined) throw new Error(`exit ${result.code}: ${terminal.err}`)
    running.push(result.fake)
    expect(terminal.out).toBe(`LAYERCI_API_URL=${result.fake.url}\nLAYERCI_TOKEN=${result.fake.token}\n`)
    const created = await fetch(`${result.fake.url}/api/v1/run/web?layertoken=${result.fake.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ref: 'abc1234', branch: 'main' })
    })
    expect(created.status).toBe(200)
    const latest = (await (await fetch(`${result.fake.url}/api/v1/run/web/latest?done=true&layertoken=${result.fake.token}`)).json()) as {
      job?: { calculated_status: string }
    }
    expect(latest.job?.calculated_status).toBe('FAILURE')
  })

  it('a port already in use: a one-line error, exit 1', async () => {
    const server = createServer()
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    const port = typeof address === 'object' && address !== null ? address.port : 0
    const terminal = io()
    expect(await main(['--port', String(port)], terminal)).toEqual({ code: 1 })
    expect(terminal.err).toBe(`fake LayerCI: error: cannot listen on 127.0.0.1:${port} (EADDRINUSE)\n`)
  })
})
