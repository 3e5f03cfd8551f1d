/**
 * Imported first by the entry point, before the rest of the action loads: from this moment a
 * SIGINT or SIGTERM no longer kills the process (Node's default) but is remembered, and
 * signals.ts acts on it as soon as the run starts listening. Without it, a cancellation during
 * start-up would end the step with no outputs and no summary.
 */
type Signal = 'SIGINT' | 'SIGTERM'

let first: Signal | undefined
const remember = (signal: Signal): void => {
  first ??= signal
}

process.on('SIGINT', remember)
process.on('SIGTERM', remember)

/** The first signal seen so far, and stop remembering: the caller's own listeners are in place. */
export function takeEarlySignal(): Signal | undefined {
  process.removeListener('SIGINT', remember)
  process.removeListener('SIGTERM', remember)
  return first
}
