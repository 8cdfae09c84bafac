/** What the layerci flavor's wait says, in words: the log lines of its notes, and what hides the job. */
import type { Job } from './api.js'
import { recordedBranch, relevantHiders, type Evidence, type Note, type Unsound } from './evidence.js'
import type { Filters } from './filters.js'
import { isInFlight } from './status.js'

/** Where a query looks, in words. */
export function scope(branch: string | undefined): string {
  if (branch === undefined) return 'of the repository'
  return branch === '' ? 'without a branch (branch=)' : `on branch ${branch}`
}

/** A query in words: "the newest finished job on branch main (done=true)". */
export function describeQuery(filters: Filters): string {
  const where = scope(filters.branch)
  if (filters.done !== undefined) return `the newest finished job ${where} (done=true)`
  if (filters.failed !== undefined) return `the newest failed job ${where} (failed=true)`
  if (filters.calculated_status !== undefined) return `the newest ${filters.calculated_status} job ${where}`
  return `the newest job ${where}`
}

const onBranch = (job: Job): string => (recordedBranch(job) === '' ? 'no branch' : `on ${recordedBranch(job)}`)

/** Why elimination ended, in words. */
export function describeUnsound(why: Unsound, jobId: number): string {
  switch (why.kind) {
    case 'undocumented':
      return `Job ${why.job.id} has the calculated status ${why.job.calculated_status}, which the API documentation does not name`
    case 'breaks':
      return `LayerCI answered ${describeQuery(why.filters)} with job ${why.job.id} in ${why.job.calculated_status}, which ${why.broken} does not match by the API's definition`
    case 'contradiction':
      return `LayerCI answered ${describeQuery(why.filters)} with ${why.newest ? `job ${why.newest.id}` : 'no job'}, though job ${why.earlier.id} (${why.earlier.calculated_status}), newer, matched it before: the answers contradict each other`
    case 'other-job':
      return `LayerCI answered ${describeQuery(why.filters)} with a job ${why.job.id} of ${why.differs}: it is not taken as the same job`
    case 'moved-back':
      return `Job ${why.job.id} was shown ${why.job.calculated_status} after it was known to have ${why.reached} (a runner retried?)`
    case 'no-status-left':
      return `Job ${jobId} matches none of the nine documented calculated statuses`
  }
}

/** A newer job by id and status, and by branch when it is not the one the job is looked for on. */
export function nameHider(e: Evidence, job: Job): string {
  const branch = e.narrowing?.branch
  return `${job.id} (${job.calculated_status}${branch === undefined || recordedBranch(job) !== branch ? `, ${onBranch(job)}` : ''})`
}

function hiderList(e: Evidence): string {
  return relevantHiders(e)
    .map((job) => nameHider(e, job))
    .join(', ')
}

/** The log line of a note, and whether it is a warning. */
export function describeNote(note: Note, e: Evidence): { warning: boolean; text: string } {
  const id = e.jobId
  switch (note.kind) {
    case 'unsound':
      return {
        warning: true,
        text: `${describeUnsound(note.why, id)}. Elimination relies on the API documentation's nine calculated statuses and on what its filters match, so from now on nothing is concluded about job ${id} from what a query does not show: its result is reported only when a query shows the job itself.`
      }
    case 'hider':
      return {
        warning: false,
        text: `Job ${nameHider(e, note.job)}, newer than job ${id}, is ${describeQuery(note.filters)}: telling job ${id} apart through other filters.`
      }
    case 'not-there':
      return {
        warning: false,
        text: `The newest job ${scope(note.branch)} is ${note.newest ? `job ${note.newest.id}` : 'none'}, older than job ${id}: that filter does not show job ${id}, so it is looked for in the whole repository.`
      }
    case 'not-honoured':
      return {
        warning: false,
        text: `LayerCI answered ${describeQuery(note.filters)} with job ${note.job.id}, ${onBranch(note.job)}: this server does not match branch=${note.filters.branch ?? ''} as its jobs' branches say, so job ${id} is looked for in the whole repository. What was already established stands.`
      }
    case 'still-hidden':
      return {
        warning: false,
        text: `${obstacle(e) ?? ''} Still waiting: the job is recognized as soon as the filters can tell it apart.`.trim()
      }
  }
}

/** Why the job cannot be told apart at the moment, when that is the case. */
export function obstacle(e: Evidence): string | undefined {
  if (!e.hidden && e.last !== undefined) return undefined
  const hiders = hiderList(e)
  const id = e.jobId
  if (e.last === undefined) {
    return hiders === '' ? undefined : `Job ${id} was never shown by the API: it may not exist, or newer jobs (${hiders}) hide it.`
  }
  const n = e.narrowing
  const here = n !== undefined && relevantHiders(e).every((job) => recordedBranch(job) === n.branch)
  const where = here ? ` ${scope(n.branch)}` : ''
  const limit = 'the latest endpoint returns only the newest match and cannot address a job by id'
  const { phase, candidates } = e.hidden ?? { phase: 'in-flight', candidates: [] }
  if (phase === 'in-flight') {
    const inFlight = relevantHiders(e).some((job) => isInFlight(job.calculated_status))
    const until = inFlight ? ` Job ${id} is told apart once no newer job${where} is in flight.` : ''
    return `Newer jobs${where} (${hiders}) match every filter that could show whether job ${id} has finished: ${limit}.${until}`
  }
  return `Job ${id} has finished, but newer jobs${where} (${hiders}) match every filter that could tell ${candidates.join(' from ')} for it: ${limit}.`
}

/** The newer jobs hiding a job never shown, for its error. */
export function hidersOf(e: Evidence, jobs: readonly Job[]): string {
  return jobs.map((job) => nameHider(e, job)).join(', ')
}
