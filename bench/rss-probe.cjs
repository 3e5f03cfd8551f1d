// Preloaded with --require: writes the process's peak RSS (KiB) and CPU time (user + system, ms)
// to $RSS_FILE at exit, one line. Portable (no GNU time needed) and the same small cost for every
// program measured.
const { appendFileSync } = require('node:fs')
process.on('exit', () => {
  const usage = process.resourceUsage()
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000
  if (process.env.RSS_FILE) appendFileSync(process.env.RSS_FILE, `${usage.maxRSS} ${cpuMs.toFixed(0)}\n`)
})
