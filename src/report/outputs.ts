/**
 * The action's outputs, every one a string as the runner stores them, built from the run's records.
 * GitHub keeps at most 1 MB of outputs per job, so each output has a share of that budget: when a
 * full value would be larger, it carries the videos that need attention first (failed, missing,
 * cancelled), is cut to fit, and `truncated` says `true`. `results-file` always has everything.
 */
import type { RequestRecord, RunReport, VideoList, VideoOutcome, VideoRecord } from '../types.js'
import { type Digest, digestOf, OUTCOMES, SAID, videosWhere } from '../batch/digest.js'

/** Each output's share of GitHub's 1 MB per job, in bytes of JSON (about 0.9 MB in all). */
export const OUTPUT_BUDGET = {
  results: 400_000,
  errors: 150_000,
  messages: 50_000,
  result: 100_000,
  ids: 50_000
} as const

/** Outcomes in the order an output carries them when it must be cut: what needs attention first. */
const ATTENTION_ORDER: Record<string, number> = { failed: 0, cancelled: 1, missing: 2 }

/** The action's outputs, every one a string as the runner stores them. */
export function buildOutputs(report: RunReport): Record<string, string> {
  const { videos } = report
  const digest = digestOf(videos)
  // Ordered only if an output must be cut: most runs never need it.
  let order: Uint32Array | undefined
  let truncated = false
  const fit = (pieces: Iterable<string>, budget: number): string => {
    const fitted = jsonArray(pieces, budget)
    truncated ||= fitted.cut
    return fitted.text
  }
  /** In input order when all of it fits; else what needs attention first, cut to fit. */
  const ordered = (serialise: (pick: Pick) => Iterable<string>, budget: number): string => {
    const whole = jsonArray(
      serialise((keep = always) => videosWhere(videos, keep)),
      budget
    )
    if (!whole.cut) return whole.text
    order ??= attentionOrder(digest)
    return fit(
      serialise((keep = always) => videosWhere(videos, keep, order)),
      budget
    )
  }
  // Only a video with errors or messages has entries for those outputs.
  const said = (position: number): boolean => ((digest.requests[position] as number) & SAID) !== 0
  const ids = (outcome: VideoOutcome): string => {
    const code = OUTCOMES.indexOf(outcome)
    return fit(
      mapIter(
        videosWhere(videos, (position) => digest.outcomes[position] === code),
        (video) => JSON.stringify(video.video_id)
      ),
      OUTPUT_BUDGET.ids
    )
  }
  const single = singleRequest(videos)
  const outputs: Record<string, string> = {
    success: String(report.success),
    // The map keyed by video id is built like the arrays, then given its braces.
    result: single
      ? resultText(single.result)
      : `{${ordered((pick) => resultEntries(report, pick()), OUTPUT_BUDGET.result).slice(1, -1)}}`,
    // "Nothing to delete" is not an error unless if-missing says so: a workflow that checks
    // `errors != '[]'` must not be misled by the 404s of a selection (they stay in `results`).
    errors: ordered(
      (pick) =>
        withRunProblem(
          report.runProblem,
          entries(pick(said), 'errors', (request) => notAnError(request, report))
        ),
      OUTPUT_BUDGET.errors
    ),
    messages: ordered((pick) => entries(pick(said), 'messages'), OUTPUT_BUDGET.messages),
    results: ordered((pick) => mapIter(pick(), (video) => JSON.stringify(video)), OUTPUT_BUDGET.results),
    deleted: ids('deleted'),
    missing: ids('missing'),
    failed: ids('failed'),
    selected: fit(
      mapIter(videos, (video) => JSON.stringify(video.video_id)),
      OUTPUT_BUDGET.ids
    )
  }
  outputs.truncated = String(truncated)
  outputs['results-file'] = report.resultsFile ?? ''
  return outputs
}

/** The one request of a one-video, one-type run that got an answer; its result is the output as it is. */
function singleRequest(videos: VideoList): RequestRecord | undefined {
  const video = videos.length === 1 ? videos.at(0) : undefined
  if (video?.requests.length !== 1) return undefined
  const request = video.requests[0]
  return request !== undefined && request.attempts > 0 ? request : undefined
}

/** The videos in the order an output takes them, those `keep` lets through (all when not given). */
type Pick = (keep?: (position: number) => boolean) => Iterable<VideoRecord>

const always = (): boolean => true

/**
 * The positions of the videos, what needs attention first and within each rank in input order (a
 * stable sort), without rebuilding the records.
 */
function attentionOrder(digest: Digest): Uint32Array {
  const rankOf = (code: number): number => ATTENTION_ORDER[OUTCOMES[code] ?? ''] ?? 3
  const order = new Uint32Array(digest.outcomes.length)
  let next = 0
  for (let rank = 0; rank <= 3; rank++) {
    digest.outcomes.forEach((code, position) => {
      if (rankOf(code) === rank) order[next++] = position
    })
  }
  return order
}

/**
 * A JSON array of already-serialised items, as many as fit in `budget` bytes. Built piece by piece,
 * so that a 100,000-video run never holds the whole array as one string.
 */
export function jsonArray(pieces: Iterable<string>, budget: number): { text: string; cut: boolean } {
  const kept: string[] = []
  let size = 2
  for (const piece of pieces) {
    const add = Buffer.byteLength(piece) + (kept.length > 0 ? 1 : 0)
    if (size + add > budget) return { text: `[${kept.join(',')}]`, cut: true }
    kept.push(piece)
    size += add
  }
  return { text: `[${kept.join(',')}]`, cut: false }
}

function* mapIter<T>(items: Iterable<T>, map: (item: T) => string): Generator<string> {
  for (const item of items) yield map(item)
}

function* entries(
  videos: Iterable<VideoRecord>,
  key: 'errors' | 'messages',
  skip: (request: RequestRecord) => boolean = () => false
): Generator<string> {
  for (const video of videos) {
    for (const request of video.requests) {
      if (skip(request)) continue
      for (const entry of request[key]) {
        yield JSON.stringify({ ...entry, video_id: video.video_id, download_type: request.download_type })
      }
    }
  }
}

function notAnError(request: RequestRecord, report: RunReport): boolean {
  return request.outcome === 'missing' && report.ifMissing !== 'fail'
}

/** A failure of the whole run (the list failed, over the cap) is the first error. */
function* withRunProblem(problem: string | undefined, rest: Iterable<string>): Generator<string> {
  if (problem !== undefined) yield JSON.stringify({ code: null, message: problem })
  yield* rest
}

function resultText(result: unknown): string {
  if (result === null || result === undefined) return ''
  return typeof result === 'string' ? result : JSON.stringify(result)
}

/** The `result` object's entries, `"<video id>":<result>` (keyed by download type with `all`). */
function resultEntries(report: RunReport, videos: Iterable<VideoRecord>): Iterable<string> {
  return mapIter(videos, (video) => {
    const value =
      report.downloadType === 'all'
        ? Object.fromEntries(video.requests.map((request) => [request.download_type, request.result]))
        : (video.requests[0]?.result ?? null)
    return `${JSON.stringify(video.video_id)}:${JSON.stringify(value)}`
  })
}

/** The outputs when the inputs could not be used: nothing was sent, every problem is an error. */
export function invalidInputOutputs(problems: readonly string[]): Record<string, string> {
  return {
    success: 'false',
    result: '',
    errors: JSON.stringify(problems.map((message) => ({ code: null, message }))),
    messages: '[]',
    results: '[]',
    deleted: '[]',
    missing: '[]',
    failed: '[]',
    selected: '[]',
    truncated: 'false',
    'results-file': ''
  }
}
