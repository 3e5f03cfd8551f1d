/**
 * The User-Agent names the action, its version, and the workflow run that sent the request, so
 * that Cloudflare's audit log shows which workflow deleted what; without a run (`user-agent-details:
 * false`, or outside a workflow) only the action and Node.js.
 */
import type { RunContext } from '../ports.js'
import { VERSION } from '../version.js'

const ACTION_NAME = 'cloudflare-stream-delete-downloads'

export function userAgent(run: RunContext | undefined, nodeVersion: string): string {
  const parts = []
  if (run !== undefined && run.repository !== '') {
    const attempt = run.runAttempt > 1 ? `/attempts/${run.runAttempt}` : ''
    const where = run.runId ? `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}${attempt}` : run.repository
    parts.push(where)
  }
  if (run?.workflow) parts.push(`workflow: ${run.workflow.replace(/[^\x20-\x7e]/g, '?').replace(/[()]/g, '')}`)
  parts.push(`node ${nodeVersion}`)
  return `${ACTION_NAME}/${VERSION} (${parts.join('; ')})`
}
