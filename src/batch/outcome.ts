/**
 * What an answer means for the user: pure rules from a Cloudflare answer to a request outcome,
 * from request outcomes to a video's outcome, and from all of them to the step's success.
 */
import {
  type Answer,
  type CloudflareMessage,
  type DownloadType,
  type Envelope,
  type RequestOutcome,
  type RequestRecord,
  type VideoOutcome,
  NO_MESSAGES
} from '../types.js'
import type { Attempted } from '../requests/attempts.js'

/** Every outcome, in the order the closing line counts them. */
export const OUTCOMES: readonly RequestOutcome[] = ['deleted', 'would-delete', 'missing', 'failed', 'cancelled']

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
    result: envelope ? envelope.result : null,
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
 * that reports failure with no routing error. A 404 from anything else (an HTML page, an empty
 * body, "No route for that URI") means the request went somewhere else, and nothing was deleted.
 */
function saysNotFound(envelope: Envelope | undefined): boolean {
  return (
    envelope !== undefined &&
    !envelope.success &&
    !envelope.errors.some((error) => error.code !== null && ROUTING_CODES.has(error.code))
  )
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

/** A request that produced no answer: one never sent (`cancelled`). */
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

/** The record of a deletion from its attempts (attempts.ts). */
export function recordFromAttempts(type: DownloadType, attempted: Attempted): RequestRecord {
  if (attempted.last === undefined) return emptyRecord(type, 'cancelled')
  const record = recordFromAnswer(type, attempted.last, attempted.attempts, attempted.answerLost)
  return attempted.cancelledBeforeRetry ? withNote(record, 'The step was cancelled before a retry.') : record
}

/**
 * A dry run's records: one `GET …/downloads` answers for every download type. A download listed
 * in the answer is `would-delete` (its `status` and `percentComplete` kept as the result), one not
 * listed is `missing`; a video Cloudflare does not know is `missing` for every type, and a failed
 * read is `failed` for every type, as the deletion would have been.
 */
export function plannedRecords(types: readonly DownloadType[], attempted: Attempted): RequestRecord[] {
  const { last } = attempted
  if (last === undefined) return types.map((type) => emptyRecord(type, 'cancelled'))
  const read = recordFromAttempts('default', attempted)
  const downloads =
    last.kind === 'http' && last.status === 200 && last.envelope?.success === true ? last.envelope.result : undefined
  return types.map((type) => {
    const base = { ...read, download_type: type }
    // Anything but a successful read (not found, failed, cancelled) holds for every type alike.
    if (read.outcome !== 'deleted') return base
    const found = isRecord(downloads) ? downloads[type] : undefined
    return found === undefined || found === null
      ? { ...base, outcome: 'missing', result: null }
      : { ...base, outcome: 'would-delete', result: found }
  })
}

function withNote(record: RequestRecord, note: string): RequestRecord {
  return { ...record, errors: [...record.errors, { code: null, message: note }] }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * A video's outcome across its requests: `failed` if any failed, else `cancelled` if any was never
 * sent, else `deleted` (or `would-delete` in a dry run) if any download was (or would be) deleted:
 * with `download-type: all`, a video that has no audio rendition is still `deleted`; else `missing`.
 */
export function videoOutcome(requests: readonly RequestRecord[]): VideoOutcome {
  const order: VideoOutcome[] = ['failed', 'cancelled', 'deleted', 'would-delete', 'missing']
  return order.find((outcome) => requests.some((request) => request.outcome === outcome)) ?? 'missing'
}

/** Whether the run did everything asked: nothing failed or cancelled, and no 404 when `if-missing: fail`. */
export function runSucceeded(
  counts: Readonly<Record<RequestOutcome, number>>,
  ifMissing: 'warn' | 'ignore' | 'fail'
): boolean {
  return counts.failed === 0 && counts.cancelled === 0 && !(counts.missing > 0 && ifMissing === 'fail')
}
