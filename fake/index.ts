/**
 * The fake LayerCI as a module (tests, demo, benchmark) and as a command, for a workflow step or
 * a shell: `node dist/fake/index.js [--port N] [--dialect layerci|webappio] [--outcome STATUS]
 * [--duration MS]`. It prints `LAYERCI_URL=...` and `LAYERCI_TOKEN=...` and serves until stopped.
 */
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { FakeLayerCi, scheduleTo, type Dialect } from './server.js'

export * from './server.js'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      dialect: { type: 'string', default: 'layerci' },
      outcome: { type: 'string', default: 'SUCCEEDED' },
      duration: { type: 'string', default: '1500' },
      repository: { type: 'string', default: 'layerci-example' },
      owner: { type: 'string', default: 'fake-owner' }
    }
  })
  const fake = new FakeLayerCi({
    dialect: values.dialect as Dialect,
    repos: { [values.repository]: { owner: values.owner, schedule: scheduleTo(values.outcome, Number(values.duration)) } }
  })
  await fake.start(Number(values.port))
  process.stdout.write(`LAYERCI_URL=${fake.url}\nLAYERCI_TOKEN=${fake.token}\n`)
  const stop = (): void => {
    void fake.stop().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main()
