/**
 * Retry policy as pure functions over data: which answers are worth another attempt and how long to
 * wait first. Time and randomness are parameters, so the policy is tested without a clock.
 * The loop that applies it lives in attempts.ts.
 */
import type { Answer } from '../types.js'

/** Cloudflare's lockout after going over the limit lasts 5 minutes; no Retry-After is honoured past it. */
export const MAX_RETRY_AFTER_MS = 300_000
export const BACKOFF_BASE_MS = 1_000
export const BACKOFF_CAP_MS = 30_000

/**
 * Statuses that say "try again": throttling, origin and gateway errors, and Cloudflare's own edge
 * errors 520–527 (https://developers.cloudflare.com/support/troubleshooting/http-status-codes/cloudflare-5xx-errors/).
 * Every other 4xx is final: sending the same DELETE again cannot change the answer.
 */
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504, 520, 521, 522, 523, 524, 525, 526, 527])

/** Connection-level failures that a fresh attempt can get past. */
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  // A proxy that could not reach Cloudflare, or is overloaded, refusing the tunnel (http.ts's codes).
  'PROXY_502',
  'PROXY_503'
])

/** Cloudflare's codes for "over the rate limit": 971 today, 10100 in older answers. */
export const THROTTLED_CODES: ReadonlySet<number> = new Set([971, 10100])

/**
 * Whether the account is throttled: a 429, or a throttling code in any answer. Either way every
 * request of the account is blocked, so the whole run must wait, not just one request.
 */
export function isThrottled(answer: Answer): boolean {
  if (answer.kind !== 'http') return false
  return (
    answer.status === 429 ||
    (answer.envelope?.errors.some((error) => error.code !== null && THROTTLED_CODES.has(error.code)) ?? false)
  )
}

/** Why an answer is worth retrying, in words for the log; `undefined` when it is final. */
export function retryReason(answer: Answer): string | undefined {
  if (answer.kind === 'network') {
    return RETRYABLE_NETWORK_CODES.has(answer.code) ? answer.message : undefined
  }
  if (isThrottled(answer)) return `HTTP ${answer.status} (rate limited)`
  if (!RETRYABLE_STATUSES.has(answer.status)) return undefined
  return `HTTP ${answer.status}`
}

/**
 * `Retry-After` as milliseconds from `nowMs`: delta-seconds or an HTTP date
 * (RFC 9110 §10.2.3), capped at Cloudflare's 5-minute lockout. `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  let ms: number
  if (/^\d+$/.test(text)) ms = Number(text) * 1000
  else {
    const date = Date.parse(text)
    if (Number.isNaN(date) || !/[a-z]/i.test(text)) return undefined
    ms = date - nowMs
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS)
}

/**
 * Exponential backoff with full jitter (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/):
 * a uniform draw in [0, min(cap, base × 2^(retry−1))). `retry` counts from 1.
 */
export function backoffMs(retry: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (retry - 1))
  return Math.floor(random() * ceiling)
}

/** How long to wait before retry number `retry`: exactly the server's Retry-After when it gave one. */
export function retryDelayMs(answer: Answer, retry: number, nowMs: number, random: () => number): number {
  const retryAfter = answer.kind === 'http' ? parseRetryAfter(answer.retryAfter, nowMs) : undefined
  return retryAfter ?? backoffMs(retry, random)
}
