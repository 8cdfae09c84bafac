/**
 * What the run reports: outputs, the job summary table, the failure message. Pure functions of
 * the run's state; the entry points write them where they belong.
 */
import type { Job, Runner } from './api.js'
import { formatDuration } from './duration.js'
import type { Settings } from './settings.js'
import { JobFailedError, messageOf, reasonOf, type Reason } from './errors.js'
import { MEANING } from './status.js'
import { escapeHtml, type SafeText } from './text.js'
import { describeKnowledge, exactStatus, type Knowledge } from './waiter.js'

export const OUTPUT_NAMES = ['job-id', 'job-url', 'job-uuid', 'status', 'calculated-status', 'commit-sha', 'branch', 'job'] as const
export type OutputName = (typeof OUTPUT_NAMES)[number]

/**
 * How a run ended, as a stable code (the `job` output's and `--json`'s `outcome`): the job passed
 * or failed (its status says how), was created without a wait, exists but its result is not known,
 * was never started, or the run was interrupted. Without a result, `reason` says why.
 */
export type Outcome = 'passed' | 'failed' | 'created' | 'result-unknown' | 'not-started' | 'interrupted'

/**
 * What is known of the job at any moment; shared by the engine, the outputs, the summary and the
 * cancel handler, so that every one of them tells the same story.
 */
export class RunState {
  jobId: number | undefined
  /** The job as last read (in the create answer or through a query). */
  job: Job | undefined
  /** What is known of its calculated status, and how: read, a lower bound, or established. */
  known: Knowledge | undefined
  url: string | undefined
  runners: Runner[] | undefined
  /** A create request is under way: a job may exist before its id is known. */
  creating = false
  /** How the run ended, once it has. */
  outcome: Outcome | undefined
  /** Why it ended without a result, and the message that said so (not yet through the output path). */
  reason: Reason | undefined
  error: string | undefined
  constructor(readonly startedAt: number) {}

  /**
   * Records how the run ended: with `verdict` (no error), or with the error that ended it. The one
   * owner of what an ending is called; every output reads it from here.
   */
  end(ending: { verdict: 'passed' | 'created' } | { error: unknown } | { interrupted: string }): void {
    if ('verdict' in ending) {
      this.outcome = ending.verdict
      return
    }
    if ('interrupted' in ending) {
      this.outcome = 'interrupted'
      this.reason = 'interrupted'
      this.error = ending.interrupted
      return
    }
    const { error } = ending
    if (error instanceof JobFailedError) {
      this.outcome = 'failed'
      return
    }
    this.reason = reasonOf(error)
    this.error = messageOf(error)
    // A job exists (or may: a create request whose answer was lost), but its result is not known.
    this.outcome = this.jobId !== undefined || this.reason === 'create-answer-lost' ? 'result-unknown' : 'not-started'
  }

  /** Records the job as the API showed it. */
  see(job: Job): void {
    this.job = job
    this.jobId = job.id
    this.known = { kind: 'read', status: job.calculated_status }
  }

  /** The calculated status the job is known to have: read (and not known to have moved on), or established. */
  get calculatedStatus(): string | undefined {
    return exactStatus(this.known)
  }

  /** How `calculatedStatus` is known, when it is. */
  get established(): 'read' | 'elimination' | undefined {
    if (this.calculatedStatus === undefined) return undefined
    return this.known?.kind === 'eliminated' ? 'elimination' : 'read'
  }

  /** The newer jobs that hid the job, when its status was established by elimination. */
  get hiddenBy(): Job[] | undefined {
    return this.known?.kind === 'eliminated' ? this.known.hiddenBy : undefined
  }

  /** The internal status, only when read together with the calculated status known now. */
  get status(): string | undefined {
    const job = this.job
    if (this.known?.kind !== 'read' || job === undefined || job.calculated_status !== this.known.status) return undefined
    return job.status || undefined
  }
}

/**
 * The job as the run reports it (the `job` output, the CLI's `--json`): the fields of the last
 * object the API showed, with the run's own conclusion: `calculated_status` is the status the job
 * is known to have (the result, once there is one) or null, `established` says how (`read` or
 * `elimination`), `status` is the internal status read with it or null.
 */
export function jobReport(state: RunState): Record<string, unknown> {
  const hiddenBy = state.hiddenBy
  return {
    ...(state.job?.raw ?? {}),
    id: state.job?.id ?? state.jobId ?? null,
    calculated_status: state.calculatedStatus ?? null,
    status: state.status ?? null,
    established: state.established ?? null,
    ...(hiddenBy ? { hidden_by: hiddenBy.map((job) => job.id) } : {}),
    url: state.url ?? null,
    outcome: state.outcome ?? null,
    // Without a result, why (a stable code) and the message, as the run's last line says it.
    ...(state.reason === undefined ? {} : { reason: state.reason, ...(state.error === undefined ? {} : { error: state.error }) })
  }
}

/**
 * A job's page. One rule, whatever gave the job: built from the API URL in use and the repository
 * (`{api-url}/jobs/github/{owner}/{name}/{id}`); only when the owner is not known, the URL the
 * create answer gave, if any.
 */
export function jobUrl(settings: Pick<Settings, 'apiUrl' | 'owner' | 'repoName'>, id: number, answered?: string): string | undefined {
  if (!settings.owner) return answered
  const owner = settings.owner.split('/').map(encodeURIComponent).join('/')
  return `${settings.apiUrl}/jobs/github/${owner}/${encodeURIComponent(settings.repoName)}/${id}`
}

/**
 * The outputs known from the state, each through the output path; names without a value are left
 * out. `status` and `calculated-status` are empty when not known exactly (a run that timed out
 * after establishing only that the job had finished). `job` only with `final`: it is written once.
 */
export function outputsOf(state: RunState, safe: SafeText, final = false): Partial<Record<OutputName, string>> {
  const out: Partial<Record<OutputName, string>> = {}
  const id = state.job?.id ?? state.jobId
  if (id === undefined) return out
  out['job-id'] = safe(String(id))
  if (state.url) out['job-url'] = safe(state.url)
  out.status = safe(state.status ?? '')
  out['calculated-status'] = safe(state.calculatedStatus ?? '')
  const job = state.job
  if (job?.uuid) out['job-uuid'] = safe(job.uuid)
  if (job?.commit_sha) out['commit-sha'] = safe(job.commit_sha)
  if (job?.branch) out.branch = safe(job.branch)
  if (final) out.job = safe.json(jobReport(state))
  return out
}

/** Says how a status established by elimination was established, naming the jobs that hid the job. */
export function eliminationNote(jobId: number | undefined, status: string, hiddenBy: readonly Job[]): string {
  const hiders = hiddenBy.map((job) => `${job.id} (${job.calculated_status})`).join(', ')
  return `The result of job ${jobId ?? '?'}, ${status}, was established by elimination: newer jobs (${hiders}) hid it from the filters that would show it, and the API answered that it matches none of the other documented statuses.`
}

export interface SummaryModel {
  heading: string
  /** Header row first; cells are HTML: every text redacted, neutralised, then escaped. */
  rows: string[][]
  runners?: string[][]
  /** Paragraphs of HTML below the table. */
  notes: string[]
}

/** The summary's result cell, as text: the calculated status known, with what it means when documented. */
function resultText(state: RunState): string {
  const status = state.calculatedStatus
  if (status === undefined) return state.known ? describeKnowledge(state.known) : 'unknown'
  const meaning = Object.hasOwn(MEANING, status) ? MEANING[status] : undefined
  return meaning === undefined ? status : `${status}: ${meaning}`
}

/**
 * The job summary, once the run has ended (`state.end`). `notes` are the run's own words; every
 * text passes through the output path (redaction first) and then HTML escaping, never the other
 * way round. The internal `status` (SEE_RUNNERS and the like) is left to the outputs: it says
 * nothing to a reader that the result does not.
 */
export function summaryModel(state: RunState, endedAt: number, safe: SafeText, notes: readonly string[] = []): SummaryModel {
  const cell = (text: string): string => escapeHtml(safe.line(text))
  const job = state.job
  const id = String(job?.id ?? state.jobId ?? '')
  const idCell = state.url ? `<a href="${cell(state.url)}">${cell(id)}</a>` : cell(id)
  const rows = [
    ['Job', 'Result', 'Branch', 'Commit', 'Duration'],
    [
      idCell,
      cell(resultText(state)),
      cell(job?.branch ?? '-'),
      job?.commit_sha ? escapeHtml(safe(job.commit_sha).slice(0, 12)) : '-',
      formatDuration(endedAt - state.startedAt)
    ]
  ]
  const paragraphs = notes.map(cell)
  const hiddenBy = state.hiddenBy
  if (hiddenBy && state.calculatedStatus) paragraphs.push(cell(eliminationNote(state.jobId, state.calculatedStatus, hiddenBy)))
  const model: SummaryModel = { heading: cell(endingTitle(state)), rows, notes: paragraphs }
  if (state.runners && state.runners.length > 0) {
    model.runners = [
      ['Runner', 'Layerfile', 'Status', 'Retried'],
      ...state.runners.map((runner) => [cell(runner.id), cell(runner.layerfile || '-'), cell(runner.status), runner.retried ? 'yes' : 'no'])
    ]
  }
  return model
}

/**
 * Runners whose failure stands, each with its Layerfile, for one annotation apiece: not those in
 * flight or succeeded, nor those retried (their retry is a runner of its own).
 */
export function failedRunners(runners: readonly Runner[]): Runner[] {
  return runners.filter((runner) => !runner.retried && !['SUCCESS', 'NEW', 'RUNNING', 'WAITING_PARENTS'].includes(runner.status))
}

const REASON_WORDS: Record<Reason, string> = {
  'bad-input': 'bad input',
  'refused-key': 'API key refused',
  'unknown-repository': 'repository not found',
  unreachable: 'LayerCI unreachable',
  'api-error': 'LayerCI error',
  'never-shown': 'never shown by the API',
  'no-such-job': 'no such job',
  hidden: 'hidden by newer jobs',
  'timed-out': 'timed out',
  'create-answer-lost': 'create answer lost',
  'outputs-lost': 'outputs not written',
  interrupted: 'interrupted'
}

/**
 * What happened, in a few words, once the run has ended (`state.end`): the job's status when it
 * passed or failed; "result unknown" or "not started" with why; "created"; "interrupted".
 */
export function endingWords(state: RunState): string {
  const why = state.reason === undefined ? '' : ` (${REASON_WORDS[state.reason]})`
  switch (state.outcome) {
    case 'passed':
    case 'failed':
      return state.calculatedStatus ?? state.outcome
    case 'result-unknown':
      return `result unknown${why}`
    case 'not-started':
      return `not started${why}`
    case 'created':
    case 'interrupted':
      return state.outcome
    default:
      return 'running'
  }
}

/**
 * The title of the run's last annotation and the summary's heading (plain text, before the output
 * path): the job and what happened to it.
 */
export function endingTitle(state: RunState): string {
  const id = state.job?.id ?? state.jobId
  return `LayerCI${id === undefined ? '' : ` job ${id}`}: ${endingWords(state)}`
}
