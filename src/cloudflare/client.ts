/**
 * The Cloudflare client: URLs, auth headers, one request (a DELETE of a download, a read of a
 * video's downloads, a page of the video list), and reading the answer. It knows nothing
 * about GitHub Actions, retries or pacing, and it never throws for anything the network or the
 * server can do: every attempt ends as an {@link Answer}.
 */
import { Deadlines, type Ending, type Watched } from './deadlines.js'
import { readEnvelope } from './envelope.js'
import type { ResponseHandler, Transport } from '../ports.js'
import type { Answer, Auth, DownloadType, HttpAnswer } from '../types.js'

/** Larger answers are refused: a delete's envelope is a few hundred bytes. */
export const MAX_BODY_BYTES = 1024 * 1024
/** A page of the video list may be this large, at most. */
export const MAX_LIST_BODY_BYTES = 16 * 1024 * 1024

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

/**
 * Where a video's requests go, as {@link downloadsUrl} builds them but without parsing a URL per
 * request: the base URL is parsed once, and a video id that a URL keeps as it is (letters, digits,
 * `-` and `_`: every valid Stream UID) is appended to it.
 */
export class VideoPaths {
  /** The origin of every path given here. */
  readonly origin: string
  /** `…/accounts/{account_id}/stream/`, or undefined when appending to it would not be what a URL parser makes. */
  private readonly prefix: string | undefined

  constructor(baseUrl: string, accountId: string) {
    const stream = parseUrl(`${baseUrl}/accounts/${accountId}/stream/`)
    this.origin = stream?.origin ?? ''
    // A query or a fragment in the base URL would swallow whatever follows it.
    const plain = stream !== null && stream.search === '' && stream.hash === '' && stream.pathname.endsWith('/stream/')
    this.prefix = plain ? stream.pathname : undefined
  }

  /** The path of `…/stream/{videoId}{rest}`, or undefined when only a URL parser can tell. */
  path(videoId: string, rest: string): string | undefined {
    return this.prefix !== undefined && PLAIN_SEGMENT.test(videoId) ? this.prefix + videoId + rest : undefined
  }
}

/** `URL.parse` (Node 22 and later): null for what is not a URL. */
function parseUrl(text: string): URL | null {
  try {
    return new URL(text)
  } catch {
    return null
  }
}

/** Characters a URL's path keeps as they are, and that no dot segment can be made of. */
const PLAIN_SEGMENT = /^[A-Za-z0-9_-]+$/

export class CloudflareClient {
  private readonly headers: Record<string, string>
  private readonly paths: VideoPaths
  private readonly deadlines: Deadlines

  constructor(private readonly options: ClientOptions) {
    this.headers = { ...authHeaders(options.auth), accept: 'application/json', 'user-agent': options.userAgent }
    this.paths = new VideoPaths(options.baseUrl, options.accountId)
    this.deadlines = new Deadlines(options.timeoutMs)
  }

  /** One DELETE of a download. `signal` aborts it (the step is being cancelled). */
  deleteDownload(videoId: string, type: DownloadType, signal: AbortSignal): Promise<Answer> {
    return this.sendToVideo('DELETE', videoId, type === 'audio' ? '/downloads/audio' : '/downloads', signal)
  }

  /** `GET …/stream/{id}/downloads`: which downloads exist, with their status (the dry run). */
  getDownloads(videoId: string, signal: AbortSignal): Promise<Answer> {
    return this.sendToVideo('GET', videoId, '/downloads', signal)
  }

  /** `GET /accounts/{account_id}/stream` with these query parameters: one page of the video list. */
  listVideos(query: URLSearchParams, signal: AbortSignal): Promise<Answer> {
    const url = new URL(`${this.options.baseUrl}/accounts/${this.options.accountId}/stream`)
    url.search = query.toString()
    // A page of 1,000 videos is megabytes of JSON: each video object is a kilobyte or more.
    return this.send('GET', url.origin, url.pathname + url.search, signal, MAX_LIST_BODY_BYTES)
  }

  private sendToVideo(method: 'GET' | 'DELETE', videoId: string, rest: string, signal: AbortSignal): Promise<Answer> {
    const path = this.paths.path(videoId, rest)
    if (path !== undefined) return this.send(method, this.paths.origin, path, signal)
    const url = new URL(`${this.options.baseUrl}/accounts/${this.options.accountId}/stream/${videoId}${rest}`)
    return this.send(method, url.origin, url.pathname + url.search, signal)
  }

  private send(
    method: 'GET' | 'DELETE',
    origin: string,
    path: string,
    signal: AbortSignal,
    maxBody = MAX_BODY_BYTES
  ): Promise<Answer> {
    return new Promise((resolve) => {
      const exchange = new Exchange(signal, maxBody, this.options.timeoutMs, this.deadlines, resolve)
      // Already cancelled: ended at once, and nothing is sent.
      this.deadlines.watch(exchange)
      if (exchange.settled) return
      try {
        // undici's dispatch() follows no redirects: a 3xx comes back as it is, credentials unsent elsewhere.
        this.options.transport.dispatch({ origin, path, method, headers: this.headers }, exchange)
      } catch (error) {
        exchange.onError(error)
      }
    })
  }
}

/** The headers an answer is read for, by their lowercase names, and how long those are. */
const READ_HEADERS: ReadonlySet<string> = new Set([
  'cf-ray',
  'retry-after',
  'ratelimit',
  'ratelimit-policy',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'location',
  'content-type'
])
const READ_HEADER_LENGTHS: ReadonlySet<number> = new Set([...READ_HEADERS].map((name) => name.length))

/**
 * One attempt, ended by whichever comes first: its answer, a failure, its timeout or the step's
 * cancellation. undici does not abort a connection still being set up (a TLS handshake, a proxy's
 * CONNECT): the attempt ends all the same, and the pool is destroyed at the end of the run.
 *
 * It hears the answer as undici parses it (no stream, no promise per step, only the headers it
 * needs turned into text): most of what an attempt costs besides the network.
 */
class Exchange implements Watched, ResponseHandler {
  deadline = 0
  settled = false
  /** undici's way to end the request, once it is about to be written. */
  private abort: ((reason?: Error) => void) | undefined
  private ended = false
  private status = 0
  /** The headers read, each as `header(name)` of undici's parsed headers says it (repeats joined by ", "). */
  private headers: Partial<Record<string, string>> = {}
  private readonly chunks: Buffer[] = []
  private size = 0

  constructor(
    readonly signal: AbortSignal,
    private readonly maxBody: number,
    private readonly timeoutMs: number,
    private readonly deadlines: Deadlines,
    private readonly resolve: (answer: Answer) => void
  ) {}

  /** Timed out, or the step was cancelled. */
  end(ending: Ending): void {
    // Settled first: undici tells onError of the abort at once, and that is not what happened.
    this.settle(ending === 'timeout' ? timedOut(this.timeoutMs) : cancelled())
    this.stop()
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abort = abort
    if (this.ended) abort()
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    // 1xx answers come before the real one.
    if (statusCode < 200) return true
    this.status = statusCode
    const headers: Partial<Record<string, string>> = {}
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const rawName = rawHeaders[i] as Buffer
      if (!READ_HEADER_LENGTHS.has(rawName.length)) continue
      const name = rawName.toString('latin1').toLowerCase()
      if (!READ_HEADERS.has(name)) continue
      const value = (rawHeaders[i + 1] as Buffer).toString('utf8')
      // As undici's parseHeaders: a repeat joins a non-empty earlier value, and replaces an empty one.
      const earlier = headers[name]
      headers[name] = earlier ? `${earlier}, ${value}` : value
    }
    this.headers = headers
    return true
  }

  onData(chunk: Buffer): boolean {
    this.size += chunk.length
    if (this.size <= this.maxBody) {
      this.chunks.push(chunk)
      return true
    }
    const answer = this.answer()
    answer.problem = `HTTP ${this.status} with an answer over ${this.maxBody / 1024 / 1024} MiB, which was not read`
    this.settle(answer)
    this.stop()
    return false
  }

  onComplete(): void {
    const answer = this.answer()
    const { chunks } = this
    const body = chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8')
    const reading = readEnvelope(this.headers['content-type'], body)
    if ('envelope' in reading) answer.envelope = reading.envelope
    else answer.problem = reading.problem
    this.settle(answer)
  }

  onError(error: unknown): void {
    this.settle(networkFailure(error))
  }

  private answer(): HttpAnswer {
    const { headers } = this
    return {
      kind: 'http',
      status: this.status,
      rayId: headers['cf-ray'],
      retryAfter: headers['retry-after'],
      ratelimit: headers.ratelimit,
      ratelimitPolicy: headers['ratelimit-policy'],
      xRateLimitRemaining: headers['x-ratelimit-remaining'],
      xRateLimitReset: headers['x-ratelimit-reset'],
      location: headers.location
    }
  }

  /** Ends the request in undici, now or as soon as it is about to be written. */
  private stop(): void {
    if (this.ended) return
    this.ended = true
    this.abort?.()
  }

  /** The attempt's answer; whatever comes after the first is of no interest. */
  private settle(answer: Answer): void {
    if (this.settled) return
    this.settled = true
    this.deadlines.release(this)
    this.resolve(answer)
  }
}

/** Connection failures where the request cannot have reached the server. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'ENETUNREACH'])

function timedOut(timeoutMs: number): Answer {
  return {
    kind: 'network',
    code: 'TIMEOUT',
    message: `timed out after ${timeoutMs / 1000} s (timeout-seconds)`,
    mayHaveReachedServer: true
  }
}

function cancelled(): Answer {
  return {
    kind: 'network',
    code: 'ABORTED',
    message: 'the step was cancelled while the request was in flight',
    mayHaveReachedServer: true
  }
}

function networkFailure(error: unknown): Answer {
  // Duck-typed: undici's errors and DOMException may come from another realm (or be no Error at all).
  const err = asError(error)
  if (err.name === 'AbortError' || err.code === 'UND_ERR_ABORTED') return cancelled()
  const cause = asError(err.cause)
  const code = text(cause.code) ?? text(err.code) ?? text(err.name) ?? 'ERROR'
  return { kind: 'network', code, message: describe(err, cause, code), mayHaveReachedServer: !NEVER_SENT.has(code) }
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
