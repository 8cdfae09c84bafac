/**
 * Creating a job exactly once. The POST is not idempotent: after a failure that may have reached
 * the server, it is never sent again, and no job is ever taken as the one it made.
 *
 * Why no job is adopted after a lost create answer: the API cannot show which request created a
 * job. A job object carries nothing of the request but its commit and branch (neither `extra` nor
 * the checkpoint), which another run may send at the same moment (a matrix of deploy targets, a
 * re-run, a teammate); the POST's failure does not say whether it made a job at all; and ids are
 * not documented to be consecutive, so not even "no other job was created since the baseline" can
 * be shown. A job newer than the baseline may be this request's or another run's: taking it could
 * make two runs report one job, and leave this request's job unreported. So the run looks for such
 * jobs only to name them, and fails saying a job may have been created.
 */
import type { Job } from './api.js'
import type { CreateBody, LayerCiClient } from './client.js'
import type { Clock } from './clock.js'
import { formatDuration } from './duration.js'
import { ApiError, DeadlineError } from './errors.js'
import type { Log } from './log.js'
import { jobUrl } from './report.js'
import { ACTION_WORDS, type Settings, type Vocabulary } from './settings.js'

export interface Created {
  job: Job
  url?: string
}

export function createBody(settings: Settings): CreateBody {
  const body: CreateBody = {}
  if (settings.branch) body.branch = settings.branch
  if (settings.ref) body.ref = settings.ref
  if (settings.acceptButtons) body.accept_buttons = 'true'
  if (settings.checkpoint) body.skip_no_further_than = settings.checkpoint
  if (settings.extra) body.extra = settings.extra
  return body
}

const SHA = /^[0-9a-f]{4,64}$/i

/** The branch LayerCI builds for the create: the one sent or, per the API page, "master". */
export function builtBranch(settings: Pick<Settings, 'branch' | 'flavor'>): string | undefined {
  // The later API does not document a default branch.
  return settings.branch ?? (settings.flavor === 'layerci' ? 'master' : undefined)
}

/**
 * Whether a job is for what this request asked: its commit and branch, and started through the API
 * when the job says why it was started. Undefined when that cannot be compared (no commit SHA was
 * sent, or the branch LayerCI builds is not known). Even a match does not make the job this run's.
 */
export function matchesRequest(job: Job, settings: Pick<Settings, 'ref' | 'branch' | 'flavor'>): boolean | undefined {
  const branch = builtBranch(settings)
  const ref = (settings.ref ?? '').toLowerCase()
  if (!SHA.test(ref) || branch === undefined) return undefined
  if (job.run_start_reason !== undefined && !/\bAPI\b/i.test(job.run_start_reason)) return false
  const sha = (job.commit_sha ?? '').toLowerCase()
  return job.branch === branch && sha !== '' && (sha.startsWith(ref) || ref.startsWith(sha))
}

/** The pauses before each look for a job the lost create may have made (2 s, then 6 s, 14 s after it). */
export const LOOKS = [2000, 4000, 8000]
/** The last look starts at least this long before the deadline, so that it can be answered. */
const LOOK_RESERVE_MS = 1000

export async function createJob(
  client: LayerCiClient,
  settings: Settings,
  clock: Clock,
  log: Log,
  /** Called just before the create request is sent: from then on, a job may exist. */
  beforePost: () => void = () => undefined,
  words: Vocabulary = ACTION_WORDS
): Promise<Created> {
  // The newest job before the attempt: a job created by it can only be newer.
  const before = await client.newest(undefined, 'Read the newest job before creating one')
  const baseline = before.kind === 'job' ? before.job.id : before.kind === 'none' ? 0 : undefined
  log.debug(`Newest job before the create: ${before.kind === 'job' ? before.job.id : before.kind}`)
  beforePost()
  const result = await client.post(createBody(settings))
  if (result.kind === 'created') {
    // A job no newer than the newest before the request was not made by it (a server that hands
    // back an existing job): it is another run's, or a push's, and never taken as this run's.
    if (baseline !== undefined && result.job.id <= baseline) {
      throw new ApiError(
        `LayerCI answered the create request with job ${result.job.id}, which is not newer than job ${baseline}, the newest job before the request: the request did not make it, so it is not taken as this run's. A job may have been created all the same: check the jobs of ${settings.repoName} at ${settings.apiUrl} before running again, so as not to start a job twice.`
      )
    }
    return result.url === undefined ? { job: result.job } : { job: result.job, url: result.url }
  }
  throw await lostAnswer(result.reason, baseline, { client, settings, clock, log, words })
}

interface LookContext {
  client: LayerCiClient
  settings: Settings
  clock: Clock
  log: Log
  words: Vocabulary
}

/**
 * The create may have made a job whose id this run will never know. Looks (2 s, 6 s and 14 s
 * after the failure, the last look moved just before the deadline) for a job newer than the
 * baseline on the branch built, to name it; returns the error that ends the run.
 */
async function lostAnswer(reason: string, baseline: number | undefined, context: LookContext): Promise<Error> {
  const { client, settings, clock, log } = context
  const failed = `Creating the LayerCI job failed (${reason}) after the request may have reached LayerCI`
  const check = `check the jobs of ${settings.repoName} at ${settings.apiUrl} before running again, so as not to start a job twice`
  if (baseline === undefined) {
    return new ApiError(
      `${failed}, and the newest job before it could not be read, so no job can be named as one it may have made. A job may have been created: ${check}.`
    )
  }
  log.warning(`${failed}. It is not sent again; looking for a job it may have made, to name it.`)
  const branch = builtBranch(settings)
  const where = branch === undefined ? `in ${settings.repoName}` : `on ${branch}`
  const since = clock.now()
  let lookedAt = since
  try {
    for (const pause of LOOKS) {
      const lastStart = client.deadline - LOOK_RESERVE_MS
      let at = lookedAt + pause
      // The timeout cuts the looks short: the last one is made just before it, as the last poll is.
      const cut = at >= lastStart
      if (cut) {
        if (clock.now() >= lastStart) throw new DeadlineError(`Create: ${reason}`, true)
        at = lastStart
      }
      await clock.sleep(at - clock.now())
      lookedAt = clock.now()
      const newest = await client.newest(branch, 'Look for a job the failed create may have made')
      if (newest.kind === 'job' && newest.job.id > baseline) return candidateError(failed, newest.job, baseline, context)
      // Nothing yet, and no time for another look: the run ends as timed out, saying a job may exist.
      if (cut) throw new DeadlineError(`Create: ${reason}`, true)
    }
  } catch (error) {
    // Whatever ends the look, the create may have made a job: the message must say so.
    if (error instanceof DeadlineError) return new DeadlineError(error.lastProblem ?? `Create: ${reason}`, true)
    if (error instanceof ApiError) {
      return new ApiError(
        `${error.message} This happened while looking for a job that a failed create (${reason}) may have made. A job may have been created: ${check}.`
      )
    }
    throw error
  }
  return new ApiError(
    `${failed}, and no job newer than job ${baseline} appeared ${where} in the ${formatDuration(clock.now() - since)} it was looked for. A job may still have been created: ${check}.`
  )
}

/** A job newer than the baseline: named, never taken (see the file's comment). */
function candidateError(failed: string, job: Job, baseline: number, { settings, words }: LookContext): ApiError {
  const url = jobUrl(settings, job.id)
  const parts = [job.calculated_status]
  if (job.commit_sha) parts.push(`commit ${job.commit_sha.slice(0, 12)}`)
  if (job.branch) parts.push(`on ${job.branch}`)
  if (job.run_start_reason) parts.push(`started by "${job.run_start_reason}"`)
  const matches = matchesRequest(job, settings)
  const check = `check the jobs of ${settings.repoName} at ${settings.apiUrl} before running again, so as not to start a job twice`
  if (matches === false) {
    // Another commit or branch: it cannot be this request's job, so it is never suggested as one.
    return new ApiError(
      `${failed}. The newest job since, job ${job.id} (${parts.join(', ')}${url ? `, ${url}` : ''}), is for another commit or branch than this request asked for, so it is not this request's job; a job this request made, if any, is older than it and not shown. A job may have been created: ${check}.`,
      'create-answer-lost'
    )
  }
  const fit = matches === true ? 'for the commit and branch this request asked for' : 'whose request cannot be compared with this one'
  return new ApiError(
    `${failed}. Job ${job.id} (${parts.join(', ')}${url ? `, ${url}` : ''}) is newer than job ${baseline}, the newest before the request, and ${fit}. It may be the job this request made, or one that another run made at the same moment: the API cannot tell which request made a job, so this run does not take it as its own. Check job ${job.id}; if it is this run's, wait for it with ${words.setting('job-id', String(job.id))} instead of creating another.`
  )
}
