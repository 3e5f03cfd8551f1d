/**
 * The annotations: one per problem worth a user's attention, capped per level as GitHub shows them.
 */
import type { RequestRecord, RunReport, VideoRecord } from '../types.js'
import { digestOf, OUTCOMES, outcomeBits, videosWhere } from '../batch/digest.js'
import { describeErrors } from '../cloudflare/messages.js'

export interface Annotation {
  level: 'error' | 'warning' | 'notice'
  title: string
  message: string
}

/** GitHub shows at most 10 annotations of each level per step; past that, one line points to the summary. */
export const ANNOTATIONS_PER_LEVEL = 10

/** One annotation per problem worth a user's attention, capped per level with a pointer to the summary. */
export function buildAnnotations(report: RunReport): Annotation[] {
  const failure = report.failOnError ? 'error' : 'warning'
  const capped = new CappedAnnotations()
  const { videos } = report
  const digest = digestOf(videos)
  // Only a request that failed or found nothing may get an annotation.
  const worth = outcomeBits(['missing', 'failed'])
  for (const video of videosWhere(videos, (i) => ((digest.requests[i] as number) & worth) !== 0)) {
    for (const request of video.requests) {
      const annotation = annotate(video, request, report, failure)
      if (annotation) capped.add(annotation)
    }
  }
  const cancelledCount = digest.videoCounts.cancelled
  if (cancelledCount > 0) {
    const code = OUTCOMES.indexOf('cancelled')
    const cancelled: string[] = []
    for (const video of videosWhere(videos, (i) => digest.outcomes[i] === code)) {
      cancelled.push(video.video_id)
      if (cancelled.length === CANCELLED_NAMED) break
    }
    const more = cancelledCount - CANCELLED_NAMED
    capped.add({
      level: failure,
      title: 'Step cancelled',
      message: `${cancelledCount} of ${report.videos.length} videos were not processed: ${cancelled.join(', ')}${more > 0 ? `, and ${more} more (see the results output)` : ''}`
    })
  }
  return capped.list()
}

/** Cancelled videos named in the annotation that says the step was cancelled. */
const CANCELLED_NAMED = 20

/**
 * A request's annotation, if it deserves one. Nothing to delete is an error with `if-missing: fail`;
 * with `warn`, a warning only for a video the user named (a list or a file) of which nothing was
 * there: a selection meets many videos without downloads, and the missing audio half of
 * `download-type: all` is ordinary, so those are counted in the summary and logged, not raised.
 */
function annotate(
  video: VideoRecord,
  request: RequestRecord,
  report: RunReport,
  failure: 'error' | 'warning'
): Annotation | undefined {
  const videoId = video.video_id
  const what = `${request.download_type} download of video ${videoId}`
  if (request.outcome === 'missing') {
    if (report.dryRun || report.ifMissing === 'ignore') return undefined
    const named = report.choice?.origin !== 'library'
    if (report.ifMissing === 'warn' && (!named || video.outcome !== 'missing')) return undefined
    return {
      level: report.ifMissing === 'fail' ? failure : 'warning',
      title: `Not found: ${what}`,
      message: `Cloudflare answered 404 for the ${what}${describeErrors(request.errors, ': ')}`
    }
  }
  if (request.outcome !== 'failed') return undefined
  const status = request.status_code === null ? 'no answer' : `HTTP ${request.status_code}`
  return {
    level: failure,
    title: `Failed: ${what}`,
    message: `${status}${describeErrors(request.errors, ': ')}${hint(request.status_code, report.accountId)}`
  }
}

function hint(status: number | null, accountId: string): string {
  if (status !== 401 && status !== 403) return ''
  return `. Either the API token lacks the Stream Write permission, or it is not valid for account ${accountId} (check \`account-id\` and the token's account resources).`
}

/** The first ANNOTATIONS_PER_LEVEL of each level, in order, and how many more there were. */
class CappedAnnotations {
  private readonly kept = { error: [] as Annotation[], warning: [] as Annotation[], notice: [] as Annotation[] }
  private readonly counts = { error: 0, warning: 0, notice: 0 }

  add(annotation: Annotation): void {
    if (this.counts[annotation.level]++ < ANNOTATIONS_PER_LEVEL) this.kept[annotation.level].push(annotation)
  }

  /** Errors, warnings, then notices, each level followed by a pointer when some were left out. */
  list(): Annotation[] {
    const list: Annotation[] = []
    for (const level of ['error', 'warning', 'notice'] as const) {
      list.push(...this.kept[level])
      const more = this.counts[level] - ANNOTATIONS_PER_LEVEL
      if (more > 0) {
        list.push({
          level,
          title: `${more} more`,
          message: `${more} more like these: see the job summary and the results output.`
        })
      }
    }
    return list
  }
}
