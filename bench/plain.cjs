// The yardstick for batches: the same requests as the action, made with nothing but node:http
// (CommonJS, so only node:http itself is loaded). A keep-alive agent with one socket per worker,
// `concurrency` workers taking video ids in turn, one log line per answer, the envelope parsed,
// and one `success` output written at the end; then the agent is closed and the process ends.
// No retries, pacing or report: what is left is what any implementation must pay.
const { Agent, request } = require('node:http')
const { appendFileSync } = require('node:fs')

const env = process.env
const ids = [...new Set((env['INPUT_VIDEO-ID'] ?? '').split(/[\s,]+/).filter(Boolean))]
const concurrency = Math.max(1, Math.min(Number(env.INPUT_CONCURRENCY || 4), ids.length))
const base = `${env['INPUT_BASE-URL']}/accounts/${env['INPUT_ACCOUNT-ID']}/stream/`
const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
const headers = { authorization: `Bearer ${env['INPUT_API-TOKEN']}`, accept: 'application/json' }

/** @param {string} id @returns {Promise<boolean>} */
const remove = (id) =>
  new Promise((resolve) => {
    const req = request(`${base}${id}/downloads`, { method: 'DELETE', headers, agent }, (res) => {
      /** @type {Buffer[]} */
      const chunks = []
      res.on('data', (chunk) => chunks.push(chunk))
      res.on('end', () => {
        const { success } = JSON.parse(Buffer.concat(chunks).toString('utf8'))
        process.stdout.write(`${id}: HTTP ${res.statusCode} ${success ? 'deleted' : 'failed'}\n`)
        resolve(success === true)
      })
    })
    req.on('error', () => resolve(false))
    req.end()
  })

let next = 0
let ok = true
const worker = async () => {
  while (next < ids.length) ok = (await remove(/** @type {string} */ (ids[next++]))) && ok
}
void Promise.all(Array.from({ length: concurrency }, worker)).then(() => {
  appendFileSync(env.GITHUB_OUTPUT ?? '/dev/null', `success<<EOF\n${ok}\nEOF\n`)
  agent.destroy()
})
