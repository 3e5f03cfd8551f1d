import { describe, expect, it } from '@jest/globals'
import { emptyRecord, recordFromAnswer, runSucceeded, videoOutcome } from '../src/batch/outcome.js'
import type { Answer, RequestRecord } from '../src/types.js'

const envelope = (success: boolean, errors: { code: number; message: string }[] = []) => ({
  success,
  errors,
  messages: [],
  result: success ? 'ok' : null
})

describe('recordFromAnswer', () => {
  it('counts a 200 with success true as deleted and keeps result and ray id', () => {
    const answer: Answer = { kind: 'http', status: 200, rayId: 'ray1', envelope: envelope(true) }
    expect(recordFromAnswer('default', answer, 1, false)).toEqual({
      download_type: 'default',
      outcome: 'deleted',
      status_code: 200,
      result: 'ok',
      errors: [],
      messages: [],
      ray_id: 'ray1',
      attempts: 1,
      answer_lost: false
    })
  })

  it('counts a 200 whose envelope says success false as failed, with its errors', () => {
    const answer: Answer = { kind: 'http', status: 200, envelope: envelope(false, [{ code: 1000, message: 'nope' }]) }
    const record = recordFromAnswer('audio', answer, 1, false)
    expect(record.outcome).toBe('failed')
    expect(record.errors).toEqual([{ code: 1000, message: 'nope' }])
  })

  it('counts a 404 as missing, keeping the envelope errors for the report', () => {
    const answer: Answer = {
      kind: 'http',
      status: 404,
      envelope: envelope(false, [{ code: 10003, message: 'Not Found' }])
    }
    expect(recordFromAnswer('default', answer, 2, true)).toMatchObject({
      outcome: 'missing',
      errors: [{ code: 10003, message: 'Not Found' }],
      attempts: 2,
      answer_lost: true
    })
  })

  it.each([
    ['an HTML page', { problem: 'HTTP 404 answered with text/html, not a JSON envelope' }],
    ['an empty body', { problem: 'HTTP 404 with an empty body (no content type)' }],
    ['a routing error 7003', { envelope: envelope(false, [{ code: 7003, message: 'No route for that URI' }]) }],
    ['a routing error 7000', { envelope: envelope(false, [{ code: 7000, message: 'No route for that URI' }]) }]
  ])('fails a 404 with %s: nothing was deleted, and account-id or base-url is probably wrong', (_, over) => {
    const answer: Answer = { kind: 'http', status: 404, ...over }
    const record = recordFromAnswer('default', answer, 1, false)
    expect(record.outcome).toBe('failed')
    expect(record.errors.at(-1)?.message).toMatch(/nothing was deleted\. Check `account-id` .* and `base-url`$/)
  })

  it('fails an HTML answer with the problem as a code-less error', () => {
    const answer: Answer = { kind: 'http', status: 502, problem: 'HTTP 502 answered with text/html' }
    expect(recordFromAnswer('default', answer, 6, false).errors).toEqual([
      { code: null, message: 'HTTP 502 answered with text/html' }
    ])
  })

  it('fails a redirect, naming where it pointed and that it was not followed', () => {
    const answer: Answer = { kind: 'http', status: 307, location: 'https://elsewhere.example/x', problem: 'empty' }
    expect(recordFromAnswer('default', answer, 1, false)).toMatchObject({
      outcome: 'failed',
      errors: [
        {
          code: null,
          message: expect.stringMatching(/HTTP 307 redirect to https:\/\/elsewhere.example\/x was not followed/)
        }
      ]
    })
  })

  it('fails a non-2xx envelope without errors with a message naming the status', () => {
    const answer: Answer = { kind: 'http', status: 409, envelope: envelope(false) }
    expect(recordFromAnswer('default', answer, 1, false).errors).toEqual([
      { code: null, message: 'HTTP 409 without an error in the envelope' }
    ])
  })

  it('fails a network error and says when the request may have reached Cloudflare', () => {
    const lost: Answer = {
      kind: 'network',
      code: 'TIMEOUT',
      message: 'timed out after 30 s (timeout-seconds)',
      mayHaveReachedServer: true
    }
    const refused: Answer = {
      kind: 'network',
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED',
      mayHaveReachedServer: false
    }
    expect(recordFromAnswer('default', lost, 6, true)).toMatchObject({
      outcome: 'failed',
      status_code: null,
      errors: [
        {
          code: null,
          message: expect.stringMatching(/after 30 s \(timeout-seconds\)\. The request may have reached Cloudflare/)
        }
      ]
    })
    expect(recordFromAnswer('default', refused, 1, false).errors).toEqual([
      { code: null, message: 'connect ECONNREFUSED.' }
    ])
  })
})

const req = (outcome: RequestRecord['outcome']): RequestRecord => emptyRecord('default', outcome)

describe('videoOutcome', () => {
  it.each([
    [['deleted'], 'deleted'],
    [['missing'], 'missing'],
    [['deleted', 'missing'], 'deleted'],
    [['missing', 'failed'], 'failed'],
    [['deleted', 'cancelled'], 'cancelled'],
    [['failed', 'cancelled'], 'failed'],
    [['would-delete', 'missing'], 'would-delete'],
    [['missing', 'missing'], 'missing']
  ] as const)('%p → %s', (outcomes, expected) => {
    expect(videoOutcome(outcomes.map(req))).toBe(expected)
  })
})

describe('runSucceeded', () => {
  /** The request counts of a run whose requests had these outcomes. */
  const counts = (...outcomes: RequestRecord['outcome'][]) => {
    const counted = { deleted: 0, 'would-delete': 0, missing: 0, failed: 0, 'not-sent': 0, cancelled: 0 }
    for (const outcome of outcomes) counted[outcome] += 1
    return counted
  }

  it('succeeds when everything was deleted or missing, unless if-missing is fail', () => {
    const run = counts('deleted', 'deleted', 'missing')
    expect(runSucceeded(run, 'warn')).toBe(true)
    expect(runSucceeded(run, 'ignore')).toBe(true)
    expect(runSucceeded(run, 'fail')).toBe(false)
  })

  it('fails on a failed or cancelled request, and succeeds on a dry run', () => {
    expect(runSucceeded(counts('deleted', 'failed'), 'warn')).toBe(false)
    expect(runSucceeded(counts('cancelled'), 'warn')).toBe(false)
    expect(runSucceeded(counts('would-delete'), 'fail')).toBe(true)
  })
})
