import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { readEnvelope } from '../src/cloudflare/envelope.js'

describe('readEnvelope', () => {
  it('reads a successful delete', () => {
    expect(readEnvelope('application/json', '{"success":true,"errors":[],"messages":[],"result":"ok"}')).toEqual({
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
    expect(readEnvelope('application/json; charset=utf-8', body)).toEqual({
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

  it('names the content type and page title of an HTML edge error (the status is shown beside it)', () => {
    const html =
      '<html><head><title>api.cloudflare.com | 520: Web server is returning an unknown error</title></head></html>'
    expect(readEnvelope('text/html; charset=UTF-8', html)).toEqual({
      problem: 'text/html, not a JSON envelope: "api.cloudflare.com | 520: Web server is returning an unknown error"'
    })
  })

  it.each([
    [undefined, '', 'an empty body (no content type)'],
    ['application/json', '{"success": true, "errors": [', 'application/json, not a JSON envelope'],
    ['application/json', '[1,2]', 'JSON that is not a Cloudflare envelope'],
    ['application/json', '{"result":"ok"}', 'JSON that is not a Cloudflare envelope'],
    ['application/json', 'null', 'JSON that is not a Cloudflare envelope']
  ])('turns %s %j into a problem, never an exception', (type, body, problem) => {
    expect(readEnvelope(type, body)).toEqual({ problem })
  })

  it('tolerates an envelope without messages or result', () => {
    expect(readEnvelope('application/json', '{"success":true,"errors":[]}')).toEqual({
      envelope: { success: true, errors: [], messages: [], result: null }
    })
  })

  it('property: any body, JSON or not, becomes an envelope or a problem, never an exception', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string()),
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.json(),
          fc.anything().map((value) => JSON.stringify(value) ?? '')
        ),
        (type, body) => {
          const reading = readEnvelope(type ?? undefined, body)
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
