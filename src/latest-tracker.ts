/**
 * The layerci flavor's tracker: a thin driver over the decision core (evidence.ts). Each poll it
 * asks what `decide` says until `decide` concludes, folds every answer in with `fold`, and logs
 * what the core notes, in the words of tracker-words.ts. A poll sends at most MAX_GETS_PER_POLL
 * requests; the usual poll sends one.
 */
import type { Job } from './api.js'
import type { Lookup } from './client.js'
import { decide, endPoll, fold, initialEvidence, startPoll, type Evidence, type Purpose } from './evidence.js'
import type { Filters } from './filters.js'
import type { Log } from './log.js'
import { describeNote, hidersOf, obstacle } from './tracker-words.js'
import { neverShownError, unknownJobError, type Check, type Tracker } from './waiter.js'

export { MAX_GETS_PER_POLL } from './evidence.js'
export { describeQuery } from './tracker-words.js'

/** What the driver needs of the client: one `latest` query. */
export interface LatestReader {
  latest(filters: Record<string, string>, what: Purpose): Promise<Lookup>
}

export interface LatestTrackerOptions {
  repoName: string
  /** The job as the create answered, when this run created it. */
  created?: Job
  /** The job id was given by the user: fail when the repository's newest job is older. */
  mustExist?: boolean
  /** The branch the job is expected on, before it is read (a job id given with a branch). */
  branch?: string
}

export class LatestTracker implements Tracker {
  private evidence: Evidence

  constructor(
    private readonly client: LatestReader,
    jobId: number,
    private readonly log: Log,
    private readonly options: LatestTrackerOptions
  ) {
    this.evidence = initialEvidence({ jobId, created: options.created, mustExist: options.mustExist, branch: options.branch })
    this.say()
  }

  /** The evidence as it stands (for tests and the summary). */
  get known(): Evidence {
    return this.evidence
  }

  private say(): void {
    for (const note of this.evidence.news) {
      const { warning, text } = describeNote(note, this.evidence)
      if (warning) this.log.warning(text)
      else this.log.info(text)
    }
  }

  async check(): Promise<Check> {
    this.evidence = startPoll(this.evidence)
    for (;;) {
      const decision = decide(this.evidence)
      if (decision.kind === 'ask') {
        const filters: Record<string, string> = { ...(decision.filters as Filters & Record<string, string>) }
        const lookup = await this.client.latest(filters, decision.question.what)
        this.evidence = fold(this.evidence, decision.question, decision.filters, lookup)
        this.say()
        continue
      }
      const before = this.evidence
      this.evidence = endPoll(before, decision)
      this.say()
      if (decision.kind === 'unknown-job') {
        throw unknownJobError(before.jobId, this.options.repoName, decision.newest, this.options.mustExist !== true)
      }
      if (decision.kind === 'never-shown') throw neverShownError(before.jobId, hidersOf(before, decision.hiders))
      return decision.check
    }
  }

  obstacle(): string | undefined {
    return obstacle(this.evidence)
  }
}
