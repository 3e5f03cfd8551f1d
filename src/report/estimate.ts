/**
 * How long the batch should take, said once the videos are chosen: the requests it needs at the
 * rate the run keeps to, and with a time limit how many videos fit in this run.
 */

/** Cloudflare's documented quota, 1,200 requests per 5 minutes per user, as a rate per minute. */
const CLOUDFLARE_PER_MINUTE = 240

interface EstimatePlan {
  videos: number
  /** Requests per video: one per download type, or one read in a dry run. */
  perVideo: number
  /** `requests-per-minute`; 0 for no ceiling of the run's own. */
  requestsPerMinute: number
  /** The quota per minute the answers' rate-limit headers reported, when they did (the list's answers). */
  quotaPerMinute?: number
  /** What is left of the time limit, when there is one. */
  timeLeftMs?: number
}

/**
 * The rate the run can keep: its own ceiling, never above the quota (what the answers' headers
 * said, else Cloudflare's documented one), in whole requests a minute.
 */
function assumedRate(requestsPerMinute: number, quotaPerMinute = CLOUDFLARE_PER_MINUTE): number {
  const quota = Math.max(1, Math.floor(quotaPerMinute))
  return requestsPerMinute > 0 ? Math.min(requestsPerMinute, quota) : quota
}

/** "N videos, about R requests at … a minute: about T", and with a time limit "; about K fit in this run". */
export function estimateLine(plan: EstimatePlan): string {
  const rate = assumedRate(plan.requestsPerMinute, plan.quotaPerMinute)
  const requests = plan.videos * plan.perVideo
  const line =
    `${plan.videos} video${plan.videos === 1 ? '' : 's'}, about ${requests} request${requests === 1 ? '' : 's'} ` +
    `at the current rate limit (${rate} a minute): ${duration((requests / rate) * 60_000)}`
  if (plan.timeLeftMs === undefined) return `${line}.`
  const fit = Math.min(plan.videos, Math.floor(((Math.max(0, plan.timeLeftMs) / 60_000) * rate) / plan.perVideo))
  return `${line}; ${fit === plan.videos ? 'all' : `about ${fit}`} fit in this run (time-limit).`
}

/** About how long, in the unit a person reads it in. */
function duration(ms: number): string {
  const minutes = ms / 60_000
  if (minutes < 1) return 'under a minute'
  if (minutes < 90) return `about ${Math.round(minutes)} minute${Math.round(minutes) === 1 ? '' : 's'}`
  return `about ${(minutes / 60).toFixed(1)} hours`
}
