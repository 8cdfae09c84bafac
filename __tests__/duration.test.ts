import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { formatDuration, MAX_DURATION_MS, parseDuration } from '../src/duration.js'

describe('parseDuration', () => {
  it.each([
    ['90', 90_000],
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h30m', 5_400_000],
    ['1h30m15s', 5_415_000],
    [' 2H ', 7_200_000],
    ['0', 0]
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms })
  })

  it.each(['', 'abc', '1.5m', '-5', '5x', 'm', '1m1h', '10 m', '1e3'])('rejects %j with a message naming the formats', (text) => {
    const parsed = parseDuration(text)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.error).toMatch(/90s, 15m, 1h30m/)
  })

  it('accepts exactly the 7-day maximum', () => {
    expect(parseDuration('168h')).toEqual({ ok: true, ms: MAX_DURATION_MS })
    expect(parseDuration('604801')).toEqual({ ok: false, error: '"604801" is longer than the 7-day maximum' })
  })

  it('says which formats it accepts, naming an empty value as empty', () => {
    const accepted = 'a whole number of seconds (90) or hours/minutes/seconds such as 90s, 15m, 1h30m'
    expect(parseDuration('  ')).toEqual({ ok: false, error: `is empty; use ${accepted}` })
    expect(parseDuration('h')).toEqual({ ok: false, error: `"h" is not a duration; use ${accepted}` })
  })

  it('rejects durations past the maximum', () => {
    expect(parseDuration('200h')).toEqual({ ok: false, error: expect.stringContaining('7-day') })
  })

  it('property: any string parses to a sane value or gives an error, and never throws', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const parsed = parseDuration(text)
        if (parsed.ok) {
          expect(Number.isSafeInteger(parsed.ms)).toBe(true)
          expect(parsed.ms).toBeGreaterThanOrEqual(0)
          expect(parsed.ms).toBeLessThanOrEqual(MAX_DURATION_MS)
        } else {
          expect(parsed.error.length).toBeGreaterThan(0)
        }
      }),
      { numRuns: 2000 }
    )
  })

  it('property: h/m/s compositions read back to their sum', () => {
    fc.assert(
      fc.property(fc.nat(50), fc.nat(59), fc.nat(59), (h, m, s) => {
        const text = `${h}h${m}m${s}s`
        expect(parseDuration(text)).toEqual({ ok: true, ms: (h * 3600 + m * 60 + s) * 1000 })
      })
    )
  })
})

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [125_000, '2m05s'],
    [3_723_000, '1h02m03s']
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})
