// @ts-check
/**
 * A stand-in for Cloudflare's Stream downloads API on 127.0.0.1, for the tests, the demo and the
 * benchmarks (never bundled into dist/). It speaks the same envelope and headers as the real API
 * (`cf-ray`, `Ratelimit`, `Ratelimit-Policy`, a 5-minute-style lockout with code 971) and can
 * misbehave on request: 429s, 5xx, HTML edge errors, resets, hangs, redirects, huge bodies.
 *
 * Error codes for "not found" and "authentication" are the stand-in's choice; the real API's
 * envelope carries its own codes in the same places.
 */
import { createServer } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import { randomBytes } from 'node:crypto'

/**
 * @typedef {'429' | '500' | '503' | 'html502' | 'html520' | 'reset' | 'reset-after-delete' | 'hang' | 'redirect' | 'huge' | 'not-json' | 'empty'} Fault
 * @typedef {{ video?: string, type?: 'default' | 'audio', times?: number, fault: Fault, retryAfter?: string }} FaultRule
 * @typedef {{ method: string, path: string, headers: import('node:http').IncomingHttpHeaders, at: number, remotePort?: number, status?: number }} Logged
 * @typedef {{
 *   videos?: Record<string, { default?: boolean, audio?: boolean }>,
 *   accountId?: string,
 *   token?: string,
 *   email?: string,
 *   key?: string,
 *   quota?: number,
 *   windowMs?: number,
 *   lockoutMs?: number,
 *   latencyMs?: number,
 *   faults?: FaultRule[],
 *   port?: number,
 *   tls?: { key: string, cert: string }
 * }} StandInOptions
 */

export const DEFAULT_ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353'
export const DEFAULT_TOKEN = 'stand-in-token-0123456789'

/** @param {StandInOptions} [options] */
export async function startStandIn(options = {}) {
  const accountId = options.accountId ?? DEFAULT_ACCOUNT
  const quota = options.quota ?? 1200
  const windowMs = options.windowMs ?? 300_000
  const lockoutMs = options.lockoutMs ?? windowMs
  /** @type {Map<string, { default: boolean, audio: boolean }>} */
  const videos = new Map(
    Object.entries(options.videos ?? {}).map(([id, d]) => [id, { default: d.default ?? true, audio: d.audio ?? false }])
  )
  /** @type {FaultRule[]} */
  const faults = (options.faults ?? []).map((rule) => ({ ...rule }))
  /** @type {Logged[]} */
  const log = []
  const stats = { inFlight: 0, maxInFlight: 0, lockouts: 0, served: 0 }
  let windowStart = Date.now()
  let used = 0
  let lockedUntil = 0
  /** @type {Set<import('node:http').ServerResponse>} */
  const hanging = new Set()

  /** @param {number} now */
  const rateHeaders = (now) => {
    if (now - windowStart >= windowMs) {
      windowStart = now
      used = 0
    }
    const reset = Math.max(0, Math.ceil((windowStart + windowMs - now) / 1000))
    return {
      ratelimit: `"default";r=${Math.max(0, quota - used)};t=${reset}`,
      'ratelimit-policy': `"default";q=${quota};w=${Math.round(windowMs / 1000)}`
    }
  }

  /** @type {import('node:http').RequestListener} */
  const handle = (req, res) => {
    const now = Date.now()
    /** @type {Logged} */
    const entry = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      at: now,
      remotePort: req.socket.remotePort
    }
    log.push(entry)
    stats.inFlight++
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight)
    res.on('close', () => stats.inFlight--)
    const ray = `${randomBytes(8).toString('hex')}-SJC`

    /** @param {number} status @param {unknown} body @param {Record<string, string>} [extra] */
    const send = (status, body, extra = {}) => {
      entry.status = status
      stats.served++
      const text = typeof body === 'string' ? body : JSON.stringify(body)
      const type = typeof body === 'string' ? 'text/html; charset=UTF-8' : 'application/json'
      res.writeHead(status, { 'content-type': type, 'cf-ray': ray, ...rateHeaders(Date.now()), ...extra })
      res.end(text)
    }
    /** @param {number} status @param {number} code @param {string} message @param {Record<string, string>} [extra] */
    const fail = (status, code, message, extra) =>
      send(status, { success: false, errors: [{ code, message }], messages: [], result: null }, extra)

    // The limit counts every request, answered or not, as Cloudflare's does.
    rateHeaders(now)
    if (now < lockedUntil) {
      return fail(429, 971, 'Please wait and consider throttling your request speed', {
        'retry-after': String(Math.ceil((lockedUntil - now) / 1000))
      })
    }
    used++
    if (used > quota) {
      stats.lockouts++
      lockedUntil = now + lockoutMs
      return fail(429, 971, 'Please wait and consider throttling your request speed', {
        'retry-after': String(Math.ceil(lockoutMs / 1000))
      })
    }

    const match = /^\/client\/v4\/accounts\/([^/]+)\/stream\/([^/]+)\/downloads(?:\/(default|audio))?\/?$/.exec(
      (req.url ?? '').split('?')[0] ?? ''
    )
    const video = match?.[2]
    const type = /** @type {'default' | 'audio'} */ (match?.[3] ?? 'default')
    const rule = faults.find(
      (r) => (r.times ?? 1) > 0 && (!r.video || r.video === video) && (!r.type || r.type === type)
    )
    if (rule) rule.times = (rule.times ?? 1) - 1

    const respond = () => {
      if (rule && rule.fault !== 'reset-after-delete') return misbehave(rule, req, res, send, fail, hanging)
      if (!match || req.method !== 'DELETE') return fail(404, 7003, 'No route for the URI')
      const auth = req.headers.authorization
      const byToken = auth === `Bearer ${options.token ?? DEFAULT_TOKEN}`
      const byKey =
        options.key !== undefined &&
        req.headers['x-auth-key'] === options.key &&
        req.headers['x-auth-email'] === options.email
      if (!auth && !req.headers['x-auth-key']) return fail(400, 10000, 'Authentication error')
      if (!byToken && !byKey) return fail(403, 10000, 'Authentication error')
      if (match[1] !== accountId) return fail(403, 10000, 'Authentication error')
      const downloads = videos.get(video ?? '')
      if (!downloads) return fail(404, 10003, 'Not Found: video not found')
      if (!downloads[type]) return fail(404, 10003, `Not Found: no ${type} download`)
      downloads[type] = false
      if (rule?.fault === 'reset-after-delete') return req.socket.destroy()
      send(200, { success: true, errors: [], messages: [], result: 'ok' })
    }
    if (options.latencyMs) setTimeout(respond, options.latencyMs)
    else respond()
  }
  // Over TLS when given a key and certificate (for tests of the https path through a proxy).
  const server = options.tls ? createTlsServer(options.tls, handle) : createServer(handle)
  server.keepAliveTimeout = 60_000
  await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined)))
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  const origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${address.port}`
  const port = address.port
  return {
    origin,
    port,
    baseUrl: `${origin}/client/v4`,
    accountId,
    token: options.token ?? DEFAULT_TOKEN,
    videos,
    log,
    stats,
    /** Adds faults for the next matching requests. @param {FaultRule[]} more */
    addFaults: (more) => faults.push(...more.map((rule) => ({ ...rule }))),
    close: async () => {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(() => resolve(undefined)))
    }
  }
}

/**
 * @param {FaultRule} rule
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {(status: number, body: unknown, extra?: Record<string, string>) => void} send
 * @param {(status: number, code: number, message: string, extra?: Record<string, string>) => void} fail
 * @param {Set<import('node:http').ServerResponse>} hanging
 */
function misbehave(rule, req, res, send, fail, hanging) {
  switch (rule.fault) {
    case '429':
      return fail(429, 971, 'Please wait and consider throttling your request speed', {
        ...(rule.retryAfter === undefined ? {} : { 'retry-after': rule.retryAfter })
      })
    case '500':
      return fail(500, 1000, 'Internal server error')
    case '503':
      return fail(503, 1000, 'Service unavailable')
    case 'html502':
      return send(502, edgePage(502, 'Bad gateway'))
    case 'html520':
      return send(520, edgePage(520, 'Web server is returning an unknown error'))
    case 'reset':
      return req.socket.destroy()
    case 'hang':
      hanging.add(res)
      return
    case 'redirect':
      return send(307, '', { location: 'https://elsewhere.example/steal' })
    case 'huge':
      return send(200, { success: true, errors: [], messages: [], result: 'x'.repeat(2 * 1024 * 1024) })
    case 'not-json':
      return send(200, '{"success": true, "errors": [', { 'content-type': 'application/json' })
    case 'empty':
      return send(502, '')
  }
}

/** @param {number} status @param {string} title */
function edgePage(status, title) {
  return `<!DOCTYPE html><html><head><title>api.cloudflare.com | ${status}: ${title}</title></head><body><h1>Error ${status}</h1></body></html>`
}
