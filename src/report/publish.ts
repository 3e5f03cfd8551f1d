/**
 * Hands the report to the runner: outputs, annotations, the job summary and the closing line, and
 * decides the step's failure. The only place that calls `setFailed` for a finished run.
 */
import type { ActionsCore } from '../ports.js'
import type { RunReport } from '../types.js'
import { buildAnnotations } from './annotations.js'
import { buildOutputs } from './outputs.js'
import { renderSummary } from './summary.js'
import { verdict } from './verdict.js'

export async function publish(report: RunReport, summary: boolean, core: ActionsCore): Promise<void> {
  for (const [name, value] of Object.entries(buildOutputs(report))) core.setOutput(name, value)
  for (const { level, title, message } of buildAnnotations(report)) core[level](message, { title })
  if (summary) {
    try {
      await core.writeSummary(renderSummary(report))
    } catch (error) {
      core.warning(`The job summary could not be written: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  const line = verdict(report)
  if (report.cancelled) core.setFailed(`Cancelled before the end. ${line}`)
  else if (report.success) core.info(line)
  else if (report.failOnError) core.setFailed(line)
  else core.info(`${line}. fail-on-error is false, so the step passes; the outputs say what failed.`)
}
