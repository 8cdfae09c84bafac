import { afterEach } from '@jest/globals'
import { FakeLayerCi, type FakeOptions } from '../fake/server.js'

const started: FakeLayerCi[] = []

/** Starts a fake LayerCI on an ephemeral port of 127.0.0.1, stopped after the test. */
export async function startFake(options: FakeOptions = {}): Promise<FakeLayerCi> {
  const fake = await new FakeLayerCi(options).start()
  started.push(fake)
  return fake
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((fake) => fake.stop()))
})

/** A schedule that keeps API-created jobs NEW until the test moves them. */
export const MANUAL = [{ at: 0, calculated_status: 'NEW' }]
