/**
 * Pure parsers for the action's raw input strings. Each returns either a value or a message that
 * names what is accepted; none reads the environment and none coerces a bad value into a good one.
 */
import { isLoopbackHost } from './loopback.js'

/** Cloudflare's API, where every request goes unless `base-url` says otherwise. */
export const DEFAULT_BASE_URL = 'https://api.cloudflare.com/client/v4'

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string }

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value })
const bad = <T>(problem: string): Parsed<T> => ({ ok: false, problem })

/** Stream video UIDs and account ids: 1–32 characters of `[A-Za-z0-9]` (the API's `maxLength: 32`). */
export const IDENTIFIER = /^[A-Za-z0-9]{1,32}$/

/** Shows a user's value in a message without letting a huge or multi-line value flood the log. */
export function quote(value: string): string {
  const oneLine = JSON.stringify(value)
  return oneLine.length > 48 ? `${oneLine.slice(0, 45)}…"` : oneLine
}

/**
 * A list of Stream video UIDs, as `video-id`, `video-id-file` and `exclude` take it: ids separated
 * by newlines, commas or spaces, with `#` starting a comment to the end of its line; or one JSON
 * array of id strings (so this action's own `failed` output can be fed back in). Duplicates are
 * dropped, the first occurrence's order kept. An empty list is a value: the caller decides.
 */
export function parseIdList(raw: string): Parsed<string[]> {
  const text = raw.trim()
  let candidates: string[]
  if (text.startsWith('[')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      return bad(
        'starts with "[" but is not a JSON array of ids: give a JSON array, or ids separated by newlines, commas or spaces'
      )
    }
    if (!Array.isArray(parsed) || !parsed.every((id) => typeof id === 'string')) {
      return bad('is a JSON value but not an array of id strings')
    }
    candidates = parsed.map((id: string) => id.trim())
  } else {
    // One pass over the text without its comments: a file of 100,000 ids makes no array per line.
    candidates = Array.from(text.replace(/#[^\r\n]*/g, '').matchAll(/[^\s,]+/g), (match) => match[0])
  }
  const ids = [...new Set(candidates.filter((id) => id !== ''))]
  const wrong = ids.filter((id) => !IDENTIFIER.test(id))
  if (wrong.length > 0) {
    const shown = wrong.slice(0, 5).map(quote).join(', ')
    const more = wrong.length > 5 ? ` and ${wrong.length - 5} more` : ''
    return bad(`has ${shown}${more}: each id must be 1–32 letters or digits`)
  }
  return ok(ids)
}

/** Free text for a filter (`creator`, `video-name`, `search`): one line of printable text, at most `max` characters. */
export function parseFilterText(raw: string, max: number): Parsed<string> {
  // eslint-disable-next-line no-control-regex -- a control character is what is refused here
  if (/[\u0000-\u001f\u007f]/.test(raw)) return bad('must be one line of text without control characters')
  return raw.length <= max ? ok(raw) : bad(`is ${raw.length} characters long: at most ${max}`)
}

export function parseIdentifier(raw: string): Parsed<string> {
  if (raw === '') return bad('is required')
  return IDENTIFIER.test(raw) ? ok(raw) : bad(`is ${quote(raw)}: it must be 1–32 letters or digits`)
}

/** One of a fixed set of words, case-sensitive as action.yml documents them. */
export function parseChoice<T extends string>(raw: string, choices: readonly T[]): Parsed<T> {
  return (choices as readonly string[]).includes(raw)
    ? ok(raw as T)
    : bad(`is ${quote(raw)}: use one of ${choices.join(', ')}`)
}

/** The YAML 1.2 core-schema booleans that @actions/core's getBooleanInput accepts; nothing else. */
export function parseBoolean(raw: string): Parsed<boolean> {
  if (['true', 'True', 'TRUE'].includes(raw)) return ok(true)
  if (['false', 'False', 'FALSE'].includes(raw)) return ok(false)
  return bad(`is ${quote(raw)}: use true or false`)
}

/** A whole number in [min, max], written in plain digits. */
export function parseInteger(raw: string, min: number, max: number): Parsed<number> {
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN
  return value >= min && value <= max ? ok(value) : bad(`is ${quote(raw)}: use a whole number from ${min} to ${max}`)
}

/**
 * A credential: printable ASCII without spaces, so that nothing can be smuggled into an HTTP
 * header (no CR/LF) and a pasted value with a stray newline is caught before it is sent.
 */
export function parseCredential(raw: string): Parsed<string> {
  return /^[\x21-\x7e]+$/.test(raw)
    ? ok(raw)
    : bad('must be printable ASCII with no spaces or line breaks (check the secret for a stray newline)')
}

/**
 * The API base: `https` only, except plain `http` to loopback (tests and the demo stand-in).
 * No user-info (it would be sent to a server, and is never echoed back), and no `?` or `#`
 * anywhere: the request path is appended to this URL, and after a `?` or `#` it would land in the
 * query or fragment, so every request would go to the base itself. Returned without a trailing slash.
 */
export function parseBaseUrl(raw: string): Parsed<string> {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    // Quoting an unparsable value could echo a password; show it only without anything before '@'.
    return bad(`is ${quote(raw.replace(/\/\/[^/]*@/, '//…@'))}: it must be an absolute https URL`)
  }
  if (url.username !== '' || url.password !== '') return bad('must not contain a user name or password')
  const loopback = isLoopbackHost(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return bad(`is ${quote(raw)}: it must use https (plain http is allowed only for loopback hosts)`)
  }
  if (raw.includes('?') || raw.includes('#')) {
    return bad(`is ${quote(raw)}: it must not contain "?" or "#" (give the API base only, such as ${DEFAULT_BASE_URL})`)
  }
  return ok(url.href.replace(/\/+$/, ''))
}
