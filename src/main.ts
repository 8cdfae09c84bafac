/**
 * The GitHub Action: inputs from the workflow, the shared engine, and the report through
 * @actions/core (outputs, job summary, annotations).
 */
import * as core from '@actions/core'
import { systemClock, type Clock } from './clock.js'
import { runEngine } from './engine.js'
import { JobFailedError, LayerError, messageOf, WaitTimeoutError } from './errors.js'
import { eventDefaults } from './event.js'
import { onInterrupt, interruptMessage } from './interrupt.js'
import { redactedLog, type Log } from './log.js'
import { makeRedactor } from './redact.js'
import { outputsOf, RunState, summaryModel, type OutputName } from './report.js'
import { describeSettings, INPUT_NAMES, parseSettings, type RawInputs, type SourceDefaults } from './settings.js'
import { HttpClientTransport, type Transport } from './transport.js'

export const USER_AGENT = 'layerci-action/1'

export interface RunOptions {
  clock?: Clock
  transport?: Transport
  defaults?: () => SourceDefaults
}

function actionLog(): Log {
  return {
    info: (message) => core.info(message),
    notice: (message) => core.notice(message),
    warning: (message) => core.warning(message),
    error: (message, title) => core.error(message, title === undefined ? undefined : { title }),
    debug: (message) => core.debug(message),
    group: (name, fn) => core.group(name, fn),
    status: (message) => core.info(message)
  }
}

/** Writes each output whose value changed since the last call, redacted like every log line. */
function outputWriter(state: RunState, redact: (text: string) => string): () => void {
  const written = new Map<OutputName, string>()
  return () => {
    for (const [name, raw] of Object.entries(outputsOf(state)) as Array<[OutputName, string]>) {
      const value = redact(raw)
      if (written.get(name) === value) continue
      written.set(name, value)
      core.setOutput(name, value)
    }
  }
}

async function writeSummary(state: RunState, verdict: string, clock: Clock, log: Log, redact: (text: string) => string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    log.debug('GITHUB_STEP_SUMMARY is not set: no job summary written')
    return
  }
  const model = summaryModel(state, verdict, clock.now())
  const table = (rows: string[][]): Array<Array<string | { data: string; header: boolean }>> => {
    const [header = [], ...body] = rows.map((row) => row.map(redact))
    return [header.map((data) => ({ data, header: true })), ...body]
  }
  core.summary.addHeading(redact(model.heading), 3).addTable(table(model.rows))
  for (const note of model.notes) core.summary.addRaw(`<p>${redact(note)}</p>`, true)
  if (model.runners) core.summary.addHeading('Runners', 4).addTable(table(model.runners))
  try {
    await core.summary.write()
  } catch (error) {
    log.warning(`Could not write the job summary: ${messageOf(error)}`)
  }
}

export async function run(options: RunOptions = {}): Promise<void> {
  // The key is registered as a secret before anything else is printed.
  const rawToken = core.getInput('token')
  const token = rawToken.trim()
  for (const form of new Set([rawToken, token, encodeURIComponent(token)])) if (form) core.setSecret(form)
  const clock = options.clock ?? systemClock
  const state = new RunState(clock.now())
  const redact = makeRedactor([token])
  const log = redactedLog(actionLog(), redact)
  const writeOutputs = outputWriter(state, redact)
  onInterrupt((signal) => {
    writeOutputs()
    core.error(redact(interruptMessage(state, signal)), { title: 'Cancelled' })
  })

  let verdict: string
  try {
    const raw: RawInputs = {}
    for (const name of INPUT_NAMES) raw[name] = name === 'token' ? rawToken : core.getInput(name)
    const settings = parseSettings(raw, options.defaults ?? (() => eventDefaults()))
    for (const line of describeSettings(settings)) core.debug(line)
    for (const note of settings.notes) log.info(note)
    for (const warning of settings.warnings) log.warning(warning)
    const result = await runEngine({
      settings,
      log,
      clock,
      transport: options.transport ?? new HttpClientTransport(USER_AGENT),
      state,
      onUpdate: writeOutputs
    })
    verdict = result === 'passed' ? 'SUCCEEDED' : 'created'
    if (result === 'passed') log.info(`LayerCI job ${state.jobId} SUCCEEDED${state.url ? `: ${state.url}` : ''}`)
    else log.info(`Not waiting for job ${state.jobId} (wait: false).`)
  } catch (error) {
    writeOutputs()
    const message = redact(messageOf(error))
    if (!(error instanceof LayerError) && error instanceof Error && error.stack) core.debug(redact(error.stack))
    verdict =
      error instanceof JobFailedError ? (state.calculatedStatus ?? 'failed') : error instanceof WaitTimeoutError ? 'timed out' : 'failed'
    core.error(message, { title: error instanceof JobFailedError ? 'LayerCI job failed' : 'LayerCI' })
    process.exitCode = 1
  }
  if (state.jobId !== undefined) await writeSummary(state, verdict, clock, log, redact)
}
