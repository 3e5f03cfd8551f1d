/**
 * The annotations: one per problem worth a user's attention, capped per level as GitHub shows them.
 */
import type { FirstFitting } from './first-fitting.js'
import type { Annotation, AnnotationLevel, ReportSettings, RequestRecord, RunReport, VideoRecord } from '../types.js'
import { describeErrors } from '../cloudflare/messages.js'
import { credentialsHint, statusWords } from '../batch/outcome.js'
import { notSentProblem, timeLimitNotice } from './verdict.js'

/** GitHub shows at most 10 annotations of each level per step; past that, one line points to the summary. */
export const ANNOTATIONS_PER_LEVEL = 10

/** Cancelled videos named in the annotation that says the step was cancelled. */
export const CANCELLED_NAMED = 20

const LEVELS: readonly AnnotationLevel[] = ['error', 'warning', 'notice']

/** Adds the annotations of a finished video's requests (the `index`th of the input), in input order. */
export function addAnnotations(
  lists: Record<AnnotationLevel, FirstFitting<Annotation>>,
  counts: Record<AnnotationLevel, number>,
  video: VideoRecord,
  index: number,
  settings: ReportSettings
): void {
  video.requests.forEach((request, position) => {
    const level = levelOf(video, request, settings)
    if (level === undefined) return
    counts[level] += 1
    // Its words are written only if it may be shown: most of a long run's are only counted.
    lists[level].add([index, position], () => annotation(video.video_id, request, settings, level))
  })
}

/**
 * One annotation per problem worth a user's attention: the first ANNOTATIONS_PER_LEVEL of each
 * level, errors, warnings, then notices, each level followed by a pointer when some were left out.
 */
export function buildAnnotations(report: RunReport): Annotation[] {
  const { videos } = report
  const failure = failureLevel(report)
  const list: Annotation[] = []
  for (const level of LEVELS) {
    const kept = videos.annotations[level].kept.map((item) => item.value)
    let count = videos.annotationCounts[level]
    // The cancellation comes after every request's annotation of its level.
    const cancelledCount = videos.videoCounts.cancelled
    if (level === failure && cancelledCount > 0) {
      const cancelled = videos.cancelled.kept.map((item) => item.value)
      const unnamed = cancelledCount - CANCELLED_NAMED
      if (count++ < ANNOTATIONS_PER_LEVEL) {
        kept.push({
          level: failure,
          title: 'Step cancelled',
          message: `${cancelledCount} of ${videos.count} videos were not processed: ${cancelled.join(', ')}${unnamed > 0 ? `, and ${unnamed} more (see the results output)` : ''}`
        })
      }
    }
    // The credentials refused: said once, not once per video never sent.
    const notSent = level === failure ? notSentProblem(report) : undefined
    if (notSent !== undefined && count++ < ANNOTATIONS_PER_LEVEL) {
      kept.push({ level: failure, title: 'Stopped: credentials refused', message: notSent })
    }
    // The time limit is no failure: one notice, after the requests' own.
    const stopped = level === 'notice' ? timeLimitNotice(videos) : undefined
    if (stopped !== undefined && count++ < ANNOTATIONS_PER_LEVEL) {
      kept.push({ level, title: 'Stopped at the time limit', message: stopped })
    }
    list.push(...kept)
    const more = count - ANNOTATIONS_PER_LEVEL
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

function failureLevel(settings: ReportSettings): 'error' | 'warning' {
  return settings.failOnError ? 'error' : 'warning'
}

/**
 * The level of a request's annotation, if it deserves one. Nothing to delete is an error with
 * `if-missing: fail`; with `warn`, a warning only for a video the user named (a list or a file) of
 * which nothing was there: a selection meets many videos without downloads, and the missing audio
 * half of `download-type: all` is ordinary, so those are counted in the summary and logged, not raised.
 */
function levelOf(video: VideoRecord, request: RequestRecord, report: ReportSettings): AnnotationLevel | undefined {
  if (request.outcome === 'missing') {
    if (report.dryRun || report.ifMissing === 'ignore') return undefined
    const named = report.choice?.origin !== 'library'
    if (report.ifMissing === 'warn' && (!named || video.outcome !== 'missing')) return undefined
    return report.ifMissing === 'fail' ? failureLevel(report) : 'warning'
  }
  return request.outcome === 'failed' ? failureLevel(report) : undefined
}

/** The annotation of a request that deserves one (a `missing` or a `failed` one), at `level`. */
function annotation(
  videoId: string,
  request: RequestRecord,
  report: ReportSettings,
  level: AnnotationLevel
): Annotation {
  const what = `${request.download_type} download of video ${videoId}`
  if (request.outcome === 'missing') {
    return {
      level,
      title: `Not found: ${what}`,
      message: `Cloudflare answered 404 for the ${what}${describeErrors(request.errors, ': ')}`
    }
  }
  return {
    level,
    title: `Failed: ${what}`,
    message: `${statusWords(request.status_code)}${describeErrors(request.errors, ': ')}${hint(request.status_code, report)}`
  }
}

function hint(status: number | null, report: ReportSettings): string {
  if (status !== 401 && status !== 403) return ''
  return `. Either ${credentialsHint(report.authKind, report.accountId)}.`
}
