// The plainest action on the action's own stack, bundled by ncc when the benchmark starts: the same
// DELETE through undici's public request(), the token masked and two outputs set with @actions/core,
// the run's context read from @actions/github, each through its package entry. What the action's
// start-up costs beyond this is its own.
import * as core from '@actions/core'
import { context } from '@actions/github'
import { request } from 'undici'

const token = core.getInput('api-token')
core.setSecret(token)
const url = `${core.getInput('base-url')}/accounts/${core.getInput('account-id')}/stream/${core.getInput('video-id')}/downloads`
const run = `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`
const { statusCode, body } = await request(url, {
  method: 'DELETE',
  headers: { authorization: `Bearer ${token}`, 'user-agent': `floor-public (${run})` }
})
const { success } = /** @type {{ success: boolean }} */ (await body.json())
core.setOutput('success', String(success))
core.setOutput('status', String(statusCode))
