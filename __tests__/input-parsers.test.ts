import { describe, expect, it } from '@jest/globals'
import {
  parseBaseUrl,
  parseBoolean,
  parseCredential,
  parseIdList,
  parseIdentifier,
  parseInteger
} from '../src/inputs/input-parsers.js'
import { isLoopbackHost } from '../src/inputs/loopback.js'
import { MAX_TIME_LIMIT_MS, parseTimeLimit } from '../src/inputs/instants.js'
import fc from 'fast-check'

/** A Stream video uid: 32 hexadecimal characters, `n` at the end. */
const uid = (n: number): string => `ea95132c15732412d22c1476fa8${n.toString(16).padStart(5, '0')}`
const [A, B, C, D] = [uid(1), uid(2), uid(3), uid(4)]

describe('parseIdList', () => {
  it('splits on newlines, commas and spaces, drops duplicates and keeps order', () => {
    expect(parseIdList(`${B}, ${A}\n\n${C}  ${A},${B}\r\n${D}`)).toEqual({ ok: true, value: [B, A, C, D] })
  })

  it('accepts uppercase and lowers it, so one video is one id', () => {
    expect(parseIdList(`${A.toUpperCase()} ${A}`)).toEqual({ ok: true, value: [A] })
    expect(parseIdList(`["${B.toUpperCase()}"]`)).toEqual({ ok: true, value: [B] })
  })

  it('refuses a uid cut in two by a space, naming both halves, instead of sending two 404s', () => {
    expect(parseIdList('ea95132c1573 2412d22c1476fa83f27a')).toEqual({
      ok: false,
      problem:
        'has line 1 "ea95132c1573", line 1 "2412d22c1476fa83f27a": a Stream video uid is 32 hexadecimal characters (0-9, a-f)'
    })
  })

  it('accepts exactly 32 hexadecimal characters and refuses 31, 33 and any other letter', () => {
    expect(parseIdList('a'.repeat(32)).ok).toBe(true)
    for (const id of ['a'.repeat(31), 'a'.repeat(33), `${'a'.repeat(31)}g`, 'v1', 'abc']) {
      expect(parseIdList(id)).toEqual({ ok: false, problem: expect.stringContaining(JSON.stringify(id)) })
    }
  })

  it.each([
    ['abc/../def', 'path traversal'],
    ['abc-123', 'a hyphen'],
    ['ünïcode', 'non-ASCII letters'],
    ['abc?x=1', 'a query']
  ])('refuses %s (%s) and names it', (id) => {
    const parsed = parseIdList(`${A} ${id}`)
    expect(parsed).toEqual({ ok: false, problem: expect.stringContaining(JSON.stringify(id)) })
  })

  it('names a wrong id by its line, counting comments and blank lines, and shows at most 40 characters', () => {
    const file = `# ids\n${A}\r\n\n${B} # ok\r${'x'.repeat(100)}\nroot:x:0:0:root:/root:/bin/bash`
    const parsed = parseIdList(file)
    expect(parsed).toEqual({
      ok: false,
      problem: `has line 5 "${'x'.repeat(38)}…", line 6 "root:x:0:0:root:/root:/bin/bash": a Stream video uid is 32 hexadecimal characters (0-9, a-f)`
    })
  })

  it('names a wrong item of a JSON array by its place', () => {
    expect(parseIdList(`["${A}", "v1"]`)).toEqual({ ok: false, problem: expect.stringMatching(/^has item 2 "v1":/) })
  })

  it('shows an invisible character escaped, never as itself', () => {
    const parsed = parseIdList('ab\u202ecd\u200b')
    expect(parsed).toEqual({ ok: false, problem: expect.stringContaining('"ab\\u202ecd\\u200b"') })
  })

  it('gives an empty list when only separators and comments are given (the caller decides)', () => {
    expect(parseIdList(' ,\n # nothing here\n')).toEqual({ ok: true, value: [] })
  })

  it('ignores # comments to the end of a line, and reads a JSON array such as the failed output', () => {
    expect(parseIdList(`${A} # the launch\n#${B}\n${C},${D} # two more`)).toEqual({ ok: true, value: [A, C, D] })
    expect(parseIdList(` ["${A}", "${B}", "${A}"] `)).toEqual({ ok: true, value: [A, B] })
    expect(parseIdList('[]')).toEqual({ ok: true, value: [] })
  })

  it.each(['[1, 2]', `["${A}", null]`, '{"a": 1}', '[not json'])('refuses %s as a JSON list of ids', (raw) => {
    expect(parseIdList(raw)).toEqual({ ok: false, problem: expect.any(String) })
  })

  it('lists at most five bad ids and counts the rest', () => {
    const parsed = parseIdList(Array.from({ length: 8 }, (_, i) => `bad-${i}`).join(' '))
    expect(parsed.ok ? '' : parsed.problem).toContain('and 3 more')
  })
})

describe('parseIdentifier', () => {
  it('accepts an account id and refuses an empty or malformed one', () => {
    expect(parseIdentifier('023e105f4ecef8ad9ca31a8372d0c353')).toEqual({
      ok: true,
      value: '023e105f4ecef8ad9ca31a8372d0c353'
    })
    expect(parseIdentifier('').ok).toBe(false)
    expect(parseIdentifier('acc ount').ok).toBe(false)
  })
})

describe('parseBoolean', () => {
  it.each(['true', 'True', 'TRUE'])('reads %s as true', (raw) =>
    expect(parseBoolean(raw)).toEqual({ ok: true, value: true })
  )
  it.each(['false', 'False', 'FALSE'])('reads %s as false', (raw) =>
    expect(parseBoolean(raw)).toEqual({ ok: true, value: false })
  )
  it.each(['yes', '1', 'tru', 'on'])('refuses %s instead of guessing', (raw) =>
    expect(parseBoolean(raw)).toEqual({ ok: false, problem: expect.stringContaining('true or false') })
  )
})

describe('parseInteger', () => {
  it('accepts the bounds and refuses what is outside or not a whole number', () => {
    expect(parseInteger('1', 1, 32)).toEqual({ ok: true, value: 1 })
    expect(parseInteger('32', 1, 32)).toEqual({ ok: true, value: 32 })
    for (const raw of ['0', '33', '-1', '2.5', '1e1', ' 4', 'four', '']) {
      expect(parseInteger(raw, 1, 32)).toEqual({ ok: false, problem: expect.stringContaining('from 1 to 32') })
    }
  })
})

describe('parseCredential', () => {
  it('accepts printable ASCII and refuses whitespace, line breaks and control characters', () => {
    expect(parseCredential('abc-DEF_123.xyz').ok).toBe(true)
    for (const raw of ['abc def', 'abc\ndef', 'abc\r\nX-Injected: 1', 'tab\there', 'nul\u0000', 'é']) {
      expect(parseCredential(raw).ok).toBe(false)
    }
  })

  it('never repeats the value in its message', () => {
    const parsed = parseCredential('sekrit value')
    expect(parsed.ok ? '' : parsed.problem).not.toContain('sekrit')
  })
})

describe('parseBaseUrl', () => {
  it.each([
    ['https://api.cloudflare.com/client/v4/', 'https://api.cloudflare.com/client/v4'],
    ['http://127.0.0.1:8080/client/v4', 'http://127.0.0.1:8080/client/v4'],
    ['http://127.3.2.1/x', 'http://127.3.2.1/x'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://[::1]:3000/v4', 'http://[::1]:3000/v4']
  ])('accepts %s', (raw, value) => expect(parseBaseUrl(raw)).toEqual({ ok: true, value }))

  it.each([
    ['http://api.cloudflare.com/client/v4', 'https'],
    ['http://10.0.0.1/client/v4', 'https'],
    ['http://127.0.0.1.evil.example/', 'https'],
    ['ftp://127.0.0.1/', 'https'],
    ['https://user:pw@api.cloudflare.com/', 'user name or password'],
    ['https://api.cloudflare.com/?x=1', '"?" or "#"'],
    ['https://api.cloudflare.com/client/v4?', '"?" or "#"'],
    ['https://api.cloudflare.com/client/v4#', '"?" or "#"'],
    ['https://api.cloudflare.com/client/v4#/accounts', '"?" or "#"'],
    ['api.cloudflare.com', 'absolute']
  ])('refuses %s', (raw, why) =>
    expect(parseBaseUrl(raw)).toEqual({ ok: false, problem: expect.stringContaining(why) })
  )

  it.each([
    'https://user:hunter2@api.cloudflare.com/',
    'http://user:hunter2@example.com/v4',
    'http://user:hunter2@[bad/',
    'https://user:hun/ter2@api.cloudflare.com/client/v4',
    'https://user:12/hunter2@api.cloudflare.com/client/v4',
    'http://user:hun/ter2@127.0.0.1/v4?x',
    'ftp://user:hun/ter2@host/'
  ])('never echoes a base-url that had a user name or password: %s', (raw) => {
    const parsed = parseBaseUrl(raw)
    expect(parsed).toEqual({ ok: false, problem: expect.stringContaining('user name or password') })
    expect(parsed.ok ? '' : parsed.problem).not.toMatch(/hun|ter2|user:/)
  })
})

describe('isLoopbackHost', () => {
  it('knows the loopback names and nothing else', () => {
    expect(['localhost', '127.0.0.1', '127.255.0.9', '[::1]', 'LOCALHOST'].every(isLoopbackHost)).toBe(true)
    expect(['128.0.0.1', '[::2]', 'localhost.example.com', '0.0.0.0'].some(isLoopbackHost)).toBe(false)
  })

  it('does not trust *.localhost names, which are resolved through DNS like any other', () => {
    expect(['api.localhost', 'evil.localhost'].some(isLoopbackHost)).toBe(false)
  })
})

describe('parseTimeLimit', () => {
  it('takes a whole number with s, min or h, up to 6h, as milliseconds', () => {
    expect(parseTimeLimit('90s')).toEqual({ ok: true, value: 90_000 })
    expect(parseTimeLimit(' 50min ')).toEqual({ ok: true, value: 3_000_000 })
    expect(parseTimeLimit('5H')).toEqual({ ok: true, value: 18_000_000 })
    expect(parseTimeLimit('6h')).toEqual({ ok: true, value: MAX_TIME_LIMIT_MS })
    expect(parseTimeLimit('21600s')).toEqual({ ok: true, value: MAX_TIME_LIMIT_MS })
  })

  it.each([
    ['21601s', 'at most 6h'],
    ['1d', 'at most 6h'],
    ['0min', 'zero'],
    ['50m', 'write minutes as min'],
    ['1.5h', 'use a whole number'],
    ['90', 'use a whole number'],
    ['', 'use a whole number'],
    ['-5min', 'use a whole number']
  ])('refuses %p (%s)', (raw, problem) => {
    const parsed = parseTimeLimit(raw)
    expect(parsed.ok).toBe(false)
    expect(parsed.ok ? '' : parsed.problem).toContain(problem)
  })

  it('accepts exactly the whole seconds from 1 s to 6 h', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 * 21_600 }), (seconds) => {
        const fits = seconds >= 1 && seconds <= 21_600
        const parsed = parseTimeLimit(`${seconds}s`)
        expect(parsed.ok ? parsed.value : 'refused').toEqual(fits ? seconds * 1000 : 'refused')
      })
    )
  })
})
