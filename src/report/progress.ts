/**
 * The log while the batch runs. A short run gets one line per request. A long one gets a line for
 * each request that needs attention (a failure; a video with nothing to delete, when the user named
 * it), and a progress line at most every 10 seconds: done, total, percent, rate and time left.
 * That keeps a 100,000-video log readable, and small.
 */
import type { Clock } from '../ports.js'
import type { VideoRecord } from '../types.js'
import { requestLine } from './log-lines.js'

/** Up to this many videos, every request gets its own line. */
const DETAILED_UP_TO = 100
/** The longest a long run goes without a progress line. */
export const PROGRESS_EVERY_MS = 10_000

export interface ProgressOptions {
  total: number
  clock: Clock
  info: (line: string) => void
  /** Whether the user named the videos (a list or a file): then each one with nothing to delete gets its line. */
  named: boolean
  /** The dry run's verb. */
  dryRun: boolean
}

export class ProgressLog {
  private done = 0
  private readonly started: number
  private lastLine: number
  private readonly detailed: boolean

  constructor(private readonly options: ProgressOptions) {
    this.started = options.clock.now()
    this.lastLine = this.started
    this.detailed = options.total <= DETAILED_UP_TO
  }

  videoDone(video: VideoRecord): void {
    this.done += 1
    for (const request of video.requests) {
      const attention =
        request.outcome === 'failed' || (this.options.named && video.outcome === 'missing' && !this.options.dryRun)
      if (this.detailed || attention) this.options.info(requestLine(video.video_id, request))
    }
    if (this.detailed) return
    const now = this.options.clock.now()
    if (now - this.lastLine >= PROGRESS_EVERY_MS) {
      this.lastLine = now
      this.options.info(this.line(now))
    }
  }

  /** The closing progress line of a long run. */
  finish(): void {
    if (!this.detailed && this.done > 0) this.options.info(this.line(this.options.clock.now()))
  }

  private line(now: number): string {
    const { total } = this.options
    const seconds = Math.max(0.001, (now - this.started) / 1000)
    const rate = this.done / seconds
    const percent = Math.floor((this.done / Math.max(1, total)) * 100)
    const left = this.done < total && rate > 0 ? `, about ${duration((total - this.done) / rate)} left` : ''
    return `Progress: ${thousands(this.done)} of ${thousands(total)} videos (${percent}%), ${rate.toFixed(1)} videos/s${left}.`
  }
}

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)} s`
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`
  return `${(seconds / 3600).toFixed(1)} h`
}

/** 12,345, whatever the runner's locale. */
function thousands(n: number): string {
  return n.toLocaleString('en-US')
}
