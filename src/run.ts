/**
 * The run: settings → the batch of deletions → report. Takes the outside world as {@link Deps}
 * (ports.ts); main.ts passes the real one. The single catch turns anything unexpected, even a
 * non-Error throw, into a failed step.
 */
import { runBatch } from './batch.js'
import { CloudflareClient } from './cloudflare.js'
import { runSucceeded } from './outcome.js'
import type { Deps, Transport } from './ports.js'
import { proxyFor } from './proxy.js'
import { requestLine, retryLine } from './report/log-lines.js'
import { publish, publishInvalidInputs } from './report/publish.js'
import { readSettings, type Settings, SettingsError } from './settings.js'
import type { RunReport } from './types.js'
import { userAgent } from './user-agent.js'

export async function runAction(deps: Deps): Promise<void> {
  const { core } = deps
  try {
    let settings: Settings
    try {
      settings = readSettings({
        input: (name) => core.getInput(name),
        env: deps.env,
        mask: (secret) => core.setSecret(secret),
        info: (message) => core.info(message)
      })
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error
      await publishInvalidInputs(error.problems, core)
      return
    }
    await deleteDownloads(settings, deps)
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  } finally {
    deps.dispose?.()
  }
}

/** How long closing the connections may hold up the end of the run (a socket stuck connecting). */
const CLOSE_WAIT_MS = 1000

async function deleteDownloads(settings: Settings, deps: Deps): Promise<void> {
  const { core } = deps
  const proxy = proxyFor(new URL(settings.baseUrl), deps.env, (message) => core.warning(message))
  if (proxy?.password) core.setSecret(decodeURIComponent(proxy.password))
  if (proxy) core.info(`Using the proxy at ${proxy.host}.`)
  const transport = deps.createTransport(proxy, { connections: settings.concurrency, timeoutMs: settings.timeoutMs })
  try {
    const report = await runTheBatch(settings, deps, transport)
    // The report is written before the connections are closed: nothing can hold it up.
    await publish(report, settings.summary, core)
  } finally {
    const close = new AbortController()
    await Promise.race([transport.destroy().catch(() => undefined), deps.clock.sleep(CLOSE_WAIT_MS, close.signal)])
    close.abort()
  }
}

async function runTheBatch(settings: Settings, deps: Deps, transport: Transport): Promise<RunReport> {
  const { core } = deps
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
    const videos = await runBatch(
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
  }
}
