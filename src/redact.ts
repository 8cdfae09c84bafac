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
 * Samples of the ways one character can be written by the encoders a server or a proxy may apply:
 * itself, percent-encoded (once, twice, three times; "+" or "%2B" for a space), as a decimal or
 * hexadecimal HTML reference (with leading zeros, without the ";") or a named one, as a JSON escape
 * ("\u0041", "\"", "\/"). The decoder below reads all of these and more; the pre-check checks
 * that each of these samples holds a trigger.
 */
function charForms(c: string): string[] {
  const code = c.codePointAt(0) ?? 0
  // JSON escapes a character outside the BMP as two UTF-16 code units.
  const units = Array.from({ length: c.length }, (_, i) => c.charCodeAt(i))
  const bytes = utf8Hex(c)
  const forms = [
    c,
    ...percentForms(c),
    bytes.map((hex) => `%2525${hex}`).join(''),
    `&#${code};`,
    `&#${code}`,
    `&#000${code};`,
    `&#x${code.toString(16)};`,
    `&#X00${code.toString(16).toUpperCase()}`,
    units.map((unit) => `\\u${unit.toString(16).padStart(4, '0')}`).join('')
  ]
  const named = NAMED_ENTITIES[c]
  if (named !== undefined) forms.push(...named, ...named.map((name) => name.slice(0, -1)))
  if (c === ' ') forms.push('+', '%2B', '%252b')
  if (c === '"' || c === '\\' || c === '/') forms.push(`\\${c}`)
  return forms
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * A text, decoded: each UTF-16 code unit of `text` comes from the span `start[i]`–`end[i]` of the
 * original text (a unit of a reference or an escape from the whole reference).
 */
interface Decoded {
  readonly text: string
  readonly start: readonly number[]
  readonly end: readonly number[]
}

/** Named references by name (lower-cased: "&AMP;" and "&amp;" alike), longest first in the pattern. */
const BY_NAME = new Map(
  Object.entries(NAMED_ENTITIES).flatMap(([c, names]) => names.map((name) => [name.slice(1, -1).toLowerCase(), c] as const))
)

/**
 * What decoders read as one character: a percent-encoded byte, a decimal or hexadecimal HTML
 * reference (leading zeros, the ";" left out, as HTML parsers accept them), a named reference of
 * the table above (with or without its ";"), a JSON escape. A "+" (a form-encoded space) is not
 * decoded: a key's space is looked for as " " or "+" (an encoder that writes a space as "+" may
 * keep a "+" of the key as it is).
 */
const TOKEN = new RegExp(
  `%([0-9a-f]{2})|&#(?:x0*([0-9a-f]{1,6})(?![0-9a-f])|0*([0-9]{1,7})(?![0-9]));?|&(${[...BY_NAME.keys()]
    .sort((a, b) => b.length - a.length)
    .join('|')});?|\\\\u([0-9a-f]{4})|\\\\(["\\\\/])`,
  'gi'
)

/** The continuation bytes of a UTF-8 sequence that starts with `lead`, or -1 when it starts none. */
function continuationBytes(lead: number): number {
  if (lead < 0x80) return 0
  if (lead >= 0xc2 && lead < 0xe0) return 1
  if (lead >= 0xe0 && lead < 0xf0) return 2
  if (lead >= 0xf0 && lead < 0xf5) return 3
  return -1
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true })

/**
 * Percent-encoded bytes from `at` in `text`: one character's UTF-8 sequence, as the character and
 * the length of its encoding, or undefined when the bytes there are not one valid sequence.
 */
function percentChar(text: string, at: number): { char: string; length: number } | undefined {
  const byte = (i: number): number => {
    const hex = text.slice(at + i * 3, at + i * 3 + 3)
    return /^%[0-9a-f]{2}$/i.test(hex) ? parseInt(hex.slice(1), 16) : -1
  }
  const lead = byte(0)
  const more = continuationBytes(lead)
  if (more < 0) return undefined
  const bytes = [lead]
  for (let i = 1; i <= more; i++) bytes.push(byte(i))
  if (bytes.some((value) => value < 0)) return undefined
  try {
    return { char: utf8Strict.decode(new Uint8Array(bytes)), length: bytes.length * 3 }
  } catch {
    return undefined
  }
}

/** The character a token (a match of TOKEN) stands for, or undefined for one that stands for none. */
function tokenChar(match: RegExpExecArray): string | undefined {
  const [, , hex, decimal, name, unit, escaped] = match
  const code = hex !== undefined ? parseInt(hex, 16) : decimal !== undefined ? parseInt(decimal, 10) : undefined
  if (code !== undefined) return code <= 0x10ffff ? String.fromCodePoint(code) : undefined
  if (name !== undefined) return BY_NAME.get(name.toLowerCase())
  if (unit !== undefined) return String.fromCharCode(parseInt(unit, 16))
  return escaped
}

/** One decoding of every token (or only the percent-encoded bytes) of `from`, or undefined when it holds none. */
function decodeOnce(from: Decoded, percentOnly: boolean): Decoded | undefined {
  const { text } = from
  let out = ''
  const start: number[] = []
  const end: number[] = []
  let done = 0
  let changed = false
  const keep = (until: number): void => {
    out += text.slice(done, until)
    for (let i = done; i < until; i++) {
      start.push(from.start[i] ?? i)
      end.push(from.end[i] ?? i + 1)
    }
  }
  TOKEN.lastIndex = 0
  for (let match = TOKEN.exec(text); match !== null; match = TOKEN.exec(text)) {
    const at = match.index
    if (at < done) continue
    let char: string | undefined
    let length = match[0].length
    if (percentOnly && match[1] === undefined) continue
    if (match[1] !== undefined) {
      const decoded = percentChar(text, at)
      char = decoded?.char
      length = decoded?.length ?? length
    } else {
      char = tokenChar(match)
    }
    if (char === undefined) continue
    keep(at)
    const spanStart = from.start[at] ?? at
    const spanEnd = from.end[at + length - 1] ?? at + length
    for (let i = 0; i < char.length; i++) {
      start.push(spanStart)
      end.push(spanEnd)
    }
    out += char
    done = at + length
    TOKEN.lastIndex = done
    changed = true
  }
  if (!changed) return undefined
  keep(text.length)
  return { text: out, start, end }
}

/**
 * How many times a text is decoded. Percent-encoding is the outer layer of most chains (a key
 * HTML- or JSON-escaped, then put into a URL, where a ";" after a reference is escaped too): a
 * text is percent-decoded while it holds percent-encoded bytes, then decoded of every token.
 */
const DECODINGS = 6

/**
 * A pattern for one character of a key in any of its forms: itself ("+" too for a space),
 * percent-encoded once or more ("%41", "%2541", "%252541"), a decimal or hexadecimal reference
 * with leading zeros or none and the ";" or none, a named reference with or without its ";", a
 * JSON escape. With the flag "i": any letter case (hex digits, "&#X41", a lower-cased host name).
 */
function charPattern(c: string): string {
  const code = c.codePointAt(0) ?? 0
  const units = Array.from({ length: c.length }, (_, i) => c.charCodeAt(i).toString(16).padStart(4, '0'))
  const alternatives = [
    escapeRegExp(c),
    utf8Hex(c)
      .map((hex) => `%(?:25)*${hex}`)
      .join(''),
    `&#0*${code};?`,
    `&#x0*${code.toString(16)};?`,
    units.map((unit) => `\\\\u${unit}`).join('')
  ]
  for (const name of NAMED_ENTITIES[c] ?? []) alternatives.push(`${escapeRegExp(name.slice(0, -1))};?`)
  if (c === ' ') alternatives.push('\\+', '%(?:25)*2b', '&plus;?')
  // Not "\\" for a backslash: a text "\\" would then be one backslash or two, and a key of
  // many backslashes would take exponential time; a JSON-escaped backslash is decoded instead.
  if (c === '"' || c === '/') alternatives.push(`\\\\${c}`)
  return `(?:${alternatives.join('|')})`
}

/** The key written with each character in any of its forms, mixed as any encoder mixes them. */
const anyMixOf = (secret: string): RegExp => new RegExp(Array.from(secret, charPattern).join(''), 'gi')

/**
 * The spans of `text` that hold one of `secrets` written with each character in any of its forms,
 * mixed as any encoder mixes them (Python's quote() keeps "/", Go's PathEscape keeps "+" and "=",
 * encodeURI keeps both), in any letter case, and encoded up to DECODINGS times over (the key
 * HTML-escaped by a server, then percent-encoded into a URL): the text is decoded again and
 * again, and each decoding is searched.
 */
function keySpans(secrets: readonly string[], text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = []
  const patterns = secrets.map((secret) => analysed(secret).mix())
  let level: Decoded | undefined = { text, start: [], end: [] }
  for (let round = 0; level !== undefined && round <= DECODINGS; round++) {
    for (const pattern of patterns) {
      pattern.lastIndex = 0
      for (let match = pattern.exec(level.text); match !== null; match = pattern.exec(level.text)) {
        const first = match.index
        const last = first + match[0].length - 1
        spans.push([level.start[first] ?? first, level.end[last] ?? last + 1])
      }
    }
    level = decodeOnce(level, true) ?? decodeOnce(level, false)
  }
  return spans
}

/** `text` with every span of a key replaced, overlapping spans as one. */
function replaceSpans(text: string, spans: Array<[number, number]>): string {
  if (spans.length === 0) return text
  spans.sort((a, b) => a[0] - b[0])
  let out = ''
  let done = 0
  let open: [number, number] | undefined
  for (const span of spans) {
    if (open !== undefined && span[0] < open[1]) {
      open[1] = Math.max(open[1], span[1])
      continue
    }
    if (open !== undefined) {
      out += text.slice(done, open[0]) + REDACTED
      done = open[1]
    }
    open = [span[0], span[1]]
  }
  if (open !== undefined) {
    out += text.slice(done, open[0]) + REDACTED
    done = open[1]
  }
  return out + text.slice(done)
}

/** Every form of `secret` that the encodings above make, alone or one after another. */
export function secretForms(secret: string): string[] {
  return [...formsOf(secret)]
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

/** The whole-key forms of the most recent keys: a run has one or two (the key as given and trimmed). */
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

const formsOf = (secret: string): readonly string[] => analysed(secret).forms

/*
 * The fast path, and why it is sound. Most texts a run prints (settings, statuses, job fields,
 * URLs whose key is already redacted) hold no form of the key; for them the whole redaction (a
 * split for each form, then the search of every decoding) changes nothing, and one scan proves it.
 * The pre-check looks for "triggers" (triggersOf): a percent-encoded byte that is the first byte of
 * a key's character, a letter or a digit, "%", "&", "#", "\\" or ";" ("+" for a key with a space); "&#";
 * "&amp" before "#" or a letter; a backslash before "u", a quote, a backslash or a slash; a named
 * reference (without its ";") of a key's character or of "#", "%", "\\" ("+"); "+" for a key with a
 * space; and the key itself in any letter case.
 *
 * 1. Every alternative of charPattern() but the character itself holds a trigger. preCheck()
 *    checks this on samples of every form (charForms), and gives up the fast path for a key where
 *    one holds none. So a match of a mix pattern in a text without a trigger is the key, character
 *    by character in some letter case: a trigger too ("i" in both patterns).
 * 2. Decoding a text without a trigger changes it only at tokens that are no trigger: each turns
 *    into an "inert" character, one that is not a key's character, a letter, a digit, "%", "&",
 *    "#", "\\", "+" or ";". An inert character is part of no form of a key's character, so no mix
 *    match holds one, and it leads no token; it completes one only as the quote or slash of a JSON
 *    escape after a raw backslash, which turns into that character, inert again. So the next
 *    decoding changes only tokens of the same kind. Every decoding is then the text with some
 *    characters made inert, and a mix match in it is a mix match of the text itself, where (1)
 *    found none. (The argument assumes the text was made by encoders that escape "%", "&" and "\\"
 *    whenever they escape a letter or a digit, as every encoder does.)
 * 3. A whole-key form of secretForms() either holds a trigger, or it is one of the few that do not
 *    (a URL parser's rewrite): those are looked for as they are.
 * 4. The patterns have no anchors or back-references, so what they match inside a form they match
 *    inside any text that holds the form.
 * So a text the pre-check passes holds no whole-key form (3) and nothing the search finds (1, 2):
 * the result is the parameter rule's alone. The start of a key parameter is in the same scan: a
 * text with neither is returned as it is.
 */
function triggersOf(secret: string): string[] {
  const chars = new Set(secret)
  // A percent-encoded byte: the first byte of a key's character, a letter or a digit (the body of
  // a token), a token's lead ("%", "&", "#", "\\") or its end (";"), or "+" for a key with a space.
  const bytes = new Set(['3[0-9]', '[4-7][0-9a-f]', '2[356]', '3b', '5c'])
  for (const c of chars) bytes.add(utf8Hex(c)[0] ?? '')
  if (chars.has(' ')) bytes.add('2b')
  // A named reference of a key's character, or of a token's lead; "&amp;" only before what can
  // follow "&" in a token.
  const leads = ['#', '%', '\\', ...(chars.has(' ') ? ['+'] : [])]
  const named = [...new Set([...chars, ...leads])].flatMap((c) => (NAMED_ENTITIES[c] ?? []).map((name) => escapeRegExp(name.slice(0, -1))))
  const triggers = [`%(?:${[...bytes].join('|')})`, '&#', '&amp;?[#a-z]', '\\\\[u"\\\\/]', ...named]
  if (chars.has(' ')) triggers.push('\\+')
  return triggers
}

interface PreCheck {
  /** False only for a text in which the decoding search finds no key (1). */
  searchMayFind(text: string): boolean
  /** False only for a text that holds no form of a key: no split and no search changes it. */
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
      return { searchMayFind: () => true, keyMayOccur: () => true, anyMayOccur: () => true }
    }
  }
  const unseen = [...new Set(secrets.flatMap(formsOf))].filter((form) => !keyPattern.test(form))
  const holdsUnseen = (text: string): boolean => unseen.some((form) => text.includes(form))
  // Whatever the key pattern or the parameter rule matches, this matches too: one scan for most texts.
  const anyPattern = new RegExp([...alternatives, KEY_PARAM_START].join('|'), 'i')
  return {
    searchMayFind: (text) => keyPattern.test(text),
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
  /** Of those, the texts that went through the decoding search too (a trigger was left). */
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
  const ordered = [...new Set(secrets.flatMap(formsOf))].sort((a, b) => b.length - a.length)
  return (text) => {
    let out = text
    // A text holds one form or two: looking costs less than splitting and joining.
    for (const form of ordered) if (out.includes(form)) out = out.split(form).join(REDACTED)
    return out
  }
}

const searchReplace = (secrets: readonly string[], text: string): string => replaceSpans(text, keySpans(secrets, text))

/** How often a text is redacted again when the placeholder may spell a key with what is next to it. */
const REDACTIONS = 8

/**
 * What a text that does not settle is shown as. Only a key with a "*" gets here, and the notice
 * holds no "*" in any form, so it cannot show such a key.
 */
const WITHHELD = '(a text withheld: it would have shown the API key)'

/**
 * A key with a "*" in it can be spelled again by REDACTED and the text next to it ("x9Q" + "***"
 * for the key "x9Q*"): for such a key the result is redacted again until nothing changes, and a
 * text that still changes after REDACTIONS times is withheld whole, saying so.
 */
function settled(secrets: readonly string[], redactOnce: Redactor, again: Redactor = redactOnce): Redactor {
  if (!secrets.some((secret) => secret.includes(REDACTED[0] ?? '*'))) return redactOnce
  return (text) => {
    let out = redactOnce(text)
    // Nothing replaced: no placeholder to spell a key with.
    if (out === text) return out
    for (let i = 1; i < REDACTIONS; i++) {
      const next = again(out)
      if (next === out) return out
      out = next
    }
    return again(out) === out ? out : WITHHELD
  }
}

/**
 * Every text through every form and the decoding search, then the parameter rule, without a
 * pre-check: what a redactor's result must equal. Exported for the tests, which compare the two.
 */
export function makeFullRedactor(secrets: readonly string[]): Redactor {
  const keys = secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH)
  const replaceForms = formReplacer(keys)
  return settled(keys, (text) => searchReplace(keys, replaceForms(text)).replace(KEY_PARAMS, `$1${REDACTED}`))
}

function buildRedactor(secrets: readonly string[]): Redactor {
  const check = preCheck([...new Set(secrets)])
  const taken: RedactionCounts = { keyFree: 0, full: 0, mixed: 0 }
  let replaceForms: ((text: string) => string) | undefined
  // The counts are of the texts given; the re-redactions of settled() are not counted.
  const redactOnce = (text: string, tally: RedactionCounts = { keyFree: 0, full: 0, mixed: 0 }): string => {
    if (!check.anyMayOccur(text)) {
      tally.keyFree++
      return text
    }
    let out = text
    if (check.keyMayOccur(text)) {
      tally.full++
      replaceForms ??= formReplacer(secrets)
      out = replaceForms(text)
      // Once the whole-key forms are replaced, most texts are left without a trigger (a URL that
      // held the key): then the search cannot find a key either, and is not run.
      if (check.searchMayFind(out)) {
        tally.mixed++
        out = searchReplace(secrets, out)
      }
    } else {
      tally.keyFree++
    }
    return out.replace(KEY_PARAMS, `$1${REDACTED}`)
  }
  const redact = settled(secrets, (text) => redactOnce(text, taken), redactOnce)
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
