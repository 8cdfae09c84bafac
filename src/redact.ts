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
  (text) => text.toLowerCase(),
  // Other encoders: encodeURI; Python's quote(), which keeps "/"; Go's url.PathEscape, which keeps
  // "$", "&", "+", ":", "=", "@". Both escape all else but letters, digits and "-_.~".
  (text) => encodeURI(text),
  // HTML5 named references, as PHP's htmlentities(ENT_HTML5) writes them.
  (text) => Array.from(text, (c) => NAMED_ENTITIES[c]?.[0] ?? c).join(''),
  (text) => strictPercent(text).replace(/%2F/g, '/'),
  (text) => strictPercent(text).replace(/%(24|26|2B|3A|3D|40)/g, (hex) => decodeURIComponent(hex))
]

/** Percent-encoding of everything but letters, digits and "-_.~" (encodeURIComponent keeps "!'()*" too). */
function strictPercent(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** Percent-encoding of each UTF-8 byte, also as a percent-encoded percent sign ("%2541"). */
function percentForms(c: string): string[] {
  const bytes = [...new TextEncoder().encode(c)].map((byte) => byte.toString(16).padStart(2, '0'))
  return [bytes.map((hex) => `%${hex}`).join(''), bytes.map((hex) => `%25${hex}`).join('')]
}

/**
 * The named references of HTML5 for the characters a key may hold (PHP's htmlentities() with
 * ENT_HTML5 writes "." as "&period;" and "+" as "&plus;"); the first name of each is the one used
 * for a whole-key form.
 */
const NAMED_ENTITIES: Readonly<Record<string, readonly string[]>> = {
  '!': ['&excl;'],
  '"': ['&quot;'],
  '#': ['&num;'],
  $: ['&dollar;'],
  '%': ['&percnt;'],
  '&': ['&amp;'],
  "'": ['&apos;'],
  '(': ['&lpar;'],
  ')': ['&rpar;'],
  '*': ['&ast;', '&midast;'],
  '+': ['&plus;'],
  ',': ['&comma;'],
  '.': ['&period;'],
  '/': ['&sol;'],
  ':': ['&colon;'],
  ';': ['&semi;'],
  '<': ['&lt;'],
  '=': ['&equals;'],
  '>': ['&gt;'],
  '?': ['&quest;'],
  '@': ['&commat;'],
  '[': ['&lsqb;', '&lbrack;'],
  '\\': ['&bsol;'],
  ']': ['&rsqb;', '&rbrack;'],
  '^': ['&Hat;'],
  _: ['&lowbar;', '&UnderBar;'],
  '`': ['&grave;', '&DiacriticalGrave;'],
  '{': ['&lcub;', '&lbrace;'],
  '|': ['&verbar;', '&vert;', '&VerticalLine;'],
  '}': ['&rcub;', '&rbrace;'],
  '\t': ['&Tab;'],
  '\n': ['&NewLine;'],
  '\u00a0': ['&nbsp;', '&NonBreakingSpace;']
}

/**
 * Every way one character can be written by the encoders a server or a proxy may apply: itself,
 * percent-encoded (any encoder that escapes more or fewer characters, "+" for a space), as a
 * decimal or hexadecimal HTML reference or a named one, as a JSON escape ("\u0041", "\"", "\/").
 */
function charForms(c: string): string[] {
  const code = c.codePointAt(0) ?? 0
  // JSON escapes a character outside the BMP as two UTF-16 code units.
  const units = Array.from({ length: c.length }, (_, i) => c.charCodeAt(i))
  const forms = [
    c,
    ...percentForms(c),
    `&#${code};`,
    `&#x${code.toString(16)};`,
    units.map((unit) => `\\u${unit.toString(16).padStart(4, '0')}`).join('')
  ]
  const named = NAMED_ENTITIES[c]
  if (named !== undefined) forms.push(...named)
  if (c === ' ') forms.push('+')
  if (c === '"' || c === '\\' || c === '/') forms.push(`\\${c}`)
  return forms
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * A pattern for the key written with each character in any of its forms, mixed as any encoder
 * mixes them (Python's quote() keeps "/", Go's PathEscape keeps "+" and "=", encodeURI keeps
 * both), in any letter case (hex digits, a lower-cased host name).
 */
function anyMixOf(secret: string): RegExp {
  const parts = Array.from(secret).map((c) => `(?:${charForms(c).map(escapeRegExp).join('|')})`)
  return new RegExp(parts.join(''), 'gi')
}

/** Every form of `secret` that the encodings above make, alone or one after another. */
export function secretForms(secret: string): string[] {
  const forms = new Set([secret])
  for (const first of ENCODINGS) {
    const once = first(secret)
    forms.add(once)
    for (const second of ENCODINGS) forms.add(second(once))
  }
  // No encoding shortens a key. A shorter "form" is a URL parser's cut at a "#" or "?" that an
  // HTML reference put there ("&#39;"): only a piece of the key, which would redact other text.
  return [...forms].filter((form) => form.length >= secret.length)
}

export function makeRedactor(secrets: readonly string[]): Redactor {
  const forms = new Set<string>()
  const mixes: RegExp[] = []
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue
    for (const form of secretForms(secret)) forms.add(form)
    mixes.push(anyMixOf(secret))
  }
  // Longest first, so that an encoded form is not half-replaced through a shorter one; the forms
  // before the parameter rule, which stops at characters a raw key may hold.
  const ordered = [...forms].sort((a, b) => b.length - a.length)
  return (text: string) => {
    let out = text
    for (const form of ordered) out = out.split(form).join(REDACTED)
    for (const mix of mixes) out = out.replace(mix, REDACTED)
    return out.replace(KEY_PARAMS, `$1${REDACTED}`)
  }
}
