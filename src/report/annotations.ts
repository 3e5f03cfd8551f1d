/**
 * The annotations: one per problem worth a user's attention, capped per level as GitHub shows them.
 */
import type { RequestRecord, RunReport, VideoRecord } from '../types.js'
import { describeErrors } from './text.js'

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
  const all: Annotation[] = []
  for (const video of report.videos) {
    for (const request of video.requests) {
      const annotation = annotate(video, request, report, failure)
      if (annotation) all.push(annotation)
    }
  }
  const cancelled = report.videos.filter((video) => video.outcome === 'cancelled').map((video) => video.video_id)
  if (cancelled.length > 0) {
    all.push({
      level: failure,
      title: 'Step cancelled',
      message: `${cancelled.length} of ${report.videos.length} videos were not processed: ${cancelled.slice(0, 20).join(', ')}${cancelled.length > 20 ? `, and ${cancelled.length - 20} more (see the results output)` : ''}`
    })
  }
  return capPerLevel(all)
}

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

function capPerLevel(annotations: Annotation[]): Annotation[] {
  const kept: Annotation[] = []
  for (const level of ['error', 'warning', 'notice'] as const) {
    const ofLevel = annotations.filter((annotation) => annotation.level === level)
    kept.push(...ofLevel.slice(0, ANNOTATIONS_PER_LEVEL))
    if (ofLevel.length > ANNOTATIONS_PER_LEVEL) {
      const more = ofLevel.length - ANNOTATIONS_PER_LEVEL
      kept.push({
        level,
        title: `${more} more`,
        message: `${more} more like these: see the job summary and the results output.`
      })
    }
  }
  return kept
}
