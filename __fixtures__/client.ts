import { LayerCiClient, type ClientOptions } from '../src/client.js'
import { HttpClientTransport } from '../src/transport.js'
import { FakeClock } from './clock.js'
import { MemoryLog } from './log.js'

export interface TestClientOptions extends Partial<Omit<ClientOptions, 'clock' | 'log' | 'deadline'>> {
  apiUrl: string
  token: string
  repoName: string
  clock?: FakeClock
  /** The deadline, counted from the clock's time now: an hour unless told. */
  timeoutMs?: number
}

/**
 * A client over the real HTTP transport, on a fake clock, logging to memory: the layerci flavor
 * unless told otherwise.
 */
export function testClient(options: TestClientOptions): { client: LayerCiClient; clock: FakeClock; log: MemoryLog } {
  const { clock = new FakeClock(), timeoutMs = 3_600_000, ...rest } = options
  const log = new MemoryLog()
  const client = new LayerCiClient({
    flavor: 'layerci',
    transport: new HttpClientTransport('test'),
    ...rest,
    deadline: clock.now() + timeoutMs,
    clock,
    log
  })
  return { client, clock, log }
}
