/**
 * Redaction: the API key travels as a query parameter, so any URL, path, error message or echo
 * of the server can carry it, in any of the forms it takes on the way: raw, URL-encoded (as
 * encodeURIComponent writes it, or as URLSearchParams puts it on the wire), JSON-escaped or
 * HTML-escaped. Everything printed passes through a redactor before it is escaped for output.
 */
import { escapeHtml } from './text.js'

export type Redactor = (text: string) => string

/** Replaced for a redacted key. */
export const REDACTED = '***'
/** Keys shorter than this are not redacted by value (they would redact ordinary words). */
export const MIN_SECRET_LENGTH = 4

const KEY_PARAMS = /([?&](?:layertoken|token)=)[^&#\s"'<>]*/gi

/** URL parsing percent-encodes some characters of a path or query and turns "\\" into "/". */
function asUrlPart(text: string, part: 'pathname' | 'search'): string {
  try {
    const url = new URL(part === 'pathname' ? `http://h/${text}` : `http://h/?${text}`)
    return url[part].slice(1)
  } catch {
    return text
  }
}

/** The encodings a key can come back in; each applies to the result of another too. */
const ENCODINGS: ReadonlyArray<(text: string) => string> = [
  (text) => encodeURIComponent(text),
  (text) => encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
  (text) => new URLSearchParams([['k', text]]).toString().slice(2),
  (text) => asUrlPart(text, 'pathname'),
  (text) => asUrlPart(text, 'search'),
  (text) => JSON.stringify(text).slice(1, -1),
  // Go's encoding/json, which LayerCI's server may use, escapes these three as well.
  (text) => JSON.stringify(text).slice(1, -1).replace(/&/g, '\\u0026').replace(/</g, '\\u003c').replace(/>/g, '\\u003e'),
  escapeHtml,
  (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
  // Go's html/template escapes "+" too, and quotes as decimal references.
  (text) =>
    escapeHtml(text)
      .replace(/&#39;/g, '&#39;')
      .replace(/&quot;/g, '&#34;')
      .replace(/\+/g, '&#43;'),
  (text) =>
    escapeHtml(text)
      .replace(/&#39;/g, '&#x27;')
      .replace(/&quot;/g, '&#34;'),
  // Host names are lower-cased by URL parsing.
  (text) => text.toLowerCase()
]

/** Every form of `secret` that the encodings above make, alone or one after another. */
export function secretForms(secret: string): string[] {
  const forms = new Set([secret])
  for (const first of ENCODINGS) {
    const once = first(secret)
    forms.add(once)
    for (const second of ENCODINGS) forms.add(second(once))
  }
  return [...forms]
}

export function makeRedactor(secrets: readonly string[]): Redactor {
  const forms = new Set<string>()
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue
    for (const form of secretForms(secret)) forms.add(form)
  }
  // Longest first, so that an encoded form is not half-replaced through a shorter one; the forms
  // before the parameter rule, which stops at characters a raw key may hold.
  const ordered = [...forms].sort((a, b) => b.length - a.length)
  return (text: string) => {
    let out = text
    for (const form of ordered) out = out.split(form).join(REDACTED)
    return out.replace(KEY_PARAMS, `$1${REDACTED}`)
  }
}
