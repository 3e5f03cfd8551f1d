/**
 * The run: settings → a selection's checkpoint (checkpoint-run.ts) → which videos (sources.ts) →
 * the batch (batch.ts) → report. Takes the outside world as {@link Deps} (ports.ts); main.ts passes
 * the real one. The single catch turns anything unexpected, even a non-Error throw, into a failed step.
 */
import type { AttemptDeps } from './requests/attempts.js'
import { runBatch } from './batch/batch.js'
import { CloudflareClient } from './cloudflare/client.js'
import { runSucceeded } from './batch/outcome.js'
import { RateGate } from './requests/rate-gate.js'
import type { Deps, Transport } from './ports.js'
import { proxyFor } from './requests/proxy.js'
import { refusedLine, retryLine } from './report/log-lines.js'
import { ProgressLog } from './report/progress.js'
import { publish, publishInvalidInputs } from './report/publish.js'
import { ResultsFile, resultsFileName } from './report/results-file.js'
import { Tally } from './report/tally.js'
import { choiceLine } from './report/verdict.js'
import { listingProgress } from './report/listing-lines.js'
import { estimateLine } from './report/estimate.js'
import { readSettings, type Settings, SettingsError } from './inputs/settings.js'
import { chooseVideos, overCap } from './sources/sources.js'
import { openCheckpoint } from './sources/checkpoint-run.js'
import { errorMessage, type ReportSettings, type RunReport, type VideoRecord } from './types.js'
import { userAgent } from './cloudflare/user-agent.js'
import { pageFetcher } from './sources/page-fetcher.js'
import { waitingLog } from './report/waiting-lines.js'

export async function runAction(deps: Deps): Promise<void> {
  const { core } = deps
  // The time limit counts from here: the start of the step, as the run's clock tells it.
  const startedAt = deps.clock.now()
  try {
    let settings: Settings
    try {
      settings = readSettings({
        input: (name) => core.getInput(name),
        given: (name) => core.inputGiven(name),
        env: deps.env,
        mask: (secret) => core.setSecret(secret),
        info: (message) => core.info(message),
        warning: (message) => core.warning(message),
        now: () => deps.clock.now(),
        workspace: deps.env.GITHUB_WORKSPACE ?? ''
      })
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error
      await publishInvalidInputs(error.problems, core)
      return
    }
    await withTransport(settings, deps, startedAt)
  } catch (error) {
    core.setFailed(errorMessage(error))
  } finally {
    deps.dispose?.()
  }
}

/** How long closing the connections may hold up the end of the run (a socket stuck connecting). */
const CLOSE_WAIT_MS = 1000

async function withTransport(settings: Settings, deps: Deps, startedAt: number): Promise<void> {
  const { core } = deps
  const proxy = proxyFor(new URL(settings.baseUrl), deps.env, (message) => core.warning(message))
  if (proxy?.password) core.setSecret(decodeURIComponent(proxy.password))
  if (proxy) core.info(`Using the proxy at ${proxy.host}.`)
  const transport = deps.createTransport(proxy, { connections: settings.concurrency, timeoutMs: settings.timeoutMs })
  try {
    await chooseAndRun(settings, deps, transport, startedAt)
  } finally {
    const close = new AbortController()
    await Promise.race([transport.destroy().catch(() => undefined), deps.clock.sleep(CLOSE_WAIT_MS, close.signal)])
    close.abort()
  }
}

async function chooseAndRun(settings: Settings, deps: Deps, transport: Transport, startedAt: number): Promise<void> {
  const { core } = deps
  const client = new CloudflareClient({
    baseUrl: settings.baseUrl,
    accountId: settings.accountId,
    auth: settings.auth,
    userAgent: userAgent(settings.userAgentDetails ? deps.context : undefined, deps.nodeVersion),
    transport
  })
  // One gate for every request of the run: the list, the reads and the deletions share the quota.
  const attempts: AttemptDeps = {
    gate: new RateGate(settings),
    clock: deps.clock,
    random: deps.random,
    maxRetries: settings.maxRetries,
    cancel: deps.cancellation,
    waiting: waitingLog(settings.requestsPerMinute, (line) => core.info(line))
  }
  const asked: ReportSettings = {
    downloadType: settings.downloadType,
    ifMissing: settings.ifMissing,
    dryRun: settings.dryRun,
    failOnError: settings.failOnError,
    accountId: settings.accountId,
    authKind: settings.auth.kind
  }
  const base = { ...asked, videos: new Tally(asked), cancelled: false }

  const opened = await openCheckpoint(settings, deps)
  if (!opened.ok) return publishInvalidInputs([opened.problem], core)
  const { checkpoint } = opened
  const resume = checkpoint?.resume()

  if (settings.source.kind === 'library') core.info('Listing the videos that match the filters…')
  const chosen = await chooseVideos(
    settings.source,
    settings.exclude,
    {
      readFile: deps.readFile,
      fetchPage: pageFetcher(
        client,
        attempts,
        (retry, delay, reason) => core.info(retryLine('video list', 'read', retry, delay, reason)),
        settings.auth.kind
      ),
      listed: listingProgress(deps.clock, (line) => core.info(line))
    },
    // A real run stops listing once the selection must be refused; a dry run lists on (bounded by `total`).
    { maxVideos: settings.maxVideos, dryRun: settings.dryRun },
    resume
  )
  if (!chosen.ok) {
    if (chosen.failure.kind === 'input') return publishInvalidInputs([chosen.failure.problem], core)
    const cancelled = deps.cancellation.stop.aborted
    return publish({ ...base, success: false, cancelled, runProblem: chosen.failure.problem }, settings.summary, core)
  }
  const { choice } = chosen
  const { ids, ...summary } = choice
  core.info(choiceLine(summary, ids.length))
  const tooMany = overCap(choice, settings.maxVideos)
  if (tooMany !== undefined && !settings.dryRun) {
    return publish({ ...base, success: false, choice: summary, runProblem: tooMany }, settings.summary, core)
  }
  if (tooMany !== undefined) {
    // The safe first run shows the whole plan; the real run keeps refusing.
    core.warning(
      `${ids.length} videos, more than \`max-videos\` (${settings.maxVideos}): a real run would refuse them and send ` +
        'nothing. This dry run reads them all to show the plan; raise `max-videos` (0 for no cap) if that many is meant.'
    )
  }
  if (ids.length === 0) {
    const why =
      choice.resumed !== undefined
        ? 'No video to act on since the checkpoint'
        : choice.origin === 'library'
          ? 'No video matches the filters'
          : choice.found === 0
            ? 'The list is empty'
            : 'Every id is excluded'
    core.notice(`${why}: nothing to do.`)
    const standing = await checkpoint?.save(choice)
    return publish(
      { ...base, success: true, choice: summary, ...(standing === undefined ? {} : { checkpoint: standing }) },
      settings.summary,
      core
    )
  }

  // The listing is not bounded by the time limit (a cut listing is no selection); the batch is:
  // no request or retry starts once it is reached.
  const deadline = settings.timeLimitMs > 0 ? startedAt + settings.timeLimitMs : undefined
  const estimate = estimateLine({
    videos: ids.length,
    perVideo: settings.dryRun ? 1 : settings.downloadTypes.length,
    requestsPerMinute: settings.requestsPerMinute,
    quotaPerMinute: attempts.gate.policyPerMinute,
    timeLeftMs: deadline === undefined ? undefined : deadline - deps.clock.now()
  })
  core.info(estimate)

  // Each finished video goes to the results file and to what the report needs of it, then is dropped.
  const videos = new Tally({ ...asked, choice: summary })
  const results = new ResultsFile(
    resultsFileName(deps.tempDir, deps.context, deps.clock.now()),
    deps.createLineFile,
    (message) => core.warning(message)
  )
  let resultsFile: string | undefined
  try {
    await theBatch(
      settings,
      deps,
      client,
      { ...attempts, deadline },
      ids,
      choice.origin !== 'library',
      (video, index) => {
        results.write(video)
        videos.add(video, index)
        checkpoint?.videoDone(video)
      }
    )
  } finally {
    resultsFile = results.close()
  }
  const standing = await checkpoint?.save(choice)
  const report: RunReport = {
    ...base,
    videos,
    choice: summary,
    success: runSucceeded(videos.requestCounts, settings.ifMissing),
    cancelled: deps.cancellation.stop.aborted,
    resultsFile,
    estimate,
    ...(standing === undefined ? {} : { checkpoint: standing })
  }
  await publish(report, settings.summary, core)
}

async function theBatch(
  settings: Settings,
  deps: Deps,
  client: CloudflareClient,
  attempts: AttemptDeps,
  ids: readonly string[],
  named: boolean,
  videoDone: (video: VideoRecord, index: number) => void
): Promise<void> {
  const { core } = deps
  const count = ids.length
  const types = settings.downloadTypes.join(' and ')
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`
  core.info(
    settings.dryRun
      ? `Dry run: reading which ${types} downloads exist for ${plural(count, 'video')} in account ${settings.accountId}; nothing will be deleted.`
      : `Deleting the ${types} download${settings.downloadTypes.length > 1 ? 's' : ''} of ${plural(count, 'video')} in account ${settings.accountId}.`
  )
  const progress = new ProgressLog({
    total: count,
    clock: deps.clock,
    info: (line) => core.info(line),
    named,
    dryRun: settings.dryRun
  })
  if (count > 1) core.startGroup(`Requests for ${count} videos`)
  try {
    await runBatch(
      {
        videoIds: ids,
        downloadTypes: settings.downloadTypes,
        dryRun: settings.dryRun,
        concurrency: settings.concurrency
      },
      {
        client,
        attempts,
        events: {
          videoDone: (video, index) => {
            progress.videoDone(video)
            videoDone(video, index)
          },
          retrying: (...args) => core.info(retryLine(...args)),
          refused: (...args) => core.info(refusedLine(...args))
        }
      }
    )
  } finally {
    progress.finish()
    if (count > 1) core.endGroup()
  }
}
