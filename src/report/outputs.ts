/**
 * The action's outputs, every one a string as the runner stores them, built from the run's records.
 */
import type { RunReport, VideoRecord } from '../types.js'

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

/** The outputs when the inputs could not be used: nothing was sent, every problem is an error. */
export function invalidInputOutputs(problems: readonly string[]): Record<string, string> {
  return {
    success: 'false',
    result: '',
    errors: JSON.stringify(problems.map((message) => ({ code: null, message }))),
    messages: '[]',
    results: '[]',
    deleted: '[]',
    missing: '[]',
    failed: '[]'
  }
}
