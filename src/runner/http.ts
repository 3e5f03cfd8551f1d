/**
 * The HTTP transport: undici's `request()` on one keep-alive pool for the API's origin (an `Agent`,
 * or a `ProxyAgent` through the proxy that requests/proxy.ts picked). Every attempt
 * ends as an answer or a failure in the action's own terms (ports.ts); nothing here throws.
 */
import { Agent, type Dispatcher, ProxyAgent } from 'undici'
import type { Transport, TransportFailure, TransportOptions, TransportRequest, TransportResponse } from '../ports.js'

/** The transport for every request of this run. */
export function createTransport(proxy: URL | undefined, options: TransportOptions): Transport {
  const { timeoutMs } = options
  // Each attempt's own timer bounds it as a whole (send()); undici's limits, a second later, only free
  // what undici still holds after that.
  const backstop = timeoutMs + 1000
  const limits = {
    connections: options.connections,
    keepAliveTimeout: 30_000,
    headersTimeout: backstop,
    bodyTimeout: backstop,
    connect: { timeout: backstop }
  }
  const dispatcher: Dispatcher = proxy ? new ProxyAgent({ uri: proxy.href, ...limits }) : new Agent(limits)
  return {
    send: (outgoing) => send(dispatcher, outgoing, timeoutMs),
    destroy: () => dispatcher.destroy()
  }
}

async function send(
  dispatcher: Dispatcher,
  outgoing: TransportRequest,
  timeoutMs: number
): Promise<TransportResponse | TransportFailure> {
  const cancellation = outgoing.signal
  // Already cancelled: nothing is sent.
  if (cancellation.aborted) return cancelled()
  // One signal per attempt, ended by its own timer or by the cancellation, both released as soon as
  // the attempt ends: AbortSignal.timeout() (alone or in AbortSignal.any()) would keep every attempt's
  // signals in memory until its timeout had passed, tens of MiB in a batch of 100,000 requests.
  const attempt = new AbortController()
  let timedOutFirst = false
  const timer = setTimeout(() => {
    timedOutFirst = true
    attempt.abort()
  }, timeoutMs)
  const cancel = (): void => attempt.abort()
  cancellation.addEventListener('abort', cancel, { once: true })
  try {
    // undici does not end an attempt still connecting (a TLS handshake, a proxy's CONNECT) when its
    // signal aborts: the attempt ends here all the same, and the pool is destroyed at the end of the run.
    return await untilAborted(attempt.signal, exchange(dispatcher, outgoing, attempt.signal))
  } catch (error) {
    if (cancellation.aborted) return cancelled()
    if (timedOutFirst) return timedOut(timeoutMs)
    return networkFailure(error)
  } finally {
    clearTimeout(timer)
    cancellation.removeEventListener('abort', cancel)
  }
}

/** One request and its answer, the body read up to `maxBodyBytes`. */
async function exchange(
  dispatcher: Dispatcher,
  { origin, path, method, headers, maxBodyBytes }: TransportRequest,
  signal: AbortSignal
): Promise<TransportResponse> {
  // maxRedirections 0: a 3xx comes back as it is, and the credentials are never sent elsewhere.
  const answer = await dispatcher.request({ origin, path, method, headers, signal, maxRedirections: 0 })
  const response: TransportResponse = {
    kind: 'response',
    status: answer.statusCode,
    headers: joined(answer.headers),
    body: undefined
  }
  // Past the limit, the rest is not read: the connection is closed instead.
  const discard = (): TransportResponse => (answer.body.on('error', () => undefined).destroy(), response)
  const declared = Number(answer.headers['content-length'])
  if (declared > maxBodyBytes) {
    response.unreadBytes = declared
    return discard()
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of answer.body as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBodyBytes) return discard()
    chunks.push(chunk)
  }
  response.body = Buffer.concat(chunks).toString('utf8')
  return response
}

/** undici's headers, a repeated one (an array) joined by ", " as a single header would say it. */
function joined(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const [name, value] of Object.entries(headers)) out[name] = Array.isArray(value) ? value.join(', ') : value
  return out
}

/** `work`, or a rejection as soon as `signal` aborts, whichever comes first (the caller asks which signal). */
function untilAborted<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new Error('aborted'))
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** Connection failures where the request cannot have reached the server. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'ENETUNREACH'])

function timedOut(timeoutMs: number): TransportFailure {
  return {
    kind: 'network',
    code: 'TIMEOUT',
    message: `timed out after ${timeoutMs / 1000} s (timeout-seconds)`,
    mayHaveReachedServer: true
  }
}

function cancelled(): TransportFailure {
  return {
    kind: 'network',
    code: 'ABORTED',
    message: 'the step was cancelled while the request was in flight',
    mayHaveReachedServer: true
  }
}

/** undici's ProxyAgent tells a refused tunnel only in its message. */
const PROXY_REFUSED = /^Proxy response \((\d{3})\) !== 200 when HTTP Tunneling$/

function networkFailure(error: unknown): TransportFailure {
  // Duck-typed: undici's errors may come from another realm (or be no Error at all).
  const err = asError(error)
  const proxyStatus = PROXY_REFUSED.exec(text(err.message) ?? '')?.[1]
  if (proxyStatus !== undefined) {
    const hint = proxyStatus === '407' ? ', check the proxy credentials' : ''
    return {
      kind: 'network',
      code: `PROXY_${proxyStatus}`,
      message: `the proxy refused the tunnel: ${proxyStatus}${hint}`,
      mayHaveReachedServer: false
    }
  }
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
