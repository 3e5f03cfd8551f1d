/**
 * Reads a Cloudflare answer body into an {@link Envelope}, or says in words why it is not one.
 * Never throws: an HTML error page from the edge (502, 520–527), an empty body or truncated JSON
 * all become a `problem` that names the content type. The HTTP status is not in it: every place that
 * shows a problem (annotations, log, summary, results) shows the status beside it.
 */
import { type CloudflareMessage, type Envelope, NO_MESSAGES } from '../types.js'

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

/** Keeps what a user needs of each entry; an entry that is not an object still shows as text. */
function readMessages(value: unknown): readonly CloudflareMessage[] {
  if (!Array.isArray(value) || value.length === 0) return NO_MESSAGES
  return value.map((entry): CloudflareMessage => {
    if (!isRecord(entry)) return { code: null, message: String(entry) }
    const message: CloudflareMessage = {
      code: typeof entry.code === 'number' ? entry.code : null,
      message: typeof entry.message === 'string' ? entry.message : JSON.stringify(entry)
    }
    if (typeof entry.documentation_url === 'string' && entry.documentation_url !== '') {
      message.documentation_url = entry.documentation_url
    }
    return message
  })
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
