/**
 * Reading the rate-limit headers of an answer: `Ratelimit` and `Ratelimit-Policy` as Cloudflare sends
 * them (IETF structured fields, possibly several items), or the older `X-RateLimit-*`. Pure: what a
 * server writes never throws here, and never asks for a wait longer than a lockout.
 */
import type { Answer } from '../types.js'

/** Requests left in the current window, and the whole seconds until it resets. */
export interface WindowState {
  remaining: number
  resetSeconds: number
}

/** Requests allowed per window, and the window's length. */
export interface Policy {
  quota: number
  windowSeconds: number
}

/**
 * The longest wait a server's header can impose: Cloudflare's lockout lasts 5 minutes, so no honest
 * `t`, `w` or reset is longer, and a larger one (or one past what a timer holds) is capped.
 */
const MAX_SERVER_WAIT_SECONDS = 300

const capSeconds = (seconds: number): number => Math.min(seconds, MAX_SERVER_WAIT_SECONDS)

/**
 * The items of an IETF RateLimit header: `"default";r=50;t=30` for `Ratelimit`,
 * `"default";q=1200;w=300` for `Ratelimit-Policy`, separated by commas, under any policy name.
 * Returns each item's numeric parameters.
 */
function parseRateLimitItems(value: string | undefined): Record<string, number>[] {
  if (value === undefined) return []
  const items: Record<string, number>[] = []
  for (const item of value.split(',')) {
    const params: Record<string, number> = {}
    for (const part of item.split(';').slice(1)) {
      const match = /^\s*([a-z]+)\s*=\s*(\d{1,12})\s*$/.exec(part)
      if (match?.[1] !== undefined) params[match[1]] = Number(match[2])
    }
    if (Object.keys(params).length > 0) items.push(params)
  }
  return items
}

/** The most restrictive item of `Ratelimit`: the fewest requests left, then the latest reset. */
function parseRatelimit(value: string | undefined): WindowState | undefined {
  let best: WindowState | undefined
  for (const { r, t } of parseRateLimitItems(value)) {
    if (r === undefined || t === undefined) continue
    const state = { remaining: r, resetSeconds: capSeconds(t) }
    if (
      best === undefined ||
      state.remaining < best.remaining ||
      (state.remaining === best.remaining && state.resetSeconds > best.resetSeconds)
    ) {
      best = state
    }
  }
  return best
}

/**
 * The most restrictive item of `Ratelimit-Policy`: the smallest quota per window. An item that
 * allows no request (`q=0`) or has no window (`w=0`) is no policy: it is skipped.
 */
function parseRatelimitPolicy(value: string | undefined): Policy | undefined {
  let best: Policy | undefined
  for (const { q, w } of parseRateLimitItems(value)) {
    if (q === undefined || w === undefined || q === 0 || w === 0) continue
    if (best === undefined || q < best.quota) best = { quota: q, windowSeconds: capSeconds(w) }
  }
  return best
}

/**
 * The older `X-RateLimit-Remaining` and `X-RateLimit-Reset`. The reset is seconds from now, or a
 * Unix time when it is one (larger than any window), and capped like the others.
 */
function parseXRateLimit(
  remaining: string | undefined,
  reset: string | undefined,
  nowMs: number
): WindowState | undefined {
  if (remaining === undefined || reset === undefined) return undefined
  if (!/^\s*\d{1,12}\s*$/.test(remaining) || !/^\s*\d{1,12}\s*$/.test(reset)) return undefined
  const value = Number(reset)
  const seconds = value > 1_000_000_000 ? Math.max(0, Math.ceil(value - nowMs / 1000)) : value
  return { remaining: Number(remaining), resetSeconds: capSeconds(seconds) }
}

/** What an answer says of the quota: `Ratelimit` first, the older headers when it is absent. */
export function readRateLimit(answer: Answer, nowMs: number): { window?: WindowState; policy?: Policy } {
  if (answer.kind !== 'http') return {}
  const window =
    parseRatelimit(answer.ratelimit) ?? parseXRateLimit(answer.xRateLimitRemaining, answer.xRateLimitReset, nowMs)
  const policy = parseRatelimitPolicy(answer.ratelimitPolicy)
  return { ...(window === undefined ? {} : { window }), ...(policy === undefined ? {} : { policy }) }
}
