/**
 * The action's outputs, every one a string as the runner stores them, built from the run's records.
 * GitHub keeps at most 1 MB of outputs per job, so each output has a share of that budget: when a
 * full value would be larger, it carries the videos that need attention first (failed, missing,
 * cancelled), is cut to fit, and `truncated` says `true`. `results-file` always has everything.
 */
import type { RequestRecord, RunReport, VideoRecord } from '../types.js'

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
  // Sorted only if an output must be cut: most runs never need it.
  let sorted: VideoRecord[] | undefined
  const byAttention = (): VideoRecord[] => (sorted ??= attentionFirst(videos))
  let truncated = false
  const fit = (pieces: Iterable<string>, budget: number): string => {
    const fitted = jsonArray(pieces, budget)
    truncated ||= fitted.cut
    return fitted.text
  }
  /** In input order when all of it fits; else what needs attention first, cut to fit. */
  const ordered = (serialise: (videos: readonly VideoRecord[]) => Iterable<string>, budget: number): string => {
    const whole = jsonArray(serialise(videos), budget)
    return whole.cut ? fit(serialise(byAttention()), budget) : whole.text
  }
  const ids = (outcome: string): string =>
    fit(
      mapIter(
        videos.filter((video) => video.outcome === outcome),
        (video) => JSON.stringify(video.video_id)
      ),
      OUTPUT_BUDGET.ids
    )
  const single = singleRequest(videos)
  const outputs: Record<string, string> = {
    success: String(report.success),
    // The map keyed by video id is built like the arrays, then given its braces.
    result: single
      ? resultText(single.result)
      : `{${ordered((list) => resultEntries(report, list), OUTPUT_BUDGET.result).slice(1, -1)}}`,
    // "Nothing to delete" is not an error unless if-missing says so: a workflow that checks
    // `errors != '[]'` must not be misled by the 404s of a selection (they stay in `results`).
    errors: ordered(
      (list) =>
        withRunProblem(
          report.runProblem,
          entries(list, 'errors', (request) => notAnError(request, report))
        ),
      OUTPUT_BUDGET.errors
    ),
    messages: ordered((list) => entries(list, 'messages'), OUTPUT_BUDGET.messages),
    results: ordered((list) => mapIter(list, (video) => JSON.stringify(video)), OUTPUT_BUDGET.results),
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
function singleRequest(videos: readonly VideoRecord[]): RequestRecord | undefined {
  if (videos.length !== 1 || videos[0]?.requests.length !== 1) return undefined
  const request = videos[0].requests[0]
  return request !== undefined && request.attempts > 0 ? request : undefined
}

function attentionFirst(videos: readonly VideoRecord[]): VideoRecord[] {
  const rank = (video: VideoRecord): number => ATTENTION_ORDER[video.outcome] ?? 3
  // A stable sort: within each rank, input order.
  return [...videos].sort((a, b) => rank(a) - rank(b))
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
  videos: readonly VideoRecord[],
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
function resultEntries(report: RunReport, videos: readonly VideoRecord[]): Iterable<string> {
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
