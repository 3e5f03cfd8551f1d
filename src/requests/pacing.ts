/**
 * Pacing: keeps this run under Cloudflare's shared limit (1,200 requests per 5 minutes per user;
 * going over locks every caller out for 5 minutes) and under the `requests-per-minute` ceiling.
 *
 * The decisions are pure methods that take `now`; {@link acquireSlot} is the small loop that waits
 * on an injected clock. Three things can hold a request back:
 * - a 429 anywhere in the run pauses every worker until its Retry-After has passed;
 * - the quota read from `Ratelimit: "default";r=<remaining>;t=<reset seconds>` (or the older
 *   `X-RateLimit-Remaining`/`-Reset`): once only the
 *   reserve is left, new requests wait for the window to reset. The reserve covers what the
 *   estimate cannot see: answers arriving out of order, and other jobs' requests in flight;
 * - a token bucket for `requests-per-minute` (smooth, not fixed sleeps).
 */
import type { Clock } from '../ports.js'
import type { Answer } from '../types.js'

export interface RateLimitState {
  remaining: number
  resetSeconds: number
}

/**
 * The longest wait a server's header can impose: Cloudflare's lockout lasts 5 minutes, so no
 * honest `t`, `w` or reset is longer, and a larger one (a day, or past the 2³¹ ms a timer holds)
 * is capped rather than obeyed.
 */
export const MAX_SERVER_WAIT_SECONDS = 300

/**
 * Reads the items of an IETF RateLimit header as Cloudflare sends it: `"default";r=50;t=30` for
 * `Ratelimit`, `"default";q=1200;w=300` for `Ratelimit-Policy`, possibly several items separated by
 * commas, under any policy name. Returns each item's numeric parameters.
 */
export function parseRateLimitItems(value: string | undefined): Record<string, number>[] {
  if (value === undefined) return []
  const items: Record<string, number>[] = []
  for (const item of value.split(',')) {
    const params: Record<string, number> = {}
    for (const part of item.split(';').slice(1)) {
      const match = /^\s*([a-z]+)\s*=\s*(\d{1,12})\s*$/.exec(part)
      if (match?.[1] !== undefined) params[match[1]] = Number(match[2])
    }
    if (Object.keys(params).length > 0) items.push(params)
  }
  return items
}

const capSeconds = (seconds: number): number => Math.min(seconds, MAX_SERVER_WAIT_SECONDS)

/**
 * `Ratelimit` as Cloudflare sends it on every answer: one item, `r` then `t`. A match reads exactly
 * as {@link parseRateLimitItems} would read it (no comma: one item; no semicolon before `r`: the name
 * is the first part, which is ignored), for a tenth of the work.
 */
const ONE_RATELIMIT_ITEM = /^[^,;]*;r=(\d{1,12});t=(\d{1,12})$/

/** The most restrictive item of `Ratelimit`: the fewest requests left (then the latest reset). */
export function parseRatelimit(value: string | undefined): RateLimitState | undefined {
  const one = value === undefined ? null : ONE_RATELIMIT_ITEM.exec(value)
  if (one !== null) return { remaining: Number(one[1]), resetSeconds: capSeconds(Number(one[2])) }
  let best: RateLimitState | undefined
  for (const { r, t } of parseRateLimitItems(value)) {
    if (r === undefined || t === undefined) continue
    const state = { remaining: r, resetSeconds: capSeconds(t) }
    if (
      best === undefined ||
      state.remaining < best.remaining ||
      (state.remaining === best.remaining && state.resetSeconds > best.resetSeconds)
    ) {
      best = state
    }
  }
  return best
}

/** The most restrictive item of `Ratelimit-Policy`: the smallest quota per window. */
export function parseRatelimitPolicy(value: string | undefined): { quota: number; windowSeconds: number } | undefined {
  let best: { quota: number; windowSeconds: number } | undefined
  for (const { q, w } of parseRateLimitItems(value)) {
    if (q === undefined || w === undefined || w === 0) continue
    if (best === undefined || q < best.quota) best = { quota: q, windowSeconds: capSeconds(w) }
  }
  return best
}

/**
 * The older `X-RateLimit-Remaining` and `X-RateLimit-Reset` headers. The reset is read as seconds
 * from now, or as a Unix time when it is one (larger than any window), and capped like the others.
 */
export function parseXRateLimit(
  remaining: string | undefined,
  reset: string | undefined,
  nowMs: number
): RateLimitState | undefined {
  if (remaining === undefined || reset === undefined) return undefined
  if (!/^\s*\d{1,12}\s*$/.test(remaining) || !/^\s*\d{1,12}\s*$/.test(reset)) return undefined
  const value = Number(reset)
  const seconds = value > 1_000_000_000 ? Math.max(0, Math.ceil(value - nowMs / 1000)) : value
  return { remaining: Number(remaining), resetSeconds: capSeconds(seconds) }
}

/**
 * After the latest instant the window can reset at, start again this much later. The reset is
 * known only to a second (`t` is whole seconds), and bounded from both sides by every answer: see
 * {@link RateGate}.
 */
const RESET_MARGIN_MS = 50
/** How often waiting requests look again while an early request is out. */
const PROBE_POLL_MS = 20
/** The longest a steady reason to wait goes unsaid in the log. */
const ANNOUNCE_EVERY_MS = 60_000
/** Early requests at most in one window. */
const MAX_PROBES = 3

export interface GateOptions {
  /** Ceiling in requests per minute; 0 for none. */
  requestsPerMinute: number
  /** Requests this run may have in flight. */
  concurrency: number
}

export class RateGate {
  private tokens: number
  private refilledAt: number | undefined
  private pausedUntil = 0
  private announcedUntil = 0
  private readonly announcedAt = new Map<string, number>()
  private inFlight = 0
  /**
   * Estimated requests left in the current window, and when it resets: after `low` at the
   * earliest, by `high` at the latest. `t` is whole seconds, so each answer says the reset is within
   * one second; together the answers of a window narrow that to the spacing between them.
   */
  private quota: { remaining: number; low: number; high: number } | undefined
  /** The early requests of this window sent so far (see quotaWait), and whether one is out. */
  private probes = 0
  private probing = false
  private policy: { quota: number; windowSeconds: number } | undefined
  private policyText: string | undefined
  private readonly capacity: number

  constructor(private readonly options: GateOptions) {
    this.capacity = Math.max(1, Math.min(options.concurrency, Math.floor(options.requestsPerMinute / 60)))
    this.tokens = this.capacity
  }

  /**
   * Requests held back for what this run cannot see (answers that arrive out of order, another
   * job's requests in flight, one early request at the window's start): 2 × concurrency, or 1% of
   * the quota if larger.
   */
  get reserve(): number {
    return Math.max(2 * this.options.concurrency, Math.ceil((this.policy?.quota ?? 0) * 0.01))
  }

  /** Milliseconds until a new request may start; 0 when it may start now. */
  delayBeforeNext(now: number): number {
    this.refill(now)
    this.rollWindow(now)
    return Math.max(0, Math.ceil(Math.max(this.pausedUntil - now, this.bucketWait(), this.quotaWait(now))))
  }

  /** Records that a request is starting now (call only after delayBeforeNext returned 0). */
  start(now: number): void {
    this.refill(now)
    if (this.options.requestsPerMinute > 0) this.tokens -= 1
    if (this.quota) {
      if (this.quota.remaining <= this.reserve) {
        this.probes += 1
        this.probing = true
      }
      this.quota.remaining -= 1
    }
    this.inFlight += 1
  }

  /** Records an answer (or its absence) and what its rate-limit headers say. */
  finish(now: number, answer: Answer): void {
    this.inFlight -= 1
    this.probing = false
    if (answer.kind !== 'http') return
    // The policy is the same on every answer: parse it only when its text changes.
    if (answer.ratelimitPolicy !== this.policyText) {
      this.policyText = answer.ratelimitPolicy
      this.policy = parseRatelimitPolicy(answer.ratelimitPolicy) ?? this.policy
    }
    const seen =
      parseRatelimit(answer.ratelimit) ?? parseXRateLimit(answer.xRateLimitRemaining, answer.xRateLimitReset, now)
    if (seen === undefined) return
    // The server computed `t` before this answer arrived, and rounded it to whole seconds: the reset
    // is by `high` for sure, and not much before `low`.
    const high = now + seen.resetSeconds * 1000
    const low = high - 1000
    const same = this.quota !== undefined && low < this.quota.high
    if (!same) this.probes = 0
    this.quota = {
      // The server's count already includes this request; the ones still in flight are not in it yet.
      remaining: seen.remaining - this.inFlight,
      high: same ? Math.min(this.quota?.high ?? high, high) : high,
      low: same ? Math.min(Math.max(this.quota?.low ?? low, low), high) : low
    }
  }

  /**
   * Why new requests are held, in words for the log, the first time a wait of a second or more
   * ends later than any already announced (so several workers waiting together say it once).
   */
  announce(now: number, wait: number): string | undefined {
    const until = now + wait
    if (wait < 1000 || until <= this.announcedUntil) return undefined
    const reason = this.pausedUntil - now >= wait ? 'throttled' : this.quotaWait(now) >= wait ? 'quota' : 'ceiling'
    // A steady ceiling makes every request wait a little: say so once a minute, not once a request.
    if (now - (this.announcedAt.get(reason) ?? -Infinity) < ANNOUNCE_EVERY_MS && reason === 'ceiling') return undefined
    this.announcedUntil = until
    this.announcedAt.set(reason, now)
    const seconds = `${(wait / 1000).toFixed(1)} s`
    if (reason === 'throttled') return `Throttled by Cloudflare (429): every request waits ${seconds}.`
    if (reason === 'quota') {
      return `Cloudflare's rate limit: ${Math.max(0, this.quota?.remaining ?? 0)} requests left in this window, kept in reserve; waiting ${seconds} for it to reset.`
    }
    return `requests-per-minute ${this.options.requestsPerMinute}: waiting ${seconds} between requests (said once a minute).`
  }

  /** Holds every new request until `until` (a 429's Retry-After applies to the whole run). */
  pauseUntil(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until)
  }

  private refill(now: number): void {
    if (this.options.requestsPerMinute === 0) return
    const elapsed = this.refilledAt === undefined ? 0 : now - this.refilledAt
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.options.requestsPerMinute) / 60_000)
    this.refilledAt = now
  }

  private bucketWait(): number {
    if (this.options.requestsPerMinute === 0 || this.tokens >= 1) return 0
    return ((1 - this.tokens) * 60_000) / this.options.requestsPerMinute
  }

  /**
   * Once only the reserve is left, new requests wait for the reset. From the earliest instant it can
   * be, one request at a time goes ahead alone: its answer says whether the window has reset (then
   * the run goes on at once, not up to a second late) or not (then the next one goes halfway to the
   * latest instant). At most three such early requests a window, and never more than the reserve
   * can spare beside a full round of requests in flight: they come out of the reserve if early.
   */
  private quotaWait(now: number): number {
    const { quota } = this
    if (quota === undefined || quota.remaining > this.reserve) return 0
    const untilSure = quota.high + RESET_MARGIN_MS - now
    // While an early request is out, look again soon: its answer may open the new window.
    if (this.probing) return Math.min(untilSure, PROBE_POLL_MS)
    const spare = Math.min(MAX_PROBES, quota.remaining - this.options.concurrency)
    if (this.probes >= spare) return untilSure
    const next = this.probes === 0 ? quota.low : (quota.low + quota.high) / 2
    return Math.max(0, next - now)
  }

  /** Once the window has surely reset, the full quota (less what is in flight) is the best estimate. */
  private rollWindow(now: number): void {
    if (this.quota === undefined || now < this.quota.high + RESET_MARGIN_MS) return
    this.probes = 0
    this.quota = this.policy
      ? {
          remaining: this.policy.quota - this.inFlight,
          low: now + (this.policy.windowSeconds - 1) * 1000,
          high: now + this.policy.windowSeconds * 1000
        }
      : undefined
  }
}

/**
 * Waits until the gate lets a request start, then records the start. False when `signal` aborted
 * first. Long waits are told to `onWait` once.
 */
export async function acquireSlot(
  gate: RateGate,
  clock: Clock,
  signal: AbortSignal,
  onWait: (message: string) => void = () => undefined
): Promise<boolean> {
  for (;;) {
    if (signal.aborted) return false
    const now = clock.now()
    const wait = gate.delayBeforeNext(now)
    if (wait === 0) {
      gate.start(now)
      return true
    }
    const message = gate.announce(now, wait)
    if (message !== undefined) onWait(message)
    await clock.sleep(wait, signal)
  }
}
