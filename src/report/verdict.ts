/**
 * The closing line of the log, which is also the step's failure message when it fails.
 */
import type { ChoiceSummary, RunReport } from '../types.js'
import { OUTCOMES } from '../batch/outcome.js'

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
