/**
 * The shapes of the LayerCI API's answers, parsed defensively: anything that is not the API's
 * JSON is reported as such (a proxy's HTML page, a truncated body), never thrown.
 */

export interface Job {
  id: number
  calculated_status: string
  status: string
  uuid?: string
  commit_sha?: string
  branch?: string
  status_change_time?: string
  repository_name?: string
  /** Why the job was started, e.g. "Manual run created by API" or "Commit pushed to GitHub". */
  run_start_reason?: string
  /** The object as the API sent it, for the `job` output. */
  raw: Record<string, unknown>
}

export interface Runner {
  id: string
  layerfile: string
  status: string
  retried: boolean
}

export type Answer = { status: 'ok'; job?: Job; url?: string; runners?: Runner[] } | { status: 'error'; error: string }

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string }

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function optionalString(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key]
  return typeof value === 'string' && value !== '' ? value : undefined
}

const UUID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/

/**
 * A link from the server is used only when it is what it claims: an http(s) URL. It is kept as
 * the server wrote it (the output path neutralises it): a URL parser's normalised form could
 * carry the key in a form the redactor was not told of.
 */
function httpUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  try {
    const url = new URL(text)
    return url.protocol === 'https:' || url.protocol === 'http:' ? text.trim() : undefined
  } catch {
    return undefined
  }
}

/** No job object is nested this deep; deeper JSON is not the API's, and would overflow printing it. */
const MAX_DEPTH = 64

function deeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]]
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [item, depth] = entry
    if (typeof item !== 'object' || item === null) continue
    if (depth >= limit) return true
    for (const child of Object.values(item)) stack.push([child, depth + 1])
  }
  return false
}

export function parseJob(value: unknown): Parsed<Job> {
  if (!isRecord(value)) return { ok: false, reason: 'a job that is not an object' }
  const rawId = value.id
  const id = typeof rawId === 'number' ? rawId : typeof rawId === 'string' && /^\d+$/.test(rawId) ? Number(rawId) : NaN
  if (!Number.isSafeInteger(id) || id < 0) return { ok: false, reason: 'a job without a numeric id' }
  if (typeof value.calculated_status !== 'string') return { ok: false, reason: 'a job without a calculated_status' }
  const job: Job = {
    id,
    calculated_status: value.calculated_status,
    status: typeof value.status === 'string' ? value.status : '',
    raw: value
  }
  for (const key of ['commit_sha', 'branch', 'status_change_time', 'repository_name', 'run_start_reason'] as const) {
    const text = optionalString(value, key)
    if (text !== undefined) job[key] = text
  }
  // The uuid goes into a request path: only a plain token can be used, never "..", "/" or "%2F".
  const uuid = optionalString(value, 'uuid')
  if (uuid !== undefined && UUID.test(uuid)) job.uuid = uuid
  return { ok: true, value: job }
}

function parseRunner(value: unknown): Runner | undefined {
  if (!isRecord(value)) return undefined
  const id = typeof value.id === 'string' ? value.id : typeof value.id === 'number' ? String(value.id) : undefined
  if (id === undefined) return undefined
  return {
    id,
    layerfile: optionalString(value, 'layerfile_relative_path') ?? '',
    status: optionalString(value, 'status') ?? 'UNKNOWN',
    retried: value.was_retried === true
  }
}

/** Parses a response body. Never throws. */
export function parseAnswer(body: string): Parsed<Answer> {
  let value: unknown
  try {
    value = JSON.parse(body.replace(/^\uFEFF/, ''))
  } catch {
    const start = body.trimStart().slice(0, 1)
    return {
      ok: false,
      reason: start === '<' ? 'an HTML page, not the API' : body.trim() === '' ? 'an empty body' : 'a body that is not JSON'
    }
  }
  if (!isRecord(value)) return { ok: false, reason: 'JSON that is not an API answer' }
  if (deeperThan(value, MAX_DEPTH)) return { ok: false, reason: `JSON nested deeper than ${MAX_DEPTH} levels` }
  if (value.status === 'error') {
    const error = typeof value.error === 'string' && value.error.trim() !== '' ? value.error.trim() : 'no explanation given'
    return { ok: true, value: { status: 'error', error } }
  }
  if (value.status !== 'ok') return { ok: false, reason: 'JSON without "status": "ok" or "error"' }
  const answer: Answer = { status: 'ok' }
  if (value.job !== undefined && value.job !== null) {
    const job = parseJob(value.job)
    if (!job.ok) return { ok: false, reason: job.reason }
    answer.job = job.value
  }
  const url = httpUrl(optionalString(value, 'url'))
  if (url !== undefined) answer.url = url
  if (Array.isArray(value.runners)) {
    answer.runners = value.runners.map(parseRunner).filter((runner): runner is Runner => runner !== undefined)
  }
  return { ok: true, value: answer }
}

export type ErrorKind = 'refused' | 'no-match' | 'unknown-repository' | 'other'

/** The documented "no match" answer of the later API: "There are no runs in ORG/REPO matching the given filters." */
const DOCUMENTED_NO_MATCH = /^There are no (?:runs|jobs) in \S+ matching the given filters\.?$/i

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * What an `"status": "error"` text means. The API documents no error codes, only texts, so
 * this reads them: a refused key, "no job matches", an unknown repository, or something else.
 * `names` (the repository, its owner) are taken out first: a repository called "token-service"
 * does not make "no runs in acme/token-service" a refused key.
 */
export function classifyErrorText(original: string, names: readonly string[] = []): ErrorKind {
  if (DOCUMENTED_NO_MATCH.test(original.trim())) return 'no-match'
  let text = original
  for (const name of names) if (name !== '') text = text.replace(new RegExp(escapeRegExp(name), 'gi'), 'REPO')
  if (
    /\b(api[ _-]?key|layertoken|token|unauthori[sz]ed|unauthenticated|forbidden|permission|credentials?|authenticat\w*|access denied)\b/i.test(
      text
    )
  ) {
    return 'refused'
  }
  if (
    /\bno\s+(ci\s+)?(jobs?|runs?|matching|matches|results?)\b|\bnothing\s+(found|matche[sd])|\bmatching the given filters\b|\b(jobs?|runs?)\s+(was\s+|were\s+)?not\s+found\b/i.test(
      text
    )
  ) {
    return 'no-match'
  }
  if (
    /\brepo(sitory)?\b[^.]*\b(not found|unknown|does ?n[o']t exist|no such)\b|\b(unknown|no such|invalid)\s+repo(sitory)?\b/i.test(text)
  ) {
    return 'unknown-repository'
  }
  if (/\bnot found\b/i.test(text)) return 'no-match'
  return 'other'
}
