/**
 * The `FetchPage` the selection pages with: one page of the video list, sent through the run's
 * shared retries, pacing and cancellation (requests/attempts.ts), and its failure in words.
 */
import { type AttemptDeps, type Retrying, sendWithRetries } from '../requests/attempts.js'
import type { CloudflareClient } from '../cloudflare/client.js'
import type { FetchPage } from '../cloudflare/video-list.js'
import { credentialsHint, recordFromAnswer, statusWords } from '../batch/outcome.js'
import type { Auth } from '../types.js'
import { describeErrors } from '../cloudflare/messages.js'

export function pageFetcher(
  client: Pick<CloudflareClient, 'listVideos'>,
  attempts: AttemptDeps,
  retrying: Retrying,
  authKind: Auth['kind'] = 'token'
): FetchPage {
  return async (query) => {
    const attempted = await sendWithRetries((signal) => client.listVideos(query, signal), attempts, retrying)
    const { last } = attempted
    if (last === undefined) return { ok: false, problem: 'the step was cancelled' }
    if (last.kind === 'http' && last.status === 200 && last.envelope?.success === true) {
      return { ok: true, videos: last.envelope.result, total: last.envelope.total }
    }
    const record = recordFromAnswer('default', last, attempted.attempts, attempted.answerLost)
    const auth = record.status_code === 401 || record.status_code === 403 ? `. Either ${credentialsHint(authKind)}` : ''
    return { ok: false, problem: `${statusWords(record.status_code)}${describeErrors(record.errors, ': ')}${auth}` }
  }
}
