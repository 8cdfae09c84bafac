/**
 * What the run reports: outputs, the job summary table, the failure message. Pure functions of
 * the run's state; the entry points write them where they belong.
 */
import type { Job, Runner } from './api.js'
import { formatDuration } from './duration.js'
import type { Settings } from './settings.js'

export const OUTPUT_NAMES = ['job-id', 'job-url', 'job-uuid', 'status', 'calculated-status', 'commit-sha', 'branch', 'job'] as const
export type OutputName = (typeof OUTPUT_NAMES)[number]

/** What is known of the job at any moment; shared by the engine and the cancel handler. */
export class RunState {
  jobId: number | undefined
  job: Job | undefined
  url: string | undefined
  runners: Runner[] | undefined
  /** A create request is under way: a job may exist before its id is known. */
  creating = false
  constructor(readonly startedAt: number) {}
}

/** The dashboard URL of a job, when the API did not give one. */
export function jobPageUrl(settings: Pick<Settings, 'apiUrl' | 'owner' | 'repoName'>, id: number): string | undefined {
  if (!settings.owner) return undefined
  return `${settings.apiUrl}/jobs/github/${encodeURIComponent(settings.owner)}/${encodeURIComponent(settings.repoName)}/${id}`
}

/** The outputs known from the state; names without a value are left out. */
export function outputsOf(state: RunState): Partial<Record<OutputName, string>> {
  const out: Partial<Record<OutputName, string>> = {}
  const id = state.job?.id ?? state.jobId
  if (id !== undefined) out['job-id'] = String(id)
  if (state.url) out['job-url'] = state.url
  const job = state.job
  if (!job) return out
  if (job.uuid) out['job-uuid'] = job.uuid
  if (job.status) out.status = job.status
  out['calculated-status'] = job.calculated_status
  if (job.commit_sha) out['commit-sha'] = job.commit_sha
  if (job.branch) out.branch = job.branch
  out.job = JSON.stringify(job.raw)
  return out
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)
}

export interface SummaryModel {
  heading: string
  /** Header row first; cells are HTML, every API string escaped. */
  rows: string[][]
  runners?: string[][]
}

export function summaryModel(state: RunState, verdict: string, endedAt: number): SummaryModel {
  const job = state.job
  const id = String(job?.id ?? state.jobId ?? '')
  const idCell = state.url ? `<a href="${escapeHtml(state.url)}">${escapeHtml(id)}</a>` : escapeHtml(id)
  const rows = [
    ['Job', 'Calculated status', 'Status', 'Branch', 'Commit', 'Duration'],
    [
      idCell,
      escapeHtml(job?.calculated_status ?? 'unknown'),
      escapeHtml(job?.status || '-'),
      escapeHtml(job?.branch ?? '-'),
      escapeHtml(job?.commit_sha ? job.commit_sha.slice(0, 12) : '-'),
      formatDuration(endedAt - state.startedAt)
    ]
  ]
  const model: SummaryModel = { heading: `LayerCI job ${escapeHtml(id)}: ${escapeHtml(verdict)}`, rows }
  if (state.runners && state.runners.length > 0) {
    model.runners = [
      ['Runner', 'Layerfile', 'Status', 'Retried'],
      ...state.runners.map((runner) => [
        escapeHtml(runner.id),
        escapeHtml(runner.layerfile || '-'),
        escapeHtml(runner.status),
        runner.retried ? 'yes' : 'no'
      ])
    ]
  }
  return model
}

/** Runners that did not succeed, each with its Layerfile, for one annotation apiece. */
export function failedRunners(runners: readonly Runner[]): Runner[] {
  return runners.filter((runner) => !['SUCCESS', 'NEW', 'RUNNING', 'WAITING_PARENTS'].includes(runner.status))
}
