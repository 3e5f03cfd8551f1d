/* eslint-disable jest/no-conditional-expect -- the property checks a different claim for what is accepted and what is not */
/** Instants to the microsecond, and the created-before / created-after inputs that take them. */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { formatMicros, instantMicros, parseInstant } from '../src/inputs/instants.js'

describe('instants', () => {
  it.each([
    ['2026-06-01T00:00:00Z', Date.UTC(2026, 5, 1) * 1000],
    ['2026-06-01t00:00:00z', Date.UTC(2026, 5, 1) * 1000],
    ['2026-06-01T02:00:00+02:00', Date.UTC(2026, 5, 1) * 1000],
    ['2026-05-31T23:30:00.5-00:30', Date.UTC(2026, 5, 1) * 1000 + 500_000],
    ['2024-02-29T00:00:00.123456789Z', Date.UTC(2024, 1, 29) * 1000 + 123_456]
  ])('reads %s to the microsecond', (text, micros) => {
    expect(instantMicros(text)).toBe(micros)
  })

  it.each([
    '2026-02-30T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-06-01T24:00:00Z',
    '2026-06-01T00:00:60Z',
    '2026-06-01T00:00:00+24:00',
    '2026-06-01T00:00:00',
    '2026-06-01',
    '1899-12-31T23:59:59Z',
    '2200-01-01T00:00:00Z',
    ' 2026-06-01T00:00:00Z'
  ])('refuses %s', (text) => {
    expect(instantMicros(text)).toBeUndefined()
  })

  it('formats microseconds back to what reads as the same instant', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 999 }),
        (date, extra) => {
          const micros = date.getTime() * 1000 + extra
          expect(instantMicros(formatMicros(micros))).toBe(micros)
        }
      )
    )
    expect(formatMicros(Date.UTC(2026, 0, 1) * 1000)).toBe('2026-01-01T00:00:00.000Z')
    expect(formatMicros(Date.UTC(2026, 0, 1) * 1000 + 7)).toBe('2026-01-01T00:00:00.000007Z')
  })
})

describe('parseInstant', () => {
  const now = Date.UTC(2026, 5, 15, 12, 0, 0)

  it.each([
    ['2026-06-01T00:00:00Z', '2026-06-01T00:00:00.000Z'],
    ['2026-06-01T09:30:00+02:00', '2026-06-01T07:30:00.000Z'],
    ['2026-06-01T00:00:00.25Z', '2026-06-01T00:00:00.250Z'],
    ['2026-06-01T00:00:00.123456Z', '2026-06-01T00:00:00.123456Z'],
    ['90d', '2026-03-17T12:00:00.000Z'],
    ['12h', '2026-06-15T00:00:00.000Z'],
    ['2w', '2026-06-01T12:00:00.000Z'],
    ['30min', '2026-06-15T11:30:00.000Z'],
    ['0d', '2026-06-15T12:00:00.000Z'],
    [' 7D ', '2026-06-08T12:00:00.000Z']
  ])('reads %j as %s', (raw, value) => {
    expect(parseInstant(raw, now)).toEqual({ ok: true, value })
  })

  it.each([
    ['', 'is empty: use an RFC 3339 date-time with a zone'],
    ['30m', '"m" could mean minutes or months'],
    ['3mo', 'months and years vary in length; write days'],
    ['1y', 'months and years vary in length'],
    ['2026-06-01', 'give a time and zone too, e.g. 2026-06-01T00:00:00Z'],
    ['2026-06-01T00:00:00', 'give a zone (Z for UTC'],
    ['2026-06-01 00:00', 'give a zone'],
    ['2026-02-30T00:00:00Z', 'use an RFC 3339 date-time'],
    ['1.5d', 'use an RFC 3339 date-time'],
    ['-3d', 'use an RFC 3339 date-time'],
    ['90', 'use an RFC 3339 date-time'],
    ['90 days', 'use an RFC 3339 date-time'],
    ['yesterday', 'use an RFC 3339 date-time'],
    ['40000d', 'over 100 years']
  ])('refuses %j and says what is accepted', (raw, said) => {
    const parsed = parseInstant(raw, now)
    expect(parsed.ok).toBe(false)
    expect(parsed.ok ? '' : parsed.problem).toContain(said)
  })

  it('never throws, and what it accepts reads back as an instant', () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const parsed = parseInstant(raw, now)
        if (parsed.ok) expect(instantMicros(parsed.value)).toBeDefined()
        else expect(parsed.problem.length).toBeLessThan(300)
      })
    )
  })
})
