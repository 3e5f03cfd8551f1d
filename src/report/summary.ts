/**
 * The job summary, as GitHub-flavoured Markdown: a heading, banners (dry run, cancelled), the
 * closing line, then a "Needs attention" table (failed, cancelled, then not found) before the rest.
 * Text from Cloudflare is shown through markdownText (code spans), each cell is capped, and the
 * whole stays under a byte budget well below GitHub's 1 MiB per step, whatever the input.
 */
import { markdownText } from '../safe-text.js'
import type { FirstFitting } from './first-fitting.js'
import type { FirstItems, ReportSettings, RequestRecord, RunReport, VideoRecord } from '../types.js'
import { OUTCOMES } from '../batch/outcome.js'
import { checkpointLine } from '../sources/checkpoint.js'
import { describeErrors } from '../cloudflare/messages.js'
import { choiceLine, notSentProblem, timeLimitNotice, verdict } from './verdict.js'

/** Rows shown at most, over both tables; `results` (and `results-file`) have them all. */
export const MAX_ROWS = 1000
/** Bytes of Markdown at most: GitHub drops a step's summary whole above 1 MiB. */
export const MAX_SUMMARY_BYTES = 768 * 1024
/** Characters of Cloudflare's text shown in one cell. */
const MAX_CELL = 300

const HEADER = [
  '| Video | Download | Outcome | HTTP | Cloudflare said | Ray ID |',
  '| --- | --- | --- | --- | --- | --- |'
] as const

/** What a row costs of the byte budget: its bytes and its newline. */
export const rowSize = (line: string): number => Buffer.byteLength(line) + 1

/** Outcomes a user should look at, most urgent first. */
const ATTENTION: readonly RequestRecord['outcome'][] = ['failed', 'not-sent', 'cancelled', 'postponed', 'missing']

/** What needs attention: a selection meets many videos with nothing to delete, ordinary there. */
function attentionOutcomes(settings: ReportSettings): readonly RequestRecord['outcome'][] {
  return settings.choice?.origin === 'library' || settings.dryRun
    ? ATTENTION.filter((outcome) => outcome !== 'missing')
    : ATTENTION
}

/**
 * Adds the rows of a finished video's requests (the `index`th of the input): what needs attention
 * by outcome, most urgent first, then in input order; the rest in input order.
 */
export function addRows(
  rows: { attention: FirstFitting<string>; rest: FirstFitting<string> },
  video: VideoRecord,
  index: number,
  settings: ReportSettings
): void {
  const attention = attentionOutcomes(settings)
  video.requests.forEach((request, position) => {
    const rank = attention.indexOf(request.outcome)
    const make = (): string => row(video.video_id, request)
    if (rank >= 0) rows.attention.add([rank, index, position], make)
    else rows.rest.add([index, position], make)
  })
}

export function renderSummary(report: RunReport): string {
  const lines = ['## Cloudflare Stream: delete downloads', '']
  if (report.dryRun) {
    lines.push(
      '> [!NOTE]',
      '> **Dry run**: nothing was deleted. This is the plan: `would-delete` marks each download that exists ' +
        'and a real run would delete; `missing`, one there is nothing to delete for.',
      ''
    )
  }
  if (report.cancelled) {
    lines.push('> [!WARNING]', '> The step was cancelled: videos never sent are marked `cancelled`.', '')
  }
  // The action's own words (the account id is validated hex): the reason once, not in every row.
  const notSent = notSentProblem(report)
  if (notSent !== undefined) lines.push('> [!CAUTION]', `> ${notSent}`, '')
  const stopped = timeLimitNotice(report.videos)
  if (stopped !== undefined) lines.push('> [!NOTE]', `> The run ${stopped}.`, '')
  // A run-level problem may quote Cloudflare (a failed list request): shown as text. The closing
  // line is the action's own words and numbers: no network text in it.
  if (report.runProblem !== undefined) lines.push(`❌ ${markdownText(report.runProblem, 2000)}`, '')
  else lines.push(`${mark(report)} ${verdict(report)}`, '')
  if (report.choice) lines.push(choiceLine(report.choice, report.videos.count), '')
  if (report.estimate !== undefined) lines.push(report.estimate, '')
  if (report.checkpoint !== undefined) lines.push(checkpointLine(report.checkpoint, markdownText), '')

  const { videos } = report
  const attention = attentionOutcomes(report)
  const count = (keep: (outcome: RequestRecord['outcome']) => boolean): number =>
    OUTCOMES.filter(keep).reduce((sum, outcome) => sum + videos.requestCounts[outcome], 0)
  const needsAttention = count((outcome) => attention.includes(outcome)) > 0
  const anyOther = count((outcome) => !attention.includes(outcome)) > 0
  const total = videos.requestCount

  let bytes = Buffer.byteLength(lines.join('\n'))
  let shown = 0
  const table = (title: string, rows: FirstItems<string>): void => {
    lines.push(`### ${title}`, '', ...HEADER)
    for (const { value: line } of rows.kept) {
      const size = rowSize(line)
      if (shown >= MAX_ROWS || bytes + size > MAX_SUMMARY_BYTES) break
      lines.push(line)
      bytes += size
      shown += 1
    }
    lines.push('')
  }
  if (needsAttention) table('Needs attention', videos.rows.attention)
  if (anyOther) table(needsAttention ? 'The rest' : 'Requests', videos.rows.rest)
  if (shown < total) {
    lines.push(`${total - shown} more rows are left out here; the \`results\` output has them all.`, '')
  }
  return `${lines.join('\n').trimEnd()}\n`
}

/** ✅ all done, ⚪ nothing was there to delete, ❌ failed, ⚠️ failed but fail-on-error is false. */
function mark(report: RunReport): string {
  if (!report.success) return report.failOnError ? '❌' : '⚠️'
  const { requestCount, requestCounts } = report.videos
  return requestCount > 0 && requestCounts.missing === requestCount ? '⚪' : '✅'
}

function row(videoId: string, request: RequestRecord): string {
  const said = describeErrors([...request.errors, ...request.messages])
  const cells = [
    `\`${videoId}\``,
    request.download_type,
    outcomeCell(request),
    request.status_code === null ? '–' : String(request.status_code),
    markdownText(said, MAX_CELL) || '–',
    request.ray_id ? markdownText(request.ray_id, 100) : '–'
  ]
  return `| ${cells.join(' | ')} |`
}

function outcomeCell(request: RequestRecord): string {
  const retries = request.attempts > 1 ? ` (${request.attempts} attempts)` : ''
  const lost = request.answer_lost ? ', an earlier answer was lost' : ''
  return `${request.outcome}${retries}${lost}`
}

/** The summary when the inputs could not be used. */
export function renderInvalidInputs(problems: readonly string[]): string {
  const lines = [
    '## Cloudflare Stream: delete downloads',
    '',
    `❌ ${problems.length === 1 ? 'An input is' : `${problems.length} inputs are`} invalid; nothing was sent to Cloudflare.`,
    '',
    // The problems quote the user's own values; shown as text all the same.
    ...problems.map((problem) => `- ${markdownText(problem, 1000)}`)
  ]
  return `${lines.join('\n')}\n`
}
