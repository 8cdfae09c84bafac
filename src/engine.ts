/**
 * The run, shared by the action and the CLI: create (or adopt) the job, wait for it, fetch its
 * runners, and return the verdict. Everything it learns goes into `state` at once, so outputs
 * and the cancel handler always see the latest.
 */
import type { Job } from './api.js'
import { LayerCiClient } from './client.js'
import type { Clock } from './clock.js'
import { createJob } from './create.js'
import { formatDuration } from './duration.js'
import { ApiError, DeadlineError, InputError, JobFailedError, messageOf, WaitTimeoutError } from './errors.js'
import type { Log } from './log.js'
import { LatestTracker } from './latest-tracker.js'
import { eliminationNote, failedRunners, jobUrl, type RunState } from './report.js'
import { SearchTracker } from './search-tracker.js'
import { ACTION_WORDS, resumeHint, type Settings, type Vocabulary } from './settings.js'
import { isDocumented } from './status.js'
import { ignoredProxyVariable, unreadableProxyVariable, type Transport } from './transport.js'
import { waitForJob, type Tracker } from './waiter.js'

export interface EngineDeps {
  settings: Settings
  log: Log
  clock: Clock
  transport: Transport
  state: RunState
  /** Called whenever the state gains something the outputs show. */
  onUpdate(): void
  /** How messages name inputs: the action's (default) or the CLI's flags. */
  words?: Vocabulary
  /** Lets tests and the benchmark read request counts. */
  onClient?(client: LayerCiClient): void
}

export type Verdict = 'passed' | 'created'

/** Says that a status other than SUCCEEDED passed the step, and why. */
export function countedAsSuccess(status: string, words: Vocabulary): string {
  return `${status} counted as success by ${words.name('succeed-on')}`
}

export async function runEngine(deps: EngineDeps): Promise<Verdict> {
  const { settings, log, clock, state } = deps
  const deadline = state.startedAt + settings.timeoutMs
  const client = new LayerCiClient({
    apiUrl: settings.apiUrl,
    token: settings.token,
    flavor: settings.flavor,
    repoName: settings.repoName,
    deadline,
    transport: deps.transport,
    clock,
    log,
    ...(deps.words ? { words: deps.words } : {}),
    ...(settings.owner ? { owner: settings.owner } : {}),
    ...(settings.flavorHint ? { flavorHint: settings.flavorHint } : {})
  })
  deps.onClient?.(client)
  const unreadable = unreadableProxyVariable(settings.apiUrl)
  if (unreadable) {
    throw new InputError(
      `${unreadable.variable} is set to "${unreadable.value}", which cannot be read as a proxy URL: write it with its scheme and a valid port (http://proxy.example.com:3128), or unset it. No request was sent.`
    )
  }
  const ignored = ignoredProxyVariable(settings.apiUrl)
  if (ignored) {
    log.warning(
      `${ignored} is set, but not to a proxy URL that can be used (write it with its scheme, e.g. http://proxy.example.com:3128): requests go to LayerCI directly.`
    )
  }
  const words = deps.words ?? ACTION_WORDS
  const see = (job: Job): void => {
    state.see(job)
    deps.onUpdate()
  }

  let created: Job | undefined
  if (settings.jobId === undefined) {
    if (settings.checkpoint && settings.flavor === 'webappio') {
      log.notice(
        'The later LayerCI/webapp.io API no longer documents skip_no_further_than; "checkpoint" is sent as skip_no_further_than anyway.'
      )
    }
    created = await log.group(`Create a LayerCI job for ${settings.repoName}`, async () => {
      try {
        const result = await createJob(client, settings, clock, log, () => (state.creating = true), words)
        state.url = jobUrl(settings, result.job.id, result.url)
        see(result.job)
        log.info(`Created LayerCI job ${result.job.id}: ${state.url ?? '(no URL given)'}`)
        return result.job
      } catch (error) {
        if (error instanceof DeadlineError) {
          const problem = error.lastProblem ? ` Last problem: ${error.lastProblem}.` : ''
          const maybe = error.jobMayExist
            ? ` A job may have been created: check ${settings.repoName} on ${settings.apiUrl} before running again.`
            : ' No job was created.'
          throw new WaitTimeoutError(
            `Timed out after ${formatDuration(clock.now() - state.startedAt)} before LayerCI confirmed a new job.${problem}${maybe}`,
            error.jobMayExist ? 'create-answer-lost' : 'timed-out'
          )
        }
        throw error
      } finally {
        state.creating = false
      }
    })
    if (!settings.wait) return 'created'
  } else {
    state.jobId = settings.jobId
    state.url = jobUrl(settings, settings.jobId)
    deps.onUpdate()
  }

  const jobId = state.jobId as number
  const resume = resumeHint(jobId, words)
  const result = await log
    .group(`Wait for LayerCI job ${jobId}`, () => {
      // A job id given by the user may not exist; one this run created does.
      const mustExist = created === undefined
      const tracker: Tracker =
        settings.flavor === 'webappio'
          ? new SearchTracker(client, jobId, { repoName: settings.repoName, mustExist })
          : new LatestTracker(client, jobId, log, {
              repoName: settings.repoName,
              mustExist,
              ...(created ? { created } : settings.branch !== undefined ? { branch: settings.branch } : {})
            })
      return waitForJob({
        jobId,
        tracker,
        clock,
        log,
        pollIntervalMs: settings.pollIntervalMs,
        deadline,
        startedAt: state.startedAt,
        // A created job is read at once too (layerci): through its branch, before a push can add a
        // newer job there. A search (webappio) addresses the job itself: no need.
        pollFirst: created === undefined || settings.flavor === 'layerci',
        onCheck: (check) => {
          if (check.job) state.job = check.job
          if (check.known) state.known = check.known
          deps.onUpdate()
        },
        lastProblem: () => client.lastProblem,
        resume,
        ...(created ? { initialStatus: created.calculated_status } : {}),
        ...(state.url ? { url: state.url } : {})
      })
    })
    .catch((error: unknown) => {
      throw goOn(error, resume)
    })
  state.known = result.known
  if (result.job) state.job = result.job
  let how = ''
  if (result.hiddenBy) {
    log.info(eliminationNote(jobId, result.status, result.hiddenBy))
    how = ' (established by elimination: newer jobs hid it)'
  }
  deps.onUpdate()
  const job = result.job

  if (settings.flavor === 'webappio' && job?.uuid) await listRunners(client, job.uuid, jobId, deps)

  if (settings.succeedOn.includes(result.status)) {
    if (result.status !== 'SUCCEEDED') log.notice(`${countedAsSuccess(result.status, words)}.`)
    return 'passed'
  }
  const undocumented = isDocumented(result.status) ? '' : ' (a status the API documentation does not name)'
  throw new JobFailedError(`LayerCI job ${jobId} finished ${result.status}${undocumented}${how}${state.url ? `: ${state.url}` : ''}`)
}

/**
 * An API error once the job is known (a revoked key, a server gone for good): the job still runs,
 * so the message says how to go on with it. Not where the job may not exist at all.
 */
function goOn(error: unknown, resume: string): unknown {
  if (!(error instanceof ApiError) || ['never-shown', 'no-such-job', 'unknown-repository'].includes(error.reason)) return error
  return new ApiError(`${error.message.replace(/([^.])$/, '$1.')} The job is not cancelled; ${resume}`, error.reason)
}

/** A side request once the result is known: its own short budget, then a warning naming why. */
export const RUNNERS_LIMIT = { attempts: 2, ms: 15_000 }

/** webappio: the job's runners for the summary, and an annotation for each runner whose failure stands. */
async function listRunners(client: LayerCiClient, uuid: string, jobId: number, { log, clock, state }: EngineDeps): Promise<void> {
  await log.group(`Runners of job ${jobId}`, async () => {
    try {
      state.runners = await client.runners(uuid, { attempts: RUNNERS_LIMIT.attempts, until: clock.now() + RUNNERS_LIMIT.ms })
      for (const runner of failedRunners(state.runners)) {
        log.error(
          `Runner ${runner.id} of job ${jobId} ended ${runner.status}: ${runner.layerfile || 'unknown Layerfile'}`,
          `Layerfile ${runner.layerfile || runner.id}`
        )
      }
    } catch (error) {
      const why = error instanceof DeadlineError ? (error.lastProblem ?? 'no answer in time') : messageOf(error)
      log.warning(`Could not list the runners of job ${jobId} (${why}); the job's result stands.`)
    }
  })
}
