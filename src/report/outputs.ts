/**
 * The action's outputs, every one a string as the runner stores them. GitHub keeps at most 1 MB of
 * outputs per job, so each output has a share of that budget: when a full value would be larger,
 * it carries the videos that need attention first (failed and not-sent, cancelled, missing), is cut
 * to fit, and `truncated` says `true`; so it does when an answer's result was too large to keep.
 * `results-file` always has every record.
 */
import { FAILED_OUTCOMES, runComplete } from '../batch/outcome.js'
import { notSentProblem } from './verdict.js'
import type { FirstFitting } from './first-fitting.js'
import type {
  CloudflareMessage,
  ListOutput,
  ReportSettings,
  RequestRecord,
  RunReport,
  VideoOutcome,
  VideoRecord
} from '../types.js'

/**
 * Each output's share of GitHub's 1 MB per job, in bytes of JSON (about 0.9 MB in all): `results`
 * gave up a share for the `postponed` and `would-delete` id lists, so the total stays as it was.
 */
export const OUTPUT_BUDGET = {
  results: 300_000,
  errors: 150_000,
  messages: 50_000,
  result: 100_000,
  ids: 50_000
} as const

/** The budget of each list output. */
export const LIST_BUDGET: Record<ListOutput, number> = {
  results: OUTPUT_BUDGET.results,
  result: OUTPUT_BUDGET.result,
  errors: OUTPUT_BUDGET.errors,
  messages: OUTPUT_BUDGET.messages,
  deleted: OUTPUT_BUDGET.ids,
  missing: OUTPUT_BUDGET.ids,
  failed: OUTPUT_BUDGET.ids,
  selected: OUTPUT_BUDGET.ids,
  postponed: OUTPUT_BUDGET.ids,
  'would-delete': OUTPUT_BUDGET.ids
}

/** An item's share of its output's budget: its bytes and the comma before it (`[]` is the last of it). */
export const itemSize = (json: string): number => Buffer.byteLength(json) + 1

/** Outcomes in the order an output carries them when it must be cut: what needs attention first. */
const ATTENTION_ORDER: Partial<Record<VideoOutcome, number>> = {
  failed: 0,
  'not-sent': 0,
  cancelled: 1,
  postponed: 1,
  missing: 2
}

/** The outcomes whose videos have an id list of their own (besides `failed`, which takes not-sent too). */
const ID_LISTS = ['deleted', 'missing', 'postponed', 'would-delete'] as const satisfies readonly ListOutput[]

/**
 * Adds a finished video (the `index`th of the input) to the list outputs. Each item's key is
 * [attention rank, index, position]: the order of a cut output (the id lists are never reordered).
 */
export function addToOutputs(
  lists: Record<ListOutput, FirstFitting<string>>,
  video: VideoRecord,
  index: number,
  settings: ReportSettings
): void {
  const id = (): string => JSON.stringify(video.video_id)
  lists.selected.add([0, index, 0], id)
  // A video not sent failed as much as one refused: the retry recipe takes `failed` as it is.
  if (FAILED_OUTCOMES.includes(video.outcome)) lists.failed.add([0, index, 0], id)
  else {
    const own = ID_LISTS.find((name) => name === video.outcome)
    if (own !== undefined) lists[own].add([0, index, 0], id)
  }
  const rank = ATTENTION_ORDER[video.outcome] ?? 3
  lists.results.add([rank, index, 0], () => JSON.stringify(video))
  lists.result.add([rank, index, 0], () => `${id()}:${JSON.stringify(resultOf(video, settings))}`)
  // "Nothing to delete" is not an error unless if-missing says so: a workflow that checks
  // `errors != '[]'` must not be misled by the 404s of a selection (they stay in `results`).
  const notAnError = (request: RequestRecord): boolean => request.outcome === 'missing' && settings.ifMissing !== 'fail'
  addEntries(lists.errors, rank, index, video, 'errors', notAnError)
  addEntries(lists.messages, rank, index, video, 'messages', () => false)
}

/** A video's value in the `result` object: the result, keyed by download type with `all`. */
function resultOf(video: VideoRecord, settings: ReportSettings): unknown {
  return settings.downloadType === 'all'
    ? Object.fromEntries(video.requests.map((request) => [request.download_type, request.result]))
    : (video.requests[0]?.result ?? null)
}

/** Each entry of the requests' `errors` (or `messages`), with its video and download type. */
function addEntries(
  list: FirstFitting<string>,
  rank: number,
  index: number,
  video: VideoRecord,
  key: 'errors' | 'messages',
  skip: (request: RequestRecord) => boolean
): void {
  let position = 0
  for (const request of video.requests) {
    if (skip(request)) continue
    for (const entry of request[key]) {
      list.add([rank, index, position++], () => entryJson(entry, video, request))
    }
  }
}

function entryJson(entry: CloudflareMessage, video: VideoRecord, request: RequestRecord): string {
  return JSON.stringify({ ...entry, video_id: video.video_id, download_type: request.download_type })
}

/** The action's outputs, every one a string as the runner stores them. */
export function buildOutputs(report: RunReport): Record<string, string> {
  const { videos } = report
  let truncated = videos.resultsNotKept
  /** In input order when nothing was left out; else what needs attention first, cut to fit. */
  const list = (name: ListOutput, first: readonly string[] = []): string => {
    const { kept, cut } = videos.outputs[name]
    const ordered = cut ? kept : [...kept].sort((a, b) => byInput(a.key, b.key))
    const fitted = jsonArray([...first, ...ordered.map((item) => item.value)], LIST_BUDGET[name])
    truncated ||= cut || fitted.cut
    return fitted.text
  }
  const single = singleRequest(videos.count === 1 ? videos.first : undefined)
  const singleText = single && singleResult(single.result)
  truncated ||= singleText?.cut ?? false
  const outputs: Record<string, string> = {
    success: String(report.success),
    // The map keyed by video id is built like the arrays, then given its braces.
    result: singleText ? singleText.text : `{${list('result').slice(1, -1)}}`,
    // A failure of the whole run (the list failed, over the cap; the credentials refused) is the first error.
    errors: list(
      'errors',
      [report.runProblem, notSentProblem(report)]
        .filter((problem) => problem !== undefined)
        .map((message) => JSON.stringify({ code: null, message }))
    ),
    messages: list('messages'),
    results: list('results'),
    deleted: list('deleted'),
    missing: list('missing'),
    failed: list('failed'),
    selected: list('selected'),
    postponed: list('postponed'),
    'would-delete': list('would-delete')
  }
  outputs.truncated = String(truncated)
  // Done means every selected video is done: nothing failed, cancelled, refused or left for later.
  outputs.complete = String(report.runProblem === undefined && !report.cancelled && runComplete(videos.videoCounts))
  outputs['results-file'] = report.resultsFile ?? ''
  return outputs
}

/** Input order: by video index, then by position in the video. */
function byInput(a: readonly number[], b: readonly number[]): number {
  return (a[1] as number) - (b[1] as number) || (a[2] as number) - (b[2] as number)
}

/** The one request of a one-video, one-type run that got an answer; its result is the output as it is. */
function singleRequest(video: VideoRecord | undefined): RequestRecord | undefined {
  if (video?.requests.length !== 1) return undefined
  const request = video.requests[0]
  return request !== undefined && request.attempts > 0 ? request : undefined
}

/** A JSON array of already-serialised items, as many as fit in `budget` bytes. */
function jsonArray(pieces: readonly string[], budget: number): { text: string; cut: boolean } {
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

/** The one request's result as it is, within the `result` budget like every other output (else empty, and cut). */
function singleResult(result: unknown): { text: string; cut: boolean } {
  const text =
    result === null || result === undefined ? '' : typeof result === 'string' ? result : JSON.stringify(result)
  return Buffer.byteLength(text) <= OUTPUT_BUDGET.result ? { text, cut: false } : { text: '', cut: true }
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
    postponed: '[]',
    'would-delete': '[]',
    truncated: 'false',
    complete: 'false',
    'results-file': ''
  }
}
