/**
 * The batch: every (video, download type) deletion, or in a dry run one read of each video's
 * downloads, at most `concurrency` at a time, each through the rate gate and the retry policy
 * (attempts.ts). Per-video problems are outcomes, never exceptions, and every video is accounted
 * for, unsent ones included.
 *
 * An answer that refuses the credentials (a 401, or a 403 with an authentication code) would be the
 * answer to every request: the batch then sends nothing new, not even a retry, and the requests not
 * yet sent are `not-sent`. Only requests already in flight (fewer than `concurrency`) still answer.
 *
 * The run's time limit (`attempts.deadline`) works the same way: from that instant no request and
 * no retry starts; requests never sent are `postponed`, and one whose retry never came keeps its
 * failing answer (`failed`).
 */
import { type AttemptDeps, type Attempted, sendWithRetries } from '../requests/attempts.js'
import type { CloudflareClient } from '../cloudflare/client.js'
import {
  plannedRecords,
  recordFromAttempts,
  refusesCredentials,
  type Unsent,
  UNSENT_ORDER,
  videoOutcome
} from './outcome.js'
import type { Answer, DownloadType, RequestRecord, VideoRecord } from '../types.js'

export interface BatchPlan {
  videoIds: readonly string[]
  downloadTypes: readonly DownloadType[]
  /** Read each video's downloads instead of deleting them. */
  dryRun: boolean
  concurrency: number
}

/** What the run tells the log as it goes. */
export interface BatchEvents {
  /** A video's requests are all done (in download-type order); `index` is its place in `videoIds`. */
  videoDone: (video: VideoRecord, index: number) => void
  retrying: (videoId: string, type: DownloadType | 'read', retry: number, delayMs: number, reason: string) => void
  /** Cloudflare refused the credentials (HTTP `status`): said once, when the batch stops sending. */
  refused: (videoId: string, status: number) => void
}

export interface BatchDeps {
  client: Pick<CloudflareClient, 'deleteDownload' | 'getDownloads'>
  /** Retries, pacing and cancellation, shared with the rest of the run. */
  attempts: AttemptDeps
  events: BatchEvents
}

/** Every video's requests; each video is told to `events.videoDone` as it finishes, in any order. */
export async function runBatch(plan: BatchPlan, deps: BatchDeps): Promise<void> {
  const { videoIds, downloadTypes } = plan
  const perVideo = plan.dryRun ? 1 : downloadTypes.length
  const total = videoIds.length * perVideo
  // The requests of the videos in progress; a finished video is handed on and forgotten.
  const inProgress = new Map<number, RequestRecord[]>()
  // What stops new requests, one per reason in UNSENT_ORDER: the step's cancellation, a refusal of
  // the credentials, the time limit. The attempts stop on any; the first that holds names the outcome.
  const refusal = new AbortController()
  const { clock, deadline = Infinity } = deps.attempts
  const stops: Record<Unsent, () => boolean> = {
    cancelled: () => deps.attempts.cancel.stop.aborted,
    'not-sent': () => refusal.signal.aborted,
    postponed: () => clock.now() >= deadline
  }
  const attempts: AttemptDeps = {
    ...deps.attempts,
    cancel: { ...deps.attempts.cancel, stop: AbortSignal.any([deps.attempts.cancel.stop, refusal.signal]) }
  }
  const unsent = (attempted: Attempted): Unsent =>
    UNSENT_ORDER.find((reason) => stops[reason]()) ?? (attempted.retryPastDeadline ? 'postponed' : 'cancelled')
  /** One request; an answer that refuses the credentials stops the batch as soon as it is read. */
  const send = async (videoId: string, request: () => Promise<Answer>): Promise<Answer> => {
    const answer = await request()
    if (!refusal.signal.aborted && refusesCredentials(answer)) {
      refusal.abort()
      deps.events.refused(videoId, answer.status)
    }
    return answer
  }
  let next = 0
  const finish = (index: number, done: RequestRecord[]): void => {
    inProgress.delete(index)
    // Workers finish out of order; report each video's requests in download-type order.
    const requests = done.sort(
      (a, b) => downloadTypes.indexOf(a.download_type) - downloadTypes.indexOf(b.download_type)
    )
    const video = { video_id: videoIds[index] as string, outcome: videoOutcome(requests), requests }
    deps.events.videoDone(video, index)
  }
  const worker = async (): Promise<void> => {
    while (next < total) {
      const task = next++
      const index = Math.floor(task / perVideo)
      const videoId = videoIds[index] as string
      let done = inProgress.get(index)
      if (done === undefined) inProgress.set(index, (done = []))
      if (plan.dryRun) {
        const attempted = await sendWithRetries(
          (signal) => send(videoId, () => deps.client.getDownloads(videoId, signal)),
          attempts,
          (...args) => deps.events.retrying(videoId, 'read', ...args)
        )
        done.push(...plannedRecords(downloadTypes, attempted, unsent(attempted)))
      } else {
        const type = downloadTypes[task % perVideo] as DownloadType
        const attempted = await sendWithRetries(
          (signal) => send(videoId, () => deps.client.deleteDownload(videoId, type, signal)),
          attempts,
          (...args) => deps.events.retrying(videoId, type, ...args)
        )
        done.push(recordFromAttempts(type, attempted, unsent(attempted)))
      }
      if (done.length === downloadTypes.length) finish(index, done)
    }
  }
  await Promise.all(Array.from({ length: Math.min(plan.concurrency, total) }, worker))
}
