/**
 * Where the run's videos come from: the `video-id` list, a `video-id-file`, or a selection from the
 * account's library (cloudflare/paging.ts pages it; the caller's `fetchPage` applies retries and
 * pacing). Then the guards: `exclude`, `keep-latest` (selections only) and `max-videos`. The result
 * is the exact list of ids the run will act on, or why there is none.
 */
import { type Parsed, parseIdList } from '../inputs/input-parsers.js'
import { selectVideos } from '../cloudflare/paging.js'
import type { FetchPage, ListedVideo } from '../cloudflare/video-list.js'
import type { VideoSource } from '../inputs/settings.js'
import type { VideoFilters } from '../types.js'

/** What the run acts on, and how it was chosen (for the log and the summary). */
export interface VideoChoice {
  /** The ids to act on, in order: list or file order, or creation order for a selection. */
  readonly ids: readonly string[]
  readonly origin: VideoSource['kind']
  /** Ids the source gave before the guards (duplicates dropped). */
  readonly found: number
  /** How many of them `exclude` left out. */
  readonly excluded: number
  /** How many `keep-latest` kept. */
  readonly kept: number
  /** The library's own count of matching videos (`include_counts`), when it gave one. */
  readonly total?: number
  /** List requests made. */
  readonly pages: number
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
  cap: Cap = { maxVideos: 0, dryRun: false }
): Promise<Chosen> {
  if (source.kind === 'library') return chooseFromLibrary(source, exclude, deps, cap)
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
 * The selection from the library. A real run stops listing as soon as the selection can only be
 * larger than `max-videos` (the videos acted on so far already are, or, without `keep-latest`, the
 * first page's `total` less every `exclude` id is), and fails as `max-videos` does, with "at least".
 * A dry run lists on to show the whole plan, within the pager's `total` bound; without a `total`
 * nothing else bounds it, so it stops at the cap like a real run.
 */
async function chooseFromLibrary(
  source: { filters: VideoFilters; keepLatest: number },
  exclude: ReadonlySet<string>,
  deps: SourceDeps,
  cap: Cap
): Promise<Chosen> {
  let atLeast = 0
  const selection = await selectVideos(deps.fetchPage, source.filters, {
    includeCounts: true,
    afterPage: ({ videos, pages, total }) => {
      deps.listed?.(pages, videos.length)
      if (cap.maxVideos === 0 || (cap.dryRun && total !== undefined)) return undefined
      const counted = total !== undefined && source.keepLatest === 0 ? total - exclude.size : 0
      // Only when the cheap bound allows it: acting ≤ found − keep-latest.
      const acting =
        videos.length - source.keepLatest > cap.maxVideos ? actingOn(videos, exclude, source.keepLatest) : 0
      atLeast = Math.max(counted, acting)
      return atLeast > cap.maxVideos ? 'stop' : undefined
    }
  })
  if (!selection.ok) return fail('listing', `Listing the videos failed, so nothing was deleted: ${selection.problem}.`)
  if (!selection.complete) {
    const counts = selection.total === undefined ? '' : ` (the video list counts ${selection.total})`
    return fail(
      'listing',
      overCapMessage('The selection has', `at least ${atLeast}`, cap.maxVideos) +
        ` Listing stopped after ${selection.pages} page${selection.pages === 1 ? '' : 's'}${counts}.`
    )
  }
  const notExcluded = selection.videos.filter((video) => !exclude.has(video.uid))
  const split = splitKeepLatest(notExcluded, source.keepLatest)
  const choice: VideoChoice = {
    ids: split.act.map((video) => video.uid),
    origin: 'library',
    found: selection.videos.length,
    excluded: selection.videos.length - notExcluded.length,
    kept: split.keep.length,
    pages: selection.pages,
    ...(selection.total === undefined ? {} : { total: selection.total })
  }
  return { ok: true, choice }
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

/** How many of `videos` a run would act on after `exclude` and `keep-latest`: a lower bound while more may come. */
function actingOn(videos: readonly ListedVideo[], exclude: ReadonlySet<string>, keep: number): number {
  return splitKeepLatest(
    videos.filter((video) => !exclude.has(video.uid)),
    keep
  ).act.length
}

/**
 * The `keep-latest N` guard: splits a selection into the videos to act on and the N most recently
 * created to keep. Videos that share `created` with the N-th latest are all kept: which of them is
 * "later" is unknowable, and keeping one too many is the safe side of a deletion.
 */
function splitKeepLatest(videos: readonly ListedVideo[], keep: number): { act: ListedVideo[]; keep: ListedVideo[] } {
  if (keep <= 0) return { act: [...videos], keep: [] }
  // A stable sort: the selection is already in creation order, this only makes the guard not rely on it.
  const order = [...videos].sort((a, b) => a.at - b.at)
  let cut = Math.max(0, order.length - keep)
  const boundary = order[cut]?.at
  while (cut > 0 && order[cut - 1]?.at === boundary) cut--
  return { act: order.slice(0, cut), keep: order.slice(cut) }
}
