/**
 * The account's video list, `GET /accounts/{account_id}/stream`: the query of one request and the
 * reading of one page. Sending it is the caller's (`FetchPage`), so retries, pacing and
 * cancellation stay where the rest of the run applies them.
 * https://developers.cloudflare.com/api/resources/stream/methods/list/
 */
import { IDENTIFIER, quote } from '../inputs/input-parsers.js'
import { instantMicros } from '../inputs/instants.js'
import { isRecord, type VideoFilters } from '../types.js'

/** The list's `limit` ceiling (the OpenAPI description: `maximum: 1000`), and its default. */
export const MAX_PAGE_SIZE = 1000

/** One listed video: what a cleanup needs. */
export interface ListedVideo {
  uid: string
  /** As the API wrote it (RFC 3339). */
  created: string
  /** `created` in microseconds since the epoch: as fine as the API writes it, and exact in a double. */
  at: number
}

/** One page of the list, read. */
interface VideoPage {
  /** The well-formed entries, in the order the API gave them. */
  videos: ListedVideo[]
  /** How many entries the array had, well-formed or not: what a short page is judged by. */
  entries: number
  /** Malformed entries and a `result` that is no array, in words (at most a few, then a count). */
  problems: string[]
  /** Entries that contradict a filter sent, in words naming the filter (at most a few, then a count). */
  contradictions: string[]
}

/**
 * The exact filters an entry is checked against: the input's name, the query's value, and where the
 * entry says it. `search` (a partial match whose rules Cloudflare does not give) is the server's
 * alone; `created-after`/`created-before` are checked by the pager, which knows the cursor.
 */
const CHECKED: readonly {
  input: string
  filter: keyof VideoFilters
  read: (entry: Record<string, unknown>) => unknown
}[] = [
  { input: 'creator', filter: 'creator', read: (entry) => entry.creator },
  { input: 'status', filter: 'status', read: (entry) => field(entry.status, 'state') },
  { input: 'live-input-id', filter: 'liveInputId', read: (entry) => entry.liveInput },
  // The OpenAPI description: `video_name` is "a fast, exact string match on the `name` key in the `meta` field".
  { input: 'video-name', filter: 'videoName', read: (entry) => field(entry.meta, 'name') }
]

function field(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined
}

/** What `FetchPage` reports for one list request, after the caller's retries. */
export type PageAnswer =
  | {
      ok: true
      /** The envelope's `result`, unread (see {@link readVideoPage}). */
      videos: unknown
      /** The body's top-level `total` (beside `result`, not in it), when counts were asked for. */
      total?: unknown
    }
  | { ok: false; problem: string }

/** Sends one list request with these query parameters (see {@link listQuery}). */
export type FetchPage = (query: URLSearchParams) => Promise<PageAnswer>

/**
 * The query parameters of one list request: `asc=true` (creation order, which paging needs) or,
 * with `newestFirst`, `asc=false`; `limit`, the filters under the API's names, and
 * `include_counts=true` when asked. `cursor`, when given, replaces the bound the paging moves:
 * `filters.start` in creation order, `filters.end` newest first. The other bound is the caller's.
 */
export function listQuery(
  filters: VideoFilters,
  page: { newestFirst?: boolean; cursor?: string; limit?: number; includeCounts?: boolean } = {}
): URLSearchParams {
  const newestFirst = page.newestFirst === true
  const query = new URLSearchParams({ asc: newestFirst ? 'false' : 'true', limit: String(page.limit ?? MAX_PAGE_SIZE) })
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') query.set(name, value)
  }
  set('start', newestFirst ? filters.start : (page.cursor ?? filters.start))
  set('end', newestFirst ? (page.cursor ?? filters.end) : filters.end)
  set('creator', filters.creator)
  set('video_name', filters.videoName)
  set('search', filters.search)
  set('status', filters.status)
  set('live_input_id', filters.liveInputId)
  if (page.includeCounts) query.set('include_counts', 'true')
  return query
}

/** Problems listed one by one before the rest are only counted: a hostile page stays one line. */
const PROBLEMS_SHOWN = 5

/**
 * Reads the list's `result` into videos. Never throws, whatever the body: an entry without a valid
 * `uid` (1–32 letters or digits) or an RFC 3339 `created` is a problem, not a video, because it
 * can be neither deleted nor placed on the creation-time cursor. With `filters`, an entry whose own
 * field differs from an exact filter sent (or lacks it) is a contradiction: the server selected a
 * video the user did not ask for, so nothing of the page can be trusted.
 */
export function readVideoPage(result: unknown, filters: VideoFilters = {}): VideoPage {
  if (!Array.isArray(result)) {
    const problems = [`the list's result is ${describeType(result)}, not an array`]
    return { videos: [], entries: 0, problems, contradictions: [] }
  }
  const videos: ListedVideo[] = []
  const problems = shortList()
  const contradictions = shortList()
  const checks = CHECKED.flatMap((check) => {
    const wanted = filters[check.filter]
    return wanted === undefined || wanted === '' ? [] : [{ ...check, wanted }]
  })
  for (let i = 0; i < result.length; i++) {
    const item: unknown = result[i]
    if (!isRecord(item)) {
      problems.note(`entry ${i} is ${describeType(item)}, not a video object`)
      continue
    }
    const { uid, created } = item
    if (typeof uid !== 'string' || !IDENTIFIER.test(uid)) {
      problems.note(`entry ${i} has no valid uid (${typeof uid === 'string' ? quote(uid) : describeType(uid)})`)
      continue
    }
    const at = typeof created === 'string' ? instantMicros(created) : undefined
    if (at === undefined || typeof created !== 'string') {
      const shown = typeof created === 'string' ? quote(created) : describeType(created)
      problems.note(
        created === undefined ? `video ${uid} has no created` : `video ${uid} has created ${shown}, not a date-time`
      )
      continue
    }
    for (const check of checks) {
      const value = check.read(item)
      if (value === check.wanted) continue
      const shown = typeof value === 'string' ? quote(value) : describeType(value)
      contradictions.note(
        `video ${uid} has ${check.input} ${shown}, not ${quote(check.wanted)} (filter \`${check.input}\`)`
      )
    }
    videos.push({ uid, created, at })
  }
  return {
    videos,
    entries: result.length,
    problems: problems.close('malformed entries'),
    contradictions: contradictions.close('contradictions')
  }
}

/** A list that keeps its first few texts, then only counts: a hostile page stays one line. */
function shortList(): { note: (text: string) => void; close: (what: string) => string[] } {
  const texts: string[] = []
  let count = 0
  return {
    note: (text) => {
      if (++count <= PROBLEMS_SHOWN) texts.push(text)
    },
    close: (what) => (count > PROBLEMS_SHOWN ? [...texts, `and ${count - PROBLEMS_SHOWN} more ${what}`] : texts)
  }
}

function describeType(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}
