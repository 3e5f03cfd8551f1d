// Preloaded with --require: writes the process's peak RSS (KiB) to $RSS_FILE at exit.
// Portable (no GNU time needed) and the same small cost for every program measured.
const { appendFileSync } = require('node:fs')
process.on('exit', () => {
  if (process.env.RSS_FILE) appendFileSync(process.env.RSS_FILE, `${process.resourceUsage().maxRSS}\n`)
})
