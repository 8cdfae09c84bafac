/**
 * Durations as users write them in workflow files: `90` (seconds), `90s`, `15m`, `1h30m`, `1h30m15s`.
 */

const PATTERN = /^(?:(\d{1,6})h)?(?:(\d{1,6})m)?(?:(\d{1,9})s)?$/
/** Nothing a CI step waits on is longer than this; larger values are typos. */
export const MAX_DURATION_MS = 7 * 24 * 3600 * 1000

/**
 * Parses a duration into milliseconds. Returns an error text (naming what is accepted) for
 * anything else; never throws.
 */
export function parseDuration(text: string): { ok: true; ms: number } | { ok: false; error: string } {
  const value = text.trim().toLowerCase()
  const accepted = 'a whole number of seconds (90) or hours/minutes/seconds such as 90s, 15m, 1h30m'
  if (value === '') return { ok: false, error: `is empty; use ${accepted}` }
  let seconds: number
  if (/^\d{1,9}$/.test(value)) {
    seconds = Number(value)
  } else {
    const match = PATTERN.exec(value)
    if (!match || (match[1] === undefined && match[2] === undefined && match[3] === undefined)) {
      return { ok: false, error: `"${text}" is not a duration; use ${accepted}` }
    }
    const [h, m, s] = [match[1], match[2], match[3]].map((part) => (part === undefined ? 0 : Number(part)))
    seconds = (h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0)
  }
  const ms = seconds * 1000
  if (ms > MAX_DURATION_MS) return { ok: false, error: `"${text}" is longer than the 7-day maximum` }
  return { ok: true, ms }
}

/** Formats milliseconds for log lines: `45s`, `2m05s`, `1h02m03s`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const pad = (n: number): string => String(n).padStart(2, '0')
  if (h > 0) return `${h}h${pad(m)}m${pad(s)}s`
  if (m > 0) return `${m}m${pad(s)}s`
  return `${s}s`
}
