/**
 * Wires the action to the real world: @actions/core (actions-core.ts), the run's context, the
 * process's signals, the wall clock and undici, then runs it. Everything else takes these through
 * {@link Deps} (ports.ts), so tests pass their own.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { actionsCore } from './runner/actions-core.js'
import { takeEarlySignal } from './runner/early-signals.js'
import { runContext } from './runner/github-context.js'
import { checkpointFiles } from './runner/checkpoint-io.js'
import { createTransport } from './runner/http.js'
import type { Deps, LineFile, RunContext } from './ports.js'
import { runAction } from './run.js'
import { watchSignals } from './runner/signals.js'

/** The entry point's work, and what @github/local-action calls. */
export async function run(): Promise<void> {
  await runAction(productionDeps(await runContext()))
}

export function productionDeps(context: RunContext): Deps {
  const core = actionsCore()
  const cancellation = watchSignals(
    process,
    (signal) => core.warning(`Received ${signal}: sending nothing new, then reporting what was done.`),
    (code) => process.exit(code),
    globalThis,
    takeEarlySignal
  )
  return {
    core,
    env: process.env,
    context,
    nodeVersion: process.version,
    clock: {
      now: () => Date.now(),
      // Every wait is capped well below what a timer can hold (2³¹ ms), whatever computed it.
      sleep: (ms, signal) => sleep(safeDelay(ms), undefined, { signal }).catch(() => undefined)
    },
    random: Math.random,
    cancellation,
    createTransport,
    // Plain synchronous file I/O: the id file read at once, each results line written whole
    // before anything else runs (a process killed between two lines leaves whole lines).
    readFile: (path) => new Promise((resolve) => resolve(readFileSync(path, 'utf8'))),
    createLineFile,
    checkpointFiles,
    tempDir: process.env.RUNNER_TEMP || tmpdir(),
    dispose: cancellation.dispose
  }
}

/** Longest single sleep: Cloudflare's lockout is 5 minutes; a timer overflows past 2³¹ − 1 ms. */
const MAX_SLEEP_MS = 600_000

/** A wait a timer can hold: 0 for NaN or less, at most 10 minutes (a timer overflows past 2³¹ − 1 ms). */
export function safeDelay(ms: number): number {
  return Number.isNaN(ms) ? 0 : Math.min(Math.max(ms, 0), MAX_SLEEP_MS)
}

/** A file written a line at a time, each line whole before the call returns. */
function createLineFile(path: string): LineFile {
  const fd = openSync(path, 'w')
  return {
    writeLine: (line) => {
      const bytes = Buffer.from(`${line}\n`)
      for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written)
    },
    close: () => closeSync(fd)
  }
}
