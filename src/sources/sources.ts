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
}

type Chosen = { ok: true; choice: VideoChoice } | { ok: false; failure: ChoiceFailure }

export async function chooseVideos(
  source: VideoSource,
  exclude: ReadonlySet<string>,
  deps: SourceDeps
): Promise<Chosen> {
  if (source.kind === 'library') return chooseFromLibrary(source, exclude, deps.fetchPage)
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

async function chooseFromLibrary(
  source: { filters: VideoFilters; keepLatest: number },
  exclude: ReadonlySet<string>,
  fetchPage: FetchPage
): Promise<Chosen> {
  const selection = await selectVideos(fetchPage, source.filters, { includeCounts: true })
  if (!selection.ok) return fail('listing', `Listing the videos failed, so nothing was deleted: ${selection.problem}.`)
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
  const what = choice.origin === 'library' ? 'The selection has' : 'The list has'
  return (
    `${what} ${choice.ids.length} videos, more than \`max-videos\` (${maxVideos}): nothing was sent. ` +
    'Narrow it, or raise `max-videos` (0 for no cap) if that many is what you meant.'
  )
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
