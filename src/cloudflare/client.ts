/**
 * The Cloudflare client: URLs, auth headers, one request (a DELETE of a download, a read of a
 * video's downloads, a page of the video list), and reading the answer. It knows nothing
 * about GitHub Actions, retries or pacing, and it never throws for anything the network or the
 * server can do: every attempt ends as an {@link Answer}.
 */
import { readEnvelope } from './envelope.js'
import type { Transport } from '../ports.js'
import type { Answer, Auth, DownloadType, HttpAnswer } from '../types.js'

/**
 * What one answer may hold before it is refused unparsed: its bytes, and its JSON values (commas
 * and openings counted, a slight overcount). Each value costs tens of bytes once parsed, so a body
 * of tiny values (`[{},{},…]`) costs far more than its size: the count keeps any run's memory
 * bounded. A real delete's or downloads read's envelope is a few hundred bytes and a few dozen
 * values; a real page of 1,000 videos a few MB and some 100,000 values.
 */
interface Limits {
  bytes: number
  values: number
}
// Real DELETE and downloads answers are a few hundred bytes: 64 KiB is 100× headroom, and keeps
// 1,000 hostile answers (each read, decoded and parsed once) within a run's memory budget.
const ANSWER_LIMITS: Limits = { bytes: 64 * 1024, values: 10_000 }
const LIST_LIMITS: Limits = { bytes: 16 * 1024 * 1024, values: 500_000 }

export interface ClientOptions {
  baseUrl: string
  accountId: string
  auth: Auth
  userAgent: string
  /** The keep-alive pool (through a proxy or not) that carries every request, each within its time limit. */
  transport: Transport
}

/**
 * `DELETE /accounts/{account_id}/stream/{identifier}/downloads` deletes the default MP4 (the
 * documented endpoint); `/downloads/audio` deletes the audio rendition.
 */
export function downloadsUrl(baseUrl: string, accountId: string, videoId: string, type: DownloadType): URL {
  const suffix = type === 'audio' ? '/audio' : ''
  return new URL(`${baseUrl}/accounts/${accountId}/stream/${videoId}/downloads${suffix}`)
}

/** A Bearer token, or the legacy `X-Auth-Email` + `X-Auth-Key` pair; never both. */
export function authHeaders(auth: Auth): Record<string, string> {
  return auth.kind === 'token'
    ? { authorization: `Bearer ${auth.token}` }
    : { 'x-auth-email': auth.email, 'x-auth-key': auth.key }
}

export class CloudflareClient {
  private readonly headers: Record<string, string>

  constructor(private readonly options: ClientOptions) {
    this.headers = { ...authHeaders(options.auth), accept: 'application/json', 'user-agent': options.userAgent }
  }

  /** One DELETE of a download. `signal` aborts it (the step is being cancelled). */
  deleteDownload(videoId: string, type: DownloadType, signal: AbortSignal): Promise<Answer> {
    return this.send('DELETE', downloadsUrl(this.options.baseUrl, this.options.accountId, videoId, type), signal)
  }

  /** `GET …/stream/{id}/downloads`: which downloads exist, with their status (the dry run). */
  getDownloads(videoId: string, signal: AbortSignal): Promise<Answer> {
    return this.send('GET', downloadsUrl(this.options.baseUrl, this.options.accountId, videoId, 'default'), signal)
  }

  /** `GET /accounts/{account_id}/stream` with these query parameters: one page of the video list. */
  listVideos(query: URLSearchParams, signal: AbortSignal): Promise<Answer> {
    const url = new URL(`${this.options.baseUrl}/accounts/${this.options.accountId}/stream`)
    url.search = query.toString()
    // A page of 1,000 videos is megabytes of JSON: each video object is a kilobyte or more.
    return this.send('GET', url, signal, LIST_LIMITS)
  }

  private async send(method: 'GET' | 'DELETE', url: URL, signal: AbortSignal, limits = ANSWER_LIMITS): Promise<Answer> {
    const reply = await this.options.transport.send({
      origin: url.origin,
      path: url.pathname + url.search,
      method,
      headers: this.headers,
      maxBodyBytes: limits.bytes,
      signal
    })
    if (reply.kind === 'network') return reply
    const { status, headers, body, unreadBytes } = reply
    const answer: HttpAnswer = {
      kind: 'http',
      status,
      rayId: headers['cf-ray'],
      retryAfter: headers['retry-after'],
      ratelimit: headers.ratelimit,
      ratelimitPolicy: headers['ratelimit-policy'],
      xRateLimitRemaining: headers['x-ratelimit-remaining'],
      xRateLimitReset: headers['x-ratelimit-reset'],
      location: headers.location
    }
    if (body === undefined) {
      const size = unreadBytes === undefined ? `over ${binarySize(limits.bytes)}` : `of ${unreadBytes} bytes`
      answer.problem = `HTTP ${status} with an answer ${size}, larger than Cloudflare sends (not read)`
      return answer
    }
    if (overValues(body, limits.values)) {
      answer.problem = `HTTP ${status} with an answer of over ${limits.values} JSON values, larger than Cloudflare sends (not parsed)`
      return answer
    }
    const reading = readEnvelope(headers['content-type'], body)
    if ('envelope' in reading) answer.envelope = reading.envelope
    else answer.problem = reading.problem
    return answer
  }
}

/** A limit in the largest binary unit it is a whole number of: "64 KiB", "16 MiB". */
function binarySize(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : `${bytes / 1024} KiB`
}

/** Whether `body` holds more than `max` JSON values, counted as commas, `{` and `[` (strings' included). */
function overValues(body: string, max: number): boolean {
  let count = 0
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i)
    if ((c === 44 || c === 123 || c === 91) && ++count > max) return true
  }
  return false
}
