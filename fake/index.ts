/**
 * The fake LayerCI as a module (tests, demo, benchmark) and as a command, for a workflow step or
 * a shell: `node dist/fake/index.js --help`. It prints `LAYERCI_API_URL=...` and `LAYERCI_TOKEN=...`,
 * the two variables `layerci-run` reads, and serves until stopped. Importing it starts nothing.
 */
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { FakeLayerCi, scheduleTo, type Dialect } from './server.js'

export * from './server.js'

export const USAGE = `Usage: node dist/fake/index.js [options]

Serves a fake LayerCI API on 127.0.0.1 until SIGINT or SIGTERM, and prints
LAYERCI_API_URL=... and LAYERCI_TOKEN=... lines: the environment layerci-run
reads (export them, or append them to $GITHUB_ENV in a workflow). The key is
always fake-layerci-key: with --port, both lines are known in advance.
Each job created through it goes NEW, RUNNING, then --outcome after --duration.

Options:
  --port N              port to listen on, 0 for any free port (default 0)
  --dialect NAME        layerci or webappio (default layerci)
  --outcome STATUS      final calculated status of created jobs, e.g. SUCCEEDED,
                        FAILURE, JOB_ERROR (default SUCCEEDED)
  --duration MS         milliseconds from creation to the outcome (default 1500)
  --repository NAME     the repository name jobs are created for (default layerci-example)
  --owner NAME          its owner, used in job URLs (default fake-owner)
  -h, --help            show this help

Exit codes: 0 stopped by a signal, or --help; 1 could not listen; 2 bad usage.
`

export interface FakeCommandOptions {
  port: number
  dialect: Dialect
  outcome: string
  durationMs: number
  repository: string
  owner: string
}

export interface FakeIo {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
}

/** What `main` ended with: an exit code, or a running fake the caller stops. */
export type FakeMainResult = { code: number } | { code: undefined; fake: FakeLayerCi }

class UsageError extends Error {}

const DIALECTS: readonly Dialect[] = ['layerci', 'webappio']
const NAME = /^[A-Za-z0-9][\w.-]*$/

function wholeNumber(flag: string, value: string, max: number, what: string): number {
  if (!/^\d{1,15}$/.test(value) || Number(value) > max) throw new UsageError(`--${flag} "${value}" is not ${what}`)
  return Number(value)
}

function name(flag: string, value: string): string {
  if (!NAME.test(value)) throw new UsageError(`--${flag} "${value}" is not a name (letters, digits, '.', '_', '-')`)
  return value
}

const FLAGS = {
  port: { type: 'string', default: '0' },
  dialect: { type: 'string', default: 'layerci' },
  outcome: { type: 'string', default: 'SUCCEEDED' },
  duration: { type: 'string', default: '1500' },
  repository: { type: 'string', default: 'layerci-example' },
  owner: { type: 'string', default: 'fake-owner' },
  help: { type: 'boolean', short: 'h', default: false }
} as const

function flags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false }).values
  } catch (error) {
    // node's messages: "Unknown option '--x'. To specify a positional argument ...": keep the first sentence.
    // (Not `instanceof Error`: under a test runner's VM context, node's errors come from another realm.)
    const message = typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error)
    throw new UsageError((message.split('\n')[0] ?? '').split('. ')[0]?.replace(/\.$/, '') ?? '')
  }
}

/** The options of the command line; throws UsageError on anything it does not accept. */
export function parseFakeArgs(argv: string[]): FakeCommandOptions | 'help' {
  const values = flags(argv)
  if (values.help) return 'help'
  const dialect = values.dialect as Dialect
  if (!DIALECTS.includes(dialect)) throw new UsageError(`--dialect "${values.dialect}" is not one of ${DIALECTS.join(', ')}`)
  if (!/^[A-Z][A-Z_]*$/.test(values.outcome)) {
    throw new UsageError(`--outcome "${values.outcome}" is not a calculated status such as SUCCEEDED or FAILURE`)
  }
  return {
    port: wholeNumber('port', values.port, 65535, 'a port number (0 to 65535)'),
    dialect,
    outcome: values.outcome,
    durationMs: wholeNumber('duration', values.duration, 24 * 3600 * 1000, 'a number of milliseconds (0 to 86400000)'),
    repository: name('repository', values.repository),
    owner: name('owner', values.owner)
  }
}

/**
 * The command: prints the usage, or a one-line error (exit 2 for bad usage, 1 when the port
 * cannot be listened on), or starts the fake, prints its URL and key, and returns it running.
 */
export async function main(argv: string[], io: FakeIo): Promise<FakeMainResult> {
  let options: FakeCommandOptions | 'help'
  try {
    options = parseFakeArgs(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr.write(`fake LayerCI: error: ${error.message} (see --help)\n`)
    return { code: 2 }
  }
  if (options === 'help') {
    io.stdout.write(USAGE)
    return { code: 0 }
  }
  const fake = new FakeLayerCi({
    dialect: options.dialect,
    repos: { [options.repository]: { owner: options.owner, schedule: scheduleTo(options.outcome, options.durationMs) } }
  })
  try {
    await fake.start(options.port)
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error)
    io.stderr.write(`fake LayerCI: error: cannot listen on 127.0.0.1:${options.port} (${reason})\n`)
    return { code: 1 }
  }
  io.stdout.write(`LAYERCI_API_URL=${fake.url}\nLAYERCI_TOKEN=${fake.token}\n`)
  return { code: undefined, fake }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main(process.argv.slice(2), process).then((result) => {
    if (result.code !== undefined) {
      process.exitCode = result.code
      return
    }
    const stop = (): void => {
      void result.fake.stop().then(() => process.exit(0))
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
}
