/**
 * Cancellation as the runner does it: SIGINT when a run is cancelled or `timeout-minutes` is
 * reached, SIGTERM 7.5 s later, a kill 2.5 s after that
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-cancellation).
 * On the first signal the run sends nothing new; after a grace period requests still in flight
 * are given up (an attempt ends at once then, even one still connecting), so the outputs and the
 * summary are written well before the kill. Later signals change nothing until the run is over
 * (Node's default handler, exit at once, never comes back mid-report); after it, a signal ends the
 * process with the exit code the report set.
 */
import type { Cancellation } from '../ports.js'

/** How long requests in flight get after the first signal. */
export const GRACE_MS = 4_000
/** The last resort, should the report itself hang: the runner's SIGTERM comes at 7.5 s, the kill at 10 s. */
export const DEADLINE_MS = 7_000

type Signal = 'SIGINT' | 'SIGTERM'

export interface SignalSource {
  on: (signal: Signal, listener: () => void) => unknown
}

export interface CancellationWatch extends Cancellation {
  /** The run is over: the timers are cleared, and a later signal ends the process with its exit code. */
  dispose: () => void
}

/**
 * Listens for SIGINT and SIGTERM. `takeEarly`, called once these listeners are in place (so that no
 * signal falls between the two), names a signal that arrived before (early-signals.ts catches those
 * while the action loads); it is acted on at once.
 */
export function watchSignals(
  source: SignalSource,
  onCancel: (signal: string) => void,
  /** Ends the process: with `code`, or without one with the exit code set so far. */
  exit: (code?: number) => void,
  timers: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout } = globalThis,
  takeEarly: () => Signal | undefined = () => undefined
): CancellationWatch {
  const stop = new AbortController()
  const abort = new AbortController()
  const pending: ReturnType<typeof setTimeout>[] = []
  let over = false
  const handler = (signal: Signal) => (): void => {
    // After the report, a signal ends the process with the exit code the report set.
    if (over) {
      exit()
      return
    }
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
  source.on('SIGINT', onInt)
  source.on('SIGTERM', onTerm)
  const early = takeEarly()
  if (early === 'SIGINT') onInt()
  if (early === 'SIGTERM') onTerm()
  return {
    stop: stop.signal,
    abort: abort.signal,
    // The listeners stay: a signal between the end of the report and the exit must not bring back
    // Node's default handler, which would end the process by the signal instead of its exit code.
    dispose: () => {
      over = true
      for (const timer of pending) timers.clearTimeout(timer)
    }
  }
}

/** A process, as far as ending it goes. */
export interface Ending {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  exit: (code?: number) => void
}

/**
 * Ends the process with the exit code set so far once everything written to stdout and stderr is
 * handed over: the outputs, the summary and the results file are written before this is called.
 */
export async function exitWhenFlushed(proc: Ending): Promise<void> {
  await Promise.all([proc.stdout, proc.stderr].map((stream) => new Promise((done) => stream.write('', done))))
  proc.exit()
}
