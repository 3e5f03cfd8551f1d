/**
 * The Cloudflare client: URLs, auth headers, one DELETE, and reading the answer. It knows nothing
 * about GitHub Actions, retries or pacing, and it never throws for anything the network or the
 * server can do: every attempt ends as an {@link Answer}.
 */
import type { Dispatcher } from 'undici'
import { readEnvelope } from './envelope.js'
import type { Transport } from './http.js'
import type { Auth } from './settings.js'
import type { Answer, DownloadType } from './types.js'

/** Larger answers are refused: a delete's envelope is a few hundred bytes. */
export const MAX_BODY_BYTES = 1024 * 1024

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

  /** One DELETE attempt. `signal` aborts it (the step is being cancelled). */
  async deleteDownload(videoId: string, type: DownloadType, signal: AbortSignal): Promise<Answer> {
    const url = downloadsUrl(this.options.baseUrl, this.options.accountId, videoId, type)
    // One controller for both the step's cancellation and this attempt's timer (cheaper per
    // request than AbortSignal.any, which the runtime has to track until both signals are gone).
    const both = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      both.abort()
    }, this.options.timeoutMs)
    const cancelled = (): void => both.abort(signal.reason)
    if (signal.aborted) cancelled()
    else signal.addEventListener('abort', cancelled, { once: true })
    try {
      // undici's request() follows no redirects: a 3xx comes back as it is, credentials unsent elsewhere.
      const response = await this.options.transport.request({
        origin: url.origin,
        path: url.pathname,
        method: 'DELETE',
        headers: this.headers,
        signal: both.signal
      })
      return await readAnswer(response)
    } catch (error) {
      return networkFailure(error, timedOut, this.options.timeoutMs)
    } finally {
      clearTimeout(timer)
      signal.removeEventListener('abort', cancelled)
    }
  }
}

async function readAnswer(response: Dispatcher.ResponseData): Promise<Answer> {
  const header = (name: string): string | undefined => {
    const value = response.headers[name]
    return Array.isArray(value) ? value.join(', ') : value
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) {
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
    location: header('location')
  }
  if (size > MAX_BODY_BYTES) {
    answer.problem = `HTTP ${response.statusCode} with an answer over ${MAX_BODY_BYTES / 1024 / 1024} MiB, which was not read`
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
      message: `no complete answer within ${timeoutMs / 1000} s`,
      mayHaveReachedServer: true
    }
  }
  // Duck-typed: undici's errors and DOMException may come from another realm (or be no Error at all).
  const err = asError(error)
  const cause = asError(err.cause)
  const aborted = err.name === 'AbortError' || err.code === 'UND_ERR_ABORTED'
  const code = aborted ? 'ABORTED' : String(cause.code ?? err.code ?? err.name ?? 'ERROR')
  return {
    kind: 'network',
    code,
    message: aborted ? 'the step was cancelled while the request was in flight' : describe(err, cause, code),
    mayHaveReachedServer: !NEVER_SENT.has(code)
  }
}

interface ErrorLike {
  name?: string
  code?: unknown
  message?: string
  cause?: unknown
}

function asError(value: unknown): ErrorLike {
  return typeof value === 'object' && value !== null ? (value as ErrorLike) : {}
}

function describe(err: ErrorLike, cause: ErrorLike, code: string): string {
  const text = cause.message ?? err.message ?? code
  return text.includes(code) ? text : `${code}: ${text}`
}
