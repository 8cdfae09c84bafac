/** The webappio flavor's tracker: `search=id:N` addresses the job exactly, one request a poll. */
import type { LayerCiClient } from './client.js'
import { isDocumented } from './status.js'
import { readCheck, unknownJobError, type Check, type Tracker } from './waiter.js'

export interface SearchTrackerOptions {
  repoName: string
  /** The job id was given by the user: fail when the repository's newest job is older. */
  mustExist?: boolean
}

export class SearchTracker implements Tracker {
  private problem: string | undefined
  private missing = 0

  constructor(
    private readonly client: LayerCiClient,
    private readonly jobId: number,
    private readonly options: SearchTrackerOptions
  ) {}

  async check(): Promise<Check> {
    const found = await this.client.search([`id:${this.jobId}`])
    if (found.kind === 'unclear') {
      this.problem = undefined
      return { done: false }
    }
    if (found.kind === 'none') return this.notFound()
    const job = found.job
    if (job.id !== this.jobId) {
      this.problem = `A search for id:${this.jobId} answered with job ${job.id}; it is not taken as job ${this.jobId}.`
      return { done: false }
    }
    this.problem = undefined
    this.missing = 0
    if (isDocumented(job.calculated_status)) return readCheck(job)
    // A status the docs do not name: ask the server whether it counts the job as done.
    const done = await this.client.search([`id:${this.jobId}`, 'done'])
    const known = { kind: 'read', status: job.calculated_status } as const
    if (done.kind === 'job' && done.job.id === this.jobId)
      return { done: true, job: done.job, known: { ...known, status: done.job.calculated_status } }
    return { done: false, job, known }
  }

  private async notFound(): Promise<Check> {
    this.problem = `A search for id:${this.jobId} matches no run yet.`
    if (!this.options.mustExist) return { done: false }
    const newest = await this.client.search([`repo:${this.options.repoName}`])
    if (newest.kind === 'unclear' || (newest.kind === 'job' && newest.job.id >= this.jobId)) {
      this.missing = 0
      return { done: false }
    }
    if (++this.missing >= 2) throw unknownJobError(this.jobId, this.options.repoName, newest.kind === 'job' ? newest.job : undefined)
    return { done: false }
  }

  obstacle(): string | undefined {
    return this.problem
  }
}
