// The plainest action on the action's own stack, bundled by ncc when the benchmark starts: the same
// DELETEs through undici's public request() (one Agent, `concurrency` workers taking the ids in turn,
// both downloads with `download-type: all`), the token masked and two outputs set with @actions/core,
// the run's context read from @actions/github, each through its package entry. No retries, pacing,
// records or report: what the action costs beyond this, at start-up or in a batch, is its own.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as core from '@actions/core'
import { context } from '@actions/github'
import { Agent, request } from 'undici'

const token = core.getInput('api-token')
core.setSecret(token)
const file = core.getInput('video-id-file')
const ids = (file ? readFileSync(join(process.env.GITHUB_WORKSPACE ?? '.', file), 'utf8') : core.getInput('video-id'))
  .split(/\s+/)
  .filter(Boolean)
const paths = core.getInput('download-type') === 'all' ? ['downloads', 'downloads/audio'] : ['downloads']
const concurrency = Math.min(Number(core.getInput('concurrency') || 1), ids.length)
const base = `${core.getInput('base-url')}/accounts/${core.getInput('account-id')}/stream`
const run = `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`
const headers = { authorization: `Bearer ${token}`, 'user-agent': `floor-public (${run})` }
const dispatcher = new Agent({ connections: concurrency })

let next = 0
let ok = true
let statusCode = 0
async function worker() {
  while (next < ids.length) {
    const id = ids[next++]
    for (const path of paths) {
      const answer = await request(`${base}/${id}/${path}`, { method: 'DELETE', headers, dispatcher })
      const { success } = /** @type {{ success: boolean }} */ (await answer.body.json())
      // Every answer is "deleted" or Cloudflare's "not found": anything else is a failed run.
      ok &&= success || answer.statusCode === 404
      statusCode = answer.statusCode
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, worker))
await dispatcher.close()
core.setOutput('success', String(ok))
core.setOutput('status', String(statusCode))
