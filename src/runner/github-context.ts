/**
 * The run's identity from @actions/github's `context`, for the User-Agent.
 */
import type { RunContext } from '../ports.js'

export async function runContext(): Promise<RunContext> {
  const none: RunContext = { serverUrl: '', runId: 0, runAttempt: 0, workflow: '', repository: '' }
  let context: (typeof import('@actions/github'))['context']
  try {
    // Loaded here, not at the top: @actions/github reads GITHUB_EVENT_PATH as it loads and throws on
    // an unreadable event file, which must not stop a deletion that needs none of it. "eager": ncc
    // keeps it in dist/index.js instead of a second file.
    ;({ context } = await import(/* webpackMode: "eager" */ '@actions/github'))
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
