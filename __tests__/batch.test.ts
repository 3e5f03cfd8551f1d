/** The batch of deletions with the real client against the loopback stand-in; clocks are injected. */
import { afterEach, describe, expect, it } from '@jest/globals'
import { type BatchDeps, type BatchPlan, runBatch } from '../src/batch/batch.js'
import { RateGate } from '../src/requests/rate-gate.js'
import { waitingLog } from '../src/report/waiting-lines.js'
import type { Clock } from '../src/ports.js'
import type { Answer, VideoRecord } from '../src/types.js'
import type { FaultRule } from '../dev/stand-in.js'
import { closeStandInClients, type StandIn, standInClient } from './helpers/stand-in-client.js'
import { fastClock, neverCancelled, realClock } from './helpers/fakes.js'

let standIn: StandIn

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `vid${i}`)

async function setUp(options: Parameters<typeof standInClient>[0] & { clientToken?: string }) {
  const { clientToken, ...rest } = options
  const pair = await standInClient({ ...rest, token: clientToken })
  standIn = pair.standIn
  return pair.client
}

afterEach(closeStandInClients)

/** The plan, and the run-wide settings the batch takes through its retry and pacing deps. */
type Options = Partial<BatchPlan> & {
  maxRetries?: number
  requestsPerMinute?: number
  onRefused?: () => void
  /** The time limit, on the batch's clock. */
  deadline?: number
}

async function cleanUp(
  client: BatchDeps['client'],
  over: Options,
  clock: Clock = fastClock(),
  cancel = neverCancelled()
) {
  const { maxRetries = 5, requestsPerMinute = 0, onRefused, deadline, ...rest } = over
  const plan: BatchPlan = { videoIds: ['vid0'], downloadTypes: ['default'], dryRun: false, concurrency: 4, ...rest }
  const retries: string[] = []
  const refusals: string[] = []
  const waits: string[] = []
  // The finished videos in input order, as the report shows them.
  const videos: VideoRecord[] = []
  await runBatch(plan, {
    client,
    attempts: {
      gate: new RateGate({ requestsPerMinute, concurrency: plan.concurrency }),
      clock,
      random: () => 0.5,
      maxRetries,
      cancel,
      waiting: waitingLog(requestsPerMinute, (line) => waits.push(line)),
      deadline
    },
    events: {
      videoDone: (video, index) => void (videos[index] = video),
      retrying: (video, type, retry, delay, reason) => retries.push(`${video} ${type} #${retry} ${delay} ${reason}`),
      refused: (video, status) => {
        refusals.push(`${video} ${status}`)
        onRefused?.()
      }
    }
  })
  return { videos, retries, waits, refusals }
}

const videosWith = (n: number, audio = false) => Object.fromEntries(ids(n).map((id) => [id, { default: true, audio }]))

describe('runBatch', () => {
  it('deletes every download asked, in input order, each request recorded', async () => {
    const client = await setUp({ videos: videosWith(3, true) })
    const { videos } = await cleanUp(client, {
      videoIds: ['vid2', 'vid0', 'vid1'],
      downloadTypes: ['default', 'audio']
    })
    expect(
      videos.map((v) => [v.video_id, v.outcome, v.requests.map((r) => `${r.download_type}:${r.outcome}`)])
    ).toEqual([
      ['vid2', 'deleted', ['default:deleted', 'audio:deleted']],
      ['vid0', 'deleted', ['default:deleted', 'audio:deleted']],
      ['vid1', 'deleted', ['default:deleted', 'audio:deleted']]
    ])
    expect([...standIn.videos.values()].every((d) => !d.default && !d.audio)).toBe(true)
  })

  it('in a dry run deletes nothing, reads each video once, and says which downloads a real run would delete', async () => {
    const client = await setUp({ videos: { vid0: { default: true, audio: true }, vid1: { default: true } } })
    const { videos } = await cleanUp(client, {
      videoIds: ['vid0', 'vid1', 'vid2'],
      downloadTypes: ['default', 'audio'],
      dryRun: true
    })
    expect(
      videos.map((v) => [v.video_id, v.outcome, v.requests.map((r) => `${r.download_type}:${r.outcome}`)])
    ).toEqual([
      ['vid0', 'would-delete', ['default:would-delete', 'audio:would-delete']],
      ['vid1', 'would-delete', ['default:would-delete', 'audio:missing']],
      ['vid2', 'missing', ['default:missing', 'audio:missing']]
    ])
    expect(standIn.log.map((entry) => entry.method)).toEqual(['GET', 'GET', 'GET'])
    expect(videos[0]?.requests[0]?.result).toMatchObject({ status: 'ready' })
    expect([...standIn.videos.values()].every((d) => d.default)).toBe(true)
  })

  it('fails a dry run the way the real run would fail, on a rejected token', async () => {
    const client = await setUp({ videos: videosWith(1), clientToken: 'wrong' })
    const { videos } = await cleanUp(client, { dryRun: true, downloadTypes: ['default', 'audio'] })
    expect(videos[0]?.requests.map((r) => [r.outcome, r.status_code])).toEqual([
      ['failed', 403],
      ['failed', 403]
    ])
  })

  describe('when Cloudflare refuses the credentials', () => {
    const hexIds = (n: number): string[] => Array.from({ length: n }, (_, i) => i.toString(16).padStart(32, '0'))

    it('sends nothing new: at most `concurrency` requests in all, the rest not-sent, said once', async () => {
      const client = await setUp({ videos: {}, clientToken: 'wrong', latencyMs: 20 })
      const { videos, refusals } = await cleanUp(client, { videoIds: hexIds(40), concurrency: 4 })
      // The four in flight when the first refusal came, none after it.
      expect(standIn.log.length).toBeLessThanOrEqual(4)
      const sent = standIn.log.length
      expect(videos.filter((v) => v.outcome === 'failed')).toHaveLength(sent)
      expect(videos.filter((v) => v.outcome === 'not-sent')).toHaveLength(40 - sent)
      expect(videos[39]?.requests[0]).toMatchObject({ outcome: 'not-sent', attempts: 0, status_code: null })
      expect(refusals).toHaveLength(1)
    })

    it('stops a dry run, and both download types of each video left, alike', async () => {
      const client = await setUp({ videos: {}, clientToken: 'wrong' })
      const { videos } = await cleanUp(client, {
        videoIds: hexIds(10),
        concurrency: 1,
        dryRun: true,
        downloadTypes: ['default', 'audio']
      })
      expect(standIn.log).toHaveLength(1)
      expect(videos.map((v) => v.requests.map((r) => r.outcome).join('+'))).toEqual([
        'failed+failed',
        ...Array<string>(9).fill('not-sent+not-sent')
      ])
    })

    it('goes on after a 403 that is about one video, not the credentials', async () => {
      const client = await setUp({ videos: videosWith(3), faults: [{ video: 'vid1', fault: 'forbidden' }] })
      const { videos, refusals } = await cleanUp(client, { videoIds: ids(3), concurrency: 1 })
      expect(videos.map((v) => v.outcome)).toEqual(['deleted', 'failed', 'deleted'])
      expect(refusals).toEqual([])
    })

    it('marks a request cancelled, not not-sent, when the step is cancelled too', async () => {
      const client = await setUp({ videos: {}, clientToken: 'wrong' })
      const stop = new AbortController()
      const { videos } = await cleanUp(
        client,
        { videoIds: hexIds(3), concurrency: 1, onRefused: () => stop.abort() },
        fastClock(),
        { stop: stop.signal, abort: new AbortController().signal }
      )
      expect(videos.map((v) => v.outcome)).toEqual(['failed', 'cancelled', 'cancelled'])
    })
  })

  it('retries 5xx, HTML edge errors and resets with backoff, counting attempts', async () => {
    const faults: FaultRule[] = [{ fault: '503' }, { fault: 'html520' }, { fault: 'reset' }, { fault: 'html502' }]
    const client = await setUp({ videos: videosWith(1), faults })
    const clock = fastClock()
    const { videos, retries } = await cleanUp(client, {}, clock)
    expect(videos[0]?.requests[0]).toMatchObject({ outcome: 'deleted', attempts: 5, status_code: 200 })
    // Full jitter with random() = 0.5: half of 1, 2, 4, 8 s.
    expect(clock.sleeps).toEqual([500, 1000, 2000, 4000])
    expect(retries[0]).toBe('vid0 default #1 500 HTTP 503')
    expect(retries[1]).toBe('vid0 default #2 1000 HTTP 520')
  })

  it('waits exactly the Retry-After of a 429', async () => {
    const client = await setUp({ videos: videosWith(1), faults: [{ fault: '429', retryAfter: '7' }] })
    const clock = fastClock()
    const { videos } = await cleanUp(client, {}, clock)
    expect(videos[0]?.outcome).toBe('deleted')
    expect(clock.sleeps).toEqual([7000])
  })

  it('pauses the whole run, not just one worker, after a 429', async () => {
    // Real time here: the other workers must really be held while the first one waits. Only lower
    // bounds are asserted (a slow machine waits longer, never shorter).
    const client = await setUp({
      videos: videosWith(8),
      latencyMs: 20,
      faults: [{ video: 'vid0', fault: '429', retryAfter: '2' }]
    })
    const { videos, waits } = await cleanUp(client, { videoIds: ids(8), concurrency: 4 }, realClock)
    expect(videos.every((v) => v.outcome === 'deleted')).toBe(true)
    expect(waits).toEqual([expect.stringMatching(/^Throttled by Cloudflare \(429\): every request waits \d\.\d s\.$/)])
    const throttled = standIn.log.find((entry) => entry.status === 429)
    const later = standIn.log.slice(4)
    // The first four went out together; every later one waited out the 2 s from the 429's answer.
    expect(later.length).toBe(5)
    for (const entry of later) expect(entry.at - (throttled?.at ?? 0)).toBeGreaterThanOrEqual(1990)
  })

  it('stops after max-retries and reports the last answer', async () => {
    const client = await setUp({ videos: videosWith(1), faults: [{ fault: '503', times: 10 }] })
    const { videos } = await cleanUp(client, { maxRetries: 2 })
    expect(videos[0]).toMatchObject({
      outcome: 'failed',
      requests: [{ attempts: 3, status_code: 503, errors: [{ code: 1000, message: 'Service unavailable' }] }]
    })
    expect(standIn.log).toHaveLength(3)
  })

  it('does not retry with max-retries 0, nor ever on a 4xx other than 429', async () => {
    const client = await setUp({ videos: videosWith(1), clientToken: 'wrong', faults: [{ fault: '503' }] })
    expect((await cleanUp(client, { maxRetries: 0 })).videos[0]?.requests[0]).toMatchObject({
      status_code: 503,
      attempts: 1
    })
    const { videos } = await cleanUp(client, { maxRetries: 5 })
    expect(videos[0]?.requests[0]).toMatchObject({ status_code: 403, attempts: 1 })
  })

  it('says so when an earlier attempt lost its answer but may have deleted the download', async () => {
    const client = await setUp({ videos: videosWith(1), faults: [{ fault: 'reset-after-delete' }] })
    const { videos } = await cleanUp(client, {})
    expect(videos[0]).toMatchObject({
      outcome: 'missing',
      requests: [{ status_code: 404, attempts: 2, answer_lost: true }]
    })
  })

  it('retries an attempt that timed out', async () => {
    const client = await setUp({ videos: videosWith(1), faults: [{ fault: 'hang' }], timeoutMs: 200 })
    const { videos } = await cleanUp(client, {})
    expect(videos[0]?.requests[0]).toMatchObject({ outcome: 'deleted', attempts: 2, answer_lost: true })
  })

  it('never has more requests in flight than the concurrency', async () => {
    const client = await setUp({ videos: videosWith(24), latencyMs: 25 })
    await cleanUp(client, { videoIds: ids(24), concurrency: 3 })
    expect(standIn.stats.maxInFlight).toBe(3)
    expect(standIn.log).toHaveLength(24)
  })

  it('gets a batch three times the quota through with no lockout', async () => {
    // Windows of 10 s of virtual time, which the stand-in shares: no machine is too slow for them.
    const clock = fastClock()
    const client = await setUp({ videos: videosWith(60), quota: 20, windowMs: 10_000, latencyMs: 5, now: clock.now })
    const { videos, waits } = await cleanUp(client, { videoIds: ids(60), concurrency: 2 }, clock)
    expect(standIn.stats.lockouts).toBe(0)
    expect(waits[0]).toMatch(
      /^Cloudflare's rate limit: \d+ requests left in this window, kept in reserve; waiting \d+\.\d s for it to reset\.$/
    )
    expect(videos.filter((v) => v.outcome === 'deleted')).toHaveLength(60)
  })

  it('holds the rate under requests-per-minute', async () => {
    const client = await setUp({ videos: videosWith(5) })
    const clock = fastClock()
    await cleanUp(client, { videoIds: ids(5), concurrency: 1, requestsPerMinute: 60 }, clock)
    // One per second after the first, in virtual time: exactly four one-second waits.
    expect(clock.sleeps).toEqual([1000, 1000, 1000, 1000])
  })

  it('on cancellation sends nothing new, lets requests in flight finish and marks the rest cancelled', async () => {
    // Each answer takes 2 s; the run is stopped as soon as the first two requests have arrived,
    // long before either is answered, however slow the machine.
    const client = await setUp({ videos: videosWith(10), latencyMs: 2000 })
    const stop = new AbortController()
    const watch = setInterval(() => {
      if (standIn.log.length >= 2) stop.abort()
    }, 5)
    watch.unref()
    const { videos } = await cleanUp(client, { videoIds: ids(10), concurrency: 2 }, realClock, {
      stop: stop.signal,
      abort: new AbortController().signal
    })
    clearInterval(watch)
    expect(videos.map((v) => v.outcome)).toEqual(['deleted', 'deleted', ...Array<string>(8).fill('cancelled')])
    expect(videos[9]?.requests[0]).toMatchObject({ outcome: 'cancelled', attempts: 0, status_code: null })
    expect(standIn.log).toHaveLength(2)
  })

  it('on cancellation during a retry wait, reports the last answer with a note instead of retrying', async () => {
    const client = await setUp({ videos: videosWith(1), faults: [{ fault: '503', times: 5 }] })
    const stop = new AbortController()
    const clock: Clock = { now: () => 0, sleep: async () => stop.abort() }
    const { videos } = await cleanUp(client, {}, clock, { stop: stop.signal, abort: new AbortController().signal })
    expect(videos[0]?.requests[0]).toMatchObject({
      outcome: 'failed',
      status_code: 503,
      attempts: 1,
      errors: [expect.anything(), { code: null, message: 'The step was cancelled before a retry.' }]
    })
    expect(standIn.log).toHaveLength(1)
  })
})

describe('runBatch with a time limit (virtual clock)', () => {
  const ok: Answer = { kind: 'http', status: 200, envelope: { success: true, errors: [], messages: [], result: 'ok' } }
  const throttled: Answer = {
    kind: 'http',
    status: 429,
    retryAfter: '300',
    envelope: { success: false, errors: [{ code: 971, message: 'Please wait' }], messages: [], result: null }
  }

  /** A client whose every answer takes `latencyMs` of the virtual clock; each start is logged. */
  function slowClient(clock: Clock, latencyMs: number, answer: (videoId: string) => Answer = () => ok) {
    const starts: { videoId: string; at: number }[] = []
    const respond = async (videoId: string): Promise<Answer> => {
      starts.push({ videoId, at: clock.now() })
      await clock.sleep(latencyMs)
      return answer(videoId)
    }
    return {
      starts,
      client: {
        deleteDownload: (videoId: string) => respond(videoId),
        getDownloads: (videoId: string) => respond(videoId)
      } as BatchDeps['client']
    }
  }

  it('sends no request at or after the limit: the rest is postponed, nothing failed', async () => {
    const clock = fastClock()
    const { client, starts } = slowClient(clock, 200)
    const deadline = clock.now() + 1000
    const { videos } = await cleanUp(
      client,
      { videoIds: ids(10), downloadTypes: ['default', 'audio'], concurrency: 1, deadline },
      clock
    )
    // One request at a time, 200 ms each: starts at 0, 200, …, 800 ms; the 6th would start at the limit.
    expect(starts).toHaveLength(5)
    expect(starts.every(({ at }) => at < deadline)).toBe(true)
    expect(videos.map((v) => v.outcome)).toEqual([
      'deleted',
      'deleted',
      'postponed', // its MP4 deleted, its audio never sent
      ...ids(7).map(() => 'postponed')
    ])
    expect(videos[2]?.requests.map((r) => [r.outcome, r.attempts])).toEqual([
      ['deleted', 1],
      ['postponed', 0]
    ])
    expect(videos).toHaveLength(10)
  })

  it('keeps a failing answer waiting for a retry as failed, and cuts the 429 pause at the limit', async () => {
    const clock = fastClock()
    const start = clock.now()
    const { client, starts } = slowClient(clock, 200, (videoId) => (videoId === 'vid1' ? throttled : ok))
    const deadline = start + 10_000
    const { videos } = await cleanUp(client, { videoIds: ids(4), concurrency: 1, deadline }, clock)
    expect(videos.map((v) => v.outcome)).toEqual(['deleted', 'failed', 'postponed', 'postponed'])
    const failed = videos[1]?.requests[0]
    expect(failed).toMatchObject({ status_code: 429, attempts: 1 })
    expect(failed?.errors.at(-1)?.message).toBe('Not retried: the run reached its `time-limit`.')
    expect(starts.map((s) => s.videoId)).toEqual(['vid0', 'vid1'])
    // The 5-minute pause holds the others until the limit, not after it.
    expect(clock.now()).toBe(deadline)
  })

  it('does not wait for a retry due after the limit: the worker takes the next video', async () => {
    const clock = fastClock()
    const start = clock.now()
    // vid1 gets a 503 (retry in 0.5 s × 2^n by the fixed random); the limit comes before that retry.
    const { client, starts } = slowClient(clock, 200, (videoId) =>
      videoId === 'vid1' ? { kind: 'http', status: 503, envelope: undefined, problem: 'Service unavailable' } : ok
    )
    const { videos, retries } = await cleanUp(
      client,
      { videoIds: ids(3), concurrency: 1, deadline: start + 700 },
      clock
    )
    expect(retries).toEqual([])
    expect(videos.map((v) => v.outcome)).toEqual(['deleted', 'failed', 'deleted'])
    expect(videos[1]?.requests[0]?.errors.at(-1)?.message).toBe('Not retried: the run reached its `time-limit`.')
    expect(starts.map((s) => s.at - start)).toEqual([0, 200, 400])
  })

  it('cuts a wait at the rate gate short: the waiting request is postponed', async () => {
    const clock = fastClock()
    const { client, starts } = slowClient(clock, 0)
    // 6 a minute: a request every 10 s; the limit leaves room for the first ones only.
    const deadline = clock.now() + 25_000
    const { videos } = await cleanUp(
      client,
      { videoIds: ids(6), concurrency: 1, requestsPerMinute: 6, deadline },
      clock
    )
    // One token every 10 s: starts at 0, 10 and 20 s; the 4th would wait until 30 s, and its wait ends at 25 s.
    expect(starts.map(({ at }) => at - (deadline - 25_000))).toEqual([0, 10_000, 20_000])
    expect(videos.map((v) => v.outcome)).toEqual([
      'deleted',
      'deleted',
      'deleted',
      'postponed',
      'postponed',
      'postponed'
    ])
    expect(clock.now()).toBe(deadline)
  })

  it('postpones a dry run’s reads alike', async () => {
    const clock = fastClock()
    const { client } = slowClient(clock, 200, () => ({
      kind: 'http',
      status: 200,
      envelope: { success: true, errors: [], messages: [], result: { default: { status: 'ready' } } }
    }))
    const { videos } = await cleanUp(
      client,
      {
        videoIds: ids(3),
        downloadTypes: ['default', 'audio'],
        dryRun: true,
        concurrency: 1,
        deadline: clock.now() + 300
      },
      clock
    )
    expect(videos.map((v) => v.outcome)).toEqual(['would-delete', 'would-delete', 'postponed'])
  })

  it('names a request never sent cancelled, then not-sent, before postponed', async () => {
    const clock = fastClock()
    const { client } = slowClient(clock, 200)
    const stop = new AbortController()
    stop.abort()
    const { videos } = await cleanUp(client, { videoIds: ids(2), concurrency: 1, deadline: clock.now() }, clock, {
      stop: stop.signal,
      abort: new AbortController().signal
    })
    expect(videos.map((v) => v.outcome)).toEqual(['cancelled', 'cancelled'])
  })
})
