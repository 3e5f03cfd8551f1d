import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  backoffMs,
  isThrottled,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  retryDelayMs,
  retryReason
} from '../src/requests/retry.js'
import type { Answer } from '../src/types.js'

const http = (status: number, retryAfter?: string): Answer => ({ kind: 'http', status, retryAfter })
const network = (code: string): Answer => ({
  kind: 'network',
  code,
  message: `${code} happened`,
  mayHaveReachedServer: true
})

describe('retryReason', () => {
  it.each([429, 500, 502, 503, 504, 520, 521, 522, 523, 524, 525, 526, 527])('retries HTTP %d', (status) => {
    expect(retryReason(http(status))).toBeDefined()
  })

  it.each([200, 301, 307, 400, 401, 403, 404, 405, 409, 422, 501, 505, 528])('never retries HTTP %d', (status) => {
    expect(retryReason(http(status))).toBeUndefined()
  })

  it.each(['ECONNRESET', 'ECONNREFUSED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT'])(
    'retries the connection failure %s with its message as the reason',
    (code) => expect(retryReason(network(code))).toBe(`${code} happened`)
  )

  it.each(['PROXY_502', 'PROXY_503'])('retries a proxy refusing the tunnel with %s, like a 5xx', (code) =>
    expect(retryReason(network(code))).toBe(`${code} happened`)
  )

  it.each(['ABORTED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UND_ERR_INVALID_ARG', 'PROXY_407', 'PROXY_403'])(
    'does not retry %s',
    (code) => {
      expect(retryReason(network(code))).toBeUndefined()
    }
  )

  it('calls a 429 rate limiting', () => expect(retryReason(http(429))).toBe('HTTP 429 (rate limited)'))

  it.each([971, 10100])('treats throttling code %d as rate limiting whatever the status', (code) => {
    const answer: Answer = {
      kind: 'http',
      status: 400,
      envelope: { success: false, errors: [{ code, message: 'Rate limited' }], messages: [], result: null }
    }
    expect(isThrottled(answer)).toBe(true)
    expect(retryReason(answer)).toBe('HTTP 400 (rate limited)')
    expect(isThrottled(network('ECONNRESET'))).toBe(false)
  })
})

describe('parseRetryAfter, for any header value', () => {
  it('property: never throws and never waits longer than 5 minutes or less than nothing', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.nat().map(String),
          fc.date().map((d) => d.toUTCString())
        ),
        (value) => {
          const ms = parseRetryAfter(value, Date.parse('2026-11-29T12:00:00Z'))
          expect(ms === undefined || (ms >= 0 && ms <= MAX_RETRY_AFTER_MS)).toBe(true)
        }
      ),
      { numRuns: 1000 }
    )
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-29T12:00:00Z')

  it.each([
    ['0', 0],
    ['7', 7000],
    [' 12 ', 12_000],
    ['300', 300_000],
    ['301', 300_000],
    ['86400', 300_000],
    ['Sun, 29 Nov 2026 12:00:30 GMT', 30_000],
    ['Sun, 29 Nov 2026 11:59:00 GMT', 0],
    ['Sun, 29 Nov 2026 13:00:00 GMT', 300_000]
  ])('reads %j as %d ms (capped at the 5-minute lockout)', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms)
  })

  it.each([undefined, '', 'soon', '-5', '1.5'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined()
  })
})

describe('backoffMs', () => {
  it('doubles the ceiling from 1 s and caps it near 30 s, with full jitter', () => {
    const top = (retry: number): number => backoffMs(retry, () => 0.999999)
    expect([1, 2, 3, 4, 5, 6, 7, 10].map(top)).toEqual([999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999])
    expect(backoffMs(4, () => 0)).toBe(0)
    expect(backoffMs(4, () => 0.5)).toBe(4000)
  })
})

describe('retryDelayMs', () => {
  it('waits exactly the Retry-After when there is one, else backs off', () => {
    expect(retryDelayMs(http(429, '3'), 1, 0, () => 0.5)).toBe(3000)
    expect(retryDelayMs(http(503), 3, 0, () => 0.5)).toBe(2000)
    expect(retryDelayMs(network('ECONNRESET'), 1, 0, () => 0.5)).toBe(500)
  })
})
