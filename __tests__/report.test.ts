import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { emptyRecord } from '../src/batch/outcome.js'
import { buildAnnotations } from '../src/report/annotations.js'
import { estimateLine } from '../src/report/estimate.js'
import { requestLine, retryLine } from '../src/report/log-lines.js'
import { FirstFitting } from '../src/report/first-fitting.js'
import { buildOutputs, OUTPUT_BUDGET } from '../src/report/outputs.js'
import { ProgressLog } from '../src/report/progress.js'
import { renderSummary } from '../src/report/summary.js'
import { Tally } from '../src/report/tally.js'
import { verdict } from '../src/report/verdict.js'
import type { RunReport, VideoRecord } from '../src/types.js'
import { deleted, forbidden, missing, report, video } from './helpers/records.js'

describe('buildOutputs', () => {
  it('gives the single result as it is when exactly one request was made', () => {
    const outputs = buildOutputs(report([video('v1', 'deleted', deleted())]))
    expect(outputs).toMatchObject({ success: 'true', result: 'ok', errors: '[]', messages: '[]', deleted: '["v1"]' })
    expect(JSON.parse(outputs.results ?? '')).toEqual([{ video_id: 'v1', outcome: 'deleted', requests: [deleted()] }])
  })

  it('keys results by video id, and by download type with all', () => {
    const videos = [video('v1', 'deleted', deleted()), video('v2', 'missing', missing())]
    expect(JSON.parse(buildOutputs(report(videos)).result ?? '')).toEqual({ v1: 'ok', v2: null })
    const both = [video('v1', 'deleted', deleted('default'), missing('audio'))]
    expect(JSON.parse(buildOutputs(report(both, { downloadType: 'all' })).result ?? '')).toEqual({
      v1: { default: 'ok', audio: null }
    })
  })

  it('lists the errors of what went wrong with its video and download type, and the ids by outcome', () => {
    const videos = [
      video('v1', 'failed', forbidden),
      video('v2', 'missing', missing()),
      video('v3', 'deleted', deleted())
    ]
    const outputs = buildOutputs(report(videos, { success: false }))
    expect(JSON.parse(outputs.errors ?? '')).toEqual([
      {
        code: 10000,
        message: 'Authentication error',
        documentation_url: 'https://developers.cloudflare.com/x',
        video_id: 'v1',
        download_type: 'default'
      }
    ])
    // "Not found" is an error only when if-missing says a missing download is one.
    expect(JSON.parse(buildOutputs(report(videos, { success: false, ifMissing: 'fail' })).errors ?? '')).toContainEqual(
      {
        code: 10003,
        message: 'Not Found',
        video_id: 'v2',
        download_type: 'default'
      }
    )
    expect([outputs.success, outputs.deleted, outputs.missing, outputs.failed]).toEqual([
      'false',
      '["v3"]',
      '["v2"]',
      '["v1"]'
    ])
  })

  it('gives each download found by a dry run as the result', () => {
    const found = { ...emptyRecord('default', 'would-delete'), result: { status: 'ready' }, attempts: 1 }
    const outputs = buildOutputs(
      report([video('v1', 'would-delete', found), video('v2', 'missing', missing())], { dryRun: true })
    )
    expect(JSON.parse(outputs.result ?? '')).toEqual({ v1: { status: 'ready' }, v2: null })
  })
})

describe('a run stopped by refused credentials', () => {
  const notSent = (id: string): VideoRecord => video(id, 'not-sent', emptyRecord('default', 'not-sent'))
  const stopped = [video('v1', 'failed', forbidden), video('v2', 'deleted', deleted()), notSent('v3'), notSent('v4')]

  it('lists the videos not sent in `failed`, after what failed in input order, and says what to fix once, first', () => {
    const outputs = buildOutputs(report(stopped, { success: false }))
    expect(outputs.failed).toBe('["v1","v3","v4"]')
    const errors = JSON.parse(outputs.errors ?? '') as { code: number | null; message: string }[]
    expect(errors).toHaveLength(2)
    expect(errors[0]).toEqual({
      code: null,
      message: expect.stringMatching(
        /^Cloudflare refused the credentials, so nothing more was sent: 2 requests were not sent \(`not-sent`\)\. Either the API token is invalid/
      )
    })
  })

  it('gives one annotation for the stop, not one per video, at the failure level', () => {
    for (const failOnError of [true, false]) {
      const annotations = buildAnnotations(report(stopped, { success: false, failOnError }))
      expect(annotations.map((a) => [a.level, a.title])).toEqual([
        [failOnError ? 'error' : 'warning', 'Failed: default download of video v1'],
        [failOnError ? 'error' : 'warning', 'Stopped: credentials refused']
      ])
    }
  })

  it('names the Global API key and e-mail when those were sent, not a token', () => {
    const annotations = buildAnnotations(report(stopped, { success: false, authKind: 'key' }))
    for (const { message } of annotations) {
      expect(message).toContain('the Global API key / e-mail pair is wrong')
      expect(message).not.toContain('token')
    }
  })

  it('counts the videos not sent in the closing line', () => {
    expect(verdict(report(stopped, { success: false }))).toBe('4 videos: 1 deleted, 1 failed, 2 not-sent')
  })
})

describe('the result output', () => {
  it('keeps a single result within its budget, else gives none and says truncated', () => {
    const big = { ...deleted(), result: 'x'.repeat(OUTPUT_BUDGET.result + 1) }
    expect(buildOutputs(report([video('v1', 'deleted', big)]))).toMatchObject({ result: '', truncated: 'true' })
    const fits = { ...deleted(), result: 'x'.repeat(OUTPUT_BUDGET.result - 10) }
    expect(buildOutputs(report([video('v1', 'deleted', fits)]))).toMatchObject({ truncated: 'false' })
  })

  it('says truncated when a result was too large to keep', () => {
    const notKept = { ...deleted(), result: 'result of 1048578 bytes not kept' }
    expect(buildOutputs(report([video('v1', 'deleted', notKept)]))).toMatchObject({
      result: 'result of 1048578 bytes not kept',
      truncated: 'true'
    })
  })
})

describe('buildAnnotations', () => {
  it('makes each failure an error naming the video, the code, the message, the link and a permission hint', () => {
    expect(buildAnnotations(report([video('v1', 'failed', forbidden)], { success: false }))).toEqual([
      {
        level: 'error',
        title: 'Failed: default download of video v1',
        message:
          'HTTP 403: [10000] Authentication error (https://developers.cloudflare.com/x). ' +
          "Either the API token is invalid or expired, lacks the Stream Write permission (Stream Read for a dry run or a listing), or is not valid for account acc1 (check `account-id` and the token's account resources)."
      }
    ])
  })

  it('turns failures into warnings with fail-on-error false', () => {
    const [annotation] = buildAnnotations(report([video('v1', 'failed', forbidden)], { failOnError: false }))
    expect(annotation?.level).toBe('warning')
  })

  it('warns, stays silent or fails on a 404 as if-missing says', () => {
    const videos = [video('v2', 'missing', missing())]
    expect(buildAnnotations(report(videos, { ifMissing: 'warn' }))).toEqual([
      {
        level: 'warning',
        title: 'Not found: default download of video v2',
        message: 'Cloudflare answered 404 for the default download of video v2: [10003] Not Found'
      }
    ])
    expect(buildAnnotations(report(videos, { ifMissing: 'ignore' }))).toEqual([])
    expect(buildAnnotations(report(videos, { ifMissing: 'fail' }))[0]?.level).toBe('error')
  })

  it('names the videos a cancellation left undone', () => {
    const videos = [video('v1', 'deleted', deleted()), video('v2', 'cancelled', emptyRecord('default', 'cancelled'))]
    expect(buildAnnotations(report(videos, { cancelled: true, success: false }))).toEqual([
      { level: 'error', title: 'Step cancelled', message: '1 of 2 videos were not processed: v2' }
    ])
  })

  it('keeps at most 10 annotations per level and points to the summary for the rest', () => {
    const videos = Array.from({ length: 25 }, (_, i) => video(`v${i}`, 'failed', forbidden))
    const annotations = buildAnnotations(report(videos, { success: false }))
    expect(annotations).toHaveLength(11)
    expect(annotations[10]).toEqual({
      level: 'error',
      title: '15 more',
      message: '15 more like these: see the job summary and the results output.'
    })
  })
})

describe('log lines', () => {
  it('say video, type, outcome, status, ray id, attempts and a lost answer', () => {
    expect(requestLine('v1', deleted())).toBe('v1 default: deleted (HTTP 200, ray ray-ok)')
    expect(requestLine('v1', { ...deleted(), attempts: 3, answer_lost: true })).toBe(
      'v1 default: deleted (HTTP 200, ray ray-ok, 3 attempts, an earlier answer was lost)'
    )
    expect(requestLine('v1', forbidden)).toBe(
      'v1 default: failed (HTTP 403, ray ray-403) — [10000] Authentication error (https://developers.cloudflare.com/x)'
    )
    expect(requestLine('v1', emptyRecord('audio', 'cancelled'))).toBe('v1 audio: cancelled')
    expect(retryLine('v1', 'audio', 2, 1500, 'HTTP 503')).toBe('v1 audio: HTTP 503; retry 2 in 1.5 s')
  })

  it('close with the totals', () => {
    const videos = [video('v1', 'deleted', deleted()), video('v2', 'missing', missing())]
    expect(verdict(report(videos))).toBe('2 videos: 1 deleted, 1 missing')
    expect(
      verdict(report([video('v1', 'would-delete', emptyRecord('default', 'would-delete'))], { dryRun: true }))
    ).toBe('1 video: 1 would-delete (dry run: nothing was deleted)')
  })
})

describe('buildOutputs at scale', () => {
  const many = (n: number, outcome: 'deleted' | 'failed' = 'deleted') =>
    Array.from({ length: n }, (_, i) => video(`v${i}`, outcome, outcome === 'deleted' ? deleted() : forbidden))

  it('keeps every output under its share of GitHub’s 1 MB, failures first, and says it cut', () => {
    const videos = [...many(20_000), video('bad1', 'failed', forbidden), video('gone1', 'missing', missing())]
    const outputs = buildOutputs(report(videos, { success: false }))
    const total = Object.values(outputs).reduce((sum, value) => sum + Buffer.byteLength(value), 0)
    expect(total).toBeLessThan(1_000_000)
    expect(outputs.truncated).toBe('true')
    const results = JSON.parse(outputs.results ?? '[]') as { video_id: string }[]
    expect(results.slice(0, 2).map((r) => r.video_id)).toEqual(['bad1', 'gone1'])
    expect(outputs.failed).toBe('["bad1"]')
    expect(Buffer.byteLength(outputs.selected ?? '')).toBeLessThanOrEqual(OUTPUT_BUDGET.ids)
    expect((JSON.parse(outputs.selected ?? '[]') as string[]).slice(0, 2)).toEqual(['v0', 'v1'])
  })

  it('fills the new id lists from the same total: every output at its budget stays under 1 MB', () => {
    // The shares add up to what they did before postponed and would-delete had one.
    const shares = { ...OUTPUT_BUDGET, ids: OUTPUT_BUDGET.ids * 6 }
    expect(Object.values(shares).reduce((sum, share) => sum + share, 0)).toBe(900_000)
    const postponed = Array.from({ length: 20_000 }, (_, i) =>
      video(`p${i}`, 'postponed', emptyRecord('default', 'postponed'))
    )
    const outputs = buildOutputs(report([...many(20_000), ...postponed]))
    const total = Object.values(outputs).reduce((sum, value) => sum + Buffer.byteLength(value), 0)
    expect(total).toBeLessThan(1_000_000)
    expect(Buffer.byteLength(outputs.postponed ?? '')).toBeLessThanOrEqual(OUTPUT_BUDGET.ids)
    expect((JSON.parse(outputs.postponed ?? '[]') as string[]).slice(0, 2)).toEqual(['p0', 'p1'])
    expect(outputs.complete).toBe('false')
    expect(outputs.truncated).toBe('true')
  })

  it('lists a dry run’s would-delete ids, and is complete when everything was read', () => {
    const plan = [
      video('a', 'would-delete', emptyRecord('default', 'would-delete')),
      video('b', 'missing', emptyRecord('default', 'missing'))
    ]
    const outputs = buildOutputs(report(plan, { dryRun: true }))
    expect(outputs['would-delete']).toBe('["a"]')
    expect(outputs.postponed).toBe('[]')
    expect(outputs.complete).toBe('true')
    expect(buildOutputs(report(plan, { dryRun: true, cancelled: true })).complete).toBe('false')
    expect(buildOutputs(report([], { runProblem: 'The list failed' })).complete).toBe('false')
  })

  it('says the same whatever order the videos finished in', () => {
    const videos = [
      ...many(6000),
      ...many(3000, 'failed'),
      video('gone', 'missing', missing()),
      video('stopped', 'cancelled', emptyRecord('default', 'cancelled'))
    ]
    const inOrder = report(videos, { success: false, cancelled: true })
    // The same videos finishing in a shuffled order (a fixed one: the test is the same every run).
    const shuffled = new Tally(inOrder)
    const order = videos.map((_, index) => index).sort((a, b) => ((a * 7919) % 10007) - ((b * 7919) % 10007))
    for (const index of order) shuffled.add(videos[index] as VideoRecord, index)
    const finished: RunReport = { ...inOrder, videos: shuffled }
    expect(buildOutputs(finished)).toEqual(buildOutputs(inOrder))
    expect(buildAnnotations(finished)).toEqual(buildAnnotations(inOrder))
    expect(renderSummary(finished)).toBe(renderSummary(inOrder))
    expect(buildOutputs(inOrder).truncated).toBe('true')
  })

  it('keeps input order and says nothing was cut when everything fits', () => {
    const outputs = buildOutputs(report([video('b', 'deleted', deleted()), video('a', 'failed', forbidden)]))
    expect((JSON.parse(outputs.results ?? '[]') as { video_id: string }[]).map((r) => r.video_id)).toEqual(['b', 'a'])
    expect(outputs.truncated).toBe('false')
  })
})

describe('FirstFitting', () => {
  it('property: keeps what cutting the whole sorted list would keep, whatever order the items come in', () => {
    const items = fc.uniqueArray(fc.record({ key: fc.tuple(fc.nat(3), fc.nat(50), fc.nat(3)), size: fc.nat(40) }), {
      selector: (item) => item.key.join(),
      maxLength: 60
    })
    fc.assert(
      fc.property(items, fc.nat(600), fc.integer({ min: 1, max: 70 }), (arriving, maxSize, maxCount) => {
        const list = new FirstFitting<{ size: number }>((item) => item.size, maxSize, maxCount)
        for (const item of arriving) list.add(item.key, () => item)
        // The whole list sorted, then cut at the first item that does not fit.
        const sorted = [...arriving].sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2])
        const expected: typeof sorted = []
        let size = 0
        for (const item of sorted) {
          if (expected.length === maxCount || size + item.size > maxSize) break
          expected.push(item)
          size += item.size
        }
        expect(list.kept.map((item) => item.value)).toEqual(expected)
        expect(list.cut).toBe(expected.length < sorted.length)
      }),
      { numRuns: 500 }
    )
  })
})

describe('ProgressLog', () => {
  const run = (total: number, named: boolean, outcomes: ('deleted' | 'failed' | 'missing')[], stepMs = 3000) => {
    const lines: string[] = []
    let now = 0
    const log = new ProgressLog({
      total,
      clock: { now: () => now, sleep: async () => undefined },
      info: (line) => lines.push(line),
      named,
      dryRun: false
    })
    outcomes.forEach((outcome, i) => {
      now += stepMs
      const record = outcome === 'deleted' ? deleted() : outcome === 'failed' ? forbidden : missing()
      log.videoDone(video(`v${i}`, outcome, record))
    })
    log.finish()
    return lines
  }

  it('gives a short run one line per request', () => {
    expect(run(2, true, ['deleted', 'missing'])).toEqual([
      'v0 default: deleted (HTTP 200, ray ray-ok)',
      'v1 default: missing (HTTP 404, ray ray-404)'
    ])
  })

  it('gives a long run its failures, and a progress line at most every 10 s', () => {
    const outcomes = Array.from({ length: 200 }, (_, i): 'failed' | 'missing' | 'deleted' =>
      i === 7 ? 'failed' : i === 8 ? 'missing' : 'deleted'
    )
    const lines = run(200, false, outcomes, 1000)
    expect(lines[0]).toMatch(/^v7 default: failed \(HTTP 403, ray ray-403\) — \[10000\] Authentication error/)
    expect(lines[1]).toBe('Progress: 10 of 200 videos (5%), 1.0 videos/s, about 3 min left.')
    // 200 videos a second apart: a line at 10, 20, … 200 s, and the closing one.
    expect(lines.filter((line) => line.startsWith('Progress:'))).toHaveLength(21)
    expect(lines.at(-1)).toBe('Progress: 200 of 200 videos (100%), 1.0 videos/s.')
  })

  it('writes large counts with thousands separators', () => {
    const lines: string[] = []
    const log = new ProgressLog({
      total: 1_234_567,
      clock: { now: () => 0, sleep: async () => undefined },
      info: (line) => lines.push(line),
      named: false,
      dryRun: false
    })
    log.videoDone(video('v0', 'deleted', deleted()))
    log.finish()
    expect(lines).toEqual(['Progress: 1 of 1,234,567 videos (0%), 1000.0 videos/s, about 21 min left.'])
  })
})

describe('estimateLine', () => {
  it('counts the requests at the rate the run keeps, never above Cloudflare’s 240 a minute', () => {
    expect(estimateLine({ videos: 20_000, perVideo: 2, requestsPerMinute: 200 })).toBe(
      '20000 videos, about 40000 requests at the current rate limit (200 a minute): about 3.3 hours.'
    )
    expect(estimateLine({ videos: 1, perVideo: 1, requestsPerMinute: 0 })).toBe(
      '1 video, about 1 request at the current rate limit (240 a minute): under a minute.'
    )
    expect(estimateLine({ videos: 2400, perVideo: 1, requestsPerMinute: 6000 })).toContain(
      '(240 a minute): about 10 minutes.'
    )
    // What the list's Ratelimit-Policy said, when it said it: 600 per 5 minutes.
    expect(estimateLine({ videos: 1200, perVideo: 1, requestsPerMinute: 200, quotaPerMinute: 120 })).toContain(
      '(120 a minute): about 10 minutes.'
    )
  })

  it('with a time limit, says how many videos fit in what is left of it', () => {
    const plan = { videos: 20_000, perVideo: 2, requestsPerMinute: 200 }
    expect(estimateLine({ ...plan, timeLeftMs: 50 * 60_000 })).toMatch(
      /: about 3\.3 hours; about 5000 fit in this run \(time-limit\)\.$/
    )
    expect(estimateLine({ ...plan, timeLeftMs: 6 * 3_600_000 })).toMatch(/; all fit in this run/)
    expect(estimateLine({ ...plan, timeLeftMs: -5 })).toMatch(/; about 0 fit in this run/)
  })
})
