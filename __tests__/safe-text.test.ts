/**
 * The neutraliser every piece of network text goes through before it is shown: properties over
 * any string, since the text is whatever a server chose to send.
 */
/* eslint-disable no-control-regex -- looking for control characters is the point */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { MAX_TEXT, markdownText, noCommand, safeText } from '../src/safe-text.js'

/** Characters that end a line or steer a terminal, in any of the ways a log viewer might honour. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** Characters that hide or reorder text: bidirectional controls and zero-width characters. */
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/

/** White space as the runner's TrimStart() sees it (.NET's char.IsWhiteSpace). */
const leadingCommand = (line: string): boolean => /^[\s\u0085]*::/.test(line)

/** Strings rich in what attackers send: line breaks, workflow commands, ANSI, Markdown, invisibles. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc
    .array(
      fc.constantFrom(
        '#',
        '##',
        '[',
        ']',
        ':',
        '::',
        ' ',
        '\u00a0',
        '\u3000',
        '\t',
        '\n',
        '\u200b',
        '\u202e',
        '\ufeff',
        '\u0000',
        '\u001b[0m',
        '\\',
        '|',
        '`',
        'a'
      ),
      { maxLength: 20 }
    )
    .map((parts) => parts.join('')),
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
        '##[error]x',
        '##[add-mask]deleted',
        '##[stop-commands]zz',
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

  it("makes the runner's other syntax, `##[name]` anywhere in a line, text", () => {
    expect(safeText('8f1e0a2b3c4d5e6f-EWR ##[add-mask]deleted')).toBe('8f1e0a2b3c4d5e6f-EWR ## [add-mask]deleted')
    expect(safeText('##[stop-commands]zz')).toBe('## [stop-commands]zz')
    expect(safeText('###[error]x ##[##[')).toBe('### [error]x ## [## [')
  })

  it('never leaves `::` at the start of a line once the runner has trimmed it', () => {
    expect(safeText('  ::error::x')).toBe('  : :error::x')
    expect(safeText('\n\u00a0::add-mask::y')).toBe(' : :add-mask::y')
    expect(safeText('x ::error::y')).toBe('x ::error::y')
  })

  it('drops bidirectional controls and zero-width characters, then looks for commands', () => {
    expect(safeText('pay\u202egnp.exe\u202c \u2066x\u2069 a\u200bb\u200c\u200dc\u2060d\ufeff')).toBe(
      'paygnp.exe x abcd'
    )
    expect(safeText('#\u200b#[error]x')).toBe('## [error]x')
    expect(safeText(':\ufeff:error::x')).toBe(': :error::x')
    expect(safeText('#\u001b[0m#[error]x')).toBe('## [error]x')
  })

  it('noCommand makes a whole line safe, whatever its pieces', () => {
    expect(noCommand('#' + '#[error]x')).toBe('## [error]x')
    expect(noCommand('\u0085\u001c ::warning::x')).toBe('\u0085\u001c : :warning::x')
  })

  it('cuts long values with an ellipsis, never in the middle of a surrogate pair', () => {
    expect(safeText('a'.repeat(600))).toBe(`${'a'.repeat(MAX_TEXT - 1)}…`)
    expect(safeText('😀'.repeat(10), 6)).toBe('😀😀…')
  })

  it('property: never throws, never emits a control, an invisible character or a command, never exceeds the bound', () => {
    fc.assert(
      fc.property(hostile, fc.integer({ min: 2, max: 600 }), (text, max) => {
        const safe = safeText(text, max)
        expect(safe).not.toMatch(CONTROL)
        expect(safe).not.toMatch(INVISIBLE)
        expect(safe).not.toContain('##[')
        expect(leadingCommand(safe)).toBe(false)
        expect(safe.length).toBeLessThanOrEqual(max)
      }),
      { numRuns: 2000 }
    )
  })

  it('property: a value that needs no change is kept as it is', () => {
    fc.assert(
      fc.property(
        fc
          .string({ maxLength: 100 })
          .filter(
            (text) =>
              !/[\s\u0000-\u001f\u007f-\u009f]/.test(text) &&
              !INVISIBLE.test(text) &&
              !text.includes('##[') &&
              !text.startsWith('::')
          ),
        (text) => {
          expect(safeText(text)).toBe(text)
        }
      )
    )
  })
})

/** The cells of the one body row of a table whose middle cell is `cell`, as micromark renders them. */
function bodyCells(cell: string): string[] {
  const html = micromark(`| a | b | c |\n| --- | --- | --- |\n| 1 | ${cell} | 3 |\n`, {
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()]
  })
  const body = html.split('<tbody>')[1] ?? ''
  return Array.from(body.matchAll(/<td>([\s\S]*?)<\/td>/g), (match) => match[1] ?? '')
}

describe('markdownText', () => {
  it('keeps a cell whole when a backslash stands before a pipe, under CommonMark parsers too', () => {
    // cmark-gfm (GitHub) keeps a pipe with any backslash before it in the cell; micromark, like
    // every CommonMark parser, only with an odd number of them: one backslash suits both.
    expect(markdownText('x\\|[click](https://evil.example)')).toBe('`x\\ \\|[click](https://evil.example)`')
    expect(bodyCells(markdownText('x\\|[click](https://evil.example)'))).toEqual([
      '1',
      '<code>x\\ |[click](https://evil.example)</code>',
      '3'
    ])
    expect(markdownText('a\\\\\\|b')).toBe('`a\\\\\\ \\|b`')
  })

  it('property: exactly one backslash stands before every pipe, the one count every GFM parser agrees on', () => {
    // GitHub's cmark-gfm escapes a pipe after any run of backslashes, CommonMark parsers after an
    // odd run: a run of exactly one is escaped under both, so neither splits the cell.
    fc.assert(
      fc.property(hostile, (text) => {
        for (const [, run] of markdownText(text).matchAll(/(\\*)\|/g)) expect(run).toBe('\\')
      }),
      { numRuns: 1000 }
    )
  })

  it('property: a cell stays one cell and one code span under micromark, whatever the text', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const cell = markdownText(text)
        const cells = bodyCells(cell === '' ? '–' : cell)
        expect(cells).toHaveLength(3)
        expect(cells[1]).toMatch(cell === '' ? /^–$/ : /^<code>[^<]*<\/code>$/)
      }),
      { numRuns: 1000 }
    )
  })

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
