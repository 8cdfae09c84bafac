/**
 * `layerci-run`: the action's engine as a command for any CI. Same settings, client, waiter and
 * report; flags instead of inputs, the key from LAYERCI_TOKEN, the log on stderr, exit codes.
 */
import { parseArgs } from 'node:util'
import { cliDefaults, defaultRepository, gitIn, type Env } from './ci-env.js'
import { systemClock, type Clock } from './clock.js'
import { formatDuration } from './duration.js'
import { countedAsSuccess, runEngine } from './engine.js'
import { ExitCode, InputError, LayerError, messageOf } from './errors.js'
import { interruptMessage, onInterrupt } from './interrupt.js'
import { safeLog, type Log } from './log.js'
import { makeRedactor } from './redact.js'
import { jobReport, RunState } from './report.js'
import { checkRunnerFiles } from './runner-files.js'
import { DEFAULT_API_URL, parseSettings, type RawInputs, type Vocabulary } from './settings.js'
import { makeSafeText } from './text.js'
import { HttpClientTransport, type Transport } from './transport.js'
import { VERSION } from './version.js'

export const HELP = `Usage: layerci-run [options]

Creates a LayerCI CI job, waits for exactly that job to finish, and exits with its result.

The API key is read from the LAYERCI_TOKEN environment variable, never from a flag
(flags show in process lists). The API URL is read from --api-url, else from the
LAYERCI_API_URL environment variable.

Options:
  --repository NAME      owner/name or name (default: GITHUB_REPOSITORY, CI_PROJECT_PATH,
                         or CircleCI's project variables)
  --ref SHA              commit to build (default: the CI's commit variable, else git HEAD)
  --branch NAME          branch (default: the CI's branch variable, else HEAD's branch)
  --checkpoint NAME      CHECKPOINT to re-run from (sent as skip_no_further_than)
  --accept-buttons       press every BUTTON of the job (e.g. to deploy)
  --no-wait              create the job and exit 0 without waiting
  --job-id ID            wait for this existing job instead of creating one
  --succeed-on LIST      calculated statuses that pass, by commas (default SUCCEEDED), e.g.
                         SUCCEEDED,RUNNER_CANCELLED
  --timeout DURATION     bound on the whole run: 90, 90s, 15m, 1h30m (default 60m)
  --poll-interval DUR    time between polls, at least 1s (default 10s)
  --api-url URL          API base URL (default: LAYERCI_API_URL, else https://layerci.com)
  --api-flavor FLAVOR    auto, layerci or webappio (default auto)
  --extra TEXT           sent as POST extra (API_EXTRA inside the run)
  --json                 print one JSON object on stdout, however the run ends: the job, its
                         result (calculated_status, established), url, outcome, exit_code
                         (without --json, --no-wait prints the new job's id alone on stdout)
  -h, --help             show this help
  --version              show the version

Examples:
  # Build this checkout's commit and wait for the result (exit 0 only if it passed)
  $ export LAYERCI_TOKEN=...
  $ layerci-run --repository my-org/my-repo

  # Deploy a tag: press the job's BUTTONs, fail if it does not pass within 30 minutes
  $ layerci-run --repository my-org/my-repo --ref "$TAG_SHA" --branch main --accept-buttons --timeout 30m

  # Start a job now, wait for it later (or again, after a timeout)
  $ id=$(layerci-run --repository my-org/my-repo --no-wait)
  $ layerci-run --repository my-org/my-repo --job-id "$id" --json

Defaults inside GitHub Actions are the action's (the event's commit and branch); in GitLab CI,
Jenkins, CircleCI and Buildkite their commit and branch variables; elsewhere the git checkout.

Exit codes:
  0    the job passed (or was created, with --no-wait)
  1    the job finished unsuccessfully
  2    bad usage or input (no request sent)
  3    the API refused the request or could not be reached, never showed the job,
       or lost a create's answer (a job may exist: check before running again)
  4    timed out
  130  interrupted (the LayerCI job keeps running: the API has no cancel endpoint)

Set LAYERCI_DEBUG=1 for one log line a request.
Documentation: https://github.com/layerci/layerci-action/blob/main/docs/cli.md
`

export interface CliIo {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown; isTTY?: boolean }
  env: Env
  cwd: string
  clock?: Clock
  transport?: Transport
  /** Install SIGINT/SIGTERM handlers (the real command does; in-process tests do not). */
  handleSignals?: boolean
}

const OPTIONS = {
  repository: { type: 'string' },
  ref: { type: 'string' },
  branch: { type: 'string' },
  checkpoint: { type: 'string' },
  'accept-buttons': { type: 'boolean' },
  'no-wait': { type: 'boolean' },
  'job-id': { type: 'string' },
  'succeed-on': { type: 'string' },
  timeout: { type: 'string' },
  'poll-interval': { type: 'string' },
  'api-url': { type: 'string' },
  'api-flavor': { type: 'string' },
  extra: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  token: { type: 'string' }
} as const

/** The one prefix of the command's own error, warning and note lines. */
const PREFIX = 'layerci-run: '

/** The stderr log: plain lines, and on a terminal a status line redrawn in place every second. */
function cliLog(io: CliIo, clock: Clock, startedAt: number): Log & { close(): void } {
  const debug = io.env.LAYERCI_DEBUG === '1' || io.env.RUNNER_DEBUG === '1'
  const live = io.stderr.isTTY === true
  let status: string | undefined
  let timer: NodeJS.Timeout | undefined
  const render = (): void => {
    if (status !== undefined) io.stderr.write(`\r\x1b[2K${status} · ${formatDuration(clock.now() - startedAt)} elapsed`)
  }
  const line = (text: string): void => {
    if (live && status !== undefined) io.stderr.write('\r\x1b[2K')
    io.stderr.write(`${text}\n`)
    if (live) render()
  }
  return {
    info: line,
    notice: (message) => line(`${PREFIX}note: ${message}`),
    warning: (message) => line(`${PREFIX}warning: ${message}`),
    error: (message) => line(`${PREFIX}error: ${message}`),
    debug: (message) => {
      if (debug) line(`debug: ${message}`)
    },
    group: (name, fn) => {
      line(`${name}…`)
      return fn()
    },
    status: (message) => {
      if (!live) return line(message)
      status = message.replace(/ after \S+$/, '')
      render()
      timer ??= setInterval(render, 1000).unref()
    },
    close: () => {
      if (timer) clearInterval(timer)
      if (live && status !== undefined) io.stderr.write('\n')
      status = undefined
    }
  }
}

/** The CLI names its flags and the key's variable, never the action's inputs. */
export const CLI_WORDS: Vocabulary = {
  name: (input) => (input === 'token' ? 'LAYERCI_TOKEN' : input === 'wait' ? '--no-wait' : `--${input}`),
  subject: (input) => CLI_WORDS.name(input),
  // Messages name --no-wait (wait=false) and --api-flavor VALUE; a switch has no value to show.
  setting: (input, value) => (input === 'wait' ? CLI_WORDS.name(input) : `${CLI_WORDS.name(input)} ${value}`)
}

/** Edit distance between two short strings (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 0; i < a.length; i++) {
    const next = [i + 1]
    for (let j = 0; j < b.length; j++) {
      const same = a.charCodeAt(i) === b.charCodeAt(j)
      next.push(Math.min((row[j + 1] ?? 0) + 1, (next[j] ?? 0) + 1, (row[j] ?? 0) + (same ? 0 : 1)))
    }
    row = next
  }
  return row[b.length] ?? 0
}

/** The flag an unknown one most likely meant: a flag it begins, or one within two edits. */
function nearestFlag(name: string): string | undefined {
  const flags = Object.keys(OPTIONS).filter((flag) => flag !== 'token')
  const prefixed = flags.filter((flag) => flag.startsWith(name))
  if (prefixed.length === 1) return prefixed[0]
  const [best] = flags.map((flag) => ({ flag, d: distance(name, flag) })).sort((x, y) => x.d - y.d)
  return best !== undefined && best.d <= 2 ? best.flag : undefined
}

/** node's parse error (its first sentence), with what to write instead where the flag is known to be mistaken. */
export function usageError(argv: readonly string[], message: string): string {
  const first = (message.split('\n')[0] ?? '').split('. To specify')[0] ?? ''
  if (argv.some((arg) => arg === '--wait' || arg.startsWith('--wait='))) {
    return `${first}: waiting is the default; to create the job without waiting (the action's "wait: false"), give --no-wait.`
  }
  const flag = /^Option '(--[a-z-]+)' does not take an argument/.exec(first)?.[1]
  if (flag !== undefined) return `${first}: ${flag} is a switch; give it alone, or leave it out.`
  const unknown = /^Unknown option '--([^'=]+)/.exec(first)?.[1]
  const near = unknown === undefined ? undefined : nearestFlag(unknown)
  if (near !== undefined) return `${first}. Did you mean --${near}?`
  return first
}

/** The environment variable the API URL is read from when --api-url is not given. */
const API_URL_VARIABLE = 'LAYERCI_API_URL'

/** With the API URL from LAYERCI_API_URL, messages about it name the variable, not the flag. */
const ENV_API_URL_WORDS: Vocabulary = {
  name: (input) => (input === 'api-url' ? API_URL_VARIABLE : CLI_WORDS.name(input)),
  subject: (input) => ENV_API_URL_WORDS.name(input),
  setting: (input, value) => (input === 'api-url' ? `${API_URL_VARIABLE}=${value}` : CLI_WORDS.setting(input, value))
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  // The output path exists before anything is printed: a usage error quotes the arguments.
  const token = io.env.LAYERCI_TOKEN ?? ''
  const safe = makeSafeText(makeRedactor([...new Set([token, token.trim()])]))
  let flags: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; strict: true }>>['values']
  try {
    flags = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values
  } catch (error) {
    // node's own error (not `instanceof Error` where it comes from another realm, as under a test runner).
    const message = typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error)
    const usage = usageError(argv, message)
    io.stderr.write(`${PREFIX}error: ${safe.line(usage)}\nRun layerci-run --help for usage.\n`)
    // --json promises one object whatever the end, a command line it cannot read included.
    if (argv.some((arg) => arg === '--json' || arg.startsWith('--json='))) {
      const state = new RunState(0)
      state.end({ error: new InputError(usage) })
      io.stdout.write(`${safe.json({ ...jobReport(state), exit_code: ExitCode.usage })}\n`)
    }
    return ExitCode.usage
  }
  if (flags.help) {
    io.stdout.write(HELP)
    return ExitCode.ok
  }
  if (flags.version) {
    io.stdout.write(`layerci-run ${VERSION}\n`)
    return ExitCode.ok
  }
  if (flags.token !== undefined) {
    io.stderr.write(
      `${PREFIX}error: --token is not accepted (flags show in process lists): set the LAYERCI_TOKEN environment variable instead.\n`
    )
    return ExitCode.usage
  }

  const clock = io.clock ?? systemClock
  const state = new RunState(clock.now())
  const plain = cliLog(io, clock, state.startedAt)
  const log = safeLog(plain, safe)
  // With --json, exactly one object on stdout, whatever the end: the run's story (report.ts).
  let printed = false
  const printJob = (code: number): void => {
    if (!flags.json || printed) return
    printed = true
    io.stdout.write(`${safe.json({ ...jobReport(state), exit_code: code })}\n`)
  }
  let removeInterruptHandlers = (): void => undefined
  if (io.handleSignals) {
    removeInterruptHandlers = onInterrupt((signal) => {
      plain.close()
      const message = interruptMessage(state, signal, CLI_WORDS)
      io.stderr.write(`${safe.line(message)}\n`)
      state.end({ interrupted: message })
      printJob(ExitCode.interrupted)
    })
  }

  try {
    if (token.trim() === '')
      throw new InputError('LAYERCI_TOKEN is not set: export the LayerCI API key in the LAYERCI_TOKEN environment variable.')
    // An empty value is an unset variable far more often than a wish for the default.
    for (const [name, value] of Object.entries(flags)) {
      if (typeof value === 'string' && value.trim() === '') {
        throw new InputError(
          `--${name} was given an empty value (an unset variable?): give it a value, or leave the flag out for its default.`
        )
      }
    }
    // The flag wins; the variable, like a flag, is refused when empty rather than read as "the default".
    const envApiUrl = flags['api-url'] === undefined ? io.env[API_URL_VARIABLE] : undefined
    if (envApiUrl !== undefined && envApiUrl.trim() === '') {
      throw new InputError(
        `${API_URL_VARIABLE} is set but empty (an unset variable?): give it the API's base URL, or unset it for the default, ${DEFAULT_API_URL}.`
      )
    }
    const words = envApiUrl === undefined ? CLI_WORDS : ENV_API_URL_WORDS
    if (io.env.GITHUB_ACTIONS === 'true') checkRunnerFiles(io.env, { outputs: false })
    const raw: RawInputs = {
      token,
      repository: flags.repository ?? defaultRepository(io.env) ?? '',
      ref: flags.ref ?? '',
      branch: flags.branch ?? '',
      checkpoint: flags.checkpoint ?? '',
      'accept-buttons': flags['accept-buttons'] ? 'true' : '',
      wait: flags['no-wait'] ? 'false' : '',
      'job-id': flags['job-id'] ?? '',
      'succeed-on': flags['succeed-on'] ?? '',
      timeout: flags.timeout ?? '',
      'poll-interval': flags['poll-interval'] ?? '',
      'api-url': flags['api-url'] ?? envApiUrl ?? '',
      'api-flavor': flags['api-flavor'] ?? '',
      extra: flags.extra ?? ''
    }
    if (raw.repository === '')
      throw new InputError('--repository is required (owner/name or name) outside GitHub Actions, GitLab CI and CircleCI.')
    const settings = parseSettings(raw, () => cliDefaults(io.env, gitIn(io.cwd)), words)
    for (const note of settings.notes) log[note.level](note.text)
    const verdict = await runEngine({
      settings,
      log,
      clock,
      transport: io.transport ?? new HttpClientTransport(`layerci-run/${VERSION}`),
      state,
      words,
      onUpdate: () => undefined
    })
    plain.close()
    state.end({ verdict })
    if (verdict === 'passed') {
      const status = state.calculatedStatus ?? 'SUCCEEDED'
      log.info(
        `LayerCI job ${state.jobId} ${status}${status === 'SUCCEEDED' ? '' : ` (${countedAsSuccess(status, CLI_WORDS)})`}${state.url ? `: ${state.url}` : ''}`
      )
      printJob(ExitCode.ok)
    } else {
      log.info(`Created LayerCI job ${state.jobId}; not waiting (--no-wait).`)
      // The id alone, for `id=$(layerci-run --no-wait …)`; the job object with --json.
      if (flags.json) printJob(ExitCode.ok)
      else io.stdout.write(`${safe(String(state.jobId))}\n`)
    }
    return ExitCode.ok
  } catch (error) {
    plain.close()
    log.error(messageOf(error))
    const code = error instanceof LayerError ? error.exitCode : ExitCode.jobFailed
    state.end({ error })
    printJob(code)
    return code
  } finally {
    removeInterruptHandlers()
  }
}
