/**
 * The rate gate: keeps the run under Cloudflare's shared quota (going over locks every caller out
 * for 5 minutes) and under the `requests-per-minute` ceiling. Its decisions are methods that take
 * `now` and read no clock; {@link acquireSlot} is the loop that waits on an injected clock. Three things hold a
 * new request back:
 * - a 429 anywhere in the run pauses every request until its Retry-After has passed;
 * - the quota the answers' headers report: once only the reserve is left in the window, new
 *   requests wait until the window has surely reset;
 * - a token bucket for `requests-per-minute` (smooth, not fixed sleeps).
 *
 * Whatever the headers say, the gate never stalls: a policy that allows no more than `concurrency`
 * requests per window is taken for absent, the reserve is always less than the policy's quota, and
 * once a window has surely reset at least one request goes out to learn the new one.
 */
import type { Clock } from '../ports.js'
import type { Answer } from '../types.js'
import { type Policy, readRateLimit } from './rate-headers.js'

/** After the latest instant the window can reset at, start again this much later (clocks differ). */
const RESET_MARGIN_MS = 50

export interface GateOptions {
  /** Ceiling in requests per minute; 0 for none. */
  requestsPerMinute: number
  /** Requests this run may have in flight. */
  concurrency: number
}

/**
 * A wait the gate imposes on new requests, for the log: a 429 (`throttled`), the quota's reserve
 * (`quota`, with the requests left by the gate's estimate) or `requests-per-minute` (`ceiling`).
 */
export type Waiting =
  | { reason: 'throttled' | 'ceiling'; from: number; until: number }
  | { reason: 'quota'; from: number; until: number; left: number }

export class RateGate {
  private tokens: number
  private refilledAt: number | undefined
  private pausedUntil = 0
  private inFlight = 0
  /**
   * Requests left in the current window by our estimate, and the latest instant it resets at: a
   * bound the answers gave, or (`guessed`) the policy's window counted from when the gate rolled.
   */
  private window: { left: number; resetBy: number; guessed: boolean } | undefined
  private policy: Policy | undefined
  private readonly capacity: number

  constructor(private readonly options: GateOptions) {
    this.capacity = Math.max(1, Math.min(options.concurrency, Math.floor(options.requestsPerMinute / 60)))
    this.tokens = this.capacity
  }

  /**
   * Requests held back for what this run cannot see: answers that arrive out of order, and another
   * job's round of requests in flight, such as the round a job sends before its first answer says
   * how many are left. 2 × concurrency, or 1% of the quota if larger.
   */
  get reserve(): number {
    const reserve = Math.max(2 * this.options.concurrency, Math.ceil((this.policy?.quota ?? 0) * 0.01))
    // A fresh window's full quota must be above the reserve, or no request would ever start.
    return this.policy === undefined ? reserve : Math.min(reserve, this.policy.quota - 1)
  }

  /** Why and until when a new request must wait; undefined when it may start now. */
  hold(now: number): Waiting | undefined {
    this.refill(now)
    this.rollWindow(now)
    const throttled = this.pausedUntil - now
    const quota =
      this.window !== undefined && this.window.left <= this.reserve ? this.window.resetBy + RESET_MARGIN_MS - now : 0
    const longest = Math.max(throttled, quota, this.bucketWait())
    if (longest <= 0) return undefined
    const until = now + Math.ceil(longest)
    if (longest === throttled) return { reason: 'throttled', from: now, until }
    if (longest === quota) return { reason: 'quota', from: now, until, left: Math.max(0, this.window?.left ?? 0) }
    return { reason: 'ceiling', from: now, until }
  }

  /** Records that a request is starting now (call only when {@link hold} said nothing). */
  start(now: number): void {
    this.refill(now)
    if (this.options.requestsPerMinute > 0) this.tokens -= 1
    if (this.window) this.window.left -= 1
    this.inFlight += 1
  }

  /** Records an answer (or its absence) and what its rate-limit headers say. */
  finish(now: number, answer: Answer): void {
    this.inFlight -= 1
    const said = readRateLimit(answer, now)
    // A quota that one round of requests uses up cannot be planned with: as if none were given.
    if (said.policy && said.policy.quota > this.options.concurrency) this.policy = said.policy
    if (said.window === undefined) return
    // The server computed `t` before the answer arrived and rounded it up to whole seconds: the
    // window resets by `resetBy`, and at most a second before it.
    const resetBy = now + said.window.resetSeconds * 1000
    const known = this.window
    // An answer whose window may end before the one known ends is of the same window: the answers
    // of a window together narrow its reset to the spacing between them.
    // A guessed reset is no bound: the first answer replaces it.
    const same = known !== undefined && !known.guessed && resetBy - 1000 < known.resetBy
    this.window = {
      // The server's count includes this request; ours still in flight are not in it yet.
      left: said.window.remaining - this.inFlight,
      resetBy: same ? Math.min(known.resetBy, resetBy) : resetBy,
      guessed: false
    }
  }

  /** The quota the answers' `Ratelimit-Policy` reported, per minute; undefined until one did. */
  get policyPerMinute(): number | undefined {
    return this.policy && (this.policy.quota * 60) / this.policy.windowSeconds
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
   * Once the window has surely reset, the policy's full quota (less what is in flight) is the best
   * estimate until the new window's first answer; without a policy, the gate knows nothing until
   * then. Either way, concurrency bounds what goes out before that answer, and the reserve covers it.
   */
  private rollWindow(now: number): void {
    if (this.window === undefined || now < this.window.resetBy + RESET_MARGIN_MS) return
    this.window = this.policy
      ? { left: this.policy.quota - this.inFlight, resetBy: now + this.policy.windowSeconds * 1000, guessed: true }
      : undefined
  }
}

/**
 * Waits until the gate lets a request start, then records the start. False when `signal` aborted
 * first, or when `deadline` (the run's time limit, on `clock`) came first: a wait is never slept
 * past it. Each wait is told to `onWait` before it is slept.
 */
export async function acquireSlot(
  gate: RateGate,
  clock: Clock,
  signal: AbortSignal,
  onWait: (waiting: Waiting) => void,
  deadline = Infinity
): Promise<boolean> {
  for (;;) {
    if (signal.aborted) return false
    const now = clock.now()
    if (now >= deadline) return false
    const waiting = gate.hold(now)
    if (waiting === undefined) {
      gate.start(now)
      return true
    }
    onWait(waiting)
    await clock.sleep(Math.min(waiting.until, deadline) - now, signal)
  }
}
