/**
 * The job summary as a user sees it: rendered by a GFM renderer (tables, autolinks), then read
 * back as HTML. Hostile text from Cloudflare must render as text, never as a link, an image,
 * emphasis, HTML or a broken table, and the whole must stay under GitHub's 1 MiB per step.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { emptyRecord } from '../src/batch/outcome.js'
import { MAX_SUMMARY_BYTES, renderInvalidInputs, renderSummary } from '../src/report/summary.js'
import type { RequestRecord } from '../src/types.js'
import { deleted, forbidden, missing, report, video } from './helpers/records.js'

const html = (markdown: string): string =>
  micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true })

/** Each table row's cells, as text with the HTML tags taken out. */
function tableRows(rendered: string): string[][] {
  return [...rendered.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? '').matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((cell) =>
      (cell[1] ?? '')
        .replace(/<[^>]+>/g, '')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&')
    )
  )
}

const failedWith = (message: string, ray = 'ray-403'): RequestRecord => ({
  ...forbidden,
  errors: [{ code: 1, message }],
  ray_id: ray
})

describe('renderSummary', () => {
  it('gives the reason for requests not sent once, above the tables, and lists them as needing attention', () => {
    const notSent = (id: string) => video(id, 'not-sent', emptyRecord('default', 'not-sent'))
    const videos = [video('v1', 'failed', forbidden), notSent('v2'), notSent('v3'), video('v4', 'deleted', deleted())]
    const markdown = renderSummary(report(videos, { success: false }))
    expect(markdown.match(/Cloudflare refused the credentials/g)).toHaveLength(1)
    expect(markdown).toContain(
      '> [!CAUTION]\n> Cloudflare refused the credentials, so nothing more was sent: 2 requests'
    )
    const rows = tableRows(html(markdown))
    expect(rows.slice(1, 4).map((row) => [row[0], row[2], row[4]])).toEqual([
      ['v1', 'failed', '[10000] Authentication error (https://developers.cloudflare.com/x)'],
      ['v2', 'not-sent', '–'],
      ['v3', 'not-sent', '–']
    ])
  })

  it('puts what needs attention first, with clear column names', () => {
    const videos = [
      video('v1', 'deleted', deleted()),
      video('v2', 'missing', missing()),
      video('v3', 'failed', forbidden)
    ]
    const rendered = html(renderSummary(report(videos, { success: false })))
    expect(rendered).toContain('<h3>Needs attention</h3>')
    expect(rendered.indexOf('Needs attention')).toBeLessThan(rendered.indexOf('The rest'))
    expect(tableRows(rendered)).toEqual([
      ['Video', 'Download', 'Outcome', 'HTTP', 'Cloudflare said', 'Ray ID'],
      [
        'v3',
        'default',
        'failed',
        '403',
        '[10000] Authentication error (https://developers.cloudflare.com/x)',
        'ray-403'
      ],
      ['v2', 'default', 'missing', '404', '[10003] Not Found', 'ray-404'],
      ['Video', 'Download', 'Outcome', 'HTTP', 'Cloudflare said', 'Ray ID'],
      ['v1', 'default', 'deleted', '200', '–', 'ray-ok']
    ])
    expect(rendered).toContain('❌ 3 videos: 1 deleted, 1 missing, 1 failed')
  })

  it('does not show a run where nothing was there to delete with the same mark as one that deleted', () => {
    expect(renderSummary(report([video('v1', 'deleted', deleted())]))).toContain('✅ 1 video: 1 deleted')
    expect(renderSummary(report([video('v1', 'missing', missing())]))).toContain('⚪ 1 video: 1 missing')
  })

  it('shows a dry-run banner and a cancellation warning', () => {
    const dry = renderSummary(
      report([video('v1', 'would-delete', emptyRecord('default', 'would-delete'))], { dryRun: true })
    )
    expect(dry).toContain('> **Dry run**')
    const cancelled = renderSummary(report([], { cancelled: true, success: false }))
    expect(cancelled).toContain('The step was cancelled')
  })

  it('renders links, images, emphasis, HTML and backticks from Cloudflare as plain text', () => {
    const message =
      '[link](https://evil.example) ![img](https://evil.example/x.png) **bold** <img src=x onerror=alert(1)> https://auto.example | pipe'
    const rendered = html(renderSummary(report([video('v1', 'failed', failedWith(message, 'ray`</code>**x**'))])))
    expect(rendered).not.toMatch(/<a |<img|<strong>|<em>/)
    const row = tableRows(rendered)[1]
    expect(row).toHaveLength(6)
    expect(row?.[4]).toBe(`[1] ${message}`)
    expect(row?.[5]).toBe('ray`</code>**x**')
  })

  it('marks retried requests and lost answers', () => {
    const summary = renderSummary(report([video('v1', 'deleted', { ...deleted(), attempts: 2, answer_lost: true })]))
    expect(summary).toContain('| deleted (2 attempts), an earlier answer was lost |')
  })

  it('shows at most 1,000 rows and says where the rest are', () => {
    const videos = Array.from({ length: 1200 }, (_, i) => video(`v${i}`, 'deleted', deleted()))
    const summary = renderSummary(report(videos))
    expect(tableRows(html(summary))).toHaveLength(1001)
    expect(summary).toContain('200 more rows are left out here; the `results` output has them all.')
  })

  it('stays under the byte budget with long messages on every row', () => {
    // Three bytes a character, on every row: the rows alone would pass GitHub's limit.
    const long = '€'.repeat(6000)
    const videos = Array.from({ length: 1000 }, (_, i) => video(`v${i}`, 'failed', failedWith(long, 'r'.repeat(5000))))
    const summary = renderSummary(report(videos, { success: false }))
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(MAX_SUMMARY_BYTES)
    expect(summary).toMatch(/\d+ more rows are left out here/)
  })

  it('property: any text from Cloudflare renders as its own safe text in one cell of a 6-cell row', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), fc.string({ maxLength: 40 }), (message, ray) => {
        const rendered = html(
          renderSummary(report([video('v1', 'failed', failedWith(message, ray))], { success: false }))
        )
        expect(rendered).not.toMatch(/<a |<img|<strong>|<em>|<del>|<script|<h1|<hr/)
        expect(rendered.match(/<h2>/g)).toHaveLength(1)
        for (const row of tableRows(rendered)) expect(row).toHaveLength(6)
      }),
      { numRuns: 300 }
    )
  })
})

describe('renderSummary after a time limit', () => {
  it('says where the run stopped, the estimate, and lists the postponed requests as needing attention', () => {
    const markdown = renderSummary(
      report(
        [
          video('v1', 'deleted', deleted()),
          video('v2', 'postponed', emptyRecord('default', 'postponed')),
          video('v3', 'postponed', emptyRecord('default', 'postponed'))
        ],
        { estimate: '3 videos, about 3 requests at the current rate limit (200 a minute): under a minute.' }
      )
    )
    expect(markdown).toContain('> The run stopped at the time limit: 1 of 3 videos done, 2 postponed')
    expect(markdown).toContain('3 videos, about 3 requests at the current rate limit (200 a minute): under a minute.')
    const attention = markdown.split('### Needs attention')[1]?.split('### The rest')[0] ?? ''
    expect(attention).toContain('| `v2` | default | postponed | – |')
    expect(markdown).toMatch(/^✅ 3 videos: 1 deleted, 2 postponed$/m)
  })

  it('says where the checkpoint stands: cursor, videos left, failures remembered and dropped', () => {
    const standing = { saved: true, cursor: '2026-03-01T10:00:00.123456Z', left: 40, remembered: 2, dropped: 1 }
    const markdown = renderSummary(report([video('v1', 'deleted', deleted())], { checkpoint: standing }))
    expect(markdown).toContain(
      'Checkpoint saved: cursor `2026-03-01T10:00:00.123456Z`; 40 selected videos left from it; 2 failures ' +
        'remembered; 1 dropped after 5 tries.'
    )
    const first = renderSummary(report([], { checkpoint: { saved: true, remembered: 0, dropped: 0 } }))
    expect(first).toContain('Checkpoint saved: cursor not set; 0 failures remembered.')
    const unsaved = renderSummary(report([], { checkpoint: { saved: false, remembered: 1, dropped: 0 } }))
    expect(unsaved).toContain('Checkpoint not saved: the next run repeats this one.')
    expect(renderSummary(report([]))).not.toContain('Checkpoint')
  })

  it('shows a hostile cursor as text, never as markup', () => {
    fc.assert(
      fc.property(fc.string(), (cursor) => {
        const rendered = html(
          renderSummary(report([], { checkpoint: { saved: true, cursor, remembered: 0, dropped: 0 } }))
        )
        expect(rendered).not.toMatch(/<(a|img|em|strong|script)\b/)
      })
    )
  })
})

describe('renderInvalidInputs', () => {
  it('lists each problem as text and says nothing was sent', () => {
    const rendered = html(renderInvalidInputs(['Input `concurrency` is "99": use a whole number from 1 to 32.']))
    expect(rendered).toContain('invalid; nothing was sent to Cloudflare.')
    expect(rendered).toContain('Input `concurrency` is &quot;99&quot;')
  })
})
