import { describe, expect, it } from '@jest/globals'
import { acquireSlot, parseRatelimit, parseRatelimitPolicy, parseXRateLimit, RateGate } from '../src/requests/pacing.js'
import type { Answer } from '../src/types.js'

const answer = (ratelimit?: string, policy?: string): Answer => ({
  kind: 'http',
  status: 200,
  ratelimit,
  ratelimitPolicy: policy
})

describe('parseRatelimit / parseRatelimitPolicy', () => {
  it("reads Cloudflare's structured headers", () => {
    expect(parseRatelimit('"default";r=50;t=30')).toEqual({ remaining: 50, resetSeconds: 30 })
    expect(parseRatelimit('"default"; r=0; t=0')).toEqual({ remaining: 0, resetSeconds: 0 })
    expect(parseRatelimitPolicy('"default";q=1200;w=300')).toEqual({ quota: 1200, windowSeconds: 300 })
  })

  it('reads the most restrictive item of a list, under any policy name', () => {
    expect(parseRatelimit('"default";r=5;t=9, "burst";r=1;t=1')).toEqual({ remaining: 1, resetSeconds: 1 })
    expect(parseRatelimit('"stream-api";r=7;t=20')).toEqual({ remaining: 7, resetSeconds: 20 })
    expect(parseRatelimitPolicy('"default";q=1200;w=300, "burst";q=100;w=10')).toEqual({
      quota: 100,
      windowSeconds: 10
    })
  })

  it('never makes the run wait longer than 5 minutes, whatever the server says', () => {
    expect(parseRatelimit('"default";r=0;t=86400')).toEqual({ remaining: 0, resetSeconds: 300 })
    expect(parseRatelimit('"default";r=0;t=3000000')).toEqual({ remaining: 0, resetSeconds: 300 })
    expect(parseRatelimitPolicy('"default";q=10;w=999999')).toEqual({ quota: 10, windowSeconds: 300 })
    expect(parseXRateLimit('0', '86400', 0)).toEqual({ remaining: 0, resetSeconds: 300 })
  })

  it('reads the older X-RateLimit headers, with a reset in seconds or as a Unix time', () => {
    expect(parseXRateLimit('40', '30', 0)).toEqual({ remaining: 40, resetSeconds: 30 })
    expect(parseXRateLimit('40', '1780000060', 1_780_000_000_000)).toEqual({ remaining: 40, resetSeconds: 60 })
    expect(parseXRateLimit(undefined, '30', 0)).toBeUndefined()
    expect(parseXRateLimit('x', '30', 0)).toBeUndefined()
  })

  it.each([undefined, '', 'garbage', '"default";r=5', '"default";t=5', '"default";r=-1;t=3'])('ignores %j', (value) => {
    expect(parseRatelimit(value)).toBeUndefined()
  })
})

describe('RateGate', () => {
  it('lets requests through when nothing limits them', () => {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 4 })
    for (let i = 0; i < 100; i++) {
      expect(gate.delayBeforeNext(0)).toBe(0)
      gate.start(0)
    }
  })

  it('spaces requests by the requests-per-minute ceiling after a burst of at most concurrency', () => {
    const gate = new RateGate({ requestsPerMinute: 120, concurrency: 4 })
    // 120/min is 2/s: a burst of 2 (the bucket holds one second's worth), then one every 500 ms.
    const starts: number[] = []
    let now = 0
    while (starts.length < 6) {
      const wait = gate.delayBeforeNext(now)
      if (wait === 0) {
        gate.start(now)
        starts.push(now)
      } else now += wait
    }
    expect(starts).toEqual([0, 0, 500, 1000, 1500, 2000])
  })

  it('holds new requests until the window resets once only the reserve is left', () => {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 2 })
    expect(gate.reserve).toBe(4)
    gate.start(0)
    gate.finish(100, answer('"default";r=5;t=10'))
    expect(gate.delayBeforeNext(100)).toBe(0)
    gate.start(100)
    // 4 left: only the reserve. `t=10` is whole seconds: the reset is 9 to 10 s after the answer.
    // One request may go at the earliest instant, alone; the others wait for its answer.
    expect(gate.delayBeforeNext(200)).toBe(8900)
    expect(gate.delayBeforeNext(9100)).toBe(0)
    gate.start(9100)
    expect(gate.delayBeforeNext(9100)).toBe(20)
    // Its answer is from the new window: everything goes on at once, not a second late.
    gate.finish(9130, answer('"default";r=29;t=60'))
    expect(gate.delayBeforeNext(9130)).toBe(0)
  })

  it('after an early request that was too early, tries halfway, then waits for the latest instant', () => {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 1 })
    gate.start(0)
    gate.finish(0, answer('"default";r=3;t=10'))
    gate.start(0)
    // 2 left, the reserve; one of them may go early: at 9 s.
    expect(gate.delayBeforeNext(0)).toBe(9000)
    gate.start(9000)
    gate.finish(9020, answer('"default";r=1;t=1'))
    // Still the old window, which resets between 9.02 and 10 s; 1 left: no request to spare.
    expect(gate.delayBeforeNext(9020)).toBe(1030)
    expect(gate.delayBeforeNext(10_050)).toBe(0)
  })

  it('narrows the reset from the answers of a window, so the early request is close to it', () => {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 2 })
    // t goes from 3 to 2 between the answers at 1.3 s and 1.4 s: the reset is between 3.3 and 3.4 s.
    for (const [at, r, t] of [
      [1200, 40, 3],
      [1300, 30, 3],
      [1400, 20, 2],
      [1500, 4, 2]
    ] as const) {
      gate.start(at)
      gate.finish(at, answer(`"default";r=${r};t=${t}`))
    }
    expect(gate.delayBeforeNext(1500)).toBe(1800)
  })

  it('counts its own requests in flight against the remaining quota', () => {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 2 })
    gate.start(0)
    gate.start(0)
    gate.start(0)
    // The answer to the first says 7 left, but two of ours are still in flight: 5, then the reserve of 4.
    gate.finish(10, answer('"default";r=7;t=60'))
    expect(gate.delayBeforeNext(10)).toBe(0)
    gate.start(10)
    expect(gate.delayBeforeNext(10)).toBeGreaterThan(0)
  })

  it('keeps 1% of a large quota in reserve for other jobs that share the token', () => {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 4 })
    gate.start(0)
    gate.finish(0, answer('"default";r=13;t=100', '"default";q=1200;w=300'))
    expect(gate.reserve).toBe(12)
    expect(gate.delayBeforeNext(0)).toBe(0)
    gate.start(0)
    expect(gate.delayBeforeNext(0)).toBe(99_000)
  })

  it('starts the next window from the policy quota', () => {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 1 })
    gate.start(0)
    gate.finish(0, answer('"default";r=2;t=1', '"default";q=30;w=1'))
    // With 2 left and a concurrency of 1, one early request may go: at once (the reset is within 1 s).
    expect(gate.delayBeforeNext(0)).toBe(0)
    gate.start(0)
    expect(gate.delayBeforeNext(0)).toBe(20)
    gate.finish(20, { kind: 'network', code: 'ECONNRESET', message: 'reset', mayHaveReachedServer: true })
    // No answer to learn from, and nothing left to spare: wait for the latest instant, then a full window.
    expect(gate.delayBeforeNext(20)).toBe(1030)
    expect(gate.delayBeforeNext(1050)).toBe(0)
  })

  it('pauses every request until a 429 has passed', () => {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 4 })
    gate.pauseUntil(5000)
    gate.pauseUntil(3000)
    expect(gate.delayBeforeNext(1000)).toBe(4000)
    expect(gate.delayBeforeNext(5000)).toBe(0)
  })
})

describe('RateGate.announce', () => {
  it('says why requests wait, once per wait, and nothing for short waits', () => {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 2 })
    gate.pauseUntil(30_000)
    expect(gate.announce(0, 30_000)).toBe('Throttled by Cloudflare (429): every request waits 30.0 s.')
    expect(gate.announce(10, 29_990)).toBeUndefined()
    const paced = new RateGate({ requestsPerMinute: 6, concurrency: 1 })
    paced.start(0)
    expect(paced.announce(0, paced.delayBeforeNext(0))).toBe(
      'requests-per-minute 6: waiting 10.0 s between requests (said once a minute).'
    )
    expect(new RateGate({ requestsPerMinute: 0, concurrency: 1 }).announce(0, 999)).toBeUndefined()
  })

  it('says a steady requests-per-minute wait once a minute, not once a request', () => {
    const gate = new RateGate({ requestsPerMinute: 30, concurrency: 1 })
    const said: string[] = []
    let now = 0
    for (let i = 0; i < 60; i++) {
      const wait = gate.delayBeforeNext(now)
      const line = gate.announce(now, wait)
      if (line !== undefined) said.push(`${now}: ${line}`)
      now += wait
      gate.start(now)
    }
    // 60 requests two seconds apart: two minutes, so two lines.
    expect(said).toEqual([
      '0: requests-per-minute 30: waiting 2.0 s between requests (said once a minute).',
      '60000: requests-per-minute 30: waiting 2.0 s between requests (said once a minute).'
    ])
  })
})

describe('acquireSlot', () => {
  it('sleeps on the clock until the gate opens, and gives up when cancelled', async () => {
    let now = 0
    const sleeps: number[] = []
    const clock = { now: () => now, sleep: async (ms: number) => void (sleeps.push(ms), (now += ms)) }
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 4 })
    gate.pauseUntil(2500)
    expect(await acquireSlot(gate, clock, new AbortController().signal)).toBe(true)
    expect(sleeps).toEqual([2500])
    gate.pauseUntil(99_999)
    const stop = new AbortController()
    const cancelling = { now: () => now, sleep: async () => stop.abort() }
    expect(await acquireSlot(gate, cancelling, stop.signal)).toBe(false)
  })
})

/**
 * A discrete-event simulation of jobs sharing one Cloudflare quota (fixed window, lockout when
 * exceeded), in virtual time: the pacing policy against many windows in milliseconds of real time.
 */
function simulate(options: {
  jobs: number
  concurrency: number
  quota: number
  windowMs: number
  latencyMs: number
  requests: number
  paced?: boolean
}) {
  const { quota, windowMs, latencyMs } = options
  let windowStart = 0
  let used = 0
  let lockouts = 0
  let served = 0
  const events: { at: number; run: () => void }[] = []
  const at = (time: number, run: () => void): void => {
    events.push({ at: time, run })
    events.sort((a, b) => a.at - b.at)
  }
  const serve = (now: number): Answer => {
    if (now - windowStart >= windowMs) {
      windowStart = now - ((now - windowStart) % windowMs)
      used = 0
    }
    used++
    if (used > quota) lockouts++
    else served++
    const reset = Math.ceil((windowStart + windowMs - now) / 1000)
    return answer(`"default";r=${Math.max(0, quota - used)};t=${reset}`, `"default";q=${quota};w=${windowMs / 1000}`)
  }
  let last = 0
  for (let job = 0; job < options.jobs; job++) {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: options.concurrency })
    let left = options.requests
    const worker = (now: number): void => {
      if (left === 0) return
      const wait = options.paced === false ? 0 : gate.delayBeforeNext(now)
      if (wait > 0) return at(now + wait, () => worker(now + wait))
      left--
      gate.start(now)
      // The server counts the request halfway through its latency; the answer arrives at the end.
      at(now + latencyMs / 2, () => {
        const reply = serve(now + latencyMs / 2)
        at(now + latencyMs, () => {
          gate.finish(now + latencyMs, reply)
          last = Math.max(last, now + latencyMs)
          worker(now + latencyMs)
        })
      })
    }
    for (let w = 0; w < options.concurrency; w++) at(job * 7, () => worker(job * 7))
  }
  while (events.length > 0) events.shift()?.run()
  return { lockouts, served, elapsedMs: last }
}

describe('pacing against a shared quota (simulated)', () => {
  it('gets a batch five times the quota through with no lockout and most of the allowed rate', () => {
    const result = simulate({ jobs: 1, concurrency: 8, quota: 100, windowMs: 5000, latencyMs: 40, requests: 500 })
    expect(result.lockouts).toBe(0)
    expect(result.served).toBe(500)
    // 500 requests at 100 per 5 s need at least 4 full windows and part of a fifth.
    const allowedRate = 100 / 5000
    const achieved = 500 / result.elapsedMs
    expect(achieved / allowedRate).toBeGreaterThan(0.9)
  })

  it('keeps two jobs on one token from locking each other out', () => {
    const result = simulate({ jobs: 2, concurrency: 4, quota: 60, windowMs: 3000, latencyMs: 30, requests: 150 })
    expect(result.lockouts).toBe(0)
    expect(result.served).toBe(300)
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

  it('paces by the older X-RateLimit headers when Ratelimit is absent', () => {
    const gate = new RateGate({ requestsPerMinute: 0, concurrency: 1 })
    gate.start(0)
    gate.finish(0, { kind: 'http', status: 200, xRateLimitRemaining: '1', xRateLimitReset: '20' })
    expect(gate.delayBeforeNext(0)).toBe(20_050)
  })
})
