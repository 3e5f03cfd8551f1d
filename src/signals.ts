/**
 * Cancellation as the runner does it: SIGINT when a run is cancelled or `timeout-minutes` is
 * reached, SIGTERM 7.5 s later, a kill 2.5 s after that
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-cancellation).
 * On the first signal the run sends nothing new; after a grace period requests still in flight
 * are given up, so the outputs and summary are written well before the kill.
 */
import type { Cancellation } from './ports.js'

/** How long requests in flight get after the first signal. */
export const GRACE_MS = 4_000
/** If the report has not finished by then, exit anyway: the kill is at 10 s, SIGTERM at 7.5 s. */
export const DEADLINE_MS = 7_000

export interface SignalSource {
  once(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown
  removeListener(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown
}

export interface CancellationWatch extends Cancellation {
  /** Stops listening (the run is over). */
  dispose(): void
}

export function watchSignals(
  source: SignalSource,
  onCancel: (signal: string) => void,
  exit: (code: number) => void,
  timers: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout } = globalThis
): CancellationWatch {
  const stop = new AbortController()
  const abort = new AbortController()
  const pending: ReturnType<typeof setTimeout>[] = []
  const handler = (signal: 'SIGINT' | 'SIGTERM') => (): void => {
    if (stop.signal.aborted) return
    onCancel(signal)
    stop.abort()
    pending.push(timers.setTimeout(() => abort.abort(), GRACE_MS))
    const deadline = timers.setTimeout(() => exit(1), DEADLINE_MS)
    // The deadline must never keep a finished process alive.
    deadline.unref?.()
    pending.push(deadline)
  }
  const onInt = handler('SIGINT')
  const onTerm = handler('SIGTERM')
  source.once('SIGINT', onInt)
  source.once('SIGTERM', onTerm)
  return {
    stop: stop.signal,
    abort: abort.signal,
    dispose: () => {
      source.removeListener('SIGINT', onInt)
      source.removeListener('SIGTERM', onTerm)
      for (const timer of pending) timers.clearTimeout(timer)
    }
  }
}
