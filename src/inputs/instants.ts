/**
 * Instants as the video list writes them and as the `created-before`/`created-after` inputs take
 * them: RFC 3339 date-times to the microsecond (the list pages by them, so no precision may be
 * lost), and ages counted back from now (`90d`).
 */
import { bad, ok, type Parsed, quote } from './input-parsers.js'

const AGE_UNITS: Record<string, number> = { min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }
/** About a century: older ages are typing mistakes, and would leave the range Date handles well. */
const MAX_AGE_MS = 36_500 * 86_400_000
const ACCEPTED =
  'use an RFC 3339 date-time with a zone, years 1900–2199 (2026-06-01T00:00:00Z, 2026-06-01T09:30:00.5+02:00) ' +
  'or an age: a whole number with min, h, d or w (30min, 12h, 90d, 2w)'

/**
 * Reads `created-before` / `created-after`: an RFC 3339 date-time with `Z` or an offset (fractions
 * kept to the microsecond), or an age before `now` (ms since the epoch): `30min`, `12h`, `90d`,
 * `2w`. Returns the instant as UTC ISO 8601 (`…T00:00:00.000Z`; six fraction digits only when the
 * input had sub-millisecond digits). A bare `m` is refused (minutes or months?), and so are months
 * and years (they vary in length: write days), dates without a time, and times without a zone.
 */
export function parseInstant(raw: string, now: number): Parsed<string> {
  const text = raw.trim()
  if (text === '') return bad(`is empty: ${ACCEPTED}`)
  const age = /^(\d{1,6})\s*([a-z]+)$/i.exec(text)
  if (age) {
    const unit = (age[2] ?? '').toLowerCase()
    const size = AGE_UNITS[unit]
    if (unit === 'm') return bad(`is ${quote(raw)}: "m" could mean minutes or months; write 30min, or days (90d)`)
    if (/^(mo|mon|month|months|y|yr|yrs|year|years)$/.test(unit)) {
      return bad(`is ${quote(raw)}: months and years vary in length; write days (e.g. 90d or 365d)`)
    }
    if (size === undefined) return bad(`is ${quote(raw)}: ${ACCEPTED}`)
    const ms = Number(age[1]) * size
    if (ms > MAX_AGE_MS) return bad(`is ${quote(raw)}: an age over 100 years is surely a mistake`)
    return ok(new Date(now - ms).toISOString())
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return bad(`is ${quote(raw)}: give a time and zone too, e.g. ${text}T00:00:00Z`)
  }
  if (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) {
    return bad(
      `is ${quote(raw)}: give a zone (Z for UTC, or an offset such as +02:00); without one the time is ambiguous`
    )
  }
  const at = instantMicros(text)
  return at === undefined ? bad(`is ${quote(raw)}: ${ACCEPTED}`) : ok(formatMicros(at))
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/

/**
 * An RFC 3339 date-time (no leap second) as microseconds since the epoch, or undefined. Digits
 * past the microsecond are dropped (floor), so a cursor never moves later. Years run from 1900 to
 * 2199: microseconds are exact in a double only within about 285 years of 1970.
 */
export function instantMicros(text: string): number | undefined {
  const m = RFC3339.exec(text)
  if (!m) return undefined
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number
  ]
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined
  const ms = Date.UTC(year, month - 1, day, hour, minute, second)
  // Date.UTC rolls 2026-02-30 over to March: a day that does not round-trip does not exist.
  if (day < 1 || new Date(ms).getUTCDate() !== day) return undefined
  let offsetMinutes = 0
  if (!m[8]) {
    const hours = Number(m[10])
    const minutes = Number(m[11])
    if (hours > 23 || minutes > 59) return undefined
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (hours * 60 + minutes)
  }
  const fraction = Number((m[7] ?? '').padEnd(6, '0').slice(0, 6))
  return (ms - offsetMinutes * 60_000) * 1000 + fraction
}

/** Microseconds since the epoch as UTC ISO 8601: three fraction digits, or six when they matter. */
export function formatMicros(at: number): string {
  const ms = Math.floor(at / 1000)
  const iso = new Date(ms).toISOString()
  const micros = at - ms * 1000
  return micros === 0 ? iso : `${iso.slice(0, -1)}${String(micros).padStart(3, '0')}Z`
}

const LIMIT_UNITS: Record<string, number> = { s: 1000, ...AGE_UNITS }
/** GitHub ends a job after 6 hours: a longer time limit never applies. */
export const MAX_TIME_LIMIT_MS = 6 * 3_600_000

/**
 * Reads `time-limit`: a whole number with `s`, `min` or `h` (as the ages take them, plus seconds),
 * above zero and at most 6h. Returns milliseconds.
 */
export function parseTimeLimit(raw: string): Parsed<number> {
  const text = raw.trim()
  const accepted = 'use a whole number with s, min or h, at most 6h (90s, 50min, 5h)'
  const m = /^(\d{1,6})\s*([a-z]+)$/i.exec(text)
  const unit = (m?.[2] ?? '').toLowerCase()
  if (unit === 'm') return bad(`is ${quote(raw)}: write minutes as min (50min)`)
  const size = LIMIT_UNITS[unit]
  if (m === null || size === undefined) return bad(`is ${quote(raw)}: ${accepted}`)
  const ms = Number(m[1]) * size
  if (ms === 0) return bad(`is ${quote(raw)}: a time limit of zero would send nothing; leave it out for no limit`)
  if (ms > MAX_TIME_LIMIT_MS) return bad(`is ${quote(raw)}: at most 6h, the longest a GitHub job runs`)
  return ok(ms)
}
