/**
 * Hands the report to the runner: outputs, annotations, the job summary and the closing line, and
 * decides the step's failure. The only place that calls `setFailed` for a finished run.
 */
import type { ActionsCore } from '../ports.js'
import { errorMessage, type RunReport } from '../types.js'
import { buildAnnotations } from './annotations.js'
import { buildOutputs, invalidInputOutputs } from './outputs.js'
import { renderInvalidInputs, renderSummary } from './summary.js'
import { verdict } from './verdict.js'

export async function publish(report: RunReport, summary: boolean, core: ActionsCore): Promise<void> {
  for (const [name, value] of Object.entries(buildOutputs(report))) core.setOutput(name, value)
  for (const { level, title, message } of buildAnnotations(report)) core[level](message, { title })
  if (summary) {
    try {
      await core.writeSummary(renderSummary(report))
    } catch (error) {
      core.warning(`The job summary could not be written: ${errorMessage(error)}`)
    }
  }
  const line = report.runProblem ?? verdict(report)
  if (report.cancelled) core.setFailed(`Cancelled before the end. ${line}`)
  else if (report.success) core.info(line)
  // A failure of the run as a whole (the list failed, more videos than max-videos) fails the step
  // whatever fail-on-error says: nothing was done, and a guard that only warns guards nothing.
  else if (report.failOnError || report.runProblem !== undefined) core.setFailed(line)
  else core.info(`${line}. fail-on-error is false, so the step passes; the outputs say what failed.`)
}

/**
 * Inputs that cannot be used: nothing was sent, and the step fails. Every output is still set
 * (`success: false`, one `errors` entry per problem, empty id lists), and a short summary says
 * what to fix, so a `continue-on-error` workflow can read them.
 */
export async function publishInvalidInputs(problems: readonly string[], core: ActionsCore): Promise<void> {
  for (const [name, value] of Object.entries(invalidInputOutputs(problems))) core.setOutput(name, value)
  try {
    await core.writeSummary(renderInvalidInputs(problems))
  } catch (error) {
    core.warning(`The job summary could not be written: ${errorMessage(error)}`)
  }
  if (problems.length === 1) {
    core.setFailed(problems[0] ?? '')
    return
  }
  for (const problem of problems) core.error(problem)
  core.setFailed(`${problems.length} inputs are invalid; nothing was sent to Cloudflare.`)
}
