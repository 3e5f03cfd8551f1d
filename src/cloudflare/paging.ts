/**
 * Paging through the video list by creation time, to every video the filters select.
 *
 * Why this is delicate: the list answers at most 1,000 videos per call and has no page token. With
 * `asc=true` it orders by `created`, so a client asks again from the last `created` it saw.
 * Cloudflare does not document whether `start` is inclusive, and many videos can share one
 * `created` instant (bulk uploads). So each next page starts 1 µs *before* the last instant seen:
 * with either reading of `start`, the videos at that instant that did not fit on the page come
 * back, and the ones already seen are dropped by `uid`. When a whole page shares one instant, no
 * `start` is known to get past it: that is a failure, never looped on or skipped.
 */
import { quote } from '../inputs/input-parsers.js'
import { formatMicros, instantMicros } from '../inputs/instants.js'
import { errorMessage, type VideoFilters } from '../types.js'
import {
  type FetchPage,
  type ListedVideo,
  listQuery,
  MAX_PAGE_SIZE,
  type PageAnswer,
  readVideoPage
} from './video-list.js'

export interface PagingOptions {
  /** Videos per request, 1–1000; 1000 (the fewest requests) unless a test wants small pages. */
  limit?: number
  /** Ask for `total` (with `include_counts=true`, on the first request only). */
  includeCounts?: boolean
}

/** Every selected video in creation order; on failure, what was listed before it (for the report). */
export type Selection =
  | { ok: true; videos: ListedVideo[]; pages: number; total?: number }
  | { ok: false; videos: ListedVideo[]; pages: number; total?: number; problem: string }

/**
 * How far back, in microseconds, uids are remembered below the cursor. A server that compares
 * `start` at a coarser precision than it writes `created` sends back a little more than asked;
 * those repeats are still recognised. Anything older that comes back is an error.
 */
const TAIL_US = 1_000_000

/**
 * Lists every video the filters select. Never throws and never loops: every next request starts
 * strictly later than the one before, or the selection fails and says why.
 *
 * - Only the uids near the cursor are remembered (see `TAIL_US`), not every uid seen.
 * - It fails when `limit` or more videos share one `created` instant: no `start` gets past them
 *   without risking a miss (a full page of one instant cannot say whether more follow). It fails
 *   too on an entry it cannot read, and on answers that break the order it relies on: a page out
 *   of creation order, a video created after `end`, or one created before the `start` asked for
 *   that it did not just see. Acting on half a picture would be worse than stopping: a
 *   `keep-latest` guard, for one, needs the whole selection.
 * - Paging costs one repeat per page (the last video seen, and any that share its instant).
 * - `fetchPage` applies the caller's retries; a rejection from it is a failure too.
 */
export async function selectVideos(
  fetchPage: FetchPage,
  filters: VideoFilters,
  options: PagingOptions = {}
): Promise<Selection> {
  const limit = options.limit ?? MAX_PAGE_SIZE
  const videos: ListedVideo[] = []
  let pages = 0
  let total: number | undefined
  const counts = () => ({ videos, pages, ...(total === undefined ? {} : { total }) })
  const fail = (problem: string): Selection => ({ ok: false, ...counts(), problem })

  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    return fail(`the page size must be a whole number from 1 to ${MAX_PAGE_SIZE}, not ${limit}`)
  }
  const startAt = filters.start === undefined ? -Infinity : instantMicros(filters.start)
  const endAt = filters.end === undefined ? Infinity : instantMicros(filters.end)
  if (startAt === undefined || endAt === undefined) {
    const which = startAt === undefined ? `start ${quote(filters.start ?? '')}` : `end ${quote(filters.end ?? '')}`
    return fail(`the ${which} is not an RFC 3339 date-time`)
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
      answer = { ok: false, problem: errorMessage(error) }
    }
    pages++
    const where = `page ${pages} of the video list (start ${cursor ?? 'none'})`
    if (!answer.ok) return fail(`${where}: ${answer.problem}`)
    if (pages === 1 && options.includeCounts) total = readCount(answer.total)

    const page = readVideoPage(answer.videos)
    if (page.problems.length > 0) return fail(`${where} has entries that cannot be read: ${page.problems.join('; ')}`)
    let previous = -Infinity
    for (const video of page.videos) {
      if (video.at < previous) {
        return fail(`${where} is not in creation order at video ${video.uid} (asc=true not honoured?)`)
      }
      previous = video.at
      if (video.at > endAt) {
        return fail(`${where} has video ${video.uid}, created ${quote(video.created)}, after end ${filters.end}`)
      }
      if (recent.has(video.uid)) continue
      if (video.at < cursorAt) {
        return fail(`${where} has video ${video.uid}, created ${quote(video.created)}, before the start asked for`)
      }
      recent.set(video.uid, video.at)
      videos.push(video)
    }

    // A short page is the last one.
    if (page.entries < limit) return { ok: true, ...counts() }
    const last = page.videos[page.videos.length - 1] as ListedVideo
    const nextAt = last.at - 1
    if (nextAt <= cursorAt) {
      const shared = page.videos.every((video) => video.at === last.at)
      return fail(
        shared
          ? `${limit} or more videos share the created instant ${last.created}: the list has no page token, ` +
              'so paging by creation time cannot get past them without risking missing some. Narrow the ' +
              'selection (creator, video-name, status, …) so that fewer videos share one instant'
          : `${where} brought no video created after ${last.created}, so the next page would ask for the ` +
              `same again: either start is not honoured, or ${limit} or more videos were created within 1 µs`
      )
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

/** `total` as the body gave it: a whole number, or nothing (a count that is not one is ignored). */
function readCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined
}
