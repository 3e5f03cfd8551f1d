/** Records and reports as the batch produces them, for the report's tests. */
import { emptyRecord } from '../../src/batch/outcome.js'
import { Tally } from '../../src/report/tally.js'
import type { ReportSettings, RequestRecord, RunReport, VideoRecord } from '../../src/types.js'

export const deleted = (type: 'default' | 'audio' = 'default'): RequestRecord => ({
  ...emptyRecord(type, 'deleted'),
  status_code: 200,
  result: 'ok',
  ray_id: 'ray-ok',
  attempts: 1
})
export const missing = (type: 'default' | 'audio' = 'default'): RequestRecord => ({
  ...emptyRecord(type, 'missing'),
  status_code: 404,
  errors: [{ code: 10003, message: 'Not Found' }],
  ray_id: 'ray-404',
  attempts: 1
})
export const forbidden: RequestRecord = {
  ...emptyRecord('default', 'failed'),
  status_code: 403,
  errors: [{ code: 10000, message: 'Authentication error', documentation_url: 'https://developers.cloudflare.com/x' }],
  ray_id: 'ray-403',
  attempts: 1
}
export const video = (
  video_id: string,
  outcome: VideoRecord['outcome'],
  ...requests: RequestRecord[]
): VideoRecord => ({
  video_id,
  outcome,
  requests
})
/** A report of `videos` (finished in input order), as the run gathers it. */
export const report = (videos: VideoRecord[], over: Partial<Omit<RunReport, 'videos'>> = {}): RunReport => {
  const settings: ReportSettings & Omit<RunReport, 'videos'> = {
    downloadType: 'default',
    ifMissing: 'warn',
    dryRun: false,
    failOnError: true,
    accountId: 'acc1',
    authKind: 'token',
    success: true,
    cancelled: false,
    ...over
  }
  const tally = new Tally(settings)
  videos.forEach((video, index) => tally.add(video, index))
  return { ...settings, videos: tally }
}

/** The records of a results file (JSON Lines: one video a line, in the order they finished). */
export const resultsLines = (text: string): VideoRecord[] =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as VideoRecord)
