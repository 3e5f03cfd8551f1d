/**
 * One request, sent as often as the retry policy allows: each attempt waits for the rate gate
 * first, a throttled answer holds the whole run, and cancellation stops between attempts. Used for
 * every request of the run (deletions, reads of downloads, pages of the video list), so they all
 * share one quota, one pacing and one cancellation.
 */
import { acquireSlot, type RateGate, type Waiting } from './rate-gate.js'
import type { Cancellation, Clock } from '../ports.js'
import { isThrottled, retryDelayMs, retryReason } from './retry.js'
import type { Answer } from '../types.js'

export interface AttemptDeps {
  gate: RateGate
  clock: Clock
  random: () => number
  maxRetries: number
  cancel: Cancellation
  /** New requests are held for a while (throttling, quota, rate ceiling). */
  waiting: (waiting: Waiting) => void
  /**
   * No attempt starts at or after this instant on `clock` (the run's `time-limit`): a wait at the
   * gate ends there, and a retry due after it is not made. Absent: no limit.
   */
  deadline?: number
}

/** The last answer, if any was had, and how it was reached. */
export interface Attempted {
  /** Undefined when nothing was sent: the step was cancelled first. */
  last: Answer | undefined
  attempts: number
  /** An earlier attempt may have reached Cloudflare but its answer was lost. */
  answerLost: boolean
  /** `cancel.stop` or the deadline came before a retry that the policy would have made. */
  stoppedBeforeRetry: boolean
  /** The retry the policy would have made was due at or after the deadline, so it was not waited for. */
  retryPastDeadline?: true
}

/** What the log hears of a retry: it comes after `delayMs`, for `reason`. */
export type Retrying = (retry: number, delayMs: number, reason: string) => void

export async function sendWithRetries(
  send: (signal: AbortSignal) => Promise<Answer>,
  deps: AttemptDeps,
  retrying: Retrying
): Promise<Attempted> {
  const { clock, gate, cancel } = deps
  const deadline = deps.deadline ?? Infinity
  let last: Answer | undefined
  let answerLost = false
  for (let attempt = 1; ; attempt++) {
    if (!(await acquireSlot(gate, clock, cancel.stop, deps.waiting, deadline))) {
      return { last, attempts: attempt - 1, answerLost, stoppedBeforeRetry: last !== undefined }
    }
    if (last?.kind === 'network' && last.mayHaveReachedServer) answerLost = true
    last = await send(cancel.abort)
    gate.finish(clock.now(), last)
    const reason = retryReason(last)
    if (reason === undefined || attempt > deps.maxRetries || cancel.stop.aborted) {
      return { last, attempts: attempt, answerLost, stoppedBeforeRetry: false }
    }
    const delay = retryDelayMs(last, attempt, clock.now(), deps.random)
    // A throttled answer means the whole account is blocked: hold every worker, not just this one.
    if (isThrottled(last)) gate.pauseUntil(clock.now() + delay)
    // A retry due after the deadline is never made: no need to wait for it.
    if (clock.now() + delay >= deadline) {
      return { last, attempts: attempt, answerLost, stoppedBeforeRetry: true, retryPastDeadline: true }
    }
    retrying(attempt, delay, reason)
    await clock.sleep(delay, cancel.stop)
  }
}
