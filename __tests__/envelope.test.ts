import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { readEnvelope } from '../src/cloudflare/envelope.js'

describe('readEnvelope', () => {
  it('reads a successful delete', () => {
    expect(readEnvelope(200, 'application/json', '{"success":true,"errors":[],"messages":[],"result":"ok"}')).toEqual({
      envelope: { success: true, errors: [], messages: [], result: 'ok' }
    })
  })

  it('keeps code, message and documentation_url of each error, and drops what a user does not need', () => {
    const body = JSON.stringify({
      success: false,
      errors: [
        {
          code: 10000,
          message: 'Authentication error',
          documentation_url: 'https://dev.cf/auth',
          source: { pointer: '/x' }
        },
        { code: 'weird', message: 42 }
      ],
      messages: [{ code: 1001, message: 'note' }],
      result: null
    })
    expect(readEnvelope(403, 'application/json; charset=utf-8', body)).toEqual({
      envelope: {
        success: false,
        errors: [
          { code: 10000, message: 'Authentication error', documentation_url: 'https://dev.cf/auth' },
          { code: null, message: '{"code":"weird","message":42}' }
        ],
        messages: [{ code: 1001, message: 'note' }],
        result: null
      }
    })
  })

  it('names the status, content type and page title of an HTML edge error', () => {
    const html =
      '<html><head><title>api.cloudflare.com | 520: Web server is returning an unknown error</title></head></html>'
    expect(readEnvelope(520, 'text/html; charset=UTF-8', html)).toEqual({
      problem:
        'HTTP 520 answered with text/html, not a JSON envelope: "api.cloudflare.com | 520: Web server is returning an unknown error"'
    })
  })

  it.each([
    [502, undefined, '', 'HTTP 502 with an empty body (no content type)'],
    [
      200,
      'application/json',
      '{"success": true, "errors": [',
      'HTTP 200 answered with application/json, not a JSON envelope'
    ],
    [200, 'application/json', '[1,2]', 'HTTP 200 answered with JSON that is not a Cloudflare envelope'],
    [200, 'application/json', '{"result":"ok"}', 'HTTP 200 answered with JSON that is not a Cloudflare envelope'],
    [200, 'application/json', 'null', 'HTTP 200 answered with JSON that is not a Cloudflare envelope']
  ])('turns HTTP %d %s %j into a problem, never an exception', (status, type, body, problem) => {
    expect(readEnvelope(status, type, body)).toEqual({ problem })
  })

  it('tolerates an envelope without messages or result', () => {
    expect(readEnvelope(200, 'application/json', '{"success":true,"errors":[]}')).toEqual({
      envelope: { success: true, errors: [], messages: [], result: null }
    })
  })

  it('property: any body, JSON or not, becomes an envelope or a problem, never an exception', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 599 }),
        fc.option(fc.string()),
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.json(),
          fc.anything().map((value) => JSON.stringify(value) ?? '')
        ),
        (status, type, body) => {
          const reading = readEnvelope(status, type ?? undefined, body)
          const texts =
            'envelope' in reading
              ? [...reading.envelope.errors, ...reading.envelope.messages].map((entry) => entry.message)
              : [reading.problem]
          expect(texts.every((text) => typeof text === 'string')).toBe(true)
        }
      ),
      { numRuns: 1000 }
    )
  })
})
