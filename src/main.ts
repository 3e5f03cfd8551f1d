/**
 * Wires the run: settings → Cloudflare client → cleanup → report. The one place that decides the
 * step's failure, and the single catch that turns anything unexpected into one `::error` line.
 */
import { type Cancellation, runCleanup } from './cleanup.js'
import { CloudflareClient } from './cloudflare.js'
import { productionDeps } from './deps.js'
import { proxyFor, type Transport, type TransportOptions } from './http.js'
import { runSucceeded } from './outcome.js'
import type { Clock } from './pacing.js'
import { buildAnnotations, buildOutputs, requestLine, retryLine, type RunReport, verdict } from './report.js'
import { readSettings, type Settings, SettingsError } from './settings.js'
import { renderSummary } from './summary.js'
import { type RunContext, userAgent } from './user-agent.js'

/** The parts of @actions/core the action uses; tests pass a recorder. */
export interface ActionsCore {
  getInput(name: string): string
  setSecret(secret: string): void
  setOutput(name: string, value: string): void
  setFailed(message: string): void
  info(message: string): void
  error(message: string, properties?: { title?: string }): void
  warning(message: string, properties?: { title?: string }): void
  notice(message: string, properties?: { title?: string }): void
  startGroup(name: string): void
  endGroup(): void
  /** Appends Markdown to the job summary. */
  writeSummary(markdown: string): Promise<void>
}

export interface Deps {
  core: ActionsCore
  env: Readonly<Record<string, string | undefined>>
  context: RunContext
  nodeVersion: string
  clock: Clock
  random: () => number
  cancellation: Cancellation
  createTransport: (proxy: URL | undefined, options: TransportOptions) => Transport
  /** Called once the run is over (stops listening for signals). */
  dispose?: () => void
}

/** Runs the action. Without `deps` (the entry point, @github/local-action) it uses the real ones. */
export async function run(deps: Deps = productionDeps()): Promise<void> {
  const { core } = deps
  try {
    const settings = readSettings({
      input: (name) => core.getInput(name),
      env: deps.env,
      mask: (secret) => core.setSecret(secret),
      info: (message) => core.info(message)
    })
    const report = await cleanUp(settings, deps)
    await publish(report, settings.summary, core)
  } catch (error) {
    if (error instanceof SettingsError && error.problems.length > 1) {
      for (const problem of error.problems) core.error(problem)
      core.setFailed(`${error.problems.length} inputs are invalid; nothing was sent to Cloudflare.`)
    } else {
      core.setFailed(error instanceof Error ? error.message : String(error))
    }
  } finally {
    deps.dispose?.()
  }
}

async function cleanUp(settings: Settings, deps: Deps): Promise<RunReport> {
  const { core } = deps
  const proxy = proxyFor(new URL(settings.baseUrl), deps.env)
  if (proxy?.password) core.setSecret(decodeURIComponent(proxy.password))
  if (proxy) core.info(`Using the proxy at ${proxy.host}.`)
  const transport = deps.createTransport(proxy, { connections: settings.concurrency, timeoutMs: settings.timeoutMs })
  const client = new CloudflareClient({
    baseUrl: settings.baseUrl,
    accountId: settings.accountId,
    auth: settings.auth,
    userAgent: userAgent(deps.context, deps.nodeVersion),
    transport,
    timeoutMs: settings.timeoutMs
  })
  const count = settings.videoIds.length
  const plural = count === 1 ? '' : 's'
  core.info(
    `${settings.dryRun ? 'Dry run: would delete' : 'Deleting'} the ${settings.downloadTypes.join(' and ')} ` +
      `download${settings.downloadTypes.length > 1 ? 's' : ''} of ${count} video${plural} in account ${settings.accountId}.`
  )
  if (count > 1) core.startGroup(`Requests for ${count} videos`)
  try {
    const videos = await runCleanup(
      settings,
      {
        client,
        clock: deps.clock,
        random: deps.random,
        events: {
          requestDone: (videoId, record) => core.info(requestLine(videoId, record)),
          retrying: (...args) => core.info(retryLine(...args)),
          waiting: (message) => core.info(message)
        }
      },
      deps.cancellation
    )
    return {
      videos,
      downloadType: settings.downloadType,
      ifMissing: settings.ifMissing,
      dryRun: settings.dryRun,
      failOnError: settings.failOnError,
      accountId: settings.accountId,
      success: runSucceeded(videos, settings.ifMissing),
      cancelled: deps.cancellation.stop.aborted
    }
  } finally {
    if (count > 1) core.endGroup()
    await transport.destroy()
  }
}

async function publish(report: RunReport, summary: boolean, core: ActionsCore): Promise<void> {
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
