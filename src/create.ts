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

/**
 * Whether a job found after a lost answer is the one this attempt asked for: same branch and
 * commit, and not a job LayerCI started for another reason (a push of the same commit), when the
 * job says why it was started.
 */
export function matchesRequest(job: Job, settings: Settings): boolean {
  if (job.run_start_reason !== undefined && !/\bAPI\b/i.test(job.run_start_reason)) return false
  if (settings.branch && job.branch !== settings.branch) return false
  if (settings.ref && /^[0-9a-f]{4,64}$/i.test(settings.ref)) {
    const sha = (job.commit_sha ?? '').toLowerCase()
    const ref = settings.ref.toLowerCase()
    if (!(sha.startsWith(ref) || ref.startsWith(sha)) || sha === '') return false
  }
  return true
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
  if (baseline !== undefined) {
    for (const pause of LOOKS) {
      // The timeout comes first: the run ends as timed out, saying a job may exist.
      if (clock.now() + pause >= client.deadline) throw new DeadlineError(`Create: ${result.reason}`, true)
      await clock.sleep(pause)
      const newest = await client.newest(settings.branch, 'Look for the job the failed create made')
      if (newest.kind === 'job' && newest.job.id > baseline && matchesRequest(newest.job, settings)) {
        log.info(`Found job ${newest.job.id}, created by the attempt whose answer was lost; waiting for it.`)
        return { job: newest.job, adopted: true }
      }
    }
  }
  throw new ApiError(
    `Creating the LayerCI job failed (${result.reason}) after the request may have reached LayerCI, and no new job for ${settings.ref ?? 'this ref'}${settings.branch ? ` on ${settings.branch}` : ''} was found. A job may have been created: check the jobs of ${settings.repoName} at ${settings.apiUrl} before re-running, so as not to start it twice.`
  )
}
