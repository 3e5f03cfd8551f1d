/**
 * The log lines written while the batch runs: one per finished request, one per retry.
 */
import type { DownloadType, RequestRecord } from '../types.js'
import { safeText } from '../safe-text.js'
import { describeErrors } from '../cloudflare/messages.js'

/** The log line for one finished request. */
export function requestLine(videoId: string, record: RequestRecord): string {
  const parts = [record.status_code === null ? undefined : `HTTP ${record.status_code}`]
  if (record.ray_id) parts.push(`ray ${safeText(record.ray_id, 100)}`)
  if (record.attempts > 1) parts.push(`${record.attempts} attempts`)
  if (record.answer_lost) parts.push('an earlier answer was lost')
  const detail = parts.filter((part) => part !== undefined).join(', ')
  const errors = record.outcome === 'failed' ? describeErrors(record.errors, ' — ') : ''
  return `${videoId} ${record.download_type}: ${record.outcome}${detail ? ` (${detail})` : ''}${errors}`
}

/** The log line when Cloudflare refuses the credentials and the batch stops sending. */
export function refusedLine(videoId: string, status: number): string {
  return `${videoId}: HTTP ${status}, Cloudflare refused the credentials: nothing more is sent, and the requests not yet sent are \`not-sent\`.`
}

export function retryLine(
  videoId: string,
  type: DownloadType | 'read',
  retry: number,
  delayMs: number,
  reason: string
): string {
  return `${videoId} ${type}: ${safeText(reason)}; retry ${retry} in ${(delayMs / 1000).toFixed(1)} s`
}
