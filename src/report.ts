/**
 * What the run reports: outputs, the job summary table, the failure message. Pure functions of
 * the run's state; the entry points write them where they belong.
 */
import type { Job, Runner } from './api.js'
import { formatDuration } from './duration.js'
import type { Settings } from './settings.js'
import { escapeHtml, type SafeText } from './text.js'

export const OUTPUT_NAMES = ['job-id', 'job-url', 'job-uuid', 'status', 'calculated-status', 'commit-sha', 'branch', 'job'] as const
export type OutputName = (typeof OUTPUT_NAMES)[number]

/** What is known of the job at any moment; shared by the engine and the cancel handler. */
export class RunState {
  jobId: number | undefined
  /** The job as last seen. */
  job: Job | undefined
  /** Its calculated status as known: read from the job, or established by elimination. */
  calculatedStatus: string | undefined
  /** The newer jobs that hid it, when its status was established by elimination. */
  hiddenBy: Job[] | undefined
  url: string | undefined
  runners: Runner[] | undefined
  /** A create request is under way: a job may exist before its id is known. */
  creating = false
  constructor(readonly startedAt: number) {}

  /** Records the job as the API showed it. */
  see(job: Job): void {
    this.job = job
    this.jobId = job.id
    this.calculatedStatus = job.calculated_status
  }
}

/** The dashboard URL of a job, when the API did not give one. */
export function jobPageUrl(settings: Pick<Settings, 'apiUrl' | 'owner' | 'repoName'>, id: number): string | undefined {
  if (!settings.owner) return undefined
  return `${settings.apiUrl}/jobs/github/${encodeURIComponent(settings.owner)}/${encodeURIComponent(settings.repoName)}/${id}`
}

/** The outputs known from the state, each through the output path; names without a value are left out. */
export function outputsOf(state: RunState, safe: SafeText): Partial<Record<OutputName, string>> {
  const out: Partial<Record<OutputName, string>> = {}
  const id = state.job?.id ?? state.jobId
  if (id !== undefined) out['job-id'] = safe(String(id))
  if (state.url) out['job-url'] = safe(state.url)
  const job = state.job
  const calculated = state.calculatedStatus ?? job?.calculated_status
  if (calculated) out['calculated-status'] = safe(calculated)
  if (!job) return out
  if (job.uuid) out['job-uuid'] = safe(job.uuid)
  if (job.status) out.status = safe(job.status)
  if (job.commit_sha) out['commit-sha'] = safe(job.commit_sha)
  if (job.branch) out.branch = safe(job.branch)
  out.job = safe.json(job.raw)
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

/**
 * The job summary. `verdict` and `notes` are the run's own words; every text passes through the
 * output path (redaction first) and then HTML escaping, never the other way round.
 */
export function summaryModel(
  state: RunState,
  verdict: string,
  endedAt: number,
  safe: SafeText,
  notes: readonly string[] = []
): SummaryModel {
  const cell = (text: string): string => escapeHtml(safe(text))
  const job = state.job
  const id = String(job?.id ?? state.jobId ?? '')
  const idCell = state.url ? `<a href="${cell(state.url)}">${cell(id)}</a>` : cell(id)
  const rows = [
    ['Job', 'Calculated status', 'Status', 'Branch', 'Commit', 'Duration'],
    [
      idCell,
      cell(state.calculatedStatus ?? job?.calculated_status ?? 'unknown'),
      cell(job?.status || '-'),
      cell(job?.branch ?? '-'),
      job?.commit_sha ? escapeHtml(safe(job.commit_sha).slice(0, 12)) : '-',
      formatDuration(endedAt - state.startedAt)
    ]
  ]
  const paragraphs = notes.map(cell)
  if (state.hiddenBy && state.calculatedStatus) {
    paragraphs.push(cell(eliminationNote(state.jobId, state.calculatedStatus, state.hiddenBy)))
  }
  const model: SummaryModel = { heading: `LayerCI job ${cell(id)}: ${cell(verdict)}`, rows, notes: paragraphs }
  if (state.runners && state.runners.length > 0) {
    model.runners = [
      ['Runner', 'Layerfile', 'Status', 'Retried'],
      ...state.runners.map((runner) => [cell(runner.id), cell(runner.layerfile || '-'), cell(runner.status), runner.retried ? 'yes' : 'no'])
    ]
  }
  return model
}

/** Runners that did not succeed, each with its Layerfile, for one annotation apiece. */
export function failedRunners(runners: readonly Runner[]): Runner[] {
  return runners.filter((runner) => !['SUCCESS', 'NEW', 'RUNNING', 'WAITING_PARENTS'].includes(runner.status))
}
