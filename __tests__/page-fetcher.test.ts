/** One page of the video list through the shared retries: what the pager gets back for each kind of answer. */
import { describe, expect, it } from '@jest/globals'
import { RateGate } from '../src/requests/rate-gate.js'
import type { Answer } from '../src/types.js'
import { pageFetcher } from '../src/sources/page-fetcher.js'
import { fastClock, neverCancelled } from './helpers/fakes.js'

function pages(answers: Answer[], cancel = neverCancelled()) {
  const retries: string[] = []
  const fetch = pageFetcher(
    {
      listVideos: async () =>
        answers.shift() ?? { kind: 'network', code: 'ECONNRESET', message: 'gone', mayHaveReachedServer: true }
    },
    {
      gate: new RateGate({ requestsPerMinute: 0, concurrency: 1 }),
      clock: fastClock(),
      random: () => 0,
      maxRetries: 1,
      cancel,
      waiting: () => undefined
    },
    (retry, delay, reason) => retries.push(`${retry} ${reason}`)
  )
  return { fetch, retries }
}

const envelope = (result: unknown, extra: object = {}) => ({
  success: true,
  errors: [],
  messages: [],
  result,
  ...extra
})

describe('pageFetcher', () => {
  it('hands the pager the result and the count of a good page', async () => {
    const { fetch } = pages([{ kind: 'http', status: 200, envelope: envelope([{ uid: 'a' }], { total: 7 }) }])
    expect(await fetch(new URLSearchParams())).toEqual({ ok: true, videos: [{ uid: 'a' }], total: 7 })
  })

  it('retries a 5xx, then says what failed', async () => {
    const { fetch, retries } = pages([
      { kind: 'http', status: 503, problem: 'HTTP 503 answered with text/html, not a JSON envelope' },
      {
        kind: 'network',
        code: 'ECONNREFUSED',
        message: 'connect ECONNREFUSED 127.0.0.1:9',
        mayHaveReachedServer: false
      }
    ])
    expect(await fetch(new URLSearchParams())).toEqual({
      ok: false,
      problem: 'no answer: connect ECONNREFUSED 127.0.0.1:9.'
    })
    expect(retries).toEqual(['1 HTTP 503'])
  })

  it('names the permission a list needs when the token is refused', async () => {
    const { fetch } = pages([
      {
        kind: 'http',
        status: 403,
        envelope: {
          success: false,
          errors: [{ code: 10000, message: 'Authentication error' }],
          messages: [],
          result: null
        }
      }
    ])
    expect(await fetch(new URLSearchParams())).toEqual({
      ok: false,
      problem:
        "HTTP 403: [10000] Authentication error. Either the API token is invalid or expired, lacks the Stream Write permission (Stream Read for a dry run or a listing), or is not valid for the account in `account-id` (check `account-id` and the token's account resources)"
    })
  })

  it('sends nothing once the step is cancelled', async () => {
    const stop = new AbortController()
    stop.abort()
    const { fetch } = pages([], { stop: stop.signal, abort: new AbortController().signal })
    expect(await fetch(new URLSearchParams())).toEqual({ ok: false, problem: 'the step was cancelled' })
  })
})
