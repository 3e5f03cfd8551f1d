/**
 * The log lines that say why new requests wait (a 429, the quota's reserve, requests-per-minute).
 * The gate reports every wait of every worker; the log hears a wait once, and only a long one.
 */
import type { Waiting } from '../requests/rate-gate.js'

/** Shorter waits go unsaid: they are the ordinary spacing of requests. */
const SHORTEST_SAID_MS = 1000
/** A steady requests-per-minute wait holds every request a little: say it once a minute, not once a request. */
const CEILING_EVERY_MS = 60_000

/**
 * A listener for the gate's waits that writes a line to `info` the first time a wait of a second
 * or more ends later than any already said (so workers waiting together say it once).
 */
export function waitingLog(requestsPerMinute: number, info: (line: string) => void): (waiting: Waiting) => void {
  let saidUntil = -Infinity
  let ceilingSaidAt = -Infinity
  return (waiting) => {
    const ms = waiting.until - waiting.from
    if (ms < SHORTEST_SAID_MS || waiting.until <= saidUntil) return
    if (waiting.reason === 'ceiling') {
      if (waiting.from - ceilingSaidAt < CEILING_EVERY_MS) return
      ceilingSaidAt = waiting.from
    }
    saidUntil = waiting.until
    info(waitingLine(waiting, requestsPerMinute))
  }
}

function waitingLine(waiting: Waiting, requestsPerMinute: number): string {
  const seconds = `${((waiting.until - waiting.from) / 1000).toFixed(1)} s`
  switch (waiting.reason) {
    case 'throttled':
      return `Throttled by Cloudflare (429): every request waits ${seconds}.`
    case 'quota':
      return `Cloudflare's rate limit: ${waiting.left} requests left in this window, kept in reserve; waiting ${seconds} for it to reset.`
    case 'ceiling':
      return `requests-per-minute ${requestsPerMinute}: waiting ${seconds} between requests (said once a minute).`
  }
}
