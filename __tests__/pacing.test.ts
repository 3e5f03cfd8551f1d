/**
 * Pacing: reading the rate-limit headers, the rate gate's decisions on a virtual clock, the log
 * lines of its waits, and the gate against simulated quotas shared by one or two jobs.
 */
import { describe, expect, it } from '@jest/globals'
import { readRateLimit } from '../src/requests/rate-headers.js'
import { acquireSlot, RateGate, type Waiting } from '../src/requests/rate-gate.js'
import { waitingLog } from '../src/report/waiting-lines.js'
import type { Answer, HttpAnswer } from '../src/types.js'

const answer = (ratelimit?: string, policy?: string): Answer => ({
  kind: 'http',
  status: 200,
  ratelimit,
  ratelimitPolicy: policy
})

/**
 * The gate holds new requests for the quota until the window has surely reset (`sureAt`), and
 * lets them go soon after it; returns when they go.
 */
const resumesAt = (gate: RateGate, now: number, sureAt: number): number => {
  const wait = gate.hold(now)
  expect(wait?.reason).toBe('quota')
  const until = wait?.until ?? now
  expect(until).toBeGreaterThanOrEqual(sureAt)
  expect(until).toBeLessThan(sureAt + 100)
  expect(gate.hold(until)).toBeUndefined()
  return until
}

describe('readRateLimit', () => {
  const read = (headers: Omit<HttpAnswer, 'kind' | 'status'>, now = 0) =>
    readRateLimit({ kind: 'http', status: 200, ...headers }, now)

  it("reads Cloudflare's structured headers", () => {
    expect(read({ ratelimit: '"default";r=50;t=30', ratelimitPolicy: '"default";q=1200;w=300' })).toEqual({
      window: { remaining: 50, resetSeconds: 30 },
      policy: { quota: 1200, windowSeconds: 300 }
    })
    expect(read({ ratelimit: '"default"; r=0; t=0' })).toEqual({ window: { remaining: 0, resetSeconds: 0 } })
  })

  it('reads the most restrictive item of a list, under any policy name', () => {
    expect(read({ ratelimit: '"default";r=5;t=9, "burst";r=1;t=1' }).window).toEqual({ remaining: 1, resetSeconds: 1 })
    expect(read({ ratelimit: '"stream-api";r=7;t=20' }).window).toEqual({ remaining: 7, resetSeconds: 20 })
    expect(read({ ratelimitPolicy: '"default";q=1200;w=300, "burst";q=100;w=10' }).policy).toEqual({
      quota: 100,
      windowSeconds: 10
    })
  })

  it('never makes the run wait longer than 5 minutes, whatever the server says', () => {
    expect(read({ ratelimit: '"default";r=0;t=86400' }).window).toEqual({ remaining: 0, resetSeconds: 300 })
    expect(read({ ratelimit: '"default";r=0;t=3000000' }).window).toEqual({ remaining: 0, resetSeconds: 300 })
    expect(read({ ratelimitPolicy: '"default";q=10;w=999999' }).policy).toEqual({ quota: 10, windowSeconds: 300 })
    const older = read({ xRateLimitRemaining: '0', xRateLimitReset: '86400' })
    expect(older.window).toEqual({ remaining: 0, resetSeconds: 300 })
  })

  it('reads the older X-RateLimit headers when Ratelimit is absent, with a reset in seconds or as a Unix time', () => {
    expect(read({ xRateLimitRemaining: '40', xRateLimitReset: '30' }).window).toEqual({
      remaining: 40,
      resetSeconds: 30
    })
    const unix = read({ xRateLimitRemaining: '40', xRateLimitReset: '1780000060' }, 1_780_000_000_000)
    expect(unix.window).toEqual({ remaining: 40, resetSeconds: 60 })
    expect(read({ xRateLimitReset: '30' })).toEqual({})
    expect(read({ xRateLimitRemaining: 'x', xRateLimitReset: '30' })).toEqual({})
    const both = read({ ratelimit: '"default";r=5;t=9', xRateLimitRemaining: '40', xRateLimitReset: '30' })
    expect(both.window).toEqual({ remaining: 5, resetSeconds: 9 })
  })

  it.each([undefined, '', 'garbage', '"default";r=5', '"default";t=5', '"default";r=-1;t=3'])('ignores %j', (value) => {
    expect(read({ ratelimit: value })).toEqual({})
  })

  it('reads nothing from a network failure', () => {
    expect(
      readRateLimit({ kind: 'network', code: 'ECONNRESET', message: 'reset', mayHaveReachedServer: true }, 0)
    ).toEqual({})
  })
})

describe('RateGate', () => {
  it('lets requests through when nothing limits them', () => {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 4 })
    for (let i = 0; i < 100; i++) {
      expect(gate.hold(0)).toBeUndefined()
      gate.start(0)
    }
  })

  it('spaces requests by the requests-per-minute ceiling after a burst of at most concurrency', () => {
    const gate = new RateGate({ requestsPerMinute: 120, concurrency: 4 })
    // 120/min is 2/s: a burst of 2 (the bucket holds one second's worth), then one every 500 ms.
    const starts: number[] = []
    let now = 0
    while (starts.length < 6) {
      const wait = gate.hold(now)
      if (wait === undefined) {
        gate.start(now)
        starts.push(now)
      } else now = wait.until
    }
    expect(starts).toEqual([0, 0, 500, 1000, 1500, 2000])
  })

  it('holds new requests until the window has surely reset once only the reserve is left', () => {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 2 })
    expect(gate.reserve).toBe(4)
    gate.start(0)
    gate.finish(100, answer('"default";r=5;t=10'))
    expect(gate.hold(100)).toBeUndefined()
    gate.start(100)
    // 4 left: only the reserve. `t=10` is whole seconds, rounded up: the reset is by 10.1 s.
    expect(gate.hold(200)).toMatchObject({ reason: 'quota', from: 200, left: 4 })
    resumesAt(gate, 200, 10_100)
  })

  it('narrows the reset from the answers of a window', () => {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 2 })
    // t goes from 3 to 2 between the answers at 1.3 s and 1.4 s: the reset is by 3.4 s.
    for (const [at, r, t] of [
      [1200, 40, 3],
      [1300, 30, 3],
      [1400, 20, 2],
      [1500, 4, 2]
    ] as const) {
      gate.start(at)
      gate.finish(at, answer(`"default";r=${r};t=${t}`))
    }
    // The last answer alone would say by 3.5 s.
    expect(resumesAt(gate, 1500, 3400)).toBeLessThan(3500)
  })

  it('counts its own requests in flight against the remaining quota', () => {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 2 })
    gate.start(0)
    gate.start(0)
    gate.start(0)
    // The answer to the first says 7 left, but two of ours are still in flight: 5, then the reserve of 4.
    gate.finish(10, answer('"default";r=7;t=60'))
    expect(gate.hold(10)).toBeUndefined()
    gate.start(10)
    expect(gate.hold(10)?.reason).toBe('quota')
  })

  it('keeps 1% of a large quota in reserve for other jobs that share the token', () => {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 4 })
    gate.start(0)
    gate.finish(0, answer('"default";r=13;t=100', '"default";q=1200;w=300'))
    expect(gate.reserve).toBe(12)
    expect(gate.hold(0)).toBeUndefined()
    gate.start(0)
    resumesAt(gate, 0, 100_000)
  })

  it('starts the next window from the policy quota, and takes the first answer of it as it comes', () => {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 1 })
    gate.start(0)
    gate.finish(0, answer('"default";r=2;t=1', '"default";q=30;w=10'))
    const reset = resumesAt(gate, 0, 1000)
    // The window has reset: 30 requests by the policy, without waiting for an answer.
    for (let i = 0; i < 28; i++) {
      expect(gate.hold(reset)).toBeUndefined()
      gate.start(reset)
      gate.finish(reset, { kind: 'network', code: 'ECONNRESET', message: 'reset', mayHaveReachedServer: true })
    }
    expect(gate.hold(reset)?.reason).toBe('quota')
    // The guess (10 s from the reset) is no bound: the first answer of the window replaces it.
    gate.start(reset)
    gate.finish(reset + 500, answer('"default";r=2;t=10'))
    resumesAt(gate, reset + 500, reset + 10_500)
  })

  it('knows nothing of the window after it resets without a policy, until an answer says', () => {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 1 })
    gate.start(0)
    gate.finish(0, { kind: 'http', status: 200, xRateLimitRemaining: '1', xRateLimitReset: '20' })
    const reset = resumesAt(gate, 0, 20_000)
    // No policy says how many the new window holds: the gate holds nothing until an answer says.
    for (let i = 0; i < 10; i++) {
      expect(gate.hold(reset)).toBeUndefined()
      gate.start(reset)
    }
  })

  it.each([
    ['allows no request (q=0)', '"default";q=0;w=1', 4],
    ['allows no more than the concurrency', '"default";q=4;w=1', 4],
    ['allows less than the reserve', '"default";q=6;w=1', 4]
  ])('never stalls on a policy that %s: at least one request goes out per reset', (_, policy, concurrency) => {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency })
    let now = 0
    let sent = 0
    let longest = 0
    // Every answer says none left, resetting in 1 s, as a strict or broken server might. (A gate
    // that never holds would loop here forever: the count bounds it.)
    while (now < 10_000 && sent <= 1000) {
      const wait = gate.hold(now)
      if (wait === undefined) {
        gate.start(now)
        sent += 1
        gate.finish(now, answer('"default";r=0;t=1', policy))
        continue
      }
      longest = Math.max(longest, wait.until - now)
      now = Math.max(wait.until, now + 1)
    }
    // Ten resets in 10 s of virtual time: one request after each (no burst against a window said
    // to be empty), and no wait past a reset.
    expect(sent).toBeGreaterThanOrEqual(10)
    expect(sent).toBeLessThanOrEqual(11)
    expect(longest).toBeLessThanOrEqual(1050)
  })

  it('takes a policy that allows no request, or no more than the concurrency, for absent', () => {
    expect(readRateLimit(answer(undefined, '"default";q=0;w=1'), 0).policy).toBeUndefined()
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 4 })
    gate.start(0)
    gate.finish(0, answer('"default";r=50;t=1', '"default";q=4;w=1'))
    expect(gate.reserve).toBe(8)
  })

  it('pauses every request until a 429 has passed', () => {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 4 })
    gate.pauseUntil(5000)
    gate.pauseUntil(3000)
    expect(gate.hold(1000)).toEqual({ reason: 'throttled', from: 1000, until: 5000 })
    expect(gate.hold(5000)).toBeUndefined()
  })
})

describe('acquireSlot', () => {
  it('sleeps on the clock until the gate opens, telling each wait, and gives up when cancelled', async () => {
    let now = 0
    const sleeps: number[] = []
    const waits: Waiting[] = []
    const clock = { now: () => now, sleep: async (ms: number) => void (sleeps.push(ms), (now += ms)) }
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 4 })
    gate.pauseUntil(2500)
    expect(await acquireSlot(gate, clock, new AbortController().signal, (w) => waits.push(w))).toBe(true)
    expect(sleeps).toEqual([2500])
    expect(waits).toEqual([{ reason: 'throttled', from: 0, until: 2500 }])
    gate.pauseUntil(99_999)
    const stop = new AbortController()
    const cancelling = { now: () => now, sleep: async () => stop.abort() }
    expect(await acquireSlot(gate, cancelling, stop.signal, () => undefined)).toBe(false)
  })
})

describe('the log of the gate’s waits', () => {
  const heard = (requestsPerMinute: number) => {
    const lines: string[] = []
    return { lines, log: waitingLog(requestsPerMinute, (line) => lines.push(line)) }
  }

  it('says why requests wait, once per wait, and nothing for short waits', () => {
    const { lines, log } = heard(0)
    log({ reason: 'throttled', from: 0, until: 30_000 })
    log({ reason: 'throttled', from: 10, until: 30_000 })
    log({ reason: 'quota', from: 40_000, until: 40_999, left: 3 })
    log({ reason: 'quota', from: 50_000, until: 62_500, left: 3 })
    expect(lines).toEqual([
      'Throttled by Cloudflare (429): every request waits 30.0 s.',
      "Cloudflare's rate limit: 3 requests left in this window, kept in reserve; waiting 12.5 s for it to reset."
    ])
  })

  it('says a steady requests-per-minute wait once a minute, not once a request', () => {
    const { lines, log } = heard(30)
    const gate = new RateGate({ requestsPerMinute: 30, concurrency: 1 })
    let now = 0
    for (let i = 0; i < 60; i++) {
      const wait = gate.hold(now)
      if (wait !== undefined) {
        log(wait)
        now = wait.until
      }
      gate.start(now)
    }
    // 60 requests two seconds apart: two minutes, so two lines.
    expect(lines).toEqual([
      'requests-per-minute 30: waiting 2.0 s between requests (said once a minute).',
      'requests-per-minute 30: waiting 2.0 s between requests (said once a minute).'
    ])
  })
})

/**
 * A discrete-event simulation of jobs sharing one Cloudflare quota in virtual time: a fixed window
 * that starts at the first request after the last one ended (as the stand-in's), and a lockout
 * when a request goes over. Each job's gate sees only its own answers.
 */
function simulate(options: {
  jobs: number
  concurrency: number
  quota: number
  windowMs: number
  latencyMs: number
  requests: number
  paced?: boolean
  /** Requests other callers already spent in the first window when the jobs start. */
  spent?: number
}) {
  const { quota, windowMs, latencyMs } = options
  let windowStart = 0
  let used = options.spent ?? 0
  let lockouts = 0
  const served: number[] = []
  const events: { at: number; run: () => void }[] = []
  const at = (time: number, run: () => void): void => {
    events.push({ at: time, run })
    events.sort((a, b) => a.at - b.at)
  }
  const serve = (now: number): Answer => {
    if (now - windowStart >= windowMs) {
      windowStart = now
      used = 0
    }
    used++
    if (used > quota) lockouts++
    else served.push(now)
    const reset = Math.ceil((windowStart + windowMs - now) / 1000)
    return answer(`"default";r=${Math.max(0, quota - used)};t=${reset}`, `"default";q=${quota};w=${windowMs / 1000}`)
  }
  for (let job = 0; job < options.jobs; job++) {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: options.concurrency })
    let left = options.requests
    const worker = (now: number): void => {
      if (left === 0) return
      const wait = options.paced === false ? undefined : gate.hold(now)
      if (wait !== undefined) return at(wait.until, () => worker(wait.until))
      left--
      gate.start(now)
      // The server counts the request halfway through its latency; the answer arrives at the end.
      at(now + latencyMs / 2, () => {
        const reply = serve(now + latencyMs / 2)
        at(now + latencyMs, () => {
          gate.finish(now + latencyMs, reply)
          worker(now + latencyMs)
        })
      })
    }
    for (let w = 0; w < options.concurrency; w++) at(job * 7, () => worker(job * 7))
  }
  while (events.length > 0) events.shift()?.run()
  // The steady share, as the benchmark counts it: every request from the first window's start to
  // the last's, against the quota over that time (time lost between windows counts as lost).
  const starts: number[] = []
  for (const time of served) if (starts.length === 0 || time - (starts.at(-1) as number) >= windowMs) starts.push(time)
  const first = starts[0] as number
  const last = starts.at(-1) as number
  const steady = served.filter((time) => time < last).length
  return { lockouts, served: served.length, share: steady / ((quota * (last - first)) / windowMs) }
}

describe('pacing against a shared quota (simulated)', () => {
  it("gets four windows' worth through at Cloudflare's shape (1,200 per 300 s), at 95% of the rate or more", () => {
    for (const concurrency of [4, 8]) {
      const result = simulate({ jobs: 1, concurrency, quota: 1200, windowMs: 300_000, latencyMs: 150, requests: 4800 })
      expect(result).toMatchObject({ lockouts: 0, served: 4800 })
      expect(result.share).toBeGreaterThanOrEqual(0.95)
    }
  })

  it('gets a batch five times a small quota through with no lockout and most of the allowed rate', () => {
    const result = simulate({ jobs: 1, concurrency: 8, quota: 100, windowMs: 5000, latencyMs: 40, requests: 500 })
    expect(result).toMatchObject({ lockouts: 0, served: 500 })
    // The reserve of 16 (twice concurrency) is never spent: 84% is the most a window can give.
    expect(result.share).toBeGreaterThan(0.8)
  })

  it('keeps two jobs on one token from locking each other out', () => {
    const result = simulate({ jobs: 2, concurrency: 4, quota: 60, windowMs: 3000, latencyMs: 30, requests: 150 })
    expect(result).toMatchObject({ lockouts: 0, served: 300 })
    const large = simulate({ jobs: 2, concurrency: 8, quota: 1200, windowMs: 300_000, latencyMs: 100, requests: 2500 })
    expect(large).toMatchObject({ lockouts: 0, served: 5000 })
  })

  it('starts without a lockout in a window that other callers have all but spent, down to their reserve', () => {
    // Another job stopped at its reserve (twice its concurrency of 4): this one's first round is blind.
    const result = simulate({
      jobs: 1,
      concurrency: 8,
      quota: 100,
      windowMs: 5000,
      latencyMs: 40,
      requests: 50,
      spent: 92
    })
    expect(result).toMatchObject({ lockouts: 0, served: 50 })
  })

  it('locks out without the gate (the simulation can tell)', () => {
    const unpaced = simulate({
      jobs: 1,
      concurrency: 8,
      quota: 100,
      windowMs: 5000,
      latencyMs: 40,
      requests: 500,
      paced: false
    })
    expect(unpaced.lockouts).toBeGreaterThan(0)
  })
})
