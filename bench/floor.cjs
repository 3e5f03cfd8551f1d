// The lean floor: bench/floor.js as CommonJS. In an ES module, `import … from 'node:http'` makes
// Node evaluate every export of node:http (which loads its internal undici, http2, zlib and
// worker_threads); `require('node:http')` loads only node:http itself. Same DELETE, same output.
const { request } = require('node:http')
const { appendFileSync } = require('node:fs')

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
      const { success } = JSON.parse(body)
      appendFileSync(process.env.GITHUB_OUTPUT ?? '/dev/null', `success<<EOF\n${success}\nEOF\n`)
    })
  }
)
req.end()
