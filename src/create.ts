/**
 * Creating a job exactly once. The POST is not idempotent: after a failure that may have
 * reached the server, it is never sent again; the job that attempt created is looked for
 * instead (newer than the newest job before the attempt, same commit and branch).
 */
import type { Job } from './api.js'
import type { CreateBody, LayerCiClient } from './client.js'
import type { Clock } from './clock.js'
import { ApiError, DeadlineError } from './errors.js'
import type { Log } from './log.js'
import type { Settings } from './settings.js'

export interface Created {
  job: Job
  url?: string
  /** True when the job was found after an attempt whose answer was lost. */
  adopted: boolean
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
 * Why a job made by a create whose answer was lost could not be told from another job of the
 * repository, or undefined when it can: both the commit and the branch LayerCI builds must be
 * known, to compare them with a job's.
 */
export function unrecognizable(settings: Pick<Settings, 'ref' | 'branch' | 'flavor'>): string | undefined {
  if (settings.ref === undefined) return 'no ref was sent, so the commit LayerCI builds is not known'
  if (!SHA.test(settings.ref)) return `the ref "${settings.ref}" is not a commit SHA, so the commit LayerCI builds is not known`
  if (builtBranch(settings) === undefined) return 'no branch was sent, so the branch LayerCI builds is not known'
  return undefined
}

/**
 * Whether a job found after a lost answer is the one this attempt asked for: same branch and
 * commit, and not a job LayerCI started for another reason (a push of the same commit), when the
 * job says why it was started. A job is never taken when the commit or the branch asked for is
 * not known.
 */
export function matchesRequest(job: Job, settings: Pick<Settings, 'ref' | 'branch' | 'flavor'>): boolean {
  if (job.run_start_reason !== undefined && !/\bAPI\b/i.test(job.run_start_reason)) return false
  if (unrecognizable(settings) !== undefined || job.branch !== builtBranch(settings)) return false
  const sha = (job.commit_sha ?? '').toLowerCase()
  const ref = (settings.ref ?? '').toLowerCase()
  return sha !== '' && (sha.startsWith(ref) || ref.startsWith(sha))
}

const LOOKS = [2000, 4000, 8000]

export async function createJob(
  client: LayerCiClient,
  settings: Settings,
  clock: Clock,
  log: Log,
  /** Called just before the create request is sent: from then on, a job may exist. */
  beforePost: () => void = () => undefined
): Promise<Created> {
  // The newest job before the attempt: a job created by it can only be newer.
  const before = await client.newest(undefined, 'Read the newest job before creating one')
  // Without a certain baseline, no job can later be recognized as the one this attempt made.
  const baseline = before.kind === 'job' ? before.job.id : before.kind === 'none' ? 0 : undefined
  log.debug(`Newest job before the create: ${before.kind === 'job' ? before.job.id : before.kind}`)
  beforePost()
  const result = await client.post(createBody(settings))
  if (result.kind === 'created') return { job: result.job, url: result.url, adopted: false }

  log.warning(
    `The create request failed (${result.reason}) after it may have reached LayerCI. It is not sent again; looking for the job it may have created instead.`
  )
  const mayExist = `A job may have been created: check the jobs of ${settings.repoName} at ${settings.apiUrl} before re-running, so as not to start it twice.`
  const cannot = unrecognizable(settings)
  if (baseline === undefined || cannot !== undefined) {
    throw new ApiError(
      `Creating the LayerCI job failed (${result.reason}) after the request may have reached LayerCI, and the job it may have made cannot be recognized: ${cannot ?? 'the newest job before it could not be read'}. ${mayExist}`
    )
  }
  const branch = builtBranch(settings)
  try {
    for (const pause of LOOKS) {
      // The timeout comes first: the run ends as timed out, saying a job may exist.
      if (clock.now() + pause >= client.deadline) throw new DeadlineError(`Create: ${result.reason}`, true)
      await clock.sleep(pause)
      const newest = await client.newest(branch, 'Look for the job the failed create made')
      if (newest.kind === 'job' && newest.job.id > baseline && matchesRequest(newest.job, settings)) {
        log.info(`Found job ${newest.job.id}, created by the attempt whose answer was lost; waiting for it.`)
        return { job: newest.job, adopted: true }
      }
    }
  } catch (error) {
    // Whatever ends the look, the create may have made a job: the message must say so.
    if (error instanceof DeadlineError) throw new DeadlineError(error.lastProblem ?? `Create: ${result.reason}`, true)
    if (error instanceof ApiError) {
      throw new ApiError(
        `${error.message} This happened while looking for the job of a create that failed (${result.reason}) after it may have reached LayerCI. ${mayExist}`
      )
    }
    throw error
  }
  throw new ApiError(
    `Creating the LayerCI job failed (${result.reason}) after the request may have reached LayerCI, and no new job for ${settings.ref ?? 'this ref'} on ${branch ?? 'its branch'} was found. ${mayExist}`
  )
}
