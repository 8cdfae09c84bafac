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

/** Where a key parameter starts: the parameter rule changes no text without one. */
const KEY_PARAM_START = '[?&](?:layertoken|token)='
const KEY_PARAMS = new RegExp(`(${KEY_PARAM_START})[^&#\\s"'<>]*`, 'gi')

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

const utf8 = new TextEncoder()

/** The UTF-8 bytes of a character as two lower-case hex digits each. */
function utf8Hex(c: string): string[] {
  return Array.from(utf8.encode(c), (byte) => byte.toString(16).padStart(2, '0'))
}

/** Percent-encoding of each UTF-8 byte, also as a percent-encoded percent sign ("%2541"). */
function percentForms(c: string): string[] {
  const bytes = utf8Hex(c)
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
  return [...analysed(secret).forms]
}

function computeForms(secret: string): string[] {
  const forms = new Set([secret])
  // Most encodings leave most keys as they are: each result is encoded again only once.
  const encodedTwice = new Set<string>()
  for (const first of ENCODINGS) {
    const once = first(secret)
    forms.add(once)
    if (encodedTwice.has(once)) continue
    encodedTwice.add(once)
    for (const second of ENCODINGS) forms.add(second(once))
  }
  // No encoding shortens a key. A shorter "form" is a URL parser's cut at a "#" or "?" that an
  // HTML reference put there ("&#39;"): only a piece of the key, which would redact other text.
  return [...forms].filter((form) => form.length >= secret.length)
}

/**
 * What a key costs to look for, worked out once per key and shared by every redactor of it (the
 * action registers the forms as masks, then builds its own redactor and the client's): the forms,
 * and the "any mix" pattern, built only when a text first needs it (compiling it costs more than
 * redacting a hundred log lines).
 */
interface Analysed {
  readonly forms: readonly string[]
  mix(): RegExp
}

/** The most recent keys analysed: a run has one or two (the key as given and trimmed). */
const analysedKeys = new Map<string, Analysed>()
const KEPT_KEYS = 8

function analysed(secret: string): Analysed {
  const known = analysedKeys.get(secret)
  if (known) return known
  let mix: RegExp | undefined
  const entry: Analysed = { forms: computeForms(secret), mix: () => (mix ??= anyMixOf(secret)) }
  analysedKeys.set(secret, entry)
  for (const old of analysedKeys.keys()) {
    if (analysedKeys.size <= KEPT_KEYS) break
    analysedKeys.delete(old)
  }
  return entry
}

/*
 * The fast path, and why it is sound. Most texts a run prints (settings, statuses, job fields,
 * URLs whose key is already redacted) hold no form of the key; for them the whole redaction (a
 * split for each form, then the "any mix" pattern) changes nothing, and one scan proves it:
 *
 * 1. Every form charForms() gives a character, other than the character itself, holds a
 *    "trigger": "%" or "%25" before the hex digits of the character's first UTF-8 byte
 *    (percent-encoded once or twice), "&#" (a decimal or hex reference), a backslash before "u"
 *    (JSON), or before the character itself when it is a quote, a backslash or a slash, one of
 *    its named references ("&lowbar;"), or "+" (for a space). The triggers are those of the
 *    key's own characters: "%2F" or "&amp;" in a text is no trigger for a key without "/" or "&".
 *    preCheck() checks (1) for each character of the key as it builds the pattern, and gives up
 *    the fast path for a key where it fails.
 * 2. A match of a key's "any mix" pattern writes each character in one of its forms. If one of
 *    them is not the character itself, the match holds a trigger (1). If all of them are, the
 *    match is the key, character by character in any letter case: the pre-check looks for the
 *    key itself with the same flag ("i") as the mix pattern.
 * 3. A whole-key form of secretForms() either holds a match of the pre-check pattern, or it is one
 *    of the few that do not (a URL parser's rewrite): those are looked for as they are.
 * 4. The pattern has no anchors, look-arounds or back-references, so what it matches inside a form
 *    it matches inside any text that holds the form; and under "i" a character matches by its
 *    case-folded value alone, so a form in another letter case (as the mix pattern allows it) is
 *    matched all the same.
 * So a text the pre-check passes holds no whole-key form (3) and no match of a mix pattern (2): no
 * split and no mix pattern changes it, and the result is the parameter rule's alone. The start of
 * a key parameter is in the same scan: a text with neither is returned as it is.
 */
function triggersOf(secret: string): string[] {
  const chars = [...new Set(secret)]
  // "%" or "%25" before the first byte of one of the key's characters, as hex digits ("%6C", "%256c").
  const bytes = new Map<string, Set<string>>()
  for (const c of chars) {
    const [high = '', low = ''] = utf8Hex(c)[0] ?? ''
    bytes.set(high, (bytes.get(high) ?? new Set()).add(low))
  }
  const percent = `%(?:25)?(?:${[...bytes].map(([high, lows]) => `${high}[${[...lows].join('')}]`).join('|')})`
  const jsonEscaped = chars.filter((c) => c === '"' || c === '\\' || c === '/').map(escapeRegExp)
  const triggers = [percent, '&#', `\\\\[u${jsonEscaped.join('')}]`]
  for (const c of chars) triggers.push(...(NAMED_ENTITIES[c] ?? []).map(escapeRegExp))
  if (secret.includes(' ')) triggers.push('\\+')
  return triggers
}

interface PreCheck {
  /** False only for a text that no mix pattern matches (2). */
  mixMayMatch(text: string): boolean
  /** False only for a text that holds no form of a key: no split and no mix pattern changes it. */
  keyMayOccur(text: string): boolean
  /** False only for a text that holds no form of a key and no key parameter: redaction changes nothing. */
  anyMayOccur(text: string): boolean
}

function preCheck(secrets: readonly string[]): PreCheck {
  const alternatives = new Set(secrets.flatMap(triggersOf))
  for (const secret of secrets) alternatives.add(escapeRegExp(secret))
  const keyPattern = new RegExp([...alternatives].join('|') || '[]', 'i')
  for (const c of new Set(secrets.flatMap((secret) => Array.from(secret)))) {
    // The argument above, checked: a form of a character that the pre-check would not see.
    if (charForms(c).some((form) => form !== c && !keyPattern.test(form))) {
      return { mixMayMatch: () => true, keyMayOccur: () => true, anyMayOccur: () => true }
    }
  }
  const unseen = [...new Set(secrets.flatMap((secret) => analysed(secret).forms))].filter((form) => !keyPattern.test(form))
  const holdsUnseen = (text: string): boolean => unseen.some((form) => text.includes(form))
  // Whatever the key pattern or the parameter rule matches, this matches too: one scan for most texts.
  const anyPattern = new RegExp([...alternatives, KEY_PARAM_START].join('|'), 'i')
  return {
    mixMayMatch: (text) => keyPattern.test(text),
    keyMayOccur: (text) => keyPattern.test(text) || holdsUnseen(text),
    anyMayOccur: (text) => anyPattern.test(text) || holdsUnseen(text)
  }
}

/** How often a redactor took each path: the tests read it (key-free text must take the fast one). */
export interface RedactionCounts {
  /** Texts proved to hold no form of the key: at most the key parameter rule ran. */
  keyFree: number
  /** Texts that went through every form. */
  full: number
  /** Of those, the texts that went through the "any mix" pattern too (a trigger was left). */
  mixed: number
}

const counts = new WeakMap<Redactor, RedactionCounts>()

/** The paths a redactor made by makeRedactor has taken so far (shared redactors share counts). */
export function redactionCounts(redact: Redactor): Readonly<RedactionCounts> | undefined {
  const found = counts.get(redact)
  return found ? { ...found } : undefined
}

/** The whole-key forms of `secrets`, longest first, and a function that replaces each in a text. */
function formReplacer(secrets: readonly string[]): (text: string) => string {
  // Longest first, so that an encoded form is not half-replaced through a shorter one; the forms
  // before the parameter rule, which stops at characters a raw key may hold.
  const ordered = [...new Set(secrets.flatMap((secret) => analysed(secret).forms))].sort((a, b) => b.length - a.length)
  return (text) => {
    let out = text
    // A text holds one form or two: looking costs less than splitting and joining.
    for (const form of ordered) if (out.includes(form)) out = out.split(form).join(REDACTED)
    return out
  }
}

const mixReplace = (secrets: readonly string[], text: string): string =>
  secrets.reduce((out, secret) => out.replace(analysed(secret).mix(), REDACTED), text)

/**
 * Every text through every form and the "any mix" pattern, then the parameter rule, without a
 * pre-check: what a redactor's result must equal. Exported for the tests, which compare the two.
 */
export function makeFullRedactor(secrets: readonly string[]): Redactor {
  const keys = secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH)
  const replaceForms = formReplacer(keys)
  return (text) => mixReplace(keys, replaceForms(text)).replace(KEY_PARAMS, `$1${REDACTED}`)
}

function buildRedactor(secrets: readonly string[]): Redactor {
  const check = preCheck([...new Set(secrets)])
  const taken: RedactionCounts = { keyFree: 0, full: 0, mixed: 0 }
  let replaceForms: ((text: string) => string) | undefined
  const redact: Redactor = (text: string) => {
    if (!check.anyMayOccur(text)) {
      taken.keyFree++
      return text
    }
    let out = text
    if (check.keyMayOccur(text)) {
      taken.full++
      replaceForms ??= formReplacer(secrets)
      out = replaceForms(text)
      // Once the whole-key forms are replaced, most texts are left without a trigger (a URL that
      // held the key): then no mix pattern can match either, and none is compiled or run.
      if (check.mixMayMatch(out)) {
        taken.mixed++
        out = mixReplace(secrets, out)
      }
    } else {
      taken.keyFree++
    }
    return out.replace(KEY_PARAMS, `$1${REDACTED}`)
  }
  counts.set(redact, taken)
  return redact
}

/** The most recent redactors, by the keys they redact: one per run is enough, however many ask. */
const redactors = new Map<string, Redactor>()
const KEPT_REDACTORS = 4

export function makeRedactor(secrets: readonly string[]): Redactor {
  // The keys in their order, repeats kept: a redactor applies each key's pattern in turn.
  const keys = secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH)
  const id = JSON.stringify(keys)
  const known = redactors.get(id)
  if (known) return known
  const redact = buildRedactor(keys)
  redactors.set(id, redact)
  for (const old of redactors.keys()) {
    if (redactors.size <= KEPT_REDACTORS) break
    redactors.delete(old)
  }
  return redact
}
