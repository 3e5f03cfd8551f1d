/**
 * The closing line of the log, which is also the step's failure message when it fails.
 */
import type { ChoiceSummary, ReportSettings, RunReport, VideoTally } from '../types.js'
import { credentialsHint, OUTCOMES } from '../batch/outcome.js'

/** The closing line of the log, and the step's failure message when it fails. */
export function verdict(report: RunReport): string {
  const { count, videoCounts: counts } = report.videos
  const totals = OUTCOMES.map((outcome) => [outcome, counts[outcome]] as const)
    .filter(([, n]) => n > 0)
    .map(([outcome, n]) => `${n} ${outcome}`)
    .join(', ')
  const mode = report.dryRun ? ' (dry run: nothing was deleted)' : ''
  if (count === 0) return `No videos to act on${mode}`
  return `${count} video${count === 1 ? '' : 's'}: ${totals}${mode}`
}

/**
 * Why requests were `not-sent`, and what to fix, said once for the whole run (the error output,
 * an annotation, the summary); undefined when every request was sent or cancelled.
 */
export function notSentProblem(report: ReportSettings & { videos: VideoTally }): string | undefined {
  const count = report.videos.requestCounts['not-sent']
  if (count === 0) return undefined
  const requests = `${count} request${count === 1 ? ' was' : 's were'}`
  return (
    `Cloudflare refused the credentials, so nothing more was sent: ${requests} not sent (\`not-sent\`). ` +
    `Either ${credentialsHint(report.authKind, report.accountId)}. Once that is fixed, run again with the \`failed\` output as \`video-id\`.`
  )
}

/** What the source gave and what the guards did, in one line for the log and the summary. */
export function choiceLine(choice: ChoiceSummary, acting: number): string {
  const from =
    choice.origin === 'library'
      ? `The filters select ${choice.found} video${choice.found === 1 ? '' : 's'}` +
        (choice.total !== undefined && choice.total !== choice.found ? ` (Cloudflare counts ${choice.total})` : '')
      : `The ${choice.origin === 'file' ? 'file' : 'list'} names ${choice.found} video${choice.found === 1 ? '' : 's'}`
  const guards = [
    choice.excluded > 0 ? `${choice.excluded} excluded` : undefined,
    choice.kept > 0 ? `the ${choice.kept} newest kept (keep-latest)` : undefined
  ].filter((part) => part !== undefined)
  return `${from}${guards.length > 0 ? `; ${guards.join(', ')}` : ''}: acting on ${acting}.`
}

/**
 * What the time limit left for a later run, said once (a notice, the summary); undefined when the
 * run did not reach its time limit with work left.
 */
export function timeLimitNotice(videos: VideoTally): string | undefined {
  if (videos.requestCounts.postponed === 0) return undefined
  const postponed = videos.videoCounts.postponed
  return (
    `stopped at the time limit: ${videos.count - postponed} of ${videos.count} videos done, ${postponed} postponed ` +
    '(never sent; the `postponed` output lists them, and a later run does them)'
  )
}
