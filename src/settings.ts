/**
 * Settings: every input of the action (and flag of the CLI), validated and typed in one place,
 * before any request is sent. Each error names the input and what it accepts.
 */
import { InputError } from './errors.js'
import { formatDuration, parseDuration } from './duration.js'
import { MIN_SECRET_LENGTH } from './redact.js'
import { FINISHED, isInFlight } from './status.js'

export type Flavor = 'layerci' | 'webappio'

/** The names of the action's inputs; the CLI's flags carry the same names. */
export const INPUT_NAMES = [
  'token',
  'repository',
  'ref',
  'branch',
  'checkpoint',
  'accept-buttons',
  'wait',
  'job-id',
  'succeed-on',
  'timeout',
  'poll-interval',
  'api-url',
  'api-flavor',
  'extra'
] as const
export type InputName = (typeof INPUT_NAMES)[number]
/** Inputs as read: strings, empty where not given. */
export type RawInputs = Partial<Record<InputName, string>>

/** Where `ref` and `branch` come from when the inputs leave them empty. */
export interface SourceDefaults {
  ref?: string
  branch?: string
  /** Says where the defaults came from, for the log: "pull_request head", "git checkout". */
  origin: string
  /** Where `ref` came from, when it differs from `origin`'s wording for both. */
  refOrigin?: string
  /** Where `branch` came from, when it differs from `origin`'s wording for both. */
  branchOrigin?: string
  /** Why no branch is sent although the source knows of one (a tag, a fork's pull request). */
  branchNote?: string
}

export interface Settings {
  /** The API key. Never logged. */
  token: string
  /** `owner` of `owner/name`, when given: used to build job URLs. */
  owner?: string
  /** The repository name as LayerCI knows it: one path segment of the API. */
  repoName: string
  ref?: string
  branch?: string
  checkpoint?: string
  acceptButtons: boolean
  wait: boolean
  /** Wait for this existing job instead of creating one. */
  jobId?: number
  timeoutMs: number
  pollIntervalMs: number
  /** Base URL without a trailing slash; may carry a path prefix. */
  apiUrl: string
  flavor: Flavor
  /** Set when `flavor` was chosen by `auto`: a hint for messages about a refused key or path. */
  flavorHint?: string
  extra?: string
  /** The calculated statuses that pass the step. */
  succeedOn: string[]
  /** What the log says about the inputs before anything is sent: defaults used, inputs worth a notice. */
  notes: Note[]
}

export interface Note {
  level: 'info' | 'notice' | 'warning'
  text: string
}

export const DEFAULT_SUCCEED_ON: readonly string[] = ['SUCCEEDED']

/** How messages name inputs: the action's input names, or the CLI's flags. */
export interface Vocabulary {
  /** An input as messages refer to it: `"poll-interval"`, or `--poll-interval`. */
  name(input: InputName): string
  /** The start of a message about an input: `Input "poll-interval"`, or `--poll-interval`. */
  subject(input: InputName): string
  /** An input given a value: `"wait: false"`, or `--no-wait`. */
  setting(input: InputName, value: string): string
}

export const ACTION_WORDS: Vocabulary = {
  name: (input) => `"${input}"`,
  subject: (input) => `Input "${input}"`,
  setting: (input, value) => `"${input}: ${value}"`
}

/** How to go on with a job whose run ended without its result: the same wait, in a new run. */
export function resumeHint(id: number, words: Vocabulary): string {
  return `${words.setting('job-id', String(id))} waits for the same job.`
}

export const DEFAULT_API_URL = 'https://layerci.com'
export const MIN_POLL_INTERVAL_MS = 1000

/** One part of a repository path: GitHub's owners and names, GitLab's groups, subgroups and projects. */
const PART = /^(?!\.{1,2}$)[A-Za-z0-9._][A-Za-z0-9._-]{0,99}$/
// Characters git forbids in ref names, plus white space and control characters.
const BAD_REF_CHARS = /[\s\p{Cc}~^:?*[\\]/u

/** A problem with one input; parseSettings names the input as the entry point does. */
class InputIssue extends Error {
  constructor(
    readonly input: InputName,
    message: string
  ) {
    super(message)
  }
}

function fail(input: InputName, message: string): never {
  throw new InputIssue(input, message)
}

function worded(words: Vocabulary, issue: InputIssue): InputError {
  return new InputError(`${words.subject(issue.input)} ${issue.message}`)
}

function text(raw: RawInputs, name: InputName): string {
  return (raw[name] ?? '').trim()
}

export function parseBoolean(name: InputName, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  return fail(name, `must be true or false, not "${value}"`)
}

/**
 * `owner/name`, `name`, or a GitLab path `group/subgroup/name`: the API path uses the name (the
 * last part), job URLs the owner (the rest).
 */
function parseRepository(value: string): { owner?: string; repoName: string } {
  const accepted =
    'owner/name or name (GitLab: group/subgroup/name), each part of letters, digits, "-", "_" and ".", up to 100 characters, not starting with "-" and not "." or ".." (e.g. octo-org/web-app)'
  if (value === '') fail('repository', `is required: ${accepted}`)
  const parts = value.split('/')
  for (const [index, part] of parts.entries()) {
    if (!PART.test(part)) fail('repository', `has an invalid ${index === parts.length - 1 ? 'name' : 'owner'} "${part}"; use ${accepted}`)
  }
  const repoName = parts.pop() ?? ''
  return parts.length > 0 ? { owner: parts.join('/'), repoName } : { repoName }
}

function checkRefLike(name: InputName, value: string, what: string): string {
  if (value.length > 255) fail(name, `is longer than 255 characters; it must be ${what}`)
  if (BAD_REF_CHARS.test(value) || value.includes('..') || value.startsWith('-') || value.endsWith('/')) {
    fail(name, `"${value}" is not ${what} (no spaces, "..", "~^:?*[\\", leading "-" or trailing "/")`)
  }
  return value
}

function parseApiUrl(value: string, words: Vocabulary): string {
  const accepted = 'an http(s) base URL such as https://layerci.com (a path prefix is allowed)'
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return fail('api-url', `"${value}" is not a URL; use ${accepted}`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('api-url', `must use http or https; use ${accepted}`)
  if (url.username || url.password) fail('api-url', `must not carry a user name or password; pass the key as ${words.name('token')}`)
  if (url.search || url.hash) fail('api-url', `must not carry a query or fragment; use ${accepted}`)
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

/** `auto` picks `webappio` for webapp.io and its subdomains, `layerci` for anything else. */
export function resolveFlavor(value: string, apiUrl: string): Flavor {
  return chooseFlavor(value, apiUrl).flavor
}

function chooseFlavor(value: string, apiUrl: string): { flavor: Flavor; auto: boolean } {
  const choice = value === '' ? 'auto' : value.toLowerCase()
  if (choice === 'layerci' || choice === 'webappio') return { flavor: choice, auto: false }
  if (choice !== 'auto') fail('api-flavor', `must be auto, layerci or webappio, not "${value}"`)
  // A fully qualified name may end with a dot ("webapp.io.").
  const host = new URL(apiUrl).hostname.toLowerCase().replace(/\.$/, '')
  return { flavor: host === 'webapp.io' || host.endsWith('.webapp.io') ? 'webappio' : 'layerci', auto: true }
}

/** The statuses that pass: documented finished statuses, by commas or newlines, any case. */
function parseSucceedOn(value: string): string[] {
  const accepted = `the calculated statuses a finished job can have, separated by commas or newlines: ${FINISHED.join(', ')}`
  const given = value
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
  if (given.length === 0) return [...DEFAULT_SUCCEED_ON]
  const statuses = given.map((item) => item.toUpperCase())
  for (const item of given) {
    const status = item.toUpperCase()
    if (isInFlight(status)) fail('succeed-on', `cannot list ${status}: the wait ends only when the job is done. Use ${accepted}`)
    // Quoted as given: "Sucess" is easier to find in a workflow than "SUCESS".
    if (!(FINISHED as readonly string[]).includes(status)) fail('succeed-on', `"${item}" is not a documented status. Use ${accepted}`)
  }
  return [...new Set(statuses)]
}

function parseDurationInput(name: InputName, value: string, fallback: string, minimumMs: number): number {
  const parsed = parseDuration(value === '' ? fallback : value)
  if (!parsed.ok) return fail(name, parsed.error)
  if (parsed.ms < minimumMs) fail(name, `must be at least ${minimumMs / 1000}s, not "${value}"`)
  return parsed.ms
}

/**
 * Validates raw inputs. `defaults` is called only when `ref` or `branch` is left empty and a job
 * is to be created.
 */
export function parseSettings(raw: RawInputs, defaults: () => SourceDefaults, words: Vocabulary = ACTION_WORDS): Settings {
  try {
    return parse(raw, defaults, words)
  } catch (error) {
    throw error instanceof InputIssue ? worded(words, error) : error
  }
}

function parse(raw: RawInputs, defaults: () => SourceDefaults, words: Vocabulary): Settings {
  const token = raw.token ?? ''
  if (token.trim() === '') fail('token', 'is required: the LayerCI API key, e.g. token: ${{ secrets.LAYERCI_TOKEN }}')
  if (/[\s\p{Cc}]/u.test(token.trim())) {
    fail('token', 'contains white space or control characters; check the secret holds only the API key')
  }
  // A key this short could not be told from ordinary words, so it could not be kept out of the log.
  // A key is plain ASCII. Any other character has encodings (UTF-8 bytes read as Latin-1, Unicode
  // normalisation, Latin-1 percent escapes) that no redaction could list: refused, never echoed.
  if (/[^\x21-\x7e]/.test(token.trim())) {
    fail(
      'token',
      'contains a character that is not printable ASCII; a LayerCI API key is plain ASCII: check the secret holds only the API key'
    )
  }
  if (token.trim().length < MIN_SECRET_LENGTH) fail('token', `is shorter than ${MIN_SECRET_LENGTH} characters: it is not a LayerCI API key`)
  const { owner, repoName } = parseRepository(text(raw, 'repository'))
  const apiUrl = parseApiUrl(text(raw, 'api-url') || DEFAULT_API_URL, words)
  const { flavor, auto } = chooseFlavor(text(raw, 'api-flavor'), apiUrl)
  const wait = parseBoolean('wait', text(raw, 'wait'), true)
  const acceptButtons = parseBoolean('accept-buttons', text(raw, 'accept-buttons'), false)
  const timeoutMs = parseDurationInput('timeout', text(raw, 'timeout'), '60m', 1000)
  const pollIntervalMs = parseDurationInput('poll-interval', text(raw, 'poll-interval'), '10s', MIN_POLL_INTERVAL_MS)
  const succeedOn = parseSucceedOn(raw['succeed-on'] ?? '')
  const notes: Note[] = []
  if (pollIntervalMs >= timeoutMs) {
    notes.push({
      level: 'warning',
      text: `${words.name('poll-interval')} (${formatDuration(pollIntervalMs)}) is not shorter than ${words.name('timeout')} (${formatDuration(timeoutMs)}): the job is polled once more just before the timeout, however long the interval.`
    })
  }
  if (succeedOn.join() !== DEFAULT_SUCCEED_ON.join()) {
    notes.push({ level: 'info', text: `The step passes when the job ends ${succeedOn.join(' or ')} (${words.name('succeed-on')}).` })
  }

  const jobIdText = text(raw, 'job-id')
  let jobId: number | undefined
  if (jobIdText !== '') {
    if (!/^[1-9]\d{0,14}$/.test(jobIdText)) fail('job-id', `must be a positive whole number (a LayerCI job id), not "${jobIdText}"`)
    jobId = Number(jobIdText)
    if (!wait) fail('job-id', `cannot be used with ${words.setting('wait', 'false')}: an existing job can only be waited for`)
  }

  const checkpoint = text(raw, 'checkpoint')
  if (checkpoint !== '' && !/^[^\s\p{Cc}]{1,128}$/u.test(checkpoint)) {
    fail('checkpoint', `"${checkpoint}" is not a CHECKPOINT name (up to 128 characters, no spaces)`)
  }
  // Trimmed, as the action's inputs are: one rule for the action and the CLI.
  const extra = text(raw, 'extra')
  if (extra.length > 65536) fail('extra', 'is longer than 64 KiB')

  let ref = text(raw, 'ref')
  let branch = text(raw, 'branch')
  if (branch.startsWith('refs/heads/') && branch.length > 'refs/heads/'.length) {
    const name = branch.slice('refs/heads/'.length)
    notes.push({ level: 'notice', text: `${words.name('branch')} "${branch}" is a full ref: LayerCI is sent the branch name "${name}".` })
    branch = name
  }
  if (jobId !== undefined && branch === '') {
    // Where a job id is waited for, a branch only narrows the queries (tried, and trusted once the
    // job was read through it): the event's, where the job of an earlier step was likely created.
    const found = defaults()
    if (found.branch) {
      branch = found.branch
      notes.push({ level: 'info', text: `job ${jobId} is looked for on branch ${branch} first (${found.branchOrigin ?? found.origin})` })
    }
  }
  if (jobId === undefined && (ref === '' || branch === '')) {
    const found = defaults()
    if (ref === '' && found.ref) {
      ref = found.ref
      notes.push({ level: 'info', text: `ref defaults to ${ref} (${found.refOrigin ?? found.origin})` })
    }
    if (branch === '' && found.branch) {
      branch = found.branch
      notes.push({ level: 'info', text: `branch defaults to ${branch} (${found.branchOrigin ?? found.origin})` })
    }
    if (branch === '' && found.branchNote) notes.push({ level: 'notice', text: found.branchNote })
    if (ref === '' && branch === '') {
      notes.push({
        level: 'notice',
        text: `No ${words.name('ref')} or ${words.name('branch')} was given, and ${found.origin} gave none: LayerCI builds its own default, origin/master on the master branch.`
      })
    }
  }
  // An empty value passes these checks: it is not sent.
  checkRefLike('ref', ref, 'a commit SHA or ref')
  checkRefLike('branch', branch, 'a branch name')

  const settings: Settings = {
    token: token.trim(),
    repoName,
    acceptButtons,
    wait,
    timeoutMs,
    pollIntervalMs,
    apiUrl,
    flavor,
    succeedOn,
    notes
  }
  if (auto) {
    const other = flavor === 'layerci' ? 'webappio' : 'layerci'
    settings.flavorHint = `${words.name('api-flavor')} is auto, which chose ${flavor} for ${new URL(apiUrl).host}: if this server speaks the ${other} API, set ${words.setting('api-flavor', other)}.`
  }
  if (owner !== undefined) settings.owner = owner
  if (ref !== '') settings.ref = ref
  if (branch !== '') settings.branch = branch
  if (checkpoint !== '') settings.checkpoint = checkpoint
  if (extra !== '') settings.extra = extra
  if (jobId !== undefined) settings.jobId = jobId
  return settings
}

/** Each field for a debug line, the key shown only as its length. */
export function describeSettings(settings: Settings): string[] {
  return Object.entries(settings)
    .filter(([key]) => key !== 'notes' && key !== 'flavorHint')
    .map(([key, value]) => (key === 'token' ? `token: (${String(value).length} characters, masked)` : `${key}: ${JSON.stringify(value)}`))
}
