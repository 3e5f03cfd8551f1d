/**
 * The neutraliser every piece of network text goes through before it is shown: properties over
 * any string, since the text is whatever a server chose to send.
 */
/* eslint-disable no-control-regex -- looking for control characters is the point */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { MAX_TEXT, markdownText, safeText } from '../src/safe-text.js'

/** Characters that end a line or steer a terminal, in any of the ways a log viewer might honour. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** Strings rich in what attackers send: line breaks, workflow commands, ANSI, Markdown. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc
    .array(
      fc.constantFrom(
        '\n',
        '\r',
        '\r\n',
        '\u0085',
        '\u2028',
        '\u2029',
        '\u001b[31m',
        '\u001b]0;title\u0007',
        '::error title=X::Y',
        '::add-mask::secret',
        '::stop-commands::tok',
        '::group::',
        '`',
        '[x](https://evil.example)',
        'text',
        ' '
      ),
      { maxLength: 30 }
    )
    .map((parts) => parts.join(''))
)

describe('safeText', () => {
  it('puts a workflow command smuggled after a line break on the same line, as text', () => {
    expect(safeText('denied\n::error title=X::Y\r\n::add-mask::abc\rlone')).toBe(
      'denied ::error title=X::Y ::add-mask::abc lone'
    )
  })

  it('drops ANSI escapes and replaces other controls', () => {
    expect(safeText('\u001b[31mred\u001b[0m \u0000nul \u0085nel\u2028ls')).toBe('red \ufffdnul nel ls')
  })

  it('cuts long values with an ellipsis, never in the middle of a surrogate pair', () => {
    expect(safeText('a'.repeat(600))).toBe(`${'a'.repeat(MAX_TEXT - 1)}…`)
    expect(safeText('😀'.repeat(10), 6)).toBe('😀😀…')
  })

  it('property: never throws, never emits a control character, never exceeds the bound', () => {
    fc.assert(
      fc.property(hostile, fc.integer({ min: 2, max: 600 }), (text, max) => {
        const safe = safeText(text, max)
        expect(safe).not.toMatch(CONTROL)
        expect(safe.length).toBeLessThanOrEqual(max)
      }),
      { numRuns: 2000 }
    )
  })

  it('property: a value that needs no change is kept as it is', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 100 }).filter((text) => !/[\s\u0000-\u001f\u007f-\u009f]/.test(text)),
        (text) => {
          expect(safeText(text)).toBe(text)
        }
      )
    )
  })
})

describe('markdownText', () => {
  it('wraps text in a code span whose fence outlasts every backtick run, escaping pipes', () => {
    expect(markdownText('a | b')).toBe('`a \\| b`')
    expect(markdownText('x ``y`` z')).toBe('```x ``y`` z```')
    expect(markdownText('`edge`')).toBe('`` `edge` ``')
    expect(markdownText('  ')).toBe('')
  })

  it('property: the span is never closed early', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const span = markdownText(text)
        if (span === '') return
        const fence = /^`+/.exec(span)?.[0] ?? ''
        // The fence occurs exactly twice: at the start and at the end.
        expect(span.split(fence).length - 1).toBe(2)
        expect(span.endsWith(fence)).toBe(true)
      }),
      { numRuns: 1000 }
    )
  })
})
