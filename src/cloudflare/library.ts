/**
 * Selecting videos from the account's library: `GET /accounts/{account_id}/stream` (the video list),
 * read and paged with no transport of its own. The caller hands in `fetchPage`, so retries, pacing
 * and cancellation stay where the rest of the run applies them, and these pieces stay pure.
 *
 * Why paging is delicate here: the list answers at most 1,000 videos per call and has no page token.
 * With `asc=true` it orders by `created`, so a client asks again from the last `created` it saw.
 * Cloudflare does not document whether `start` is inclusive, and many videos can share one
 * `created` instant (bulk uploads). So each next page starts 1 µs *before* the last instant seen:
 * with either reading of `start`, the videos at that instant that did not fit on the page come
 * back, and the ones already seen are dropped by `uid`. When a whole page shares one instant, no
 * `start` is known to get past it: that is reported as a failure, never looped on or skipped.
 * https://developers.cloudflare.com/api/resources/stream/methods/list/
 */
import { IDENTIFIER, quote } from '../inputs/input-parsers.js'
import { formatMicros, instantMicros } from '../inputs/instants.js'
import type { VideoFilters } from '../types.js'

/** The list's `limit` ceiling (the OpenAPI description: `maximum: 1000`), and its default. */
export const MAX_PAGE_SIZE = 1000

/** One listed video: what a cleanup needs, and the two labels a report can show. */
export interface ListedVideo {
  uid: string
  /** As the API wrote it (RFC 3339). */
  created: string
  creator?: string
  /** `meta.name`, when it is a string. */
  name?: string
}

/** What a selection keeps per video: two strings, so 100,000 videos stay a few megabytes. */
export interface SelectedVideo {
  uid: string
  created: string
}

/** The list `result` read by {@link readVideoPage}. */
export interface VideoPage {
  /** The well-formed entries, in the order the API gave them. */
  videos: ListedVideo[]
  /** How many entries the array had, well-formed or not: what a short page is judged by. */
  entries: number
  /** Malformed entries and a `result` that is no array, in words (at most a few, then a count). */
  problems: string[]
}

/** What `fetchPage` reports for one list request, after the caller's retries. */
export type PageAnswer =
  | {
      ok: true
      /** The envelope's `result`, unread: the pager reads it with {@link readVideoPage}. */
      videos: unknown
      /** The body's top-level `total` (beside `result`, not in it), when counts were asked for. */
      total?: unknown
    }
  | { ok: false; problem: string }

/** Sends one list request with these query parameters (see {@link listQuery}). */
export type FetchPage = (query: URLSearchParams) => Promise<PageAnswer>

export interface PagingOptions {
  /** Videos per request, 1–1000; 1000 (the fewest requests) unless a test wants small pages. */
  limit?: number
  /** Ask for `total` (with `include_counts=true`, on the first request only). */
  includeCounts?: boolean
}

/** What {@link pageVideos} yields: each page's new videos, then exactly one `done` or `failed`. */
export type PagingEvent =
  | { kind: 'page'; page: number; videos: ListedVideo[] }
  | { kind: 'done'; pages: number; selected: number; total?: number }
  | { kind: 'failed'; pages: number; selected: number; total?: number; problem: string }

/** The result of {@link selectVideos}; on failure, `videos` holds what was listed before it. */
export type Selection =
  | { ok: true; videos: SelectedVideo[]; pages: number; total?: number }
  | { ok: false; videos: SelectedVideo[]; pages: number; total?: number; problem: string }

/**
 * The query parameters of one list request: `asc=true` (paging needs creation order), `limit`, the
 * filters under the API's names, and `include_counts=true` when asked. `cursor`, when given,
 * replaces `filters.start` (the pager's next page); `end` is always the caller's.
 */
export function listQuery(
  filters: VideoFilters,
  page: { cursor?: string; limit?: number; includeCounts?: boolean } = {}
): URLSearchParams {
  const query = new URLSearchParams({ asc: 'true', limit: String(page.limit ?? MAX_PAGE_SIZE) })
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') query.set(name, value)
  }
  set('start', page.cursor ?? filters.start)
  set('end', filters.end)
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
 * can be neither deleted nor placed on the creation-time cursor.
 */
export function readVideoPage(result: unknown): VideoPage {
  const read = readEntries(result)
  return { videos: read.videos.map((entry) => entry.video), entries: read.entries, problems: read.problems }
}

interface Entry {
  video: ListedVideo
  /** `created` in microseconds since the epoch: as fine as the API writes it, and exact in a double. */
  at: number
}

function readEntries(result: unknown): { videos: Entry[]; entries: number; problems: string[] } {
  if (!Array.isArray(result)) {
    return { videos: [], entries: 0, problems: [`the list's result is ${describeType(result)}, not an array`] }
  }
  const videos: Entry[] = []
  const problems: string[] = []
  let wrong = 0
  const note = (text: string) => {
    if (++wrong <= PROBLEMS_SHOWN) problems.push(text)
  }
  for (let i = 0; i < result.length; i++) {
    const item: unknown = result[i]
    if (!isRecord(item)) {
      note(`entry ${i} is ${describeType(item)}, not a video object`)
      continue
    }
    const { uid, created } = item
    if (typeof uid !== 'string' || !IDENTIFIER.test(uid)) {
      note(`entry ${i} has no valid uid (${typeof uid === 'string' ? quote(uid) : describeType(uid)})`)
      continue
    }
    const at = typeof created === 'string' ? instantMicros(created) : undefined
    if (at === undefined || typeof created !== 'string') {
      const shown = typeof created === 'string' ? quote(created) : describeType(created)
      note(created === undefined ? `video ${uid} has no created` : `video ${uid} has created ${shown}, not a date-time`)
      continue
    }
    const video: ListedVideo = { uid, created }
    if (typeof item.creator === 'string') video.creator = item.creator
    const name = isRecord(item.meta) ? item.meta.name : undefined
    if (typeof name === 'string') video.name = name
    videos.push({ video, at })
  }
  if (wrong > PROBLEMS_SHOWN) problems.push(`and ${wrong - PROBLEMS_SHOWN} more malformed entries`)
  return { videos, entries: result.length, problems }
}

/**
 * How far back, in microseconds, uids are remembered below the cursor. A server that compares
 * `start` at a coarser precision than it writes `created` sends back a little more than asked;
 * those repeats are still recognised. Anything older that comes back is an error (see below).
 */
const TAIL_US = 1_000_000

/**
 * Pages through the library by creation time and yields each page's new videos, then `done` (a
 * short page ended the list) or `failed`. Never throws and never loops: every next request starts
 * strictly later than the one before, or the paging fails and says why.
 *
 * - Each next page starts 1 µs before the last `created` seen, so it is correct whether the API
 *   treats `start` as inclusive or exclusive; videos seen again are dropped by `uid`.
 * - Only the uids near the cursor are remembered (see `TAIL_US`), not every uid seen.
 * - It fails when `limit` or more videos share one `created` instant: no `start` gets past them
 *   without risking a miss (a full page of one instant cannot say whether more follow, and the API
 *   has no page token). It fails too on an entry it cannot read, and on answers that break the
 *   order it relies on: a page out of creation order, a video created after `end`, or one created
 *   before the `start` asked for that it did not just see. Acting on half a picture would be worse
 *   than stopping: a `keep-latest` guard, for one, needs the whole selection.
 * - Paging costs one repeat per page (the last video seen, and any that share its instant).
 * - `fetchPage` applies the caller's retries; a rejection from it is a failure too.
 */
export async function* pageVideos(
  fetchPage: FetchPage,
  filters: VideoFilters,
  options: PagingOptions = {}
): AsyncGenerator<PagingEvent, void, undefined> {
  const limit = options.limit ?? MAX_PAGE_SIZE
  let pages = 0
  let selected = 0
  let total: number | undefined
  const fail = (problem: string): PagingEvent => ({
    kind: 'failed',
    pages,
    selected,
    ...(total === undefined ? {} : { total }),
    problem
  })
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    yield fail(`the page size must be a whole number from 1 to ${MAX_PAGE_SIZE}, not ${limit}`)
    return
  }
  const startAt = filters.start === undefined ? -Infinity : instantMicros(filters.start)
  const endAt = filters.end === undefined ? Infinity : instantMicros(filters.end)
  if (startAt === undefined || endAt === undefined) {
    const which = startAt === undefined ? `start ${quote(filters.start ?? '')}` : `end ${quote(filters.end ?? '')}`
    yield fail(`the ${which} is not an RFC 3339 date-time`)
    return
  }

  let cursor = filters.start
  let cursorAt = startAt
  /** uid → created (µs) of the videos seen at or near the cursor, oldest first. */
  const recent = new Map<string, number>()

  for (;;) {
    const query = listQuery(filters, { cursor, limit, includeCounts: options.includeCounts === true && pages === 0 })
    let answer: PageAnswer
    try {
      answer = await fetchPage(query)
    } catch (error) {
      answer = { ok: false, problem: error instanceof Error ? error.message : String(error) }
    }
    pages++
    const where = `page ${pages} of the video list (start ${cursor ?? 'none'})`
    if (!answer.ok) {
      yield fail(`${where}: ${answer.problem}`)
      return
    }
    if (pages === 1 && options.includeCounts) total = readCount(answer.total)

    const read = readEntries(answer.videos)
    if (read.problems.length > 0) {
      yield fail(`${where} has entries that cannot be read: ${read.problems.join('; ')}`)
      return
    }
    const fresh: ListedVideo[] = []
    let previous = -Infinity
    for (const { video, at } of read.videos) {
      if (at < previous) {
        yield fail(`${where} is not in creation order at video ${video.uid} (asc=true not honoured?)`)
        return
      }
      previous = at
      if (at > endAt) {
        yield fail(`${where} has video ${video.uid}, created ${quote(video.created)}, after end ${filters.end}`)
        return
      }
      if (recent.has(video.uid)) continue
      if (at < cursorAt) {
        yield fail(`${where} has video ${video.uid}, created ${quote(video.created)}, before the start asked for`)
        return
      }
      recent.set(video.uid, at)
      fresh.push(video)
    }
    selected += fresh.length
    yield { kind: 'page', page: pages, videos: fresh }

    if (read.entries < limit) {
      yield { kind: 'done', pages, selected, ...(total === undefined ? {} : { total }) }
      return
    }
    const last = read.videos[read.videos.length - 1] as Entry
    const nextAt = last.at - 1
    if (nextAt <= cursorAt) {
      const shared = read.videos.every((entry) => entry.at === last.at)
      yield fail(
        shared
          ? `${limit} or more videos share the created instant ${last.video.created}: the list has no page token, ` +
              'so paging by creation time cannot get past them without risking missing some. Narrow the ' +
              'selection (creator, video-name, status, …) so that fewer videos share one instant'
          : `${where} brought no video created after ${last.video.created}, so the next page would ask for the ` +
              `same again: either start is not honoured, or ${limit} or more videos were created within 1 µs`
      )
      return
    }
    cursorAt = nextAt
    cursor = formatMicros(nextAt)
    // Oldest first (creation order), so pruning stops at the first uid still near the cursor.
    for (const [uid, at] of recent) {
      if (at >= cursorAt - TAIL_US) break
      recent.delete(uid)
    }
  }
}

/**
 * Runs {@link pageVideos} to the end and keeps each video's `uid` and `created` only, in creation
 * order. On failure it still returns what was listed, for the report; a cleanup must not act on it.
 */
export async function selectVideos(
  fetchPage: FetchPage,
  filters: VideoFilters,
  options: PagingOptions = {}
): Promise<Selection> {
  const videos: SelectedVideo[] = []
  for await (const event of pageVideos(fetchPage, filters, options)) {
    if (event.kind === 'page') {
      for (const { uid, created } of event.videos) videos.push({ uid, created })
    } else {
      const counts = { pages: event.pages, ...(event.total === undefined ? {} : { total: event.total }) }
      return event.kind === 'done'
        ? { ok: true, videos, ...counts }
        : { ok: false, videos, ...counts, problem: event.problem }
    }
  }
  // pageVideos always ends with done or failed; this keeps the compiler and a future edit honest.
  return { ok: false, videos, pages: 0, problem: 'the video list ended without a result' }
}

/**
 * The `keep-latest N` guard: splits a selection into the videos to act on and the N most recently
 * created to keep. Videos that share `created` with the N-th latest are all kept: which of them is
 * "later" is unknowable, and keeping one too many is the safe side of a deletion.
 */
export function splitKeepLatest<T extends SelectedVideo>(videos: readonly T[], keep: number): { act: T[]; keep: T[] } {
  if (keep <= 0) return { act: [...videos], keep: [] }
  const order = videos
    .map((video, index) => ({ video, at: instantMicros(video.created) ?? Infinity, index }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
  let cut = Math.max(0, order.length - keep)
  const boundary = order[cut]?.at
  while (cut > 0 && order[cut - 1]?.at === boundary) cut--
  return { act: order.slice(0, cut).map((o) => o.video), keep: order.slice(cut).map((o) => o.video) }
}

/** `total` as the body gave it: a whole number, or nothing (a count that is not one is ignored). */
function readCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describeType(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}
