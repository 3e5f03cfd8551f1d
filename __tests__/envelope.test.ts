import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { MAX_ENTRIES, MAX_FIELD, readEnvelope } from '../src/cloudflare/envelope.js'

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

  it('reads a code sent as a string of digits as its number, and any other code as none', () => {
    // Written out: a number too large for a double is what a server can send, not what JSON.stringify makes.
    const body =
      '{"success":false,"errors":[{"code":"7003","message":"a"},{"code":" 10000 ","message":"b"},' +
      '{"code":"x7003","message":"c"},{"code":1.5,"message":"d"},{"code":1e400,"message":"e"},' +
      '{"code":[7003],"message":"f"}]}'
    const reading = readEnvelope('application/json', body)
    expect('envelope' in reading && reading.envelope.errors.map((error) => error.code)).toEqual([
      7003,
      10000,
      null,
      null,
      null,
      null
    ])
  })

  it('keeps the first 20 errors and messages, each text cut to 500 characters, and says how many more', () => {
    const long = 'é'.repeat(400) + '😀'.repeat(400)
    const entries = Array.from({ length: 1000 }, (_, i) => ({ code: i, message: long, documentation_url: long }))
    const reading = readEnvelope(
      'application/json',
      JSON.stringify({ success: false, errors: entries, messages: [...entries, {}], result: null })
    )
    if (!('envelope' in reading)) throw new Error('not an envelope')
    const { errors, messages } = reading.envelope
    expect(errors).toHaveLength(MAX_ENTRIES + 1)
    expect(errors.slice(0, MAX_ENTRIES).map((error) => error.code)).toEqual([...Array(MAX_ENTRIES).keys()])
    expect(errors.at(-1)).toEqual({ code: null, message: '980 more not kept (the first 20 are)' })
    expect(messages.at(-1)).toEqual({ code: null, message: '981 more not kept (the first 20 are)' })
    for (const entry of [...errors, ...messages]) {
      for (const text of [entry.message, entry.documentation_url ?? '']) {
        expect(text.length).toBeLessThanOrEqual(MAX_FIELD)
        // Never half of a surrogate pair.
        expect(() => encodeURIComponent(text)).not.toThrow()
      }
    }
    expect(errors[0]?.message).toMatch(/^é{400}(😀)+…$/)
  })

  it('cuts an entry that is not text, shown as its JSON, like any other', () => {
    const reading = readEnvelope(
      'application/json',
      JSON.stringify({ success: false, errors: [{ code: 1, message: { huge: 'x'.repeat(100_000) } }] })
    )
    expect('envelope' in reading && reading.envelope.errors[0]?.message.length).toBe(MAX_FIELD)
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
