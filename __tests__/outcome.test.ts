import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import {
  emptyRecord,
  keptResult,
  MAX_RESULT_BYTES,
  OUTCOMES,
  plannedRecords,
  recordFromAnswer,
  recordFromAttempts,
  refusesCredentials,
  resultNotKept,
  runComplete,
  runSucceeded,
  videoOutcome
} from '../src/batch/outcome.js'
import { readEnvelope } from '../src/cloudflare/envelope.js'
import type { Answer, RequestRecord } from '../src/types.js'
import { action } from './helpers/action-yml.js'

/** An answer with this status and body, read as the client reads it. */
const read = (status: number, body: unknown): Answer => ({
  kind: 'http',
  status,
  ...readEnvelope('application/json', JSON.stringify(body))
})

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

  it.each([
    ['no error', []],
    ['a routing code as a string', [{ code: '7003', message: 'No route for that URI' }]],
    [
      'a routing code 7000 among others',
      [
        { code: 10003, message: 'Not Found' },
        { code: 7000, message: 'No route' }
      ]
    ],
    ['the authentication code 10000', [{ code: 10000, message: 'Authentication error' }]],
    ['the authentication code 9109 as a string', [{ code: '9109', message: 'Invalid access token' }]]
  ])('fails a Cloudflare 404 envelope with %s: it is not "not found"', (_, errors) => {
    const record = recordFromAnswer(
      'default',
      read(404, { success: false, errors, messages: [], result: null }),
      1,
      false
    )
    expect(record.outcome).toBe('failed')
  })

  it('counts a 404 envelope with an error and a code that is neither routing nor authentication as missing, string or not', () => {
    for (const code of [10003, '10003', 'not-a-number']) {
      const body = { success: false, errors: [{ code, message: 'Not Found' }], messages: [], result: null }
      expect(recordFromAnswer('default', read(404, body), 1, false).outcome).toBe('missing')
    }
  })

  it('keeps a result of at most 1 KiB as it is, and a larger one only as its size', () => {
    expect(keptResult('ok')).toBe('ok')
    const small = { status: 'ready', percentComplete: 100, url: 'https://x.example/d.mp4' }
    expect(keptResult(small)).toBe(small)
    const huge = Array.from({ length: 100_000 }, () => ({}))
    expect(keptResult(huge)).toBe('result of 300001 bytes not kept')
    expect(resultNotKept(keptResult(huge))).toBe(true)
    expect(resultNotKept(keptResult('x'.repeat(MAX_RESULT_BYTES)))).toBe(true)
    expect(resultNotKept('ok')).toBe(false)
    const answer = read(200, { success: true, errors: [], messages: [], result: 'x'.repeat(1024 * 1024) })
    expect(recordFromAnswer('default', answer, 1, false).result).toBe(`result of ${1024 * 1024 + 2} bytes not kept`)
  })

  it('keeps a dry run’s download as its size when it is too large', () => {
    const answer = read(200, { success: true, errors: [], messages: [], result: { default: 'y'.repeat(5000) } })
    const [record] = plannedRecords(['default'], {
      last: answer,
      attempts: 1,
      answerLost: false,
      stoppedBeforeRetry: false
    })
    expect(record).toMatchObject({ outcome: 'would-delete', result: 'result of 5002 bytes not kept' })
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

describe('refusesCredentials', () => {
  it.each([
    [401, {}, true],
    [401, { success: false, errors: [{ code: 1234, message: 'x' }] }, true],
    [403, { success: false, errors: [{ code: 10000, message: 'Authentication error' }] }, true],
    [403, { success: false, errors: [{ code: '10000', message: 'Authentication error' }] }, true],
    [
      403,
      {
        success: false,
        errors: [
          { code: 1, message: 'x' },
          { code: 9109, message: 'Invalid access token' }
        ]
      },
      true
    ],
    [403, { success: false, errors: [{ code: '9109', message: 'Invalid access token' }] }, true],
    [403, { success: false, errors: [{ code: 10005, message: 'not allowed for this video' }] }, false],
    [403, { success: false, errors: [] }, false],
    [404, { success: false, errors: [{ code: 10000, message: 'Authentication error' }] }, false],
    [429, { success: false, errors: [{ code: 10000, message: 'x' }] }, false]
  ])('HTTP %i with %j: %s', (status, body, refused) => {
    expect(refusesCredentials(read(status, body))).toBe(refused)
  })

  it('is false for no answer and a network failure', () => {
    expect(refusesCredentials(undefined)).toBe(false)
    expect(
      refusesCredentials({ kind: 'network', code: 'ECONNRESET', message: 'reset', mayHaveReachedServer: false })
    ).toBe(false)
  })
})

describe('recordFromAttempts', () => {
  it('names what stopped a request never sent, and notes what stopped a retry', () => {
    const none = { last: undefined, attempts: 0, answerLost: false, stoppedBeforeRetry: false }
    expect(recordFromAttempts('audio', none, 'not-sent')).toMatchObject({ outcome: 'not-sent', attempts: 0 })
    expect(recordFromAttempts('audio', none, 'cancelled')).toMatchObject({ outcome: 'cancelled', attempts: 0 })
    expect(recordFromAttempts('audio', none, 'postponed')).toMatchObject({ outcome: 'postponed', attempts: 0 })
    const busy = { ...none, last: read(503, { success: false, errors: [{ code: 1000, message: 'x' }] }), attempts: 1 }
    expect(recordFromAttempts('default', { ...busy, stoppedBeforeRetry: true }, 'not-sent').errors.at(-1)).toEqual({
      code: null,
      message: 'Not retried: Cloudflare refused the credentials, so nothing more is sent.'
    })
    // A failing answer waiting for a retry when the time limit came stays failed, with that answer.
    const late = recordFromAttempts('default', { ...busy, stoppedBeforeRetry: true }, 'postponed')
    expect(late).toMatchObject({ outcome: 'failed', status_code: 503, attempts: 1 })
    expect(late.errors.at(-1)?.message).toBe('Not retried: the run reached its `time-limit`.')
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
    [['deleted', 'not-sent'], 'not-sent'],
    [['failed', 'not-sent'], 'failed'],
    [['not-sent', 'cancelled'], 'cancelled'],
    [['cancelled', 'not-sent'], 'cancelled'],
    [['deleted', 'postponed'], 'postponed'],
    [['failed', 'postponed'], 'failed'],
    [['postponed', 'not-sent'], 'not-sent'],
    [['postponed', 'cancelled'], 'cancelled'],
    [['missing', 'missing'], 'missing']
  ] as const)('%p → %s', (outcomes, expected) => {
    expect(videoOutcome(outcomes.map(req))).toBe(expected)
  })
})

/** Request counts with every outcome at 0. */
const zero = () =>
  Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<RequestRecord['outcome'], number>

describe('runSucceeded', () => {
  /** The request counts of a run whose requests had these outcomes. */
  const counts = (...outcomes: RequestRecord['outcome'][]) => {
    const counted = zero()
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

  it('fails on a request not sent, like a failed one', () => {
    expect(runSucceeded(counts('deleted', 'not-sent'), 'ignore')).toBe(false)
  })

  it('succeeds when the time limit postponed requests and nothing failed', () => {
    expect(runSucceeded(counts('deleted', 'postponed'), 'warn')).toBe(true)
    expect(runSucceeded(counts('failed', 'postponed'), 'warn')).toBe(false)
  })
})

describe('runComplete', () => {
  it('is true only when every video is deleted, missing or would-delete', () => {
    for (const done of ['deleted', 'missing', 'would-delete'] as const) {
      expect(runComplete({ ...zero(), [done]: 3 })).toBe(true)
    }
    expect(runComplete(zero())).toBe(true)
    for (const left of ['failed', 'not-sent', 'cancelled', 'postponed'] as const) {
      expect(runComplete({ ...zero(), deleted: 5, [left]: 1 })).toBe(false)
    }
  })
})

describe('the outcomes in the docs', () => {
  const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')

  it('README lists every outcome in its Outcomes table, in the closing line’s order, and action.yml names them all', () => {
    const outcomes = read('README.md').split('\n## Outcomes\n')[1]?.split('\n## ')[0] ?? ''
    const rows = [...outcomes.matchAll(/^\| `([a-z-]+)` +\|/gm)].map((match) => match[1])
    expect(rows).toEqual(OUTCOMES)
    for (const outcome of OUTCOMES) expect(action.outputs.results?.description).toContain(outcome)
  })
})
