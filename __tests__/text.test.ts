/** The one output path: redaction of every form of the key, then neutralisation of server text. */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { makeFullRedactor, makeRedactor, secretForms } from '../src/redact.js'
import { cut, escapeHtml, LINE_LIMIT, makeSafeText, neutralize, SERVER_TEXT_LIMIT } from '../src/text.js'

const KEY = `Ke&y'"\\!<x>(1)~*+z`

describe('makeRedactor', () => {
  const redact = makeRedactor([KEY])
  it.each<[string, string]>([
    ['raw', KEY],
    ['encodeURIComponent', encodeURIComponent(KEY)],
    ['encodeURIComponent, lower-case hex', encodeURIComponent(KEY).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())],
    ['form-urlencoded, as URLSearchParams sends it', new URLSearchParams([['k', KEY]]).toString().slice(2)],
    ['JSON-escaped', JSON.stringify(KEY).slice(1, -1)],
    ['HTML-escaped', escapeHtml(KEY)],
    [
      'HTML-escaped with numeric quotes',
      escapeHtml(KEY)
        .replace(/&#39;/g, '&#x27;')
        .replace(/&quot;/g, '&#34;')
    ],
    ['HTML-escaped, then URL-encoded', encodeURIComponent(escapeHtml(KEY))],
    ['URL-encoded, then JSON-escaped', JSON.stringify(encodeURIComponent(KEY)).slice(1, -1)],
    ['as a URL parser writes it in a path', new URL(`https://x/jobs/${KEY}`).pathname.slice('/jobs/'.length)],
    ['as a URL parser writes it in a query', new URL(`https://x/?${KEY}`).search.slice(1)],
    ['lower-cased, as in a host name', KEY.toLowerCase()],
    ['as Go escapes JSON', JSON.stringify(KEY).slice(1, -1).replace(/&/g, '\\u0026').replace(/</g, '\\u003c').replace(/>/g, '\\u003e')],
    ['HTML-escaped with decimal references', KEY.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)],
    [
      'as Go html/template escapes text',
      KEY.replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&#34;')
        .replace(/'/g, '&#39;')
        .replace(/\+/g, '&#43;')
    ]
  ])('redacts the key %s', (_, form) => {
    expect(form.length).toBeGreaterThan(0)
    expect(redact(`before ${form} after`)).toBe('before *** after')
  })

  it.each<[string, string]>([
    ['encodeURI', encodeURI(KEY)],
    ['Python\'s quote(), which keeps "/"', encodeURIComponent(KEY).replace(/%2F/g, '/')],
    ['Go\'s url.PathEscape, which keeps "+" and "="', encodeURIComponent(KEY).replace(/%2B/g, '+').replace(/%3D/g, '=')],
    ['percent-encoded twice', encodeURIComponent(encodeURIComponent(KEY))],
    [
      'every character as a hexadecimal HTML reference',
      Array.from(KEY)
        .map((c) => `&#x${c.charCodeAt(0).toString(16)};`)
        .join('')
    ],
    [
      'every character as a JSON \\u escape, upper-case hex',
      Array.from(KEY)
        .map((c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)
        .join('')
    ],
    ['with "/" escaped as JSON may write it', KEY.replace(/\//g, '\\/')],
    ['with the apostrophe as &apos;', KEY.replace(/'/g, '&apos;')],
    [
      'each character in another form, mixed',
      Array.from(KEY)
        .map((c, i) => (i % 3 === 0 ? encodeURIComponent(c) : i % 3 === 1 ? `&#${c.charCodeAt(0)};` : c))
        .join('')
    ]
  ])('redacts the key written by any encoder, character by character: %s', (_, form) => {
    const base64ish = makeRedactor([KEY])
    expect(base64ish(`before ${form} after`)).toBe('before *** after')
  })

  const each = (f: (c: string, code: number) => string): string => Array.from(KEY, (c) => f(c, c.codePointAt(0) ?? 0)).join('')
  it.each<[string, string]>([
    ['decimal references with leading zeros', each((_, code) => `&#000${code};`)],
    ['hexadecimal references with leading zeros, "X"', each((_, code) => `&#X00${code.toString(16)};`)],
    ['references without their ";"', each((_, code) => `&#${code}`)],
    ['named references without their ";"', KEY.replace(/&/g, '&amp').replace(/</g, '&lt').replace(/>/g, '&gt').replace(/"/g, '&quot')],
    ['percent-encoded three times', encodeURIComponent(encodeURIComponent(encodeURIComponent(KEY)))],
    ['HTML-escaped, then percent-encoded (into a URL)', encodeURIComponent(each((_, code) => `&#${code};`))],
    [
      'JSON-escaped, then HTML-escaped, then percent-encoded',
      encodeURIComponent(each((_, code) => `\\u${code.toString(16).padStart(4, '0')}`).replace(/\\/g, '&#92;'))
    ]
  ])('redacts the key read through HTML, percent and JSON decoders, one inside another: %s', (_, form) => {
    expect(makeRedactor([KEY])(`before ${form} after`)).toBe('before *** after')
    expect(makeFullRedactor([KEY])(`before ${form} after`)).toBe('before *** after')
  })

  it.each<[string, string, string]>([
    ['HTML-escaped, then put into a path by Go\'s PathEscape (";" and "#" escaped, "&" kept)', `ab"cd'ef`, '/x/ab&quot%3Bcd&%23x27%3Bef/y'],
    ['HTML-escaped twice, then PathEscape', 'abcd<efgh', '/x/abcd&amp%3Blt%3Befgh/y'],
    ['JSON-escaped, HTML-escaped, then PathEscape', 'ab"cd', '/x/ab%5C&quot%3Bcd/y']
  ])('redacts a key escaped, then percent-encoded with the ";" of its references: %s', (_, key, text) => {
    expect(makeRedactor([key])(text)).toBe('/x/***/y')
  })

  it('a key of many backslashes is looked for in a text of many backslashes without a blow-up', () => {
    const key = `${'\\'.repeat(30)}x`
    const text = `log: ${'\\'.repeat(200)} end`
    // Each backslash of the text is one of the key's, or a JSON-escaped pair is one: one reading a place.
    expect(makeRedactor([key])(text)).toBe(text)
    expect(makeRedactor([key])(`log: ${key} end`)).toBe('log: *** end')
    expect(makeRedactor([key])(`log: ${JSON.stringify(key)} end`)).toBe('log: "***" end')
  })

  it('redacts a key with a space written "%2B" (a form-encoded "+", then percent-encoded)', () => {
    expect(makeRedactor(['ab cd'])('x ab%2Bcd y')).toBe('x *** y')
    expect(makeRedactor(['ab cd'])('x ab%252Bcd y')).toBe('x *** y')
  })

  it('a key that ends or starts with "*" is never spelled again by the placeholder and the text beside it', () => {
    const redact = makeRedactor(['x9Q*'])
    for (const text of ['x9Qx9Q%789Q*', `bad key ${'x9Q'.repeat(5)}%789Q*`, '*x9Q*', 'x9Q**'])
      expect(redact(text).toLowerCase()).not.toContain('x9q*')
    expect(makeRedactor(['*x9Q'])('%2Ax9Qx9Qx9Q').toLowerCase()).not.toContain('*x9q')
    // Withheld whole, saying so, only when redacting again and again does not settle.
    expect(redact('bad key x9Q* here')).toBe('bad key *** here')
    expect(redact(`bad key ${'x9Q'.repeat(40)}%789Q*`)).toBe('(a text withheld: it would have shown the API key)')
  })

  it('redacts a base64 key ("+", "/", "=") as Python\'s quote() and Go\'s PathEscape write it', () => {
    const key = 'Zm9vYmFy+YmF6/cXV4eA=='
    const r = makeRedactor([key])
    expect(r('bad key Zm9vYmFy%2BYmF6/cXV4eA%3D%3D.')).toBe('bad key ***.')
    expect(r('bad key Zm9vYmFy+YmF6%2FcXV4eA==.')).toBe('bad key ***.')
    expect(secretForms(key)).toEqual(expect.arrayContaining(['Zm9vYmFy%2BYmF6/cXV4eA%3D%3D', 'Zm9vYmFy+YmF6%2FcXV4eA==']))
  })

  it('redacts a key outside the Basic Multilingual Plane, written as UTF-8 percent escapes or JSON surrogates', () => {
    const key = 'k\u{1F511}ey9'
    const r = makeRedactor([key])
    expect(r(`a ${encodeURIComponent(key)} b`)).toBe('a *** b')
    expect(r('a k\\ud83d\\udd11ey9 b')).toBe('a *** b')
  })

  it('stays fast on text built to make the pattern backtrack', () => {
    const r = makeRedactor(['%&\\%&\\%&\\%&\\%&\\%&\\'])
    const text = '%25&amp;\\\\'.repeat(2000) + 'x'
    const started = process.hrtime.bigint()
    r(text)
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2000)
  })

  it('a key with a space goes on the wire with "+": that form is redacted too', () => {
    const spaced = makeRedactor(['two words!'])
    expect(spaced('q=two+words%21 and two%20words! and two words!')).toBe('q=*** and *** and ***')
  })

  it('redacts a raw key after a key parameter whole, although it holds "&" and quotes', () => {
    expect(redact(`POST /run?layertoken=${KEY} failed`)).toBe('POST /run?layertoken=*** failed')
  })

  it('redacts the value of any key parameter, whatever the value', () => {
    expect(redact('GET /x?layertoken=abc&done=true and ?token=zz"y')).toBe('GET /x?layertoken=***&done=true and ?token=***"y')
  })

  it('replaces the longest form first, so no piece of an encoded form is left', () => {
    // encodeURIComponent("a&b/cd") = "a%26b%2Fcd" contains no raw form; the raw key is a prefix of nothing.
    const r = makeRedactor(['a&b/cd'])
    expect(r('x a%26b%2Fcd y a&amp;b/cd z')).toBe('x *** y *** z')
  })

  it('replaces a longer form before a shorter one inside it: no remnant of the longer form is left', () => {
    // The JSON-escaped form of a key ending in a backslash holds the raw key followed by one more backslash.
    const r = makeRedactor(['abcd\\'])
    expect(r(`json "abcd\\\\" raw abcd\\ end`)).toBe('json "***" raw *** end')
  })

  it('leaves keys shorter than 4 characters to the parameter rule (they would redact ordinary words)', () => {
    expect(makeRedactor(['abc'])('abcdef ?token=abc')).toBe('abcdef ?token=***')
    expect(makeRedactor(['abcd'])('abcdef')).toBe('***ef')
  })

  it('lists no piece of the key as a form: a URL parser cuts an HTML-escaped key at "#"', () => {
    for (const form of secretForms(KEY)) expect(form.length).toBeGreaterThanOrEqual(KEY.length)
    expect(makeRedactor([KEY])('Ke&amp; is not the key')).toBe('Ke&amp; is not the key')
  })

  it('lists every form once, the raw key first', () => {
    const forms = secretForms(KEY)
    expect(forms[0]).toBe(KEY)
    expect(new Set(forms).size).toBe(forms.length)
    expect(forms).toContain(new URLSearchParams([['k', KEY]]).toString().slice(2))
    expect(forms).toContain(escapeHtml(KEY))
  })
})

describe('neutralize', () => {
  it.each<[string, string, string]>([
    ['a newline that would start a workflow command', 'FAILURE\n::stop-commands::x', 'FAILURE\\n::stop-commands::x'],
    ['a carriage return', 'a\rb', 'a\\rb'],
    ['Unicode line breaks', 'a\u2028b\u2029c\u0085d', 'a\\u2028b\\u2029c\\u0085d'],
    ['an ANSI colour sequence', '\u001b[31mred\u001b[0m', '\\u001b[31mred\\u001b[0m'],
    ['an OSC sequence (terminal title, hyperlink)', '\u001b]0;owned\u0007', '\\u001b]0;owned\\u0007'],
    ['a C1 control sequence introducer', '\u009b31m', '\\u009b31m'],
    ['DEL and a tab', 'a\u007fb\tc', 'a\\u007fb\\tc'],
    ['the legacy ##[ command syntax, read anywhere in a line', 'job ##[error]fake', 'job #\\u0023[error]fake'],
    ['bidi overrides and isolates', 'a\u202eb\u2066c', 'a\\u202eb\\u2066c'],
    ['zero-width characters and the byte-order mark', 'a\u200bb\u200dc\ufeffd', 'a\\u200bb\\u200dc\\ufeffd'],
    ['a leading ::, after white space', '  ::error::fake', '  \\u003a:error::fake']
  ])('shows %s as escapes', (_, text, shown) => {
    expect(neutralize(text)).toBe(shown)
  })

  it('leaves ordinary text alone, :: inside a line included', () => {
    expect(neutralize('Job 3: RUNNING at https://[::1]:8080/x · 12s')).toBe('Job 3: RUNNING at https://[::1]:8080/x · 12s')
  })

  it('never lets a value split a line or carry a control character, and keeps JSON valid', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const shown = neutralize(text)
        expect(
          Array.from(shown).some((c) => c.charCodeAt(0) < 0x20 || (c >= '\u007f' && c <= '\u009f') || c === '\u2028' || c === '\u2029')
        ).toBe(false)
        expect(shown.trimStart().startsWith('::')).toBe(false)
        expect(shown).not.toContain('##[')
        const json = neutralize(JSON.stringify({ text }))
        expect(JSON.parse(json) as unknown).toEqual({ text: JSON.parse(JSON.stringify(text)) as unknown })
      })
    )
  })
})

describe('cut: server text quoted in a message has a bound, and says how much was left out', () => {
  it('leaves text of the limit or shorter as it is', () => {
    expect(cut('x'.repeat(SERVER_TEXT_LIMIT))).toBe('x'.repeat(SERVER_TEXT_LIMIT))
    expect(cut('abc', 3)).toBe('abc')
  })

  it('keeps the first characters and counts the rest', () => {
    expect(cut('x'.repeat(SERVER_TEXT_LIMIT + 1))).toBe(`${'x'.repeat(SERVER_TEXT_LIMIT)}… (1 more characters)`)
    expect(cut('abcdef', 4)).toBe('abcd… (2 more characters)')
  })

  it('never splits a surrogate pair: an emoji at the cut is left out whole', () => {
    expect(cut('abc\u{1F600}def', 4)).toBe('abc… (5 more characters)')
    expect(cut('ab\u{1F600}def', 4)).toBe('ab\u{1F600}… (3 more characters)')
  })
})

describe('makeSafeText', () => {
  const safe = makeSafeText(makeRedactor([KEY]))

  it('line: redacts the whole text first, then cuts, then neutralises; a key across the cut is never half shown', () => {
    const text = `${'a'.repeat(LINE_LIMIT - 5)}${KEY}\n${'b'.repeat(300_000)}`
    const line = safe.line(text)
    // Redacted: LINE_LIMIT - 5 + 3 (***) + 1 (the newline) characters, then one "b" reaches the limit.
    expect(line).toBe(`${'a'.repeat(LINE_LIMIT - 5)}***\\nb… (299999 more characters)`)
    expect(line).not.toContain(KEY.slice(0, 5))
    expect(safe.line('short\nline')).toBe('short\\nline')
  })

  it('outputs and JSON are data: never cut', () => {
    const long = 'c'.repeat(LINE_LIMIT * 2)
    expect(safe(long)).toBe(long)
    expect(safe.json({ long })).toBe(JSON.stringify({ long }))
  })

  it('redacts before it neutralises: a key split by a newline escape is still found', () => {
    expect(safe(`x${KEY}\ny`)).toBe('x***\\ny')
  })

  it('json: redacts property names too', () => {
    expect(safe.json({ [KEY]: 'x', nested: { [`a${KEY}`]: [KEY] } })).toBe('{"***":"x","nested":{"a***":["***"]}}')
  })

  it('json: a number that shows the key (a key of digits) is redacted; other numbers stay numbers', () => {
    const digits = makeSafeText(makeRedactor(['31415926535897']))
    expect(digits.json({ id: 7, build_number: 31415926535897, nested: [31415926535897, 3.5] })).toBe(
      '{"id":7,"build_number":"***","nested":["***",3.5]}'
    )
  })

  it('json: redacts string values before JSON escapes them', () => {
    const shown = safe.json({ branch: KEY, nested: [{ note: `echo ${KEY}` }], id: 3 })
    expect(shown).toBe('{"branch":"***","nested":[{"note":"echo ***"}],"id":3}')
    for (const form of secretForms(KEY)) expect(shown).not.toContain(form)
  })

  it('html: a value escaped after redaction never shows an HTML-escaped key', () => {
    expect(escapeHtml(safe(`<b>${KEY}</b>`))).toBe('&lt;b&gt;***&lt;/b&gt;')
  })
})

describe('secretForms: what the runner is told to mask', () => {
  // The runner masks literal text only: each form an encoder writes of the whole key must be listed.
  const key = `Ke&y'"\\!<x>(1) ~*+z,;$:=@/w`
  it.each<[string, string]>([
    ['encodeURIComponent', "Ke%26y'%22%5C!%3Cx%3E(1)%20~*%2Bz%2C%3B%24%3A%3D%40%2Fw"],
    ['encodeURIComponent, lower-case hex', "Ke%26y'%22%5c!%3cx%3e(1)%20~*%2bz%2c%3b%24%3a%3d%40%2fw"],
    ['form-urlencoded', 'Ke%26y%27%22%5C%21%3Cx%3E%281%29+%7E*%2Bz%2C%3B%24%3A%3D%40%2Fw'],
    ['a URL path', "Ke&y'%22/!%3Cx%3E(1)%20~*+z,;$:=@/w"],
    ['a URL query', 'Ke&y%27%22\\!%3Cx%3E(1)%20~*+z,;$:=@/w'],
    ['JSON', 'Ke&y\'\\"\\\\!<x>(1) ~*+z,;$:=@/w'],
    ["Go's encoding/json", 'Ke\\u0026y\'\\"\\\\!\\u003cx\\u003e(1) ~*+z,;$:=@/w'],
    ['HTML', 'Ke&amp;y&#39;&quot;\\!&lt;x&gt;(1) ~*+z,;$:=@/w'],
    ['HTML with decimal references', 'Ke&#38;y&#39;&#34;\\!&#60;x&#62;(1) ~*+z,;$:=@/w'],
    ["Go's html/template", 'Ke&amp;y&#39;&#34;\\!&lt;x&gt;(1) ~*&#43;z,;$:=@/w'],
    ['HTML with a hexadecimal apostrophe', 'Ke&amp;y&#x27;&#34;\\!&lt;x&gt;(1) ~*+z,;$:=@/w'],
    ['lower case', 'ke&y\'"\\!<x>(1) ~*+z,;$:=@/w'],
    ['encodeURI', "Ke&y'%22%5C!%3Cx%3E(1)%20~*+z,;$:=@/w"],
    // Written by Python 3: urllib.parse.quote(key)
    ["Python's quote()", 'Ke%26y%27%22%5C%21%3Cx%3E%281%29%20~%2A%2Bz%2C%3B%24%3A%3D%40/w'],
    ["Go's url.PathEscape", 'Ke&y%27%22%5C%21%3Cx%3E%281%29%20~%2A+z%2C%3B$:=@%2Fw'],
    ['percent-encoded twice', encodeURIComponent(encodeURIComponent(key))]
  ])('lists the key as %s writes it', (_, form) => {
    expect(secretForms(key)).toContain(form)
  })
})

describe('makeRedactor: one character written another way, the rest raw', () => {
  it.each<[string, string, string]>([
    ['a space as "+"', 'ab c/d', 'ab+c/d'],
    ['a quote JSON-escaped', 'k"e\\y/zz', 'k\\"e\\y/zz'],
    ['a backslash JSON-escaped', 'k"e\\y/zz', 'k"e\\\\y/zz'],
    ['a slash JSON-escaped', 'k"e\\y/zz', 'k"e\\y\\/zz'],
    ['a tab percent-encoded with its leading zero', 'a b\tcd', 'a b%09cd'],
    ['a two-byte character percent-encoded', 'cl é/xy', 'cl %C3%A9/xy'],
    ['a two-byte character percent-encoded twice', 'cl é/xy', 'cl %25C3%25A9/xy']
  ])('redacts %s', (_, key, text) => {
    expect(secretForms(key)).not.toContain(text)
    expect(makeRedactor([key])(`before ${text} after`)).toBe('before *** after')
  })
})

describe('makeRedactor: no more than the key', () => {
  it('a "+" stands for a space only: text that differs from the key elsewhere is left alone', () => {
    expect(makeRedactor(['abcd'])('ab+d a+cd')).toBe('ab+d a+cd')
    expect(makeRedactor(['ab d'])('ab+d')).toBe('***')
  })

  it('a backslash makes a JSON escape of a quote, a backslash or a slash only ("\\b" is a backspace, not "b")', () => {
    expect(makeRedactor(['abcd'])('a\\bcd')).toBe('a\\bcd')
    expect(makeRedactor(['a/cd'])('a\\/cd')).toBe('***')
  })
})

describe('makeRedactor: HTML5 named references', () => {
  // PHP's htmlentities($key, ENT_HTML5) writes "." and "+" by name.
  const key = 'lk.9f8e7d6c+5b4a3210fedcba98'
  const php = 'lk&period;9f8e7d6c&plus;5b4a3210fedcba98'

  it('redacts the key as PHP writes it, and lists that form as a mask', () => {
    expect(makeRedactor([key])(`invalid key ${php}`)).toBe('invalid key ***')
    expect(secretForms(key)).toContain(php)
  })
})

describe('makeRedactor: every HTML5 name of the characters a key may hold', () => {
  // From the HTML5 list of named character references.
  it.each<[string, string]>([
    ['!', '&excl;'],
    ['"', '&quot;'],
    ['#', '&num;'],
    ['$', '&dollar;'],
    ['%', '&percnt;'],
    ['&', '&amp;'],
    ["'", '&apos;'],
    ['(', '&lpar;'],
    [')', '&rpar;'],
    ['*', '&ast;'],
    ['*', '&midast;'],
    ['+', '&plus;'],
    [',', '&comma;'],
    ['.', '&period;'],
    ['/', '&sol;'],
    [':', '&colon;'],
    [';', '&semi;'],
    ['<', '&lt;'],
    ['=', '&equals;'],
    ['>', '&gt;'],
    ['?', '&quest;'],
    ['@', '&commat;'],
    ['[', '&lsqb;'],
    ['[', '&lbrack;'],
    ['\\', '&bsol;'],
    [']', '&rsqb;'],
    [']', '&rbrack;'],
    ['^', '&Hat;'],
    ['_', '&lowbar;'],
    ['_', '&UnderBar;'],
    ['`', '&grave;'],
    ['`', '&DiacriticalGrave;'],
    ['{', '&lcub;'],
    ['{', '&lbrace;'],
    ['|', '&verbar;'],
    ['|', '&vert;'],
    ['|', '&VerticalLine;'],
    ['}', '&rcub;'],
    ['}', '&rbrace;'],
    ['\t', '&Tab;'],
    ['\n', '&NewLine;'],
    ['\u00a0', '&nbsp;'],
    ['\u00a0', '&NonBreakingSpace;']
  ])('"%s" as %s, the rest of the key raw', (c, named) => {
    expect(makeRedactor([`ab${c}cd`])(`x ab${named}cd y`)).toBe('x *** y')
  })
})
