/**
 * What an answer means for the user: pure rules from a Cloudflare answer to a request outcome,
 * from request outcomes to a video's outcome, and from all of them to the step's success.
 */
import {
  type Answer,
  type Auth,
  type CloudflareMessage,
  type DownloadType,
  type Envelope,
  type HttpAnswer,
  type RequestOutcome,
  type RequestRecord,
  type VideoOutcome,
  isRecord,
  NO_MESSAGES
} from '../types.js'
import type { Attempted } from '../requests/attempts.js'

/** Every outcome, in the order the closing line counts them. */
export const OUTCOMES: readonly RequestOutcome[] = [
  'deleted',
  'would-delete',
  'missing',
  'failed',
  'not-sent',
  'cancelled',
  'postponed'
]

/**
 * Why a request was never sent, the first that applies: the step was cancelled, then the credentials
 * were refused, then the run's `time-limit` was reached. The batch holds one stop per entry.
 */
export const UNSENT_ORDER = ['cancelled', 'not-sent', 'postponed'] as const
export type Unsent = (typeof UNSENT_ORDER)[number]

/** What a request that was sent but not retried says, by what stopped it. */
const NOT_RETRIED: Readonly<Record<Unsent, string>> = {
  cancelled: 'The step was cancelled before a retry.',
  'not-sent': 'Not retried: Cloudflare refused the credentials, so nothing more is sent.',
  postponed: 'Not retried: the run reached its `time-limit`.'
}

/** Bytes of JSON a request's `result` may have and be kept; a larger one is kept as its size only. */
export const MAX_RESULT_BYTES = 1024

/**
 * A result as the records keep it: as it is when short, else only its size (a hostile or broken
 * server can answer megabytes; no real answer to a delete or a read of downloads is near this).
 */
export function keptResult(result: unknown): unknown {
  if (result === null || result === undefined) return null
  // A short text (`ok`) fits whatever its characters (at most 3 bytes each, and its quotes): no need to serialise it.
  if (typeof result === 'string' && result.length <= MAX_RESULT_BYTES / 4) return result
  const bytes = Buffer.byteLength(JSON.stringify(result) ?? '')
  return bytes <= MAX_RESULT_BYTES ? result : `result of ${bytes} bytes not kept`
}

/** Whether a kept result is only the size of one too large to keep (keptResult). */
export function resultNotKept(result: unknown): boolean {
  return typeof result === 'string' && /^result of \d+ bytes not kept$/.test(result)
}

/** Cloudflare's authentication errors: the credentials themselves are refused, for every video alike. */
export const AUTH_CODES: ReadonlySet<number> = new Set([10000, 9109])

/**
 * Whether an answer refuses the credentials, so every other request would get the same: a 401, or
 * a 403 that carries one of Cloudflare's authentication codes (a 403 may also be about one video).
 */
export function refusesCredentials(answer: Answer | undefined): answer is HttpAnswer {
  if (answer?.kind !== 'http') return false
  if (answer.status === 401) return true
  return answer.status === 403 && hasCode(answer.envelope, AUTH_CODES)
}

/** A request's status as the report says it: `HTTP 404`, or `no answer` when none came. */
export function statusWords(status: number | null | undefined): string {
  return status === null || status === undefined ? 'no answer' : `HTTP ${status}`
}

/** What to fix when Cloudflare refuses the credentials, naming the kind that was sent. */
export function credentialsHint(auth: Auth['kind'], accountId?: string): string {
  const account = accountId === undefined ? 'the account in `account-id`' : `account ${accountId}`
  return auth === 'token'
    ? `the API token is invalid or expired, lacks the Stream Write permission (Stream Read for a dry run or a listing), or is not valid for ${account} (check \`account-id\` and the token's account resources)`
    : `the Global API key / e-mail pair is wrong (\`api-key\` must be the Global API key of the user whose e-mail is \`email\`), or that user is not a member of ${account} (check \`account-id\`)`
}

/** The record of a request from its last answer; `attempts` and `answerLost` come from the retry loop. */
export function recordFromAnswer(
  type: DownloadType,
  answer: Answer,
  attempts: number,
  answerLost: boolean
): RequestRecord {
  if (answer.kind === 'network') {
    const lost = answer.mayHaveReachedServer
      ? ' The request may have reached Cloudflare, so the download may or may not have been deleted.'
      : ''
    return {
      ...emptyRecord(type, 'failed'),
      errors: [{ code: null, message: `${answer.message}.${lost}` }],
      attempts,
      answer_lost: answerLost
    }
  }
  const envelope = answer.envelope
  const record: RequestRecord = {
    download_type: type,
    outcome: 'failed',
    status_code: answer.status,
    result: envelope ? keptResult(envelope.result) : null,
    errors: envelope ? envelope.errors : [],
    messages: envelope ? envelope.messages : [],
    ray_id: answer.rayId ?? null,
    attempts,
    answer_lost: answerLost
  }
  if (answer.status >= 200 && answer.status < 300 && envelope?.success === true) record.outcome = 'deleted'
  else if (answer.status === 404 && saysNotFound(envelope)) record.outcome = 'missing'
  else record.errors = [...record.errors, ...explainFailure(answer.status, answer.problem, answer.location, envelope)]
  return record
}

/** Cloudflare's codes for a URL it has no route for: a wrong account id or base-url, not a missing download. */
export const ROUTING_CODES: ReadonlySet<number> = new Set([7000, 7003])

/**
 * Whether a 404 is Cloudflare saying that the download (or video) does not exist: a JSON envelope
 * that reports failure with at least one error, none of them a routing or an authentication code.
 * Cloudflare does not document its "not found" codes, so the rule names what is not "not found":
 * a 404 from anything else (an HTML page, an empty body, no error, "No route for that URI") means
 * the request went somewhere else, and nothing was deleted. The envelope reads codes sent as
 * strings as numbers (envelope.ts).
 */
function saysNotFound(envelope: Envelope | undefined): boolean {
  return (
    envelope !== undefined &&
    !envelope.success &&
    envelope.errors.length > 0 &&
    !hasCode(envelope, ROUTING_CODES) &&
    !hasCode(envelope, AUTH_CODES)
  )
}

function hasCode(envelope: Envelope | undefined, codes: ReadonlySet<number>): boolean {
  return envelope?.errors.some((error) => error.code !== null && codes.has(error.code)) ?? false
}

function explainFailure(
  status: number,
  problem: string | undefined,
  location: string | undefined,
  envelope: { errors: readonly CloudflareMessage[] } | undefined
): CloudflareMessage[] {
  if (status >= 300 && status < 400) {
    const where = location ? ` to ${location}` : ''
    return [
      { code: null, message: `HTTP ${status} redirect${where} was not followed: credentials go only to base-url` }
    ]
  }
  if (status === 404) {
    const what = problem ?? 'HTTP 404 that is not Cloudflare saying the download does not exist'
    return [
      {
        code: null,
        message: `${what}: nothing was deleted. Check \`account-id\` (the account that owns the videos) and \`base-url\``
      }
    ]
  }
  if (problem !== undefined) return [{ code: null, message: problem }]
  if (envelope === undefined || envelope.errors.length > 0) return []
  return [{ code: null, message: `HTTP ${status} without an error in the envelope` }]
}

/** A request that produced no answer: one never sent (`cancelled`, `not-sent`, `postponed`). */
export function emptyRecord(type: DownloadType, outcome: RequestRecord['outcome']): RequestRecord {
  return {
    download_type: type,
    outcome,
    status_code: null,
    result: null,
    errors: NO_MESSAGES,
    messages: NO_MESSAGES,
    ray_id: null,
    attempts: 0,
    answer_lost: false
  }
}

/**
 * The record of a deletion from its attempts (attempts.ts); `unsent` is what stopped the batch
 * when the attempts were cut short (nothing sent, or no retry).
 */
export function recordFromAttempts(
  type: DownloadType,
  attempted: Attempted,
  unsent: Unsent = 'cancelled'
): RequestRecord {
  if (attempted.last === undefined) return emptyRecord(type, unsent)
  const record = recordFromAnswer(type, attempted.last, attempted.attempts, attempted.answerLost)
  return attempted.stoppedBeforeRetry ? withNote(record, NOT_RETRIED[unsent]) : record
}

/**
 * A dry run's records: one `GET …/downloads` answers for every download type. A download listed
 * in the answer is `would-delete` (its `status` and `percentComplete` kept as the result), one not
 * listed is `missing`; a video Cloudflare does not know is `missing` for every type, and a failed
 * read is `failed` for every type, as the deletion would have been.
 */
export function plannedRecords(
  types: readonly DownloadType[],
  attempted: Attempted,
  unsent: Unsent = 'cancelled'
): RequestRecord[] {
  const { last } = attempted
  if (last === undefined) return types.map((type) => emptyRecord(type, unsent))
  const read = recordFromAttempts('default', attempted, unsent)
  const downloads =
    last.kind === 'http' && last.status === 200 && last.envelope?.success === true ? last.envelope.result : undefined
  return types.map((type) => {
    const base = { ...read, download_type: type }
    // Anything but a successful read (not found, failed, cancelled) holds for every type alike.
    if (read.outcome !== 'deleted') return base
    const found = isRecord(downloads) ? downloads[type] : undefined
    return found === undefined || found === null
      ? { ...base, outcome: 'missing', result: null }
      : { ...base, outcome: 'would-delete', result: keptResult(found) }
  })
}

function withNote(record: RequestRecord, note: string): RequestRecord {
  return { ...record, errors: [...record.errors, { code: null, message: note }] }
}

/** A video's outcome: the first of these that one of its requests has (unsent ones in UNSENT_ORDER). */
const VIDEO_ORDER: readonly VideoOutcome[] = ['failed', ...UNSENT_ORDER, 'deleted', 'would-delete', 'missing']

/**
 * A video's outcome across its requests: `failed` if any failed, else why one was never sent
 * (`cancelled`, then `not-sent`, then `postponed`), else `deleted` (or `would-delete` in a dry
 * run) if any download was (or would be) deleted: with `download-type: all`, a video that has no
 * audio rendition is still `deleted`; else `missing`.
 */
export function videoOutcome(requests: readonly RequestRecord[]): VideoOutcome {
  return VIDEO_ORDER.find((outcome) => requests.some((request) => request.outcome === outcome)) ?? 'missing'
}

/** Outcomes that count as a failure of the video: it is in the `failed` output, and fails the step. */
export const FAILED_OUTCOMES: readonly VideoOutcome[] = ['failed', 'not-sent']

/**
 * Whether the run did everything asked: nothing failed, unsent or cancelled, and no 404 when
 * `if-missing: fail`. Requests `postponed` by the time limit are not a failure: a later run does them.
 */
export function runSucceeded(
  counts: Readonly<Record<RequestOutcome, number>>,
  ifMissing: 'warn' | 'ignore' | 'fail'
): boolean {
  return (
    FAILED_OUTCOMES.every((outcome) => counts[outcome] === 0) &&
    counts.cancelled === 0 &&
    !(counts.missing > 0 && ifMissing === 'fail')
  )
}

/** Outcomes of a video whose work is done: nothing is left for a later run. */
export const DONE_OUTCOMES: readonly VideoOutcome[] = ['deleted', 'missing', 'would-delete']

/**
 * Whether every selected video is done (the `complete` output): false after a time limit, a
 * cancellation, refused credentials or any failure; true for a dry run that read everything.
 */
export function runComplete(counts: Readonly<Record<VideoOutcome, number>>): boolean {
  return OUTCOMES.every((outcome) => DONE_OUTCOMES.includes(outcome) || counts[outcome] === 0)
}
