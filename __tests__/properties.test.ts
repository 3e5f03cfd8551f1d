/**
 * Properties of the parsers that read what users and servers send: whatever the input, they never
 * throw, what they accept keeps its promise, and no server can make the run wait past the cap.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  VIDEO_UID,
  parseBaseUrl,
  parseBoolean,
  parseCredential,
  parseIdList,
  parseInteger
} from '../src/inputs/input-parsers.js'
import { readRateLimit } from '../src/requests/rate-headers.js'
import { RateGate } from '../src/requests/rate-gate.js'

/** Cloudflare's lockout: no honest wait is longer. */
const MAX_SERVER_WAIT_SECONDS = 300

/** Text that looks like what the parsers expect often enough to reach their accepting branches. */
const listish = fc
  .array(
    fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9]{1,34}$/),
      fc.stringMatching(/^[0-9a-fA-F]{32}$/),
      fc.constantFrom(',', ' ', '\n', '\r\n', '#', '# c\n', '[', ']', '"')
    ),
    {
      maxLength: 20
    }
  )
  .map((parts) => parts.join(''))
const urlish = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.string(),
  fc.constantFrom('http://127.0.0.1:8787/client/v4', 'http://localhost/v4?', 'https://a.example/#', 'http://u:p@[::1]/')
)

describe('input parsers, for any text', () => {
  it('parseIdList: never throws; what it accepts is distinct lowercase uids; what it refuses it names in 40 characters', () => {
    fc.assert(
      fc.property(fc.oneof(listish, fc.string({ unit: 'binary' })), (raw) => {
        const parsed = parseIdList(raw)
        const ids = parsed.ok ? parsed.value : []
        expect(ids.every((id) => VIDEO_UID.test(id) && id === id.toLowerCase())).toBe(true)
        expect(new Set(ids).size).toBe(ids.length)
        // Each id shown back is a quoted value of at most 40 characters.
        const problem = parsed.ok ? '' : parsed.problem
        for (const [, shown] of problem.matchAll(/(?:line|item) \d+ ("(?:[^"\\]|\\.)*…?")/g)) {
          expect(shown?.length).toBeLessThanOrEqual(42)
        }
      }),
      { numRuns: 1000 }
    )
  })

  it('parseBaseUrl: never throws; what it accepts has no query, fragment or user, and is https or loopback', () => {
    fc.assert(
      fc.property(urlish, (raw) => {
        const parsed = parseBaseUrl(raw)
        const url = parsed.ok ? new URL(parsed.value) : undefined
        expect(
          url === undefined || (url.search === '' && url.hash === '' && url.username === '' && url.password === '')
        ).toBe(true)
        expect(
          url === undefined || url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
        ).toBe(true)
      }),
      { numRuns: 1000 }
    )
  })

  it('parseBaseUrl: never repeats a password, however broken the rest of the URL', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('http', 'https', 'ftp', 'ht tp'),
        fc.oneof(fc.stringMatching(/^[A-Za-z0-9]{8,16}$/), fc.stringMatching(/^[0-9]{4,8}\/[0-9]{4,8}$/)),
        fc.constantFrom('api.cloudflare.com', '127.0.0.1', '[bad', 'a b'),
        fc.constantFrom('/client/v4', '/v4?x', '#f', ''),
        (scheme, password, host, rest) => {
          const parsed = parseBaseUrl(`${scheme}://user:${password}@${host}${rest}`)
          expect(parsed.ok).toBe(false)
          for (const part of password.split('/')) expect(parsed.ok ? '' : parsed.problem).not.toContain(part)
        }
      ),
      { numRuns: 500 }
    )
  })

  it('parseInteger, parseBoolean, parseCredential: never throw and accept only their kind', () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const n = parseInteger(raw, 0, 20)
        expect(!n.ok || (Number.isInteger(n.value) && n.value >= 0 && n.value <= 20)).toBe(true)
        const b = parseBoolean(raw)
        expect(!b.ok || typeof b.value === 'boolean').toBe(true)
        const c = parseCredential(raw)
        expect(!c.ok || /^[\x21-\x7e]+$/.test(c.value)).toBe(true)
      }),
      { numRuns: 1000 }
    )
  })
})

describe('rate-limit headers, for any value', () => {
  const header = fc.oneof(
    fc.string(),
    fc
      .array(
        fc.record({
          name: fc.constantFrom('"default"', '"burst"', 'x', ''),
          r: fc.nat(),
          t: fc.oneof(fc.nat(), fc.constant(3_000_000), fc.constant(86_400)),
          q: fc.nat(),
          w: fc.oneof(fc.nat(), fc.constant(999_999))
        }),
        { maxLength: 4 }
      )
      .map((items) => items.map((i) => `${i.name};r=${i.r};t=${i.t};q=${i.q};w=${i.w}`).join(', '))
  )

  it('never throw, and never ask for a wait past 5 minutes', () => {
    fc.assert(
      fc.property(header, fc.string(), (value, other) => {
        const { window, policy } = readRateLimit(
          { kind: 'http', status: 200, ratelimit: value, ratelimitPolicy: value },
          0
        )
        const older = readRateLimit(
          { kind: 'http', status: 200, xRateLimitRemaining: other, xRateLimitReset: value },
          1_780_000_000_000
        )
        for (const seconds of [window?.resetSeconds, policy?.windowSeconds, older.window?.resetSeconds]) {
          expect(seconds === undefined || (seconds >= 0 && seconds <= MAX_SERVER_WAIT_SECONDS)).toBe(true)
        }
      }),
      { numRuns: 1000 }
    )
  })
})

describe('the rate gate, for any answers', () => {
  it('never stalls: with nothing in flight, a request may start within 5 minutes of any answer', () => {
    const answers = fc.array(
      fc.record({
        r: fc.oneof(fc.nat(), fc.constant(0)),
        t: fc.oneof(fc.nat({ max: 400 }), fc.constant(0)),
        q: fc.oneof(fc.nat({ max: 2000 }), fc.constant(0)),
        w: fc.oneof(fc.nat({ max: 400 }), fc.constant(0))
      }),
      { minLength: 1, maxLength: 20 }
    )
    fc.assert(
      fc.property(answers, fc.integer({ min: 1, max: 32 }), fc.constantFrom(0, 200, 6000), (said, concurrency, rpm) => {
        const gate = new RateGate({ requestsPerMinute: rpm, concurrency })
        let now = 0
        for (const { r, t, q, w } of said) {
          // Waits end later each time, and the gate opens within a lockout's length (and its margin).
          const asked = now
          for (let wait = gate.hold(now); wait !== undefined; wait = gate.hold(now)) {
            expect(wait.until).toBeGreaterThan(now)
            now = wait.until
            expect(now - asked).toBeLessThanOrEqual(MAX_SERVER_WAIT_SECONDS * 1000 + 100)
          }
          gate.start(now)
          gate.finish(now, {
            kind: 'http',
            status: 200,
            ratelimit: `"default";r=${r};t=${t}`,
            ratelimitPolicy: `"default";q=${q};w=${w}`
          })
        }
      }),
      { numRuns: 300 }
    )
  })
})

describe('Ratelimit, for any list of items', () => {
  it('reads the fewest requests left, and of those the latest reset, capped', () => {
    const item = fc.record({ name: fc.constantFrom('"default"', '"burst"', 'x', ''), r: fc.nat(), t: fc.nat() })
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 4 }), (items) => {
        const ratelimit = items.map((i) => `${i.name};r=${i.r};t=${i.t}`).join(', ')
        const state = readRateLimit({ kind: 'http', status: 200, ratelimit }, 0).window
        const fewest = Math.min(...items.map((i) => i.r))
        const latest = Math.max(...items.filter((i) => i.r === fewest).map((i) => i.t))
        expect(state).toEqual({ remaining: fewest, resetSeconds: Math.min(latest, MAX_SERVER_WAIT_SECONDS) })
      })
    )
  })
})
