/**
 * Wires the action to the real world: @actions/core (actions-core.ts), the run's context, the
 * process's signals, the wall clock and undici, then runs it. Everything else takes these through
 * {@link Deps} (ports.ts), so tests pass their own.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { actionsCore } from './runner/actions-core.js'
import { takeEarlySignal } from './runner/early-signals.js'
import { runContext } from './runner/github-context.js'
import { checkpointFiles } from './runner/checkpoint-io.js'
import { createTransport } from './runner/http.js'
import { createLineFile, privateTempDir, readWorkspaceFile } from './runner/files.js'
import type { Deps, RunContext } from './ports.js'
import { runAction } from './run.js'
import { exitWhenFlushed, watchSignals } from './runner/signals.js'

/** The entry point's work, and what @github/local-action calls. */
export async function run(): Promise<void> {
  await runAction(productionDeps(await runContext()))
}

/**
 * The entry point's last step: the process ends with its exit code once stdout and stderr are
 * flushed, whatever sockets remain (@github/local-action calls run() alone and keeps its process).
 */
export const endProcess = (): Promise<void> => exitWhenFlushed(process)

export function productionDeps(context: RunContext): Deps {
  const core = actionsCore()
  let tempDir: string | undefined
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
    // Only a regular file inside the workspace (outside a runner: the current folder), read without blocking.
    readFile: (path) => readWorkspaceFile(path, process.env.GITHUB_WORKSPACE || process.cwd()),
    createLineFile,
    checkpointFiles,
    // Without the runner's own folder, a private one, made only when the results file is written.
    get tempDir() {
      return (tempDir ??= process.env.RUNNER_TEMP || privateTempDir())
    },
    dispose: cancellation.dispose
  }
}

/** Longest single sleep: Cloudflare's lockout is 5 minutes; a timer overflows past 2³¹ − 1 ms. */
const MAX_SLEEP_MS = 600_000

/** A wait a timer can hold: 0 for NaN or less, at most 10 minutes (a timer overflows past 2³¹ − 1 ms). */
export function safeDelay(ms: number): number {
  return Number.isNaN(ms) ? 0 : Math.min(Math.max(ms, 0), MAX_SLEEP_MS)
}
