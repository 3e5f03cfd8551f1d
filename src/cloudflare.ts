/**
 * The Cloudflare client: URLs, auth headers, one request (a DELETE of a download, a read of a
 * video's downloads, a page of the video list), and reading the answer. It knows nothing
 * about GitHub Actions, retries or pacing, and it never throws for anything the network or the
 * server can do: every attempt ends as an {@link Answer}.
 */
import { readEnvelope } from './envelope.js'
import type { Transport, TransportResponse } from './ports.js'
import type { Answer, Auth, DownloadType } from './types.js'

/** Larger answers are refused: a delete's envelope is a few hundred bytes. */
export const MAX_BODY_BYTES = 1024 * 1024
/** A page of the video list may be this large, at most. */
export const MAX_LIST_BODY_BYTES = 64 * 1024 * 1024

export interface ClientOptions {
  baseUrl: string
  accountId: string
  auth: Auth
  userAgent: string
  /** The keep-alive pool (through a proxy or not) that carries every request. */
  transport: Transport
  /** Limit for one attempt, from sending to the last byte of the answer. */
  timeoutMs: number
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
    const url = new URL(`${this.options.baseUrl}/accounts/${this.options.accountId}/stream/${videoId}/downloads`)
    return this.send('GET', url, signal)
  }

  /** `GET /accounts/{account_id}/stream` with these query parameters: one page of the video list. */
  listVideos(query: URLSearchParams, signal: AbortSignal): Promise<Answer> {
    const url = new URL(`${this.options.baseUrl}/accounts/${this.options.accountId}/stream`)
    url.search = query.toString()
    // A page of 1,000 videos is megabytes of JSON: each video object is a kilobyte or more.
    return this.send('GET', url, signal, MAX_LIST_BODY_BYTES)
  }

  private async send(
    method: 'GET' | 'DELETE',
    url: URL,
    signal: AbortSignal,
    maxBody = MAX_BODY_BYTES
  ): Promise<Answer> {
    // One controller for both the step's cancellation and this attempt's timer (cheaper per
    // request than AbortSignal.any, which the runtime has to track until both signals are gone).
    const both = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      both.abort()
    }, this.options.timeoutMs)
    const cancelled = (): void => both.abort()
    if (signal.aborted) cancelled()
    else signal.addEventListener('abort', cancelled, { once: true })
    try {
      // undici's request() follows no redirects: a 3xx comes back as it is, credentials unsent elsewhere.
      const exchange = this.options.transport
        .request({
          origin: url.origin,
          path: url.pathname + url.search,
          method,
          headers: this.headers,
          signal: both.signal
        })
        .then((response) => readAnswer(response, maxBody))
      // undici does not abort a connection still being set up (a TLS handshake, a proxy's CONNECT):
      // the attempt ends when the signal fires all the same, and the pool is destroyed at the end.
      return await settleBefore(exchange, both.signal)
    } catch (error) {
      return networkFailure(error, timedOut, this.options.timeoutMs)
    } finally {
      clearTimeout(timer)
      signal.removeEventListener('abort', cancelled)
    }
  }
}

/** `work`'s result, or a rejection with the signal's reason as soon as it aborts, whichever is first. */
async function settleBefore<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  // Whatever `work` does after losing the race is of no interest, and must not be an unhandled rejection.
  work.catch(() => undefined)
  let onAbort: () => void = () => undefined
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([work, aborted])
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

async function readAnswer(response: TransportResponse, maxBody: number): Promise<Answer> {
  const header = (name: string): string | undefined => {
    const value = response.headers[name]
    return Array.isArray(value) ? value.join(', ') : value
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of response.body) {
    size += chunk.length
    if (size > maxBody) {
      response.body.destroy()
      break
    }
    chunks.push(chunk)
  }
  const answer: Answer = {
    kind: 'http',
    status: response.statusCode,
    rayId: header('cf-ray'),
    retryAfter: header('retry-after'),
    ratelimit: header('ratelimit'),
    ratelimitPolicy: header('ratelimit-policy'),
    xRateLimitRemaining: header('x-ratelimit-remaining'),
    xRateLimitReset: header('x-ratelimit-reset'),
    location: header('location')
  }
  if (size > maxBody) {
    answer.problem = `HTTP ${response.statusCode} with an answer over ${maxBody / 1024 / 1024} MiB, which was not read`
    return answer
  }
  const reading = readEnvelope(response.statusCode, header('content-type'), Buffer.concat(chunks).toString('utf8'))
  if ('envelope' in reading) answer.envelope = reading.envelope
  else answer.problem = reading.problem
  return answer
}

/** Connection failures where the request cannot have reached the server. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'ENETUNREACH'])

function networkFailure(error: unknown, timedOut: boolean, timeoutMs: number): Answer {
  if (timedOut) {
    return {
      kind: 'network',
      code: 'TIMEOUT',
      message: `timed out after ${timeoutMs / 1000} s (timeout-seconds)`,
      mayHaveReachedServer: true
    }
  }
  // Duck-typed: undici's errors and DOMException may come from another realm (or be no Error at all).
  const err = asError(error)
  const cause = asError(err.cause)
  const aborted = err.name === 'AbortError' || err.code === 'UND_ERR_ABORTED'
  const code = aborted ? 'ABORTED' : (text(cause.code) ?? text(err.code) ?? text(err.name) ?? 'ERROR')
  return {
    kind: 'network',
    code,
    message: aborted ? 'the step was cancelled while the request was in flight' : describe(err, cause, code),
    mayHaveReachedServer: !NEVER_SENT.has(code)
  }
}

interface ErrorLike {
  name?: unknown
  code?: unknown
  message?: unknown
  cause?: unknown
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined)

function asError(value: unknown): ErrorLike {
  return typeof value === 'object' && value !== null ? value : {}
}

function describe(err: ErrorLike, cause: ErrorLike, code: string): string {
  const said = text(cause.message) ?? text(err.message) ?? code
  return said.includes(code) ? said : `${code}: ${said}`
}
