/**
 * What ends the attempts in flight early: their timeout and the step's cancellation. One timer
 * serves every deadline and one listener every attempt under the same cancellation signal.
 *
 * Per attempt, a timer of its own plus a listener on the shared cancellation signal cost more CPU
 * than the rest of the client's work (Node's EventTarget scans every listener already registered on
 * each add, and a run has `concurrency` of them); see bench/RESULTS.md.
 */

/** Why an attempt was ended early. */
export type Ending = 'timeout' | 'cancelled'

/** An attempt to watch. */
export interface Watched {
  /** When it times out, on {@link Timers.now}'s clock: set by {@link Deadlines.watch}. */
  deadline: number
  /** The step's cancellation. */
  readonly signal: AbortSignal
  /** Called at most once, when the attempt times out or `signal` aborts, and never after it is released. */
  end(ending: Ending): void
}

/** Time and one timer, injected so that tests drive them by hand. */
export interface Timers {
  /** A monotonic clock, in milliseconds. */
  now: () => number
  set: (callback: () => void, ms: number) => unknown
  clear: (timer: unknown) => void
}

export const realTimers: Timers = {
  now: () => performance.now(),
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>)
}

export class Deadlines {
  /**
   * Every attempt has the same timeout and the clock never goes back, so insertion order is
   * deadline order: the first entry is always the next to expire.
   */
  private readonly watched = new Set<Watched>()
  /** Armed exactly while something is watched, so an idle client keeps no timer (nor the process) alive. */
  private timer: unknown
  private readonly listening = new WeakSet<AbortSignal>()

  constructor(
    private readonly timeoutMs: number,
    private readonly timers: Timers = realTimers
  ) {}

  /**
   * Watches an attempt that starts now. If its signal has already aborted, `end('cancelled')` is
   * called at once and nothing is watched.
   */
  watch(watched: Watched): void {
    const { signal } = watched
    if (signal.aborted) return watched.end('cancelled')
    watched.deadline = this.timers.now() + this.timeoutMs
    if (!this.listening.has(signal)) {
      this.listening.add(signal)
      signal.addEventListener('abort', () => this.cancel(signal), { once: true })
    }
    this.watched.add(watched)
    if (this.watched.size === 1) this.arm(this.timeoutMs)
  }

  /** Stops watching an attempt that has ended (answered, failed, or ended here). */
  release(watched: Watched): void {
    if (!this.watched.delete(watched) || this.watched.size > 0) return
    this.timers.clear(this.timer)
    this.timer = undefined
  }

  /** How many attempts are watched. */
  get size(): number {
    return this.watched.size
  }

  private arm(ms: number): void {
    this.timer = this.timers.set(() => this.expire(), Math.max(1, Math.ceil(ms)))
  }

  private expire(): void {
    this.timer = undefined
    const now = this.timers.now()
    let next: Watched | undefined
    for (const watched of this.watched) {
      // A timer may fire a fraction of a millisecond before the clock says the deadline has come.
      if (watched.deadline > now) {
        next = watched
        break
      }
      this.end(watched, 'timeout')
    }
    // An `end` that started another attempt at once has armed the timer already.
    if (next !== undefined && this.timer === undefined) this.arm(next.deadline - now)
  }

  private cancel(signal: AbortSignal): void {
    for (const watched of this.watched) if (watched.signal === signal) this.end(watched, 'cancelled')
  }

  private end(watched: Watched, ending: Ending): void {
    this.release(watched)
    watched.end(ending)
  }
}
