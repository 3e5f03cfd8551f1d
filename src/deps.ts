/**
 * The real collaborators: @actions/core (toolkit.ts), the run's context from @actions/github, the process's
 * signals, the wall clock and undici. Tests build their own {@link Deps} instead.
 */
// The Context class by file path, not @actions/github's index: see bench/RESULTS.md ("Start-up").
import { Context } from '../node_modules/@actions/github/lib/context.js'
import { setTimeout as sleep } from 'node:timers/promises'
import { watchSignals } from './cancel.js'
import { createTransport } from './http.js'
import type { Deps } from './main.js'
import { actionsCore } from './toolkit.js'
import type { RunContext } from './user-agent.js'

export function productionDeps(): Deps {
  const core = actionsCore(process.env)
  const cancellation = watchSignals(
    process,
    (signal) => core.warning(`Received ${signal}: sending nothing new, then reporting what was done.`),
    (code) => process.exit(code)
  )
  return {
    core,
    env: process.env,
    context: runContext(),
    nodeVersion: process.version,
    clock: {
      now: () => Date.now(),
      sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined)
    },
    random: Math.random,
    cancellation,
    createTransport,
    dispose: cancellation.dispose
  }
}

function runContext(): RunContext {
  const none: RunContext = { serverUrl: '', runId: 0, runAttempt: 0, workflow: '', repository: '' }
  let context: Context
  try {
    // Reads GITHUB_EVENT_PATH: an unreadable event file must not stop a deletion that needs none of it.
    context = new Context()
  } catch {
    return none
  }
  let repository = ''
  try {
    repository = `${context.repo.owner}/${context.repo.repo}`
  } catch {
    // context.repo throws outside a workflow (no GITHUB_REPOSITORY); the User-Agent then omits it.
  }
  const { serverUrl, runId, runAttempt, workflow } = context
  return { serverUrl, runId, runAttempt, workflow, repository }
}
