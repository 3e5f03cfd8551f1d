/**
 * Tells the user what happened: outputs, annotations and log lines, built as plain data from the
 * run's records (the job summary is in summary.ts). Nothing here talks to Cloudflare.
 */
import type { CloudflareMessage, DownloadType, RequestRecord, VideoRecord } from './types.js'

export interface RunReport {
  videos: readonly VideoRecord[]
  downloadType: 'default' | 'audio' | 'all'
  ifMissing: 'warn' | 'ignore' | 'fail'
  dryRun: boolean
  failOnError: boolean
  accountId: string
  /** Everything asked was done (see runSucceeded). */
  success: boolean
  /** The step was cancelled by the runner before the run ended. */
  cancelled: boolean
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice'
  title: string
  message: string
}

/** GitHub shows at most 10 annotations of each level per step; past that, one line points to the summary. */
export const ANNOTATIONS_PER_LEVEL = 10

/** The action's outputs, every one a string as the runner stores them. */
export function buildOutputs(report: RunReport): Record<string, string> {
  const { videos } = report
  const sent = videos.flatMap((video) => video.requests).filter((request) => request.attempts > 0)
  const single = videos.length === 1 && videos[0]?.requests.length === 1 && sent.length === 1
  const ids = (outcome: string): string =>
    JSON.stringify(videos.filter((video) => video.outcome === outcome).map((video) => video.video_id))
  return {
    success: String(report.success),
    result: single ? resultText(sent[0]?.result) : JSON.stringify(resultMap(report)),
    errors: JSON.stringify(flatten(videos, 'errors')),
    messages: JSON.stringify(flatten(videos, 'messages')),
    results: JSON.stringify(videos),
    deleted: ids('deleted'),
    missing: ids('missing'),
    failed: ids('failed')
  }
}

function resultText(result: unknown): string {
  if (result === null || result === undefined) return ''
  return typeof result === 'string' ? result : JSON.stringify(result)
}

function resultMap(report: RunReport): Record<string, unknown> {
  const byVideo: Record<string, unknown> = {}
  for (const video of report.videos) {
    byVideo[video.video_id] =
      report.downloadType === 'all'
        ? Object.fromEntries(video.requests.map((request) => [request.download_type, request.result]))
        : (video.requests[0]?.result ?? null)
  }
  return byVideo
}

function flatten(videos: readonly VideoRecord[], key: 'errors' | 'messages'): object[] {
  return videos.flatMap((video) =>
    video.requests.flatMap((request) =>
      request[key].map((entry) => ({ ...entry, video_id: video.video_id, download_type: request.download_type }))
    )
  )
}

/** One annotation per problem worth a user's attention, capped per level with a pointer to the summary. */
export function buildAnnotations(report: RunReport): Annotation[] {
  const failure = report.failOnError ? 'error' : 'warning'
  const all: Annotation[] = []
  for (const video of report.videos) {
    for (const request of video.requests) {
      const annotation = annotate(video.video_id, request, report, failure)
      if (annotation) all.push(annotation)
    }
  }
  const cancelled = report.videos.filter((video) => video.outcome === 'cancelled').map((video) => video.video_id)
  if (cancelled.length > 0) {
    all.push({
      level: failure,
      title: 'Step cancelled',
      message: `${cancelled.length} of ${report.videos.length} videos were not processed: ${cancelled.join(', ')}`
    })
  }
  return capPerLevel(all)
}

function annotate(
  videoId: string,
  request: RequestRecord,
  report: RunReport,
  failure: 'error' | 'warning'
): Annotation | undefined {
  const what = `${request.download_type} download of video ${videoId}`
  if (request.outcome === 'missing') {
    if (report.ifMissing === 'ignore') return undefined
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

/** Cloudflare's codes, messages and documentation links, in one line. */
export function describeErrors(errors: readonly CloudflareMessage[], lead = ''): string {
  if (errors.length === 0) return ''
  const each = errors.map((error) => {
    const code = error.code === null ? '' : `[${error.code}] `
    const docs = error.documentation_url ? ` (${error.documentation_url})` : ''
    return `${code}${error.message}${docs}`
  })
  return `${lead}${each.join('; ')}`
}

function hint(status: number | null, accountId: string): string {
  if (status !== 401 && status !== 403) return ''
  return `. Check that the API token is valid and has the Stream Write permission on account ${accountId}.`
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

/** The log line for one finished request. */
export function requestLine(videoId: string, record: RequestRecord): string {
  const parts = [record.status_code === null ? undefined : `HTTP ${record.status_code}`]
  if (record.ray_id) parts.push(`ray ${record.ray_id}`)
  if (record.attempts > 1) parts.push(`${record.attempts} attempts`)
  if (record.answer_lost) parts.push('an earlier answer was lost')
  const detail = parts.filter((part) => part !== undefined).join(', ')
  const errors = record.outcome === 'failed' ? describeErrors(record.errors, ' — ') : ''
  return `${videoId} ${record.download_type}: ${record.outcome}${detail ? ` (${detail})` : ''}${errors}`
}

export function retryLine(videoId: string, type: DownloadType, retry: number, delayMs: number, reason: string): string {
  return `${videoId} ${type}: ${reason}; retry ${retry} in ${(delayMs / 1000).toFixed(1)} s`
}

/** The closing line of the log, and the step's failure message when it fails. */
export function verdict(report: RunReport): string {
  const count = (outcome: string): number => report.videos.filter((video) => video.outcome === outcome).length
  const totals = ['deleted', 'missing', 'failed', 'skipped', 'cancelled']
    .map((outcome) => [outcome, count(outcome)] as const)
    .filter(([, n]) => n > 0)
    .map(([outcome, n]) => `${n} ${outcome}`)
    .join(', ')
  const mode = report.dryRun ? ' (dry run: nothing was sent)' : ''
  return `${report.videos.length} video${report.videos.length === 1 ? '' : 's'}: ${totals}${mode}`
}
