/**
 * Pure parsers for the action's raw input strings. Each returns either a value or a message that
 * names what is accepted; none reads the environment and none coerces a bad value into a good one.
 */
import { INVISIBLE } from '../safe-text.js'
import { isLoopbackHost } from './loopback.js'

/** Cloudflare's API, where every request goes unless `base-url` says otherwise. */
export const DEFAULT_BASE_URL = 'https://api.cloudflare.com/client/v4'

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string }

/** A parsed value, or the problem with it: the one pair of helpers every parser uses. */
export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value })
export const bad = <T>(problem: string): Parsed<T> => ({ ok: false, problem })

/** Stream video UIDs and account ids as Cloudflare returns them: 1–32 characters of `[A-Za-z0-9]` (the API's `maxLength: 32`). */
export const IDENTIFIER = /^[A-Za-z0-9]{1,32}$/

/**
 * A video uid as a user gives it: 32 hexadecimal characters, as Stream makes every uid. Stricter
 * than {@link IDENTIFIER} so that a uid cut in two by a stray space or a truncated copy fails as
 * an input error instead of being sent, answered 404 and counted as "missing".
 */
export const VIDEO_UID = /^[0-9a-fA-F]{32}$/

/** At most this many characters of a user's line are shown back: a wrong file may hold anything. */
const SHOWN = 40

/** Shows a user's value in a message without letting a huge, multi-line or invisible value flood or hide in the log. */
export function quote(value: string, max = 48): string {
  // JSON.stringify escapes controls; bidirectional and zero-width characters are shown escaped too.
  const oneLine = JSON.stringify(value).replace(
    INVISIBLE,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
  return oneLine.length > max ? `${oneLine.slice(0, max - 3)}…"` : oneLine
}

/**
 * A list of Stream video UIDs, as `video-id`, `video-id-file` and `exclude` take it: ids separated
 * by newlines, commas or spaces, with `#` starting a comment to the end of its line; or one JSON
 * array of id strings (so this action's own `failed` output can be fed back in). Each id must be
 * 32 hexadecimal characters ({@link VIDEO_UID}); uppercase is lowered. A wrong id is named by its
 * line (or its item of the array) and at most 40 of its characters. Duplicates are dropped, the
 * first occurrence's order kept. An empty list is a value: the caller decides.
 */
export function parseIdList(raw: string): Parsed<string[]> {
  const ids = new Set<string>()
  const wrong: string[] = []
  let wrongCount = 0
  const take = (id: string, place: 'line' | 'item', at: number): void => {
    if (id === '') return
    if (VIDEO_UID.test(id)) ids.add(id.toLowerCase())
    else if (++wrongCount <= 5) wrong.push(`${place} ${at} ${quote(id, SHOWN + 2)}`)
  }
  const text = raw.trim()
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
    parsed.forEach((id: string, i) => take(id.trim(), 'item', i + 1))
  } else {
    // One pass over the whole text, counting lines: a file of 100,000 ids makes no array per line.
    let line = 1
    for (const [token] of raw.matchAll(/\r\n?|\n|#[^\r\n]*|[^\s,#]+/g)) {
      if (token.startsWith('\r') || token === '\n') line += 1
      else if (!token.startsWith('#')) take(token, 'line', line)
    }
  }
  if (wrongCount > 0) {
    const more = wrongCount > 5 ? ` and ${wrongCount - 5} more` : ''
    return bad(`has ${wrong.join(', ')}${more}: a Stream video uid is 32 hexadecimal characters (0-9, a-f)`)
  }
  return ok([...ids])
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
  // Before anything else, and without quoting the value: `https://user:pa/ss@host` does not even
  // parse as a URL with a password, and an API base has no reason to hold an '@' anywhere.
  if (raw.includes('@')) return bad('must not contain a user name or password (an "@"): the value is not shown')
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return bad(`is ${quote(raw)}: it must be an absolute https URL`)
  }
  const loopback = isLoopbackHost(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return bad(`is ${quote(raw)}: it must use https (plain http is allowed only for loopback hosts)`)
  }
  if (raw.includes('?') || raw.includes('#')) {
    return bad(`is ${quote(raw)}: it must not contain "?" or "#" (give the API base only, such as ${DEFAULT_BASE_URL})`)
  }
  return ok(url.href.replace(/\/+$/, ''))
}
