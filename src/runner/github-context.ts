/**
 * The run's identity from @actions/github's `Context`, for the User-Agent.
 */
// The Context class alone, not @actions/github's index: the index also loads Octokit and undici's
// fetch (bench/RESULTS.md, "Start-up"). The exports map offers no subpath for it, hence the path.
import { Context } from '../../node_modules/@actions/github/lib/context.js'
import type { RunContext } from '../ports.js'

export function runContext(): RunContext {
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
