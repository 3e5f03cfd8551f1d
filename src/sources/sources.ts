/**
 * Where the run's videos come from: the `video-id` list, a `video-id-file`, or a selection from the
 * account's library (cloudflare/paging.ts pages it; the caller's `fetchPage` applies retries and
 * pacing). Then the guards: `exclude`, `keep-latest` (selections only) and `max-videos`. The result
 * is the exact list of ids the run will act on, or why there is none.
 */
import { type Parsed, parseIdList } from '../inputs/input-parsers.js'
import { latestVideos, selectVideos } from '../cloudflare/paging.js'
import { formatMicros, instantMicros } from '../inputs/instants.js'
import type { FetchPage, ListedVideo } from '../cloudflare/video-list.js'
import type { VideoSource } from '../inputs/settings.js'
import type { ChoiceSummary, VideoFilters } from '../types.js'

/** What the run acts on, and how it was chosen (the counts are what the log and the summary show). */
export interface VideoChoice extends Readonly<ChoiceSummary> {
  /** The ids to act on, in order: list or file order, or creation order for a selection. */
  readonly ids: readonly string[]
  /** List requests made. */
  readonly pages: number
  /** With a checkpoint: what the next one is computed from. */
  readonly resumed?: Resumed
}

/** A selection resumed from a checkpoint: where it started, and what it listed from there. */
export interface Resumed {
  /** The remembered failures tried first (their ids lead `ids`). */
  readonly first: number
  /** The videos acted on from the listing, in creation order. */
  readonly listed: readonly ListedVideo[]
  /** The `created` (µs) of the oldest video `keep-latest` kept, when it kept any. */
  readonly keptFrom?: number
  /** The list's count of selected videos from the cursor on (up to those kept), when it gave one. */
  readonly after?: number
}

/** Where a selection resumes: the listing's start (a checkpoint's cursor), and the ids to try first. */
export interface Resume {
  readonly from: string | undefined
  readonly first: readonly { readonly id: string; readonly created: string }[]
}

/** The videos could not be chosen: an input to fix (nothing sent), or the video list failed. */
export type ChoiceFailure = { kind: 'input'; problem: string } | { kind: 'listing'; problem: string }

export interface SourceDeps {
  /** Reads a file as UTF-8 (`video-id-file`). */
  readFile: (path: string) => Promise<string>
  /** One page of the video list, after retries and pacing. */
  fetchPage: FetchPage
  /** Told after each page of the list: pages read, videos found so far (for a progress line). */
  listed?: (pages: number, videos: number) => void
}

/** `max-videos` (0: no cap), and whether the run is a dry run: a dry run lists on past the cap. */
export interface Cap {
  maxVideos: number
  dryRun: boolean
}

type Chosen = { ok: true; choice: VideoChoice } | { ok: false; failure: ChoiceFailure }

export async function chooseVideos(
  source: VideoSource,
  exclude: ReadonlySet<string>,
  deps: SourceDeps,
  cap: Cap = { maxVideos: 0, dryRun: false },
  resume?: Resume
): Promise<Chosen> {
  if (source.kind === 'library') return chooseFromLibrary(source, exclude, deps, cap, resume)
  let found: readonly string[]
  if (source.kind === 'ids') found = source.ids
  else {
    const read = await readIdFile(source, deps.readFile)
    if (!read.ok) return fail('input', read.problem)
    found = read.value
  }
  const ids = found.filter((id) => !exclude.has(id))
  const excluded = found.length - ids.length
  return { ok: true, choice: { ids, origin: source.kind, found: found.length, excluded, kept: 0, pages: 0 } }
}

async function readIdFile(
  source: { path: string; input: string },
  readFile: SourceDeps['readFile']
): Promise<Parsed<string[]>> {
  let text: string
  try {
    text = await readFile(source.path)
  } catch (error) {
    // A file the runner adapter refused (outside the workspace, not a regular file, too large) says why.
    const { code, reason } = error as { code?: unknown; reason?: unknown }
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : 'cannot be read'
    const problem = `Input \`video-id-file\` names ${JSON.stringify(source.input)}, which ${typeof reason === 'string' ? reason : why} (${source.path}).`
    return { ok: false, problem }
  }
  const parsed = parseIdList(text)
  return parsed.ok
    ? parsed
    : { ok: false, problem: `The file of \`video-id-file\` (${source.input}) ${parsed.problem}.` }
}

/**
 * The selection from the library. With `keep-latest`, the newest videos are found first, by the
 * list read newest first ({@link latestVideos}), whatever the rest of the listing covers; the
 * listing in creation order then stops at the oldest of them. A real run stops listing as soon as
 * the selection can only be larger than `max-videos` (the videos acted on so far already are, or
 * the first page's `total` less every `exclude` id and every kept video is), and fails as
 * `max-videos` does, with "at least". A dry run lists on to show the whole plan, within the pager's
 * `total` bound; without a `total` nothing else bounds it, so it stops at the cap like a real run.
 */
async function chooseFromLibrary(
  source: { filters: VideoFilters; keepLatest: number },
  exclude: ReadonlySet<string>,
  deps: SourceDeps,
  cap: Cap,
  resume: Resume | undefined
): Promise<Chosen> {
  const listingFailed = (problem: string) =>
    fail('listing', `Listing the videos failed, so nothing was deleted: ${problem}.`)
  let keep: Kept = { uids: new Set(), videos: [], boundary: Infinity, pages: 0 }
  if (source.keepLatest > 0) {
    const latest = await latestVideos(
      deps.fetchPage,
      source.filters,
      source.keepLatest,
      (video) => !exclude.has(video.uid),
      deps.listed ? { listed: deps.listed } : {}
    )
    if (!latest.ok) return listingFailed(latest.problem)
    const uids = new Set(latest.videos.filter((video) => !exclude.has(video.uid)).map((video) => video.uid))
    keep = {
      uids,
      videos: latest.videos,
      // Fewer than N videos: every one is kept, and nothing is left to list.
      boundary: latest.boundary ?? -Infinity,
      pages: latest.pages,
      total: latest.total
    }
  }
  // Remembered failures, less those excluded or kept now (every selected video is kept when fewer than N).
  const keptFrom = keep.boundary === -Infinity ? Infinity : keep.boundary
  const first = (resume?.first ?? []).filter(
    (video) =>
      !exclude.has(video.id) && !keep.uids.has(video.id) && (instantMicros(video.created) ?? Infinity) < keptFrom
  )
  if (keep.boundary === -Infinity) {
    return {
      ok: true,
      choice: choiceOf(source, exclude, keep, first, { videos: [], pages: 0 }, [], resume !== undefined)
    }
  }
  const start = resume === undefined ? source.filters.start : resume.from
  const filters: VideoFilters = {
    ...source.filters,
    ...(start === undefined ? {} : { start }),
    ...(keep.boundary === Infinity ? {} : { end: formatMicros(keep.boundary) })
  }
  const acting = (videos: readonly ListedVideo[]) =>
    videos.filter((video) => !exclude.has(video.uid) && !keep.uids.has(video.uid) && video.at < keep.boundary)
  let atLeast = 0
  const selection = await selectVideos(deps.fetchPage, filters, {
    includeCounts: true,
    afterPage: ({ videos, pages, total }) => {
      deps.listed?.(pages, videos.length)
      if (cap.maxVideos === 0 || (cap.dryRun && total !== undefined)) return undefined
      const counted = total !== undefined ? total - exclude.size - keep.uids.size : 0
      // Only when the cheap bound allows it: acting ≤ found.
      atLeast = Math.max(counted, videos.length > cap.maxVideos ? acting(videos).length : 0)
      return atLeast > cap.maxVideos ? 'stop' : undefined
    }
  })
  if (!selection.ok) return listingFailed(selection.problem)
  if (!selection.complete) {
    const counts = selection.total === undefined ? '' : ` (the video list counts ${selection.total})`
    const pages = selection.pages + keep.pages
    return fail(
      'listing',
      overCapMessage('The selection has', `at least ${atLeast}`, cap.maxVideos) +
        ` Listing stopped after ${pages} page${pages === 1 ? '' : 's'}${counts}.`
    )
  }
  return {
    ok: true,
    choice: choiceOf(source, exclude, keep, first, selection, acting(selection.videos), resume !== undefined)
  }
}

/** The choice from what was listed: the remembered failures first, then the videos listed in creation order. */
function choiceOf(
  source: { keepLatest: number },
  exclude: ReadonlySet<string>,
  keep: Kept,
  first: Resume['first'],
  selection: { videos: readonly ListedVideo[]; pages: number; total?: number },
  act: readonly ListedVideo[],
  resumed: boolean
): VideoChoice {
  // With keep-latest, the creation-order listing stops at the kept: the newest-first one counted the whole selection.
  const total = source.keepLatest > 0 ? keep.total : selection.total
  const firstIds = new Set(first.map((video) => video.id))
  // Every video seen once: the newest found first, then the listing (which may end at their boundary).
  const all = new Map([...keep.videos, ...selection.videos].map((video) => [video.uid, video]))
  const excluded = [...all.keys()].filter((uid) => exclude.has(uid)).length
  // The oldest kept video (a loop: keep-latest may keep a million, past what a spread can pass).
  let keptFrom: number | undefined
  for (const video of keep.videos) {
    if (keep.uids.has(video.uid) && (keptFrom === undefined || video.at < keptFrom)) keptFrom = video.at
  }
  return {
    ids: [...firstIds, ...act.map((video) => video.uid).filter((uid) => !firstIds.has(uid))],
    origin: 'library',
    found: all.size,
    excluded,
    // Kept: the newest found first, and any listed since at or after their boundary (the safe side).
    kept: all.size - excluded - act.length,
    pages: selection.pages + keep.pages,
    ...(total === undefined ? {} : { total }),
    ...(resumed
      ? {
          resumed: {
            first: firstIds.size,
            listed: act,
            ...(keptFrom === undefined ? {} : { keptFrom }),
            ...(selection.total === undefined ? {} : { after: selection.total })
          }
        }
      : {})
  }
}

/** The videos `keep-latest` keeps: their uids, and the `created` (µs) of the N-th newest; none kept: Infinity. */
interface Kept {
  uids: ReadonlySet<string>
  videos: readonly ListedVideo[]
  boundary: number
  pages: number
  /** The whole selection's count, from the newest-first listing. */
  total?: number | undefined
}

function fail(kind: ChoiceFailure['kind'], problem: string): { ok: false; failure: ChoiceFailure } {
  return { ok: false, failure: { kind, problem } }
}

/** `max-videos`: the problem when the choice is larger than the cap (0 means no cap). */
export function overCap(choice: VideoChoice, maxVideos: number): string | undefined {
  if (maxVideos === 0 || choice.ids.length <= maxVideos) return undefined
  return overCapMessage(
    choice.origin === 'library' ? 'The selection has' : 'The list has',
    choice.ids.length,
    maxVideos
  )
}

function overCapMessage(what: string, count: number | string, maxVideos: number): string {
  return (
    `${what} ${count} videos, more than \`max-videos\` (${maxVideos}): nothing was sent. ` +
    'Narrow it, or raise `max-videos` (0 for no cap) if that many is what you meant.'
  )
}
