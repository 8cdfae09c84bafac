/**
 * The redactor's fast path: a text that holds no form of the key skips the splits and the "any
 * mix" pattern (behaviour, read through redactionCounts), and takes it only where the whole
 * redaction would have changed nothing (compared with makeFullRedactor).
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { makeFullRedactor, makeRedactor, redactionCounts, secretForms, type RedactionCounts, type Redactor } from '../src/redact.js'
import { makeSafeText } from '../src/text.js'

/** The length and alphabet of a real key. */
const KEY = 'lci_7Hq2mZ9vXk4Rt8Wp1Ly6Nc3Bd5Fg0J'
const ODD_KEY = `Ke&y'"\\!<x>(1) ~*+z,;$:=@/w`

function counted(redact: Redactor): RedactionCounts {
  const counts = redactionCounts(redact)
  if (counts === undefined) throw new Error('not a redactor made by makeRedactor')
  return { ...counts }
}

/** What `redact` did with `texts`: how many took the fast path, and how many the full one. */
function pathsOf(redact: Redactor, texts: readonly string[]): { keyFree: number; full: number } {
  const { keyFree, full } = countsOf(redact, texts)
  return { keyFree, full }
}

function countsOf(redact: Redactor, texts: readonly string[]): RedactionCounts {
  const before = counted(redact)
  for (const text of texts) redact(text)
  const after = counted(redact)
  return { keyFree: after.keyFree - before.keyFree, full: after.full - before.full, mixed: after.mixed - before.mixed }
}

/** Lines a run prints that hold no form of the key. */
const ORDINARY = [
  'token: (34 characters, masked)',
  'repoName: "layerci-example"',
  'succeedOn: ["SUCCEEDED","RUNNER_CANCELLED"]',
  'ref defaults to c0ffee5d1b2a3948576afedcba0123456789abcd (push event)',
  'GET /api/v1/run/layerci-example/latest?branch=main&layertoken=*** -> HTTP 200 in 7 ms (attempt 1)',
  'Created LayerCI job 41: https://layerci.com/jobs/github/octo-org/layerci-example/41',
  '2026-11-27 10:00:01.320000 +0000 UTC',
  '{"id":41,"status":"SEE_RUNNERS","calculated_status":"RUNNING"}',
  'Job 41: RUNNING after 12s; 100% of runners started & C:\\ci\\logs',
  'lci_ is how a key begins, and ci_7Hq2mZ9vXk4Rt8Wp1Ly6Nc3Bd5Fg0J is not the key',
  ''
]

/** Each character of `key` in a form an encoder may write it in, chosen by `pick`, in a letter case chosen by `upper`. */
function mixedForm(key: string, pick: (n: number) => number, upper: (i: number) => boolean): string {
  return Array.from(key, (c, i) => {
    const code = c.codePointAt(0) ?? 0
    const bytes = [...new TextEncoder().encode(c)].map((byte) => byte.toString(16).padStart(2, '0'))
    const units = Array.from({ length: c.length }, (_, unit) => c.charCodeAt(unit).toString(16).padStart(4, '0'))
    const forms = [
      c,
      bytes.map((hex) => `%${hex}`).join(''),
      bytes.map((hex) => `%25${hex}`).join(''),
      `&#${code};`,
      `&#x${code.toString(16)};`,
      units.map((unit) => `\\u${unit}`).join(''),
      bytes.map((hex) => `%2525${hex}`).join(''),
      // Leading zeros (a reference without its ";" before a digit would be another character).
      `&#000${code};`,
      `&#x0${code.toString(16)};`
    ]
    if (c === ' ') forms.push('+')
    if (c === '"' || c === '\\' || c === '/') forms.push(`\\${c}`)
    if (c === '_') forms.push('&lowbar;', '&UnderBar;')
    if (c === '&') forms.push('&amp;')
    const form = forms[pick(forms.length)] ?? c
    return upper(i) ? form.toUpperCase() : form
  }).join('')
}

describe('makeRedactor: the fast path for text that holds no form of the key', () => {
  it('takes the fast path for every line of ordinary log text, and changes none of them', () => {
    const redact = makeRedactor([KEY])
    expect(pathsOf(redact, ORDINARY)).toEqual({ keyFree: ORDINARY.length, full: 0 })
    for (const line of ORDINARY) expect(redact(line)).toBe(line)
  })

  it('a percent escape or an HTML reference of a character the key does not hold is no reason for the full path', () => {
    const redact = makeRedactor([KEY])
    const texts = ['GET /api/v1/run/x/latest?branch=feature%2Fx&layertoken=*** -> HTTP 200', '<p>Tom &amp; Jerry &lt;3</p>']
    expect(pathsOf(redact, texts)).toEqual({ keyFree: 2, full: 0 })
    // "%2F" is a trigger for a key that holds "/".
    expect(pathsOf(makeRedactor(['a/bcd']), ['branch=feature%2Fx'])).toEqual({ keyFree: 0, full: 1 })
  })

  it('redacts a URL that holds the key without the "any mix" pattern, and a mixed form with it', () => {
    const redact = makeRedactor([KEY])
    const url = `/api/v1/run/x/latest?branch=main&layertoken=${KEY}`
    expect(countsOf(redact, [url])).toEqual({ keyFree: 0, full: 1, mixed: 0 })
    expect(redact(url)).toBe('/api/v1/run/x/latest?branch=main&layertoken=***')
    const mixed = `key ${KEY.slice(0, 3)}%5F${KEY.slice(4)}`
    expect(countsOf(redact, [mixed])).toEqual({ keyFree: 0, full: 1, mixed: 1 })
    expect(redact(mixed)).toBe('key ***')
  })

  it('still applies the key parameter rule on the fast path', () => {
    const redact = makeRedactor([KEY])
    expect(pathsOf(redact, ['GET /x?layertoken=someone-elses&branch=main'])).toEqual({ keyFree: 1, full: 0 })
    expect(redact('GET /x?layertoken=someone-elses&branch=main')).toBe('GET /x?layertoken=***&branch=main')
  })

  it('takes the full path for every whole-key form, alone or inside other text', () => {
    for (const key of [KEY, ODD_KEY, 'k\u{1F511}é\u00a0y9']) {
      const redact = makeRedactor([key])
      const texts = secretForms(key).flatMap((form) => [form, `before ${form} after`])
      expect(pathsOf(redact, texts)).toEqual({ keyFree: 0, full: texts.length })
      for (const form of secretForms(key)) expect(redact(`before ${form} after`)).not.toContain(form)
    }
  })

  it('takes the full path for the key with each character in any form and letter case', () => {
    for (const key of [KEY, ODD_KEY]) {
      const redact = makeRedactor([key])
      fc.assert(
        fc.property(fc.array(fc.nat(), { minLength: key.length, maxLength: key.length }), fc.boolean(), (choices, upper) => {
          const text = `x ${mixedForm(
            key,
            (n) => (choices.shift() ?? 0) % n,
            (i) => upper && i % 2 === 0
          )} y`
          expect(pathsOf(redact, [text])).toEqual({ keyFree: 0, full: 1 })
          expect(redact(text)).toBe('x *** y')
        })
      )
    }
  })

  it('gives what the full redaction gives, for any key and any text made of its pieces', () => {
    const alphabet = fc.constantFrom(...Array.from('aZ09_-.~ &<>"\'\\%+/#?=;:@!*()é\u00a0\u{1F511}'))
    const key = fc.array(alphabet, { minLength: 4, maxLength: 10 }).map((chars) => chars.join(''))
    fc.assert(
      fc.property(
        key,
        fc.array(fc.oneof(fc.string(), fc.nat(), fc.constantFrom('?token=', '&layertoken=', '%2', '&#', '\\u', '&amp;')), { maxLength: 6 }),
        fc.array(fc.nat(), { minLength: 10, maxLength: 10 }),
        (secret, pieces, choices) => {
          const forms = secretForms(secret)
          const text = pieces
            .map((piece) => {
              if (typeof piece === 'string') return piece
              const form = forms[piece % forms.length] ?? secret
              // A mixed form inside another encoding (HTML-escaped, then put into a URL).
              if (piece % 7 === 6)
                return encodeURIComponent(
                  mixedForm(
                    secret,
                    (n) => (choices[piece % choices.length] ?? 0) % n,
                    () => false
                  )
                )
              if (piece % 3 === 0) return form.slice(0, piece % form.length)
              if (piece % 3 === 1)
                return mixedForm(
                  secret,
                  (n) => (choices[piece % choices.length] ?? 0) % n,
                  (i) => i % 2 === 0
                )
              return form
            })
            .join('')
          expect(makeRedactor([secret])(text)).toBe(makeFullRedactor([secret])(text))
        }
      ),
      { numRuns: 500 }
    )
  })

  it('keeps the fast path for a key of any printable ASCII or Latin-1 character', () => {
    for (let code = 0x20; code <= 0xff; code++) {
      if (code >= 0x7f && code < 0xa0) continue
      const redact = makeRedactor([`ab${String.fromCharCode(code)}cd`])
      expect(pathsOf(redact, ['Job 41: RUNNING after 12s'])).toEqual({ keyFree: 1, full: 0 })
    }
  })
})

describe('makeRedactor: one redactor for one key', () => {
  it('gives the same redactor to every caller with the same keys: the action, its client and its log share one', () => {
    expect(makeRedactor([KEY])).toBe(makeRedactor([KEY]))
    expect(makeRedactor([KEY, 'abc'])).toBe(makeRedactor([KEY]))
    expect(makeRedactor([` ${KEY}`, KEY])).not.toBe(makeRedactor([KEY]))
  })

  it('a safe text made from it takes the fast path for key-free lines and JSON values', () => {
    const redact = makeRedactor([KEY])
    const safe = makeSafeText(redact)
    const before = counted(redact)
    expect(safe.json({ id: 41, status: 'SEE_RUNNERS', branch: 'main' })).toBe('{"id":41,"status":"SEE_RUNNERS","branch":"main"}')
    expect(safe(`key ${KEY}`)).toBe('key ***')
    const after = counted(redact)
    expect(after.full - before.full).toBe(1)
    // Three property names, two strings, and the number as its text.
    expect(after.keyFree - before.keyFree).toBe(6)
  })
})
