/**
 * Reads a Cloudflare answer body into an {@link Envelope}, or says in words why it is not one.
 * Never throws: an HTML error page from the edge (502, 520–527), an empty body or truncated JSON
 * all become a `problem` that names the content type. The HTTP status is not in it: every place that
 * shows a problem (annotations, log, summary, results) shows the status beside it.
 *
 * What it keeps of `errors` and `messages` is bounded whatever the answer holds: the first
 * {@link MAX_ENTRIES} of each, every text cut to {@link MAX_FIELD} characters, and a code given as
 * a string of digits (`"7003"`) read as the number it is, so every rule and every output sees one
 * kind of code. Every text the report shows is built from these kept entries.
 */
import { cut } from '../safe-text.js'
import { type CloudflareMessage, type Envelope, isRecord, NO_MESSAGES } from '../types.js'

export type BodyReading = { envelope: Envelope } | { problem: string }

export function readEnvelope(contentType: string | undefined, body: string): BodyReading {
  if (body.trim() === '') return { problem: `an empty body (${mediaType(contentType)})` }
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    const title = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(body)?.[1]?.trim()
    const said = title ? `: "${title.replace(/\s+/g, ' ')}"` : ''
    return { problem: `${mediaType(contentType)}, not a JSON envelope${said}` }
  }
  if (!isRecord(parsed) || typeof parsed.success !== 'boolean') {
    return { problem: 'JSON that is not a Cloudflare envelope' }
  }
  const envelope: Envelope = {
    success: parsed.success,
    errors: readMessages(parsed.errors),
    messages: readMessages(parsed.messages),
    result: parsed.result ?? null
  }
  if ('total' in parsed) envelope.total = parsed.total
  return { envelope }
}

/** `application/json` of `application/json; charset=utf-8`: only a problem's words need it. */
function mediaType(contentType: string | undefined): string {
  return contentType?.split(';')[0]?.trim() || 'no content type'
}

/** Entries of `errors` (and of `messages`) kept of one answer; a note says how many more there were. */
export const MAX_ENTRIES = 20
/** Characters kept of each text of an entry (its message, its documentation link). */
export const MAX_FIELD = 500

/** Keeps what a user needs of the first entries; an entry that is not an object still shows as text. */
function readMessages(value: unknown): readonly CloudflareMessage[] {
  if (!Array.isArray(value) || value.length === 0) return NO_MESSAGES
  const kept = value.slice(0, MAX_ENTRIES).map((entry): CloudflareMessage => {
    if (!isRecord(entry)) return { code: null, message: cut(String(entry), MAX_FIELD) }
    const message: CloudflareMessage = {
      code: readCode(entry.code),
      message: cut(typeof entry.message === 'string' ? entry.message : JSON.stringify(entry), MAX_FIELD)
    }
    if (typeof entry.documentation_url === 'string' && entry.documentation_url !== '') {
      message.documentation_url = cut(entry.documentation_url, MAX_FIELD)
    }
    return message
  })
  const more = value.length - MAX_ENTRIES
  if (more > 0) kept.push({ code: null, message: `${more} more not kept (the first ${MAX_ENTRIES} are)` })
  return kept
}

/** Cloudflare's codes are integers; one sent as a string of digits is that integer, anything else none. */
function readCode(code: unknown): number | null {
  const value = typeof code === 'string' && /^\s*\d{1,15}\s*$/.test(code) ? Number(code) : code
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : null
}
