// The floor the action is measured against: a bare node:http script that sends the same DELETE,
// reads the envelope and writes one output line, as little as a DELETE can be in Node.
import { request } from 'node:http'
import { appendFileSync } from 'node:fs'

const url = new URL(
  `${process.env['INPUT_BASE-URL']}/accounts/${process.env['INPUT_ACCOUNT-ID']}/stream/${process.env['INPUT_VIDEO-ID']}/downloads`
)
const req = request(
  url,
  { method: 'DELETE', headers: { authorization: `Bearer ${process.env['INPUT_API-TOKEN']}` } },
  (res) => {
    let body = ''
    res.on('data', (chunk) => (body += chunk))
    res.on('end', () => {
      const { success } = /** @type {{ success: boolean }} */ (JSON.parse(body))
      appendFileSync(process.env.GITHUB_OUTPUT ?? '/dev/null', `success<<EOF\n${success}\nEOF\n`)
    })
  }
)
req.end()
