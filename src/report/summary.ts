/**
 * The job summary: a heading, a dry-run banner, one table row per request, and totals, as
 * GitHub-flavoured Markdown. Text from Cloudflare is escaped so it cannot break the table or
 * inject markup.
 */
import type { RequestRecord, RunReport } from '../types.js'
import { describeErrors } from './text.js'
import { verdict } from './verdict.js'

/** Keeps the summary well under GitHub's 1 MiB limit on a very long list. */
export const MAX_ROWS = 1000

export function renderSummary(report: RunReport): string {
  const lines = ['## Cloudflare Stream: delete downloads', '']
  if (report.dryRun) {
    lines.push('> [!NOTE]', '> **Dry run**: inputs were validated and nothing was sent to Cloudflare.', '')
  }
  if (report.cancelled) {
    lines.push('> [!WARNING]', '> The step was cancelled: videos never sent are marked `cancelled`.', '')
  }
  const mark = report.success ? '✅' : report.failOnError ? '❌' : '⚠️'
  lines.push(`${mark} ${escapeCell(verdict(report))}`, '')
  lines.push('| Video | Download | Outcome | HTTP | Cloudflare | Ray ID |', '| --- | --- | --- | --- | --- | --- |')
  const rows = report.videos.flatMap((video) => video.requests.map((request) => row(video.video_id, request)))
  lines.push(...rows.slice(0, MAX_ROWS))
  if (rows.length > MAX_ROWS) {
    lines.push('', `${rows.length - MAX_ROWS} more rows are left out here; the \`results\` output has them all.`)
  }
  return `${lines.join('\n')}\n`
}

function row(videoId: string, request: RequestRecord): string {
  const cells = [
    `\`${videoId}\``,
    request.download_type,
    outcomeCell(request),
    request.status_code === null ? '–' : String(request.status_code),
    escapeCell(describeErrors([...request.errors, ...request.messages])) || '–',
    request.ray_id ? `\`${escapeCell(request.ray_id)}\`` : '–'
  ]
  return `| ${cells.join(' | ')} |`
}

function outcomeCell(request: RequestRecord): string {
  const retries = request.attempts > 1 ? ` (${request.attempts} attempts)` : ''
  const lost = request.answer_lost ? ', an earlier answer was lost' : ''
  return `${request.outcome}${retries}${lost}`
}

/** Escapes what would end a table cell or be read as HTML. */
export function escapeCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\s*[\r\n]+\s*/g, ' ')
}
