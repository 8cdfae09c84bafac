/**
 * Text for output. Whatever came from the server (statuses, error texts, branch names, URLs, whole
 * job objects) is data: it reaches a log line, an annotation, an output, the job summary or a
 * terminal only through `makeSafeText`, which redacts the key in every form first and then
 * neutralises what a runner or a terminal would read as an instruction.
 */
import type { Redactor } from './redact.js'

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c)
}

/**
 * C0 controls (line breaks, ESC that starts ANSI and OSC sequences), DEL, C1 controls, Unicode
 * line breaks, and the invisible characters that reorder or hide text (bidi overrides and
 * isolates, zero-width characters, the byte-order mark).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/**
 * Makes text safe to print on one line: every control character is shown as an escape (`\n`,
 * `\u001b`), so no value can split a line or drive a terminal; `##[` (a runner's legacy command
 * syntax, read anywhere in a line) and a leading `::` (a workflow command) are shown escaped too.
 * The escapes are JSON's, so a JSON text stays valid JSON.
 */
export function neutralize(text: string): string {
  return text
    .replace(CONTROLS, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/##\[/g, '#\\u0023[')
    .replace(/^(\s*):/, '$1\\u003a')
}

/** How much of a text the server chose (an error answer, a proxy's page) a message quotes. */
export const SERVER_TEXT_LIMIT = 1000

/**
 * The first `limit` characters of `text`, saying how many were left out. Call it on text already
 * redacted: a key cut in two is a key the redactor no longer knows. A surrogate pair is not split.
 */
export function cut(text: string, limit = SERVER_TEXT_LIMIT): string {
  if (text.length <= limit) return text
  const end = /[\ud800-\udbff]/.test(text.charAt(limit - 1)) ? limit - 1 : limit
  return `${text.slice(0, end)}… (${text.length - end} more characters)`
}

/** Text for output, from any source: redacted, then neutralised. */
export interface SafeText {
  (text: string): string
  /** A value (a job object from the server) as JSON: its strings redacted before JSON escapes them. */
  json(value: unknown): string
  /**
   * A line for people (a log line, an annotation, a summary cell): redacted, cut to LINE_LIMIT,
   * then neutralised. Outputs and JSON are data, and are never cut.
   */
  line(text: string): string
}

/**
 * The longest line the run prints, before the note of what was left out. Its own words are far
 * shorter; the bound is for the server's texts (a 300 KB status) wherever they are quoted.
 */
export const LINE_LIMIT = 4000

/**
 * A copy of a JSON value with every string, property names included, redacted; a number that
 * shows the key (a key of digits echoed as a number) becomes the redacted string.
 */
function redactValue(value: unknown, redact: Redactor): unknown {
  if (typeof value === 'string') return redact(value)
  if (typeof value === 'number') {
    const text = String(value)
    const redacted = redact(text)
    return redacted === text ? value : redacted
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, redact))
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [redact(key), redactValue(item, redact)]))
  }
  return value
}

/** The one path to output: redact the key in every form, then neutralise. */
export function makeSafeText(redact: Redactor): SafeText {
  return Object.assign((text: string) => neutralize(redact(text)), {
    json: (value: unknown) => neutralize(JSON.stringify(redactValue(value, redact))),
    line: (text: string) => neutralize(cut(redact(text), LINE_LIMIT))
  })
}
