/**
 * The GitHub Action: inputs from the workflow, the shared engine, and the report through
 * @actions/core (outputs, job summary, annotations). Everything printed or written goes through
 * one output path (text.ts): the key redacted in every form, then server text neutralised.
 */
import * as core from '@actions/core'
import { systemClock, type Clock } from './clock.js'
import { countedAsSuccess, runEngine } from './engine.js'
import { ExitCode, InputError, LayerError, messageOf } from './errors.js'
import { eventDefaults, secretsWithheld } from './event.js'
import { onInterrupt, interruptMessage } from './interrupt.js'
import { safeLog, type Log } from './log.js'
import { makeRedactor, secretForms } from './redact.js'
import { endingTitle, outputsOf, RunState, summaryModel, type OutputName } from './report.js'
import { checkRunnerFiles } from './runner-files.js'
import { ACTION_WORDS, describeSettings, INPUT_NAMES, parseSettings, type RawInputs, type SourceDefaults } from './settings.js'
import { escapeHtml, makeSafeText, type SafeText } from './text.js'
import { HttpClientTransport, type Transport } from './transport.js'

export const USER_AGENT = 'layerci-action/1'

export interface RunOptions {
  clock?: Clock
  transport?: Transport
  defaults?: () => SourceDefaults
  /** Why GitHub passed no secrets to this run, if it did not (read from the event when not given). */
  secretsWithheld?: () => 'fork' | 'dependabot' | undefined
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

/** Interim writes of the outputs in one run, at most: a run of any length writes a bounded GITHUB_OUTPUT. */
export const MAX_OUTPUT_WRITES = 16

/**
 * Writes the outputs as the run learns them: each output whose value changed, once per change of
 * the job's state (the create, a status change, the end), at most MAX_OUTPUT_WRITES times, then
 * at the end; `job` (the whole object) once, at the end. An output that fails once a job exists
 * (the disk filled up) costs a warning, never the wait for the job.
 */
function outputWriter(state: RunState, safe: SafeText, log: Log): { write: (final?: boolean) => void; problem: () => string | undefined } {
  const written = new Map<OutputName, string>()
  let writes = 0
  let problem: string | undefined
  const write = (final = false): void => {
    try {
      const changed = (Object.entries(outputsOf(state, safe, final)) as Array<[OutputName, string]>).filter(
        ([name, value]) => written.get(name) !== value
      )
      if (changed.length === 0 || (!final && writes >= MAX_OUTPUT_WRITES)) return
      writes++
      for (const [name, value] of changed) {
        core.setOutput(name, value)
        written.set(name, value)
      }
      problem = undefined
    } catch (error) {
      if (problem === undefined) log.warning(`Could not write the step's outputs: ${messageOf(error)}`)
      problem = messageOf(error)
    }
  }
  return { write, problem: () => problem }
}

async function writeSummary(state: RunState, notes: string[], clock: Clock, log: Log, safe: SafeText): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    log.debug('GITHUB_STEP_SUMMARY is not set: no job summary written')
    return
  }
  const cell = (text: string): string => escapeHtml(safe.line(text))
  if (state.jobId === undefined) {
    // An early ending (no job): what happened and why, through the output path (the key redacted).
    core.summary.addHeading(cell(endingTitle(state)), 3)
    if (state.error !== undefined) core.summary.addRaw(`<p>${cell(state.error)}</p>`, true)
  } else {
    const model = summaryModel(state, clock.now(), safe, notes)
    const table = (rows: string[][]): Array<Array<string | { data: string; header: boolean }>> => {
      const [header = [], ...body] = rows
      return [header.map((data) => ({ data, header: true })), ...body]
    }
    core.summary.addHeading(model.heading, 3).addTable(table(model.rows))
    for (const note of model.notes) core.summary.addRaw(`<p>${note}</p>`, true)
    if (model.runners) core.summary.addHeading('Runners', 4).addTable(table(model.runners))
  }
  try {
    await core.summary.write()
  } catch (error) {
    log.warning(`Could not write the job summary: ${messageOf(error)}`)
  }
}

/** The message for an empty token: where GitHub withholds secrets, it says so and how to skip the step. */
function missingToken(withheld: 'fork' | 'dependabot' | undefined): InputError | undefined {
  if (withheld === 'fork') {
    return new InputError(
      'Input "token" is empty: GitHub does not pass secrets to workflows run for a pull request from a fork, so the LayerCI key is not available here. Skip the step for forks with `if: github.event.pull_request.head.repo.full_name == github.repository`.'
    )
  }
  if (withheld === 'dependabot') {
    return new InputError(
      'Input "token" is empty: GitHub passes only Dependabot secrets to runs that Dependabot triggers. Add the LayerCI key as a Dependabot secret too, or skip the step with `if: github.actor != \'dependabot[bot]\'`.'
    )
  }
  return undefined
}

export async function run(options: RunOptions = {}): Promise<void> {
  // The key, in every form it can be printed in, is registered as a secret before anything else.
  const rawToken = core.getInput('token')
  const token = rawToken.trim()
  const secrets = [...new Set([rawToken, token])].filter((secret) => secret !== '')
  for (const form of new Set(secrets.flatMap(secretForms))) core.setSecret(form)
  const clock = options.clock ?? systemClock
  const state = new RunState(clock.now())
  const safe = makeSafeText(makeRedactor(secrets))
  const log = safeLog(actionLog(), safe)
  const outputs = outputWriter(state, safe, log)
  const writeOutputs = outputs.write
  const removeInterruptHandlers = onInterrupt((signal) => {
    const message = interruptMessage(state, signal, ACTION_WORDS)
    state.end({ interrupted: message })
    writeOutputs(true)
    log.error(message, endingTitle(state))
  })

  const notes: string[] = []
  try {
    checkRunnerFiles(process.env, { outputs: true })
    if (token === '') {
      const withheld = (options.secretsWithheld ?? (() => secretsWithheld()))()
      const error = missingToken(withheld)
      if (error) throw error
    }
    const raw: RawInputs = {}
    for (const name of INPUT_NAMES) raw[name] = core.getInput(name)
    const settings = parseSettings(raw, options.defaults ?? (() => eventDefaults()), ACTION_WORDS)
    for (const line of describeSettings(settings)) log.debug(line)
    for (const note of settings.notes) log[note.level](note.text)
    const result = await runEngine({
      settings,
      log,
      clock,
      transport: options.transport ?? new HttpClientTransport(USER_AGENT),
      state,
      onUpdate: writeOutputs
    })
    const status = state.calculatedStatus ?? 'SUCCEEDED'
    state.end({ verdict: result })
    if (result === 'passed') {
      if (status !== 'SUCCEEDED') notes.push(`${countedAsSuccess(status, ACTION_WORDS)}.`)
      log.info(`LayerCI job ${state.jobId} ${status}${state.url ? `: ${state.url}` : ''}`)
      writeOutputs(true)
    } else {
      log.info(`Not waiting for job ${state.jobId} ("wait: false").`)
      // Without a wait, the job id output is the result: a later step that cannot read it would
      // create a second job or wait for nothing. One more try first: the cause may have passed.
      writeOutputs(true)
      const problem = outputs.problem()
      if (problem !== undefined) {
        throw new LayerError(
          `Created LayerCI job ${state.jobId}${state.url ? ` (${state.url})` : ''}, but the step's outputs could not be written (${problem}): later steps cannot read its job-id.`,
          ExitCode.api,
          'outputs-lost'
        )
      }
    }
  } catch (error) {
    state.end({ error })
    writeOutputs(true)
    if (!(error instanceof LayerError) && error instanceof Error && error.stack) log.debug(error.stack)
    log.error(messageOf(error), endingTitle(state))
    process.exitCode = 1
  }
  await writeSummary(state, notes, clock, log, safe)
  removeInterruptHandlers()
}
