// @ts-check
/**
 * A stand-in for Cloudflare's Stream downloads API on 127.0.0.1, for the tests, the demo and the
 * benchmarks (never bundled into dist/). It speaks the same envelope and headers as the real API
 * (`cf-ray`, `Ratelimit`, `Ratelimit-Policy`, a 5-minute-style lockout with code 971) and can
 * misbehave on request: 429s, 5xx, HTML edge errors, resets, hangs, redirects, huge bodies.
 *
 * Error codes for "not found" and "authentication" are the stand-in's choice; the real API's
 * envelope carries its own codes in the same places.
 *
 * It also serves the video list, `GET /accounts/{account_id}/stream`, over a `library` of videos
 * kept sorted by `created`: `asc`, `limit` (1–1000, default 1000), `start`/`after` and
 * `end`/`before` (found by binary search), the filters `creator`, `video_name`, `search`, `status`,
 * `live_input_id`, `type`, `id` and `name`, with `range` (the matching videos left after this page)
 * and `total` (with `include_counts=true`). Cloudflare does not say whether `start` and `end` are
 * inclusive, so both are options. `GET …/stream/{id}/downloads` answers each download's `status`,
 * `url` and `percentComplete`. List requests count against the quota like every other request.
 * With `hostileList`, the list lies in the ways a broken or hostile server could (see
 * {@link HostileList}).
 */
import { createServer } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import { randomBytes } from 'node:crypto'

/**
 * @typedef {'429' | '500' | '503' | 'html502' | 'html520' | 'reset' | 'reset-after-delete' | 'hang' | 'redirect' | 'huge' | 'not-json' | 'empty' | 'forbidden'} Fault
 * @typedef {{ video?: string, type?: 'default' | 'audio', op?: Operation, times?: number, fault: Fault, retryAfter?: string }} FaultRule
 * @typedef {'delete' | 'list' | 'downloads'} Operation the request a fault rule applies to (any, when unset)
 * @typedef {{ method: string, path: string, headers: import('node:http').IncomingHttpHeaders, at: number, remotePort?: number, status?: number }} Logged
 * @typedef {'pendingupload' | 'downloading' | 'queued' | 'inprogress' | 'ready' | 'error' | 'live-inprogress'} MediaState
 * @typedef {{ status?: 'ready' | 'inprogress' | 'error', percentComplete?: number }} DownloadState
 *   a download being made: `{ status: 'inprogress', percentComplete: 40 }` (`true` means ready, 100 %)
 * @typedef {{
 *   uid: string,
 *   created: string,
 *   modified?: string,
 *   creator?: string,
 *   name?: string,
 *   state?: MediaState,
 *   liveInput?: string,
 *   size?: number,
 *   duration?: number,
 *   downloads?: { default?: boolean | DownloadState, audio?: boolean | DownloadState }
 * }} LibraryVideo
 *   one video of the list; `created` is RFC 3339 (as precise as you like; compared to the µs);
 *   `downloads` defaults to `{ default: true }`, like `videos`
 * @typedef {{
 *   uid: string, created: string, at: number, modified: string, creator?: string, name?: string,
 *   state: MediaState, liveInput?: string, size: number, duration: number
 * }} LibraryRecord a listed video as the stand-in keeps it (`at`: `created` in µs since the epoch)
 * @typedef {{
 *   videos?: Record<string, { default?: boolean, audio?: boolean }>,
 *   library?: LibraryVideo[],
 *   startInclusive?: boolean,
 *   endInclusive?: boolean,
 *   accountId?: string,
 *   token?: string,
 *   email?: string,
 *   key?: string,
 *   quota?: number,
 *   windowMs?: number,
 *   now?: () => number,
 *   lockoutMs?: number,
 *   latencyMs?: number,
 *   faults?: FaultRule[],
 *   hostileList?: HostileList,
 *   port?: number,
 *   tls?: { key: string, cert: string }
 * }} StandInOptions
 * @typedef {{
 *   claim?: { creator?: string, state?: MediaState, liveInput?: string, name?: string },
 *   repeatFirst?: boolean,
 *   endless?: boolean,
 *   pageCap?: number
 * }} HostileList
 *   how the list lies: `claim` makes every entry say these fields (the server selected by its own
 *   but answers others); `repeatFirst` adds the library's first video, with a later `created`,
 *   at the end of every page but the first; `endless` answers every request with `limit` new
 *   videos created after the `start` asked for (no `total`), whatever the library; `pageCap` cuts
 *   every page to at most that many entries while `total` still counts them all
 */

export const DEFAULT_ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353'
export const DEFAULT_TOKEN = 'stand-in-token-0123456789'

/**
 * Starts the stand-in. `videos` are known to DELETE and GET downloads only; `library` videos are
 * listed too (uids must be unique across both). `startInclusive` (default false, as "created after"
 * reads) and `endInclusive` (default false: "created before") choose how `start` and `end` compare.
 * @param {StandInOptions} [options]
 */
export async function startStandIn(options = {}) {
  const accountId = options.accountId ?? DEFAULT_ACCOUNT
  const quota = options.quota ?? 1200
  const windowMs = options.windowMs ?? 300_000
  const lockoutMs = options.lockoutMs ?? windowMs
  /** @type {Map<string, { default: boolean, audio: boolean }>} */
  const videos = new Map(
    Object.entries(options.videos ?? {}).map(([id, d]) => [id, { default: d.default ?? true, audio: d.audio ?? false }])
  )
  /** @type {Map<string, { default?: DownloadState, audio?: DownloadState }>} */
  const downloadStates = new Map()
  const library = buildLibrary(options.library ?? [], videos, downloadStates)
  const listing = { startInclusive: options.startInclusive ?? false, endInclusive: options.endInclusive ?? false }
  /** @type {FaultRule[]} */
  const faults = (options.faults ?? []).map((rule) => ({ ...rule }))
  /** @type {Logged[]} */
  const log = []
  const stats = { inFlight: 0, maxInFlight: 0, lockouts: 0, served: 0 }
  // The quota's clock: the wall clock, or a test's virtual one (so windows reset when it says).
  const clock = options.now ?? Date.now
  let windowStart = clock()
  let used = 0
  let lockedUntil = 0
  /** @type {Set<import('node:http').ServerResponse>} */
  const hanging = new Set()
  const hostileState = { made: 0 }

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
    const now = clock()
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
      res.writeHead(status, { 'content-type': type, 'cf-ray': ray, ...rateHeaders(clock()), ...extra })
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

    const url = new URL(req.url ?? '/', 'http://stand-in')
    const match = /^\/client\/v4\/accounts\/([^/]+)\/stream\/([^/]+)\/downloads(?:\/(default|audio))?\/?$/.exec(
      url.pathname
    )
    const listMatch = /^\/client\/v4\/accounts\/([^/]+)\/stream\/?$/.exec(url.pathname)
    /** @type {Operation | undefined} */
    const op =
      listMatch && req.method === 'GET'
        ? 'list'
        : match && req.method === 'DELETE'
          ? 'delete'
          : match && !match[3] && req.method === 'GET'
            ? 'downloads'
            : undefined
    const video = match?.[2]
    const type = /** @type {'default' | 'audio' | undefined} */ (
      op === 'delete' ? (match?.[3] ?? 'default') : match?.[3]
    )
    const rule = faults.find(
      (r) =>
        (r.times ?? 1) > 0 && (!r.op || r.op === op) && (!r.video || r.video === video) && (!r.type || r.type === type)
    )
    if (rule) rule.times = (rule.times ?? 1) - 1

    const respond = () => {
      if (rule && rule.fault !== 'reset-after-delete') return misbehave(rule, req, res, send, fail, hanging)
      if (!op) return fail(404, 7003, 'No route for the URI')
      const auth = req.headers.authorization
      const byToken = auth === `Bearer ${options.token ?? DEFAULT_TOKEN}`
      const byKey =
        options.key !== undefined &&
        req.headers['x-auth-key'] === options.key &&
        req.headers['x-auth-email'] === options.email
      if (!auth && !req.headers['x-auth-key']) return fail(400, 10000, 'Authentication error')
      if (!byToken && !byKey) return fail(403, 10000, 'Authentication error')
      if ((listMatch ?? match)?.[1] !== accountId) return fail(403, 10000, 'Authentication error')
      if (op === 'list') {
        if (options.hostileList?.endless) return send(200, endlessPage(url.searchParams, videos, hostileState))
        const answer = listLibrary(library, url.searchParams, listing)
        if ('problem' in answer) return fail(400, 10005, answer.problem)
        return send(200, options.hostileList ? lie(answer.body, options.hostileList, library) : answer.body)
      }
      const downloads = videos.get(video ?? '')
      if (!downloads) return fail(404, 10003, 'Not Found: video not found')
      if (op === 'downloads') {
        return send(200, {
          success: true,
          errors: [],
          messages: [],
          result: describeDownloads(video ?? '', downloads, downloadStates.get(video ?? ''))
        })
      }
      const kind = type ?? 'default'
      if (!downloads[kind]) return fail(404, 10003, `Not Found: no ${kind} download`)
      downloads[kind] = false
      const states = downloadStates.get(video ?? '')
      if (states) delete states[kind]
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
    /** The listed videos, sorted by `created` (read them; the stand-in serves from this array). */
    library: /** @type {readonly LibraryRecord[]} */ (library),
    log,
    stats,
    /**
     * Adds videos to the listed library (as if younger videos had aged past a threshold): kept
     * sorted by `created`, their downloads known like the others'. @param {LibraryVideo[]} more
     */
    addLibrary: (more) => {
      library.push(...buildLibrary(more, videos, downloadStates))
      library.sort((a, b) => a.at - b.at)
    },
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
    // A refusal about one video, not the credentials: no authentication code.
    case 'forbidden':
      return fail(403, 10005, 'Forbidden: not allowed for this video')
  }
}

/** @param {number} status @param {string} title */
function edgePage(status, title) {
  return `<!DOCTYPE html><html><head><title>api.cloudflare.com | ${status}: ${title}</title></head><body><h1>Error ${status}</h1></body></html>`
}

/** Where the stand-in says downloads, thumbnails and playback live (never fetched by anything). */
const MEDIA_ORIGIN = 'https://customer-stand-in.cloudflarestream.com'
/** @type {readonly MediaState[]} */
const MEDIA_STATES = ['pendingupload', 'downloading', 'queued', 'inprogress', 'ready', 'error', 'live-inprogress']

/**
 * Sorts the library by `created` (ties keep the order given) and registers each video's downloads
 * beside the plain `videos`, so DELETE and GET downloads treat both alike.
 * @param {LibraryVideo[]} given
 * @param {Map<string, { default: boolean, audio: boolean }>} videos
 * @param {Map<string, { default?: DownloadState, audio?: DownloadState }>} downloadStates
 * @returns {LibraryRecord[]}
 */
function buildLibrary(given, videos, downloadStates) {
  /** @type {LibraryRecord[]} */
  const records = []
  for (const video of given) {
    const at = micros(video.created)
    if (at === undefined) throw new Error(`library video ${video.uid}: created ${video.created} is not RFC 3339`)
    if (videos.has(video.uid)) throw new Error(`library video ${video.uid} is there twice`)
    const wanted = video.downloads ?? {}
    const present = { default: (wanted.default ?? true) !== false, audio: (wanted.audio ?? false) !== false }
    videos.set(video.uid, present)
    /** @type {{ default?: DownloadState, audio?: DownloadState }} */
    const states = {}
    if (typeof wanted.default === 'object') states.default = wanted.default
    if (typeof wanted.audio === 'object') states.audio = wanted.audio
    if (states.default || states.audio) downloadStates.set(video.uid, states)
    /** @type {LibraryRecord} */
    const record = {
      uid: video.uid,
      created: video.created,
      at,
      modified: video.modified ?? video.created,
      state: video.state ?? 'ready',
      size: video.size ?? 4_000_000,
      duration: video.duration ?? 60
    }
    if (video.creator !== undefined) record.creator = video.creator
    if (video.name !== undefined) record.name = video.name
    if (video.liveInput !== undefined) record.liveInput = video.liveInput
    records.push(record)
  }
  // Array.prototype.sort is stable: videos that share `created` stay in the order given.
  return records.sort((a, b) => a.at - b.at)
}

/**
 * One page of the list, as Cloudflare answers it: the range by binary search on `created`, then
 * the filters, walking only as far as the page needs and counting the rest for `range`/`total`.
 * @param {LibraryRecord[]} library
 * @param {URLSearchParams} query
 * @param {{ startInclusive: boolean, endInclusive: boolean }} listing
 * @returns {{ body: unknown } | { problem: string }}
 */
function listLibrary(library, query, listing) {
  const flag = (/** @type {string} */ name) => {
    const value = query.get(name)
    return value === null ? false : value === 'true' ? true : value === 'false' ? false : undefined
  }
  const asc = flag('asc')
  const counts = flag('include_counts')
  if (asc === undefined || counts === undefined) return { problem: 'asc and include_counts must be true or false' }
  const limitText = query.get('limit') ?? '1000'
  const limit = /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN
  if (!(limit >= 1 && limit <= 1000)) return { problem: `limit must be from 1 to 1000, not ${limitText}` }
  const startText = query.get('start') ?? query.get('after')
  const endText = query.get('end') ?? query.get('before')
  const start = startText === null ? undefined : micros(startText)
  const end = endText === null ? undefined : micros(endText)
  if ((startText !== null && start === undefined) || (endText !== null && end === undefined)) {
    return { problem: 'start and end must be RFC 3339 date-times' }
  }
  const status = query.get('status')
  if (status !== null && !(/** @type {readonly string[]} */ (MEDIA_STATES).includes(status))) {
    return { problem: `status must be one of ${MEDIA_STATES.join(', ')}` }
  }
  const type = query.get('type')
  if (type !== null && type !== 'vod' && type !== 'live') return { problem: 'type must be vod or live' }

  const lo = start === undefined ? 0 : lowerBound(library, start, !listing.startInclusive)
  const hi = end === undefined ? library.length : lowerBound(library, end, listing.endInclusive)
  const creator = query.get('creator')
  const videoName = query.get('video_name')
  const search = query.get('search')?.toLowerCase()
  const liveInput = query.get('live_input_id')
  const ids = query.get('id')?.split(',')
  const names = query.get('name')?.split(',')
  /** @type {((v: LibraryRecord) => boolean)[]} */
  const tests = []
  if (creator !== null) tests.push((v) => v.creator === creator)
  if (videoName !== null) tests.push((v) => v.name === videoName)
  if (search !== undefined) tests.push((v) => (v.name ?? '').toLowerCase().includes(search))
  if (status !== null) tests.push((v) => v.state === status)
  if (liveInput !== null) tests.push((v) => v.liveInput === liveInput)
  if (type !== null) tests.push((v) => (v.liveInput !== undefined) === (type === 'live'))
  if (ids) tests.push((v) => ids.includes(v.uid))
  if (names) tests.push((v) => names.includes(v.uid) || (v.name !== undefined && names.includes(v.name)))
  const matches = (/** @type {LibraryRecord} */ v) => tests.every((test) => test(v))

  /** @type {LibraryRecord[]} */
  const page = []
  let matched = 0
  if (tests.length === 0) {
    // No filter to apply: the page is a slice at one end of the range, the count its width.
    matched = Math.max(0, hi - lo)
    const from = asc ? lo : Math.max(lo, hi - limit)
    const to = asc ? Math.min(hi, lo + limit) : hi
    for (let i = from; i < to; i++) page.push(/** @type {LibraryRecord} */ (library[i]))
    if (!asc) page.reverse()
  } else {
    for (let k = 0; k < hi - lo; k++) {
      const video = /** @type {LibraryRecord} */ (library[asc ? lo + k : hi - 1 - k])
      if (!matches(video)) continue
      matched++
      if (page.length < limit) page.push(video)
    }
  }
  return {
    body: {
      success: true,
      errors: [],
      messages: [],
      result: page.map(describeVideo),
      range: matched - page.length,
      ...(counts ? { total: matched } : {})
    }
  }
}

/**
 * A page of the `endless` list: `limit` videos never seen before, 1 ms apart after the `start`
 * asked for, each registered with a default download so a DELETE of it would succeed.
 * @param {URLSearchParams} query
 * @param {Map<string, { default: boolean, audio: boolean }>} videos
 * @param {{ made: number }} state
 */
function endlessPage(query, videos, state) {
  const limit = Number(query.get('limit') ?? '1000')
  const from = micros(query.get('start') ?? '') ?? Date.UTC(2026, 0, 1) * 1000
  /** @type {unknown[]} */
  const result = []
  for (let i = 1; i <= limit; i++) {
    const uid = `e${(++state.made).toString(16).padStart(31, '0')}`
    videos.set(uid, { default: true, audio: false })
    const at = from + i * 1000
    result.push(
      describeVideo({
        uid,
        created: formatCreated(at),
        at,
        modified: formatCreated(at),
        state: 'ready',
        size: 1,
        duration: 1
      })
    )
  }
  return { success: true, errors: [], messages: [], result, range: 1_000_000 }
}

/**
 * A list answer told to lie (see `HostileList`).
 * @param {any} body
 * @param {HostileList} how
 * @param {LibraryRecord[]} library
 */
function lie(body, how, library) {
  /** @type {Record<string, unknown>[]} */
  let result = body.result
  if (how.pageCap !== undefined) result = result.slice(0, how.pageCap)
  if (how.claim) {
    const { creator, state, liveInput, name } = how.claim
    result = result.map((entry) => ({
      ...entry,
      ...(creator === undefined ? {} : { creator }),
      ...(state === undefined ? {} : { status: { .../** @type {object} */ (entry.status), state } }),
      ...(liveInput === undefined ? {} : { liveInput }),
      ...(name === undefined ? {} : { meta: { name } })
    }))
  }
  const first = library[0]
  const last = result[result.length - 1]
  if (how.repeatFirst && first && last && last.uid !== first.uid && result[0]?.uid !== first.uid) {
    result = [...result, { ...describeVideo(first), created: last.created }]
  }
  return { ...body, result }
}

/**
 * The first index whose `at` is at or past `at` (or strictly past it, with `after`).
 * @param {LibraryRecord[]} library @param {number} at @param {boolean} after
 */
function lowerBound(library, at, after) {
  let lo = 0
  let hi = library.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const here = /** @type {LibraryRecord} */ (library[mid]).at
    if (here < at || (after && here === at)) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * A video as the list shows it: the fields of Cloudflare's answer a client may read, with unset
 * ones left out rather than `null` (the OpenAPI description types them as strings).
 * @param {LibraryRecord} v
 */
function describeVideo(v) {
  const ready = v.state === 'ready'
  const media = `${MEDIA_ORIGIN}/${v.uid}`
  return {
    uid: v.uid,
    ...(v.creator === undefined ? {} : { creator: v.creator }),
    thumbnail: `${media}/thumbnails/thumbnail.jpg`,
    thumbnailTimestampPct: 0,
    readyToStream: ready,
    ...(ready ? { readyToStreamAt: v.modified } : {}),
    status: {
      state: v.state,
      pctComplete: ready ? '100.000000' : '0.000000',
      errorReasonCode: '',
      errorReasonText: ''
    },
    meta: v.name === undefined ? {} : { name: v.name },
    created: v.created,
    modified: v.modified,
    uploaded: v.created,
    size: v.size,
    preview: `${media}/watch`,
    allowedOrigins: [],
    requireSignedURLs: false,
    duration: v.duration,
    input: { width: 1920, height: 1080 },
    playback: { hls: `${media}/manifest/video.m3u8`, dash: `${media}/manifest/video.mpd` },
    ...(v.liveInput === undefined ? {} : { liveInput: v.liveInput })
  }
}

/**
 * The `result` of `GET …/downloads`: a key per download that exists.
 * @param {string} uid
 * @param {{ default: boolean, audio: boolean }} present
 * @param {{ default?: DownloadState, audio?: DownloadState } | undefined} states
 */
function describeDownloads(uid, present, states) {
  /** @type {Record<string, { status: string, url: string, percentComplete: number }>} */
  const result = {}
  for (const kind of /** @type {const} */ (['default', 'audio'])) {
    if (!present[kind]) continue
    const state = states?.[kind]
    const status = state?.status ?? 'ready'
    result[kind] = {
      status,
      url: `${MEDIA_ORIGIN}/${uid}/downloads/${kind === 'audio' ? 'audio.m4a' : 'default.mp4'}`,
      percentComplete: state?.percentComplete ?? (status === 'ready' ? 100 : 0)
    }
  }
  return result
}

/**
 * An RFC 3339 date-time as microseconds since the epoch (digits past the µs dropped), or undefined.
 * The stand-in's own reading, kept apart from the product's so each checks the other.
 * @param {string} text
 */
function micros(text) {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(text)
  if (!m) return undefined
  const ms = Date.parse(`${m[1]}T${m[2]}${(m[4] ?? '').toUpperCase()}`)
  return Number.isNaN(ms) ? undefined : ms * 1000 + Number((m[3] ?? '').padEnd(6, '0').slice(0, 6))
}

/** Microseconds since the epoch as Cloudflare writes `created`: `2024-01-01T00:00:00.000000Z`. @param {number} at */
export function formatCreated(at) {
  const ms = Math.floor(at / 1000)
  return `${new Date(ms).toISOString().slice(0, -1)}${String(at - ms * 1000).padStart(3, '0')}Z`
}

/**
 * A deterministic library for tests, the demo and benchmarks: `count` videos from `start`, about
 * `stepMs` apart (µs-precise `created`), uids of 32 hex digits, a few creators, names
 * `video-00042.mp4`, mostly `ready`, some from a live input, most with a default download and
 * some with audio, a few of them still being made. Videos share a `created` instant when asked:
 * `sharedCreatedEvery: k` gives each k-th video the instant of the one before it, `maxShared: g`
 * draws each instant's group size from 1 to g. The same options give the same library.
 * @param {number} count
 * @param {{
 *   seed?: number, start?: string, stepMs?: number, sharedCreatedEvery?: number, maxShared?: number,
 *   creators?: string[], liveInputs?: string[]
 * }} [options]
 * @returns {LibraryVideo[]}
 */
export function makeLibrary(count, options = {}) {
  const random = seeded(options.seed ?? 1)
  const creators = options.creators ?? ['alice', 'bob', 'carol', 'dave']
  const liveInputs = options.liveInputs ?? ['66be4bf738797e01e1fca35a7bdecdcd', '3d5c3a4bba3d9a2e5f9d7a1e0c2b4f61']
  const stepUs = (options.stepMs ?? 60_000) * 1000
  /** @type {MediaState[]} */
  const states = ['ready', 'ready', 'ready', 'ready', 'ready', 'ready', 'ready', 'inprogress', 'queued', 'error']
  /** @template T @param {readonly T[]} list @returns {T} */
  const pick = (list) => /** @type {T} */ (list[Math.floor(random() * list.length)])
  let at = micros(options.start ?? '2024-01-01T00:00:00Z') ?? 0
  let groupLeft = 0
  /** @type {LibraryVideo[]} */
  const library = []
  for (let i = 0; i < count; i++) {
    const shareEvery = options.sharedCreatedEvery ?? 0
    const shares = i > 0 && ((shareEvery > 0 && i % shareEvery === 0) || groupLeft > 0)
    if (shares) groupLeft = Math.max(0, groupLeft - 1)
    else {
      if (i > 0) at += 1 + Math.floor(random() * 2 * stepUs)
      groupLeft = options.maxShared ? Math.floor(random() * options.maxShared) : 0
    }
    const hex8 = () =>
      Math.floor(random() * 0x100000000)
        .toString(16)
        .padStart(8, '0')
    const uid = `${i.toString(16).padStart(8, '0')}${hex8()}${hex8()}${hex8()}`
    const made = random()
    /** @type {LibraryVideo['downloads']} */
    const downloads = {
      default:
        made < 0.7 ? (made < 0.05 ? { status: 'inprogress', percentComplete: Math.floor(made * 1000) } : true) : false,
      audio: random() < 0.3
    }
    const live = random() < 0.1
    /** @type {LibraryVideo} */
    const video = {
      uid,
      created: formatCreated(at),
      creator: pick(creators),
      name: `video-${String(i).padStart(5, '0')}.mp4`,
      state: live ? 'ready' : pick(states),
      size: 1_000_000 + Math.floor(random() * 50_000_000),
      duration: 5 + Math.floor(random() * 600),
      downloads
    }
    if (live) video.liveInput = pick(liveInputs)
    library.push(video)
  }
  return library
}

/** A small seeded generator (mulberry32): the same seed, the same library, on every machine. @param {number} seed */
function seeded(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
