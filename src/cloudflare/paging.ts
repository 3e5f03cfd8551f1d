/**
 * Paging through the video list by creation time, to every video the filters select.
 *
 * Why this is delicate: the list answers at most 1,000 videos per call and has no page token. It
 * orders by `created` (`asc=true` oldest first, `asc=false` newest first), so a client asks again
 * from the last `created` it saw: oldest first by moving `start` later, newest first by moving `end`
 * earlier. Cloudflare does not document whether `start` and `end` are inclusive, and many videos
 * can share one `created` instant (bulk uploads). So each next page starts 1 µs *before* the last
 * instant seen (newest first, ends 1 µs *after* it): with either reading of the bound, the videos
 * at that instant that did not fit on the page come back, and the ones already seen are dropped by
 * `uid`. When a whole page shares one instant, no bound is known to get past it: that is a failure,
 * never looped on or skipped.
 *
 * What the server says is checked, not trusted: each entry against the filters sent (video-list.ts),
 * its `created` against the range asked for, and the number of videos against the first page's
 * `total`. A caller bounds the rest (`max-videos`) through `afterPage`.
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
  /**
   * Told after each page what was selected so far; `'stop'` ends the listing there, before the list
   * does (the selection is then `complete: false`). The caller's bound, such as `max-videos`.
   */
  afterPage?: (progress: PagingProgress) => 'stop' | undefined
}

/** The listing so far: the videos selected (each uid once, in the order read), pages read, `total`. */
export interface PagingProgress {
  videos: readonly ListedVideo[]
  pages: number
  total: number | undefined
  /** The last video of the page just read, seen before or not: how far along the list has come. */
  last: ListedVideo | undefined
}

/** Every selected video in the order read (creation order for selectVideos); on failure, what was listed before it. */
export type Selection =
  | { ok: true; videos: ListedVideo[]; pages: number; total?: number; complete: boolean }
  | { ok: false; videos: ListedVideo[]; pages: number; total?: number; problem: string }

/**
 * How many more videos than the first page's `total` said the list may bring before it is stopped
 * as changing too fast or wrong: 10 % of `total` plus this. It bounds a listing that nothing else
 * bounds (`max-videos: 0`, a dry run over `max-videos`), whatever pages the server keeps sending.
 */
const TOTAL_SLACK = 1000

/** The most videos the list may bring, as its `total` said: `total` + 10 % + {@link TOTAL_SLACK}. */
export function totalBound(total: number): number {
  return total + Math.floor(total / 10) + TOTAL_SLACK
}

/**
 * Lists every video the filters select, in creation order (`asc=true`). See {@link readList}.
 */
export async function selectVideos(
  fetchPage: FetchPage,
  filters: VideoFilters,
  options: PagingOptions = {}
): Promise<Selection> {
  return readList(fetchPage, filters, { ...options, newestFirst: false })
}

/**
 * Reads the list to every video the filters select, oldest first or newest first. Never throws and
 * never loops: every next request reaches strictly further along than the one before, or the
 * listing fails and says why.
 *
 * - A uid is one video: one seen again (on the next page's overlap, or anywhere later, even with
 *   another `created`) is skipped, so it is selected once and counted once.
 * - A page shorter than `limit` ends the list, unless the first page's `total` says more videos
 *   remain: then the list is asked again from the cursor, and ends at a page that brings no new
 *   video. A short page that cannot advance the cursor while `total` says more remain is a failure
 *   ("the list ended early"), not a silent end.
 * - It fails when the list brings more videos than `totalBound(total)`.
 * - It fails when `limit` or more videos share one `created` instant: no bound gets past them
 *   without risking a miss (a full page of one instant cannot say whether more follow). It fails
 *   too on an entry it cannot read, and on answers that break the order it relies on: a page out
 *   of order, a video outside `created-after`/`created-before`, or one short of the bound the
 *   cursor asked for that it did not just see. Acting on half a picture would be worse than
 *   stopping: a `keep-latest` guard, for one, needs the whole selection.
 * - Paging costs one repeat per page (the last video seen, and any that share its instant).
 * - `fetchPage` applies the caller's retries; a rejection from it is a failure too.
 */
async function readList(
  fetchPage: FetchPage,
  filters: VideoFilters,
  options: PagingOptions & { newestFirst: boolean }
): Promise<Selection> {
  const { newestFirst } = options
  const limit = options.limit ?? MAX_PAGE_SIZE
  const videos: ListedVideo[] = []
  let pages = 0
  let total: number | undefined
  const counts = () => ({ videos, pages, ...(total === undefined ? {} : { total }) })
  const done = (complete: boolean): Selection => ({ ok: true, ...counts(), complete })
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

  /** Whether instant `a` comes after instant `b` in the order read: later oldest first, earlier newest first. */
  const ahead = (a: number, b: number) => (newestFirst ? a < b : a > b)
  // The cursor is the bound the paging moves (start oldest first, end newest first); the other stays the caller's.
  let cursor = newestFirst ? filters.end : filters.start
  let cursorAt = newestFirst ? endAt : startAt
  const farAt = newestFirst ? startAt : endAt
  /** Every uid selected: the videos already hold as much, and a uid must never count twice. */
  const seen = new Set<string>()

  for (;;) {
    const includeCounts = options.includeCounts === true && pages === 0
    const answer = await pageOrProblem(fetchPage, listQuery(filters, { newestFirst, cursor, limit, includeCounts }))
    pages++
    const where = newestFirst
      ? `page ${pages} of the newest videos (end ${cursor ?? 'none'})`
      : `page ${pages} of the video list (start ${cursor ?? 'none'})`
    if (!answer.ok) return fail(`${where}: ${answer.problem}`)
    if (includeCounts) total = readCount(answer.total)

    const page = readVideoPage(answer.videos, filters)
    if (page.problems.length > 0) return fail(`${where} has entries that cannot be read: ${page.problems.join('; ')}`)
    if (page.contradictions.length > 0) {
      return fail(`${where} has videos the filters exclude: ${page.contradictions.join('; ')}`)
    }
    // Nothing is out of order before the first video.
    let previous = newestFirst ? Infinity : -Infinity
    const before = videos.length
    for (const video of page.videos) {
      if (ahead(previous, video.at)) {
        return fail(
          newestFirst
            ? `${where} is not in reverse creation order at video ${video.uid} (asc=false not honoured?)`
            : `${where} is not in creation order at video ${video.uid} (asc=true not honoured?)`
        )
      }
      previous = video.at
      const created = `${where} has video ${video.uid}, created ${quote(video.created)}`
      // Past the caller's other bound. Equal is accepted: Cloudflare does not say whether start and end are inclusive.
      if (ahead(video.at, farAt)) {
        const bound = newestFirst ? `before created-after ${filters.start}` : `after created-before ${filters.end}`
        return fail(`${created}, ${bound}`)
      }
      if (seen.has(video.uid)) continue
      // Short of the cursor, and not the overlap just seen.
      if (ahead(cursorAt, video.at)) {
        const asked = newestFirst
          ? `after ${pages === 1 ? `created-before ${filters.end}` : 'the end asked for'}`
          : `before ${pages === 1 ? `created-after ${filters.start}` : 'the start asked for'}`
        return fail(`${created}, ${asked}`)
      }
      seen.add(video.uid)
      videos.push(video)
    }
    if (total !== undefined && videos.length > totalBound(total)) {
      return fail(
        `the list brought ${videos.length} videos, more than its total of ${total} (plus 10% and ${TOTAL_SLACK}): ` +
          'the library is changing fast or the server is wrong'
      )
    }
    const last = page.videos[page.videos.length - 1]
    const verdict = options.afterPage?.({ videos, pages, total, last })

    const fresh = videos.length - before
    // A short page is the last one, unless `total` says more remain: then ask on until a page brings nothing new.
    const remain = total === undefined ? 0 : total - videos.length
    if (page.entries < limit && (remain <= 0 || fresh === 0 || last === undefined)) return done(true)
    // Stopped only when more would be asked for: a list that has ended is whole.
    if (verdict === 'stop') return done(false)
    if (last === undefined) return fail(`${where} is full of entries, none of them readable`)
    // 1 µs before the last instant seen (after it, newest first), so that its videos that did not fit come back.
    const nextAt = newestFirst ? last.at + 1 : last.at - 1
    if (!ahead(nextAt, cursorAt) && page.entries < limit) {
      return fail(
        `the list ended early: ${where} is short and cannot be paged past, with ${videos.length} videos ` +
          `found where its total said ${total}`
      )
    }
    if (!ahead(nextAt, cursorAt)) {
      const shared = page.videos.every((video) => video.at === last.at)
      return fail(
        shared
          ? `${limit} or more videos share the created instant ${last.created}: the list has no page token, ` +
              'so paging by creation time cannot get past them without risking missing some. Narrow the ' +
              'selection (creator, video-name, status, …) so that fewer videos share one instant'
          : `${where} brought no video created ${newestFirst ? 'before' : 'after'} ${last.created}, so the next ` +
              `page would ask for the same again: either ${newestFirst ? 'end' : 'start'} is not honoured, or ` +
              `${limit} or more videos were created within 1 µs`
      )
    }
    cursorAt = nextAt
    cursor = formatMicros(nextAt)
  }
}

/** `total` as the body gave it: a whole number, or nothing (a count that is not one is ignored). */
function readCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined
}

/** The newest videos of a selection, as {@link latestVideos} found them. */
export type Latest =
  | {
      ok: true
      /** Every selected video created at or after `boundary`, newest first (each uid once). */
      videos: ListedVideo[]
      /** The `created` (µs) of the N-th newest accepted video; undefined when fewer than N exist (all kept). */
      boundary: number | undefined
      pages: number
      /** The first page's `total`: the whole selection's count, when the list gave one. */
      total?: number
    }
  | { ok: false; pages: number; problem: string }

/**
 * The `count` newest videos the filters select among those `accept` lets through (after `exclude`),
 * plus every video created at the same instant as the N-th of them: the list read newest first
 * (`asc=false`, {@link readList}), stopped once a video older than the N-th has been seen.
 */
export async function latestVideos(
  fetchPage: FetchPage,
  filters: VideoFilters,
  count: number,
  accept: (video: ListedVideo) => boolean,
  options: { limit?: number; listed?: (pages: number, videos: number) => void } = {}
): Promise<Latest> {
  let boundary: number | undefined
  // The N-th accepted video, counted as the pages come (newest first, so once found it stays).
  let accepted = 0
  let counted = 0
  const listing = await readList(fetchPage, filters, {
    newestFirst: true,
    limit: options.limit,
    includeCounts: true,
    afterPage: ({ videos, pages, last }) => {
      options.listed?.(pages, videos.length)
      for (; boundary === undefined && counted < videos.length; counted++) {
        const video = videos[counted] as ListedVideo
        if (accept(video) && ++accepted === count) boundary = video.at
      }
      // Done once a video older than the N-th newest has been seen: every one tied with it is in.
      return boundary !== undefined && last !== undefined && last.at < boundary ? 'stop' : undefined
    }
  })
  if (!listing.ok) return { ok: false, pages: listing.pages, problem: listing.problem }
  const { pages, total } = listing
  const videos = listing.videos.filter((video) => boundary === undefined || video.at >= boundary)
  return { ok: true, videos, boundary, pages, ...(total === undefined ? {} : { total }) }
}

/** One page, or the problem in words: a page fetcher that throws fails the listing, it does not end the run. */
async function pageOrProblem(fetchPage: FetchPage, query: URLSearchParams): Promise<PageAnswer> {
  try {
    return await fetchPage(query)
  } catch (error) {
    return { ok: false, problem: errorMessage(error) }
  }
}
