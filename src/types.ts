/**
 * The data that travels through the run: Cloudflare answers → outcomes → report. Kept in one file
 * that imports nothing, so each module can name them without importing another module's logic.
 * (The outside world's shapes are in ports.ts; the settings' in settings.ts.)
 */

/** The `status` filter's values: the spec's `stream_media_state` enum. */
export const MEDIA_STATES = [
  'pendingupload',
  'downloading',
  'queued',
  'inprogress',
  'ready',
  'error',
  'live-inprogress'
] as const
export type MediaState = (typeof MEDIA_STATES)[number]

/** The selection filters, already validated by the settings; each maps to one query parameter. */
export interface VideoFilters {
  /** `start`: created after this RFC 3339 instant (input `created-after`; inclusive or not, as the API decides). */
  start?: string
  /** `end`: created before this RFC 3339 instant (input `created-before`); sent on every page. */
  end?: string
  /** `creator`: the exact user-defined creator id. */
  creator?: string
  /** `video_name`: an exact match on `meta.name`. */
  videoName?: string
  /** `search`: a partial match on `meta.name` (Cloudflare warns it is slow on large libraries). */
  search?: string
  /** `status`: the processing state. */
  status?: MediaState
  /** `live_input_id`: videos recorded from that live input. */
  liveInputId?: string
}

/** How the action authenticates: an API token (preferred) or the legacy e-mail + Global API key. */
export type Auth = { kind: 'token'; token: string } | { kind: 'key'; email: string; key: string }

/** A download rendition of a Stream video. */
export type DownloadType = 'default' | 'audio'

/**
 * No messages: one shared, frozen array, for the many records whose answers said nothing.
 */
export const NO_MESSAGES: readonly CloudflareMessage[] = Object.freeze([])

/** One entry of an envelope's `errors` or `messages` array, normalised. */
export interface CloudflareMessage {
  /**
   * Cloudflare's numeric code (one sent as a string of digits is read as its number); `null` when
   * there is none (no envelope, an HTML body, a network failure, or a code that is not a number).
   */
  code: number | null
  message: string
  documentation_url?: string
}

/** The envelope every Cloudflare API answer is wrapped in. */
export interface Envelope {
  success: boolean
  errors: readonly CloudflareMessage[]
  messages: readonly CloudflareMessage[]
  result: unknown
  /** The video list's count of matching videos, beside `result` (asked for with `include_counts`). */
  total?: unknown
}

/** What one HTTP attempt produced. Reading an answer never throws: every body becomes one of these. */
export type Answer = HttpAnswer | NetworkFailure

export interface HttpAnswer {
  kind: 'http'
  status: number
  /** The `cf-ray` header, which Cloudflare support asks for. */
  rayId?: string
  /** The envelope, when the body was one. */
  envelope?: Envelope
  /** Why there is no usable envelope (HTML, empty, too large…), in words for a user. */
  problem?: string
  /** Raw values of the headers that drive retries and pacing. */
  retryAfter?: string
  ratelimit?: string
  ratelimitPolicy?: string
  /** The older rate-limit headers, read when `Ratelimit` is absent. */
  xRateLimitRemaining?: string
  xRateLimitReset?: string
  location?: string
}

export interface NetworkFailure {
  kind: 'network'
  /** A stable code: `ECONNRESET`, `ECONNREFUSED`, `TIMEOUT`, `UND_ERR_SOCKET`, `ABORTED`… */
  code: string
  message: string
  /**
   * Whether the request may have reached Cloudflare (the connection failed after sending, or the
   * answer never came). A retried DELETE after such a failure may find the download already gone.
   */
  mayHaveReachedServer: boolean
}

/**
 * What happened to one (video, download type) request. `missing`: there was nothing to delete (a
 * 404 that is Cloudflare's "not found", or in a dry run a download that does not exist);
 * `would-delete`: a dry run found the download, so a real run would delete it; `not-sent`: never
 * sent because Cloudflare had refused the credentials (it counts as `failed`); `cancelled`: never
 * sent because the step was cancelled; `postponed`: never sent because the run's `time-limit` was
 * reached (not a failure: a later run does it).
 */
export type RequestOutcome = 'deleted' | 'would-delete' | 'missing' | 'failed' | 'not-sent' | 'cancelled' | 'postponed'

/** What happened to one video, across its requests. */
export type VideoOutcome = RequestOutcome

/** The record of one (video, download type) request, as the `results` output reports it. */
export interface RequestRecord {
  download_type: DownloadType
  outcome: RequestOutcome
  /** HTTP status of the last answer; `null` when none came (network failure, cancelled, dry run). */
  status_code: number | null
  result: unknown
  errors: readonly CloudflareMessage[]
  messages: readonly CloudflareMessage[]
  ray_id: string | null
  /** HTTP attempts made (1 + retries); 0 when nothing was sent. */
  attempts: number
  /** True when an earlier attempt may have reached Cloudflare but its answer was lost. */
  answer_lost: boolean
}

/** One video and what happened to it. */
export interface VideoRecord {
  video_id: string
  outcome: VideoOutcome
  requests: RequestRecord[]
}

/** How the run's videos were chosen (sources.ts). */
export interface ChoiceSummary {
  origin: 'ids' | 'file' | 'library'
  /** Ids the source gave before the guards. */
  found: number
  /** Left out by `exclude`. */
  excluded: number
  /** Kept by `keep-latest`. */
  kept: number
  /** The library's own count of matching videos, when it gave one. */
  total?: number
}

/**
 * One of the report's lists cut to its budget: its first items in the list's order, gathered as
 * the videos finish in any order (report/first-fitting.ts).
 */
export interface FirstItems<T> {
  /** The items kept, in the list's order, each with its place in it (numbers compared left to right). */
  readonly kept: readonly { readonly key: readonly number[]; readonly value: T }[]
  /** Some items were left out. */
  readonly cut: boolean
}

/** The outputs made of one item per video or per entry: JSON arrays, and the `result` object. */
export type ListOutput =
  | 'results'
  | 'result'
  | 'errors'
  | 'messages'
  | 'deleted'
  | 'missing'
  | 'failed'
  | 'selected'
  | 'postponed'
  | 'would-delete'

export type AnnotationLevel = 'error' | 'warning' | 'notice'

export interface Annotation {
  level: AnnotationLevel
  title: string
  message: string
}

/**
 * What the report needs of the batch's videos, gathered as each one finishes (report/tally.ts):
 * counts, and the first items of every list the report shows; never every record.
 */
export interface VideoTally {
  /** Videos acted on: each one ends with a record, cancelled ones included. */
  readonly count: number
  readonly videoCounts: Readonly<Record<VideoOutcome, number>>
  readonly requestCount: number
  readonly requestCounts: Readonly<Record<RequestOutcome, number>>
  /** The first video's record: a one-video run's `result` output is its result as it is. */
  readonly first: VideoRecord | undefined
  /** Some request's result was too large to keep, and is kept only as its size (batch/outcome.ts). */
  readonly resultsNotKept: boolean
  /** Each list output's items, as JSON text (report/outputs.ts). */
  readonly outputs: Readonly<Record<ListOutput, FirstItems<string>>>
  /** The requests' annotations: the first of each level, and how many each level had (report/annotations.ts). */
  readonly annotations: Readonly<Record<AnnotationLevel, FirstItems<Annotation>>>
  readonly annotationCounts: Readonly<Record<AnnotationLevel, number>>
  /** The ids of the first cancelled videos. */
  readonly cancelled: FirstItems<string>
  /** The summary's table rows: what needs attention, and the rest (report/summary.ts). */
  readonly rows: { readonly attention: FirstItems<string>; readonly rest: FirstItems<string> }
}

/** What the report's words depend on besides the videos: the settings, and how the videos were chosen. */
export interface ReportSettings {
  downloadType: 'default' | 'audio' | 'all'
  ifMissing: 'warn' | 'ignore' | 'fail'
  dryRun: boolean
  failOnError: boolean
  accountId: string
  /** The kind of credentials sent, for what to fix when Cloudflare refuses them. */
  authKind: Auth['kind']
  /** How the videos were chosen; absent when choosing them failed. */
  choice?: ChoiceSummary
}

/** Everything the report is built from. */
export interface RunReport extends ReportSettings {
  videos: VideoTally
  /** Everything asked was done (see runSucceeded). */
  success: boolean
  /** The step was cancelled by the runner before the run ended. */
  cancelled: boolean
  /** Why the run failed as a whole before any video was touched (the list failed, over the cap). */
  runProblem?: string
  /** The results file (JSON Lines: one video's record a line), when it could be written. */
  resultsFile?: string
  /** How long the batch should take, said after selecting (report/estimate.ts); absent when nothing was acted on. */
  estimate?: string
  /** Where the checkpoint stands after a real run with `checkpoint-file`. */
  checkpoint?: CheckpointStanding
}

/** Where a checkpoint stands once a run has written it (or failed to). */
export interface CheckpointStanding {
  /** The file could be written; when not, the next run repeats this one. */
  saved: boolean
  /** The cursor (RFC 3339): every selected video created before it was handled or is remembered. */
  cursor?: string
  /** Selected videos at or after the cursor (kept ones not counted), when the list's total tells. */
  left?: number
  /** Failures remembered, tried first by the next run. */
  remembered: number
  /** Failures dropped by this run after their last try. */
  dropped: number
}

/** An object that is neither null nor an array: what a JSON body's fields are read from. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** What a caught value says: an Error's message, or anything else as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
