/**
 * The closing line of the log, which is also the step's failure message when it fails.
 */
import type { RunReport } from '../types.js'

/** The closing line of the log, and the step's failure message when it fails. */
export function verdict(report: RunReport): string {
  const count = (outcome: string): number => report.videos.filter((video) => video.outcome === outcome).length
  const totals = ['deleted', 'missing', 'failed', 'skipped', 'cancelled']
    .map((outcome) => [outcome, count(outcome)] as const)
    .filter(([, n]) => n > 0)
    .map(([outcome, n]) => `${n} ${outcome}`)
    .join(', ')
  const mode = report.dryRun ? ' (dry run: nothing was sent)' : ''
  return `${report.videos.length} video${report.videos.length === 1 ? '' : 's'}: ${totals}${mode}`
}
