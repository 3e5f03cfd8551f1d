/**
 * The batch of deletions: every (video, download type) request, at most `concurrency` at a time, each
 * through the rate gate and the retry policy. Per-video problems are outcomes, never exceptions,
 * and every video is accounted for, cancelled ones included.
 */
import type { CloudflareClient } from './cloudflare.js'
import { emptyRecord, recordFromAnswer, videoOutcome } from './outcome.js'
import { acquireSlot, RateGate } from './pacing.js'
import type { Cancellation, Clock } from './ports.js'
import { isThrottled, retryDelayMs, retryReason } from './retry.js'
import type { Answer, DownloadType, RequestRecord, VideoRecord } from './types.js'

export interface BatchPlan {
  videoIds: readonly string[]
  downloadTypes: readonly DownloadType[]
  dryRun: boolean
  maxRetries: number
  concurrency: number
  requestsPerMinute: number
}

/** What the run tells the log as it goes. */
export interface BatchEvents {
  requestDone: (videoId: string, record: RequestRecord) => void
  retrying: (videoId: string, type: DownloadType, retry: number, delayMs: number, reason: string) => void
  /** The run is holding new requests for a while (throttling, quota, rate ceiling). */
  waiting: (message: string) => void
}

export interface BatchDeps {
  client: Pick<CloudflareClient, 'deleteDownload'>
  clock: Clock
  random: () => number
  events: BatchEvents
}

interface Task {
  video: number
  type: DownloadType
}

export async function runBatch(plan: BatchPlan, deps: BatchDeps, cancel: Cancellation): Promise<VideoRecord[]> {
  const tasks: Task[] = plan.videoIds.flatMap((_, video) => plan.downloadTypes.map((type) => ({ video, type })))
  const records: RequestRecord[][] = plan.videoIds.map(() => [])
  const gate = new RateGate(plan)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const task = tasks[next++] as Task
      const videoId = plan.videoIds[task.video] as string
      const record = plan.dryRun
        ? emptyRecord(task.type, 'skipped')
        : await deleteWithRetries(videoId, task.type, plan.maxRetries, gate, deps, cancel)
      records[task.video]?.push(record)
      deps.events.requestDone(videoId, record)
    }
  }
  await Promise.all(Array.from({ length: Math.min(plan.concurrency, tasks.length) }, worker))
  return plan.videoIds.map((video_id, index) => {
    // Workers finish out of order; report each video's requests in download-type order.
    const requests = (records[index] ?? []).sort(
      (a, b) => plan.downloadTypes.indexOf(a.download_type) - plan.downloadTypes.indexOf(b.download_type)
    )
    return { video_id, outcome: videoOutcome(requests), requests }
  })
}

async function deleteWithRetries(
  videoId: string,
  type: DownloadType,
  maxRetries: number,
  gate: RateGate,
  deps: BatchDeps,
  cancel: Cancellation
): Promise<RequestRecord> {
  const { clock } = deps
  let last: Answer | undefined
  let answerLost = false
  for (let attempt = 1; ; attempt++) {
    if (!(await acquireSlot(gate, clock, cancel.stop, deps.events.waiting))) {
      return last === undefined
        ? emptyRecord(type, 'cancelled')
        : withNote(recordFromAnswer(type, last, attempt - 1, answerLost), 'The step was cancelled before a retry.')
    }
    if (last?.kind === 'network' && last.mayHaveReachedServer) answerLost = true
    last = await deps.client.deleteDownload(videoId, type, cancel.abort)
    gate.finish(clock.now(), last)
    const reason = retryReason(last)
    if (reason === undefined || attempt > maxRetries || cancel.stop.aborted) {
      return recordFromAnswer(type, last, attempt, answerLost)
    }
    const delay = retryDelayMs(last, attempt, clock.now(), deps.random)
    // A throttled answer means the whole account is blocked: hold every worker, not just this one.
    if (isThrottled(last)) gate.pauseUntil(clock.now() + delay)
    deps.events.retrying(videoId, type, attempt, delay, reason)
    await clock.sleep(delay, cancel.stop)
  }
}

function withNote(record: RequestRecord, note: string): RequestRecord {
  return { ...record, errors: [...record.errors, { code: null, message: note }] }
}
