/** run() wired to a recording core and the loopback stand-in: what a user sees in outputs, annotations and the step's result. */
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../src/run.js'
import { startStandIn } from '../dev/stand-in.js'
import type { LineFile } from '../src/ports.js'
import type { VideoRecord } from '../src/types.js'
import { recordingCore, testDeps, type WrittenFiles } from './helpers/fakes.js'
import { action } from './helpers/action-yml.js'
import type { StandIn } from './helpers/stand-in-client.js'
import { runAgainst, standInCore } from './helpers/stand-in-run.js'

let standIn: StandIn

afterEach(async () => standIn?.close())

async function runWith(inputs: Record<string, string>, standInOptions: Parameters<typeof startStandIn>[0] = {}) {
  standIn = await startStandIn({
    videos: {
      '00000000000000000000000000000001': { default: true, audio: true },
      '00000000000000000000000000000002': {}
    },
    ...standInOptions
  })
  return runAgainst(standIn, inputs)
}

describe('run', () => {
  it('deletes one download and sets the outputs a release workflow reads', async () => {
    const r = await runWith({ 'video-id': '00000000000000000000000000000001' })
    expect(r.failed).toBeUndefined()
    expect(r.outputs).toMatchObject({
      success: 'true',
      result: 'ok',
      errors: '[]',
      deleted: '["00000000000000000000000000000001"]',
      failed: '[]',
      postponed: '[]',
      'would-delete': '[]',
      complete: 'true'
    })
    expect(standIn.videos.get('00000000000000000000000000000001')).toEqual({ default: false, audio: true })
    expect(r.said('info')).toContain('1 video: 1 deleted')
    expect(r.summary).toContain('| `00000000000000000000000000000001` | default | deleted | 200 |')
  })

  it('masks the token before anything is printed', async () => {
    const r = await runWith({ 'video-id': '00000000000000000000000000000001' })
    expect(r.calls[0]).toEqual(['setSecret', standIn.token])
  })

  it('names the workflow run in the User-Agent, for Cloudflare’s audit log', async () => {
    await runWith({ 'video-id': '00000000000000000000000000000001' })
    expect(standIn.log[0]?.headers['user-agent']).toBe(
      'cloudflare-stream-delete-downloads/1.0.0 (https://github.com/octo/app/actions/runs/42; workflow: Release; node v20.0.0)'
    )
  })

  it('groups the per-request log lines when there are several videos', async () => {
    const r = await runWith({
      'video-id': '00000000000000000000000000000001,00000000000000000000000000000002',
      'download-type': 'all'
    })
    const methods = r.calls.map(([method]) => method)
    const group = methods.indexOf('startGroup')
    expect(group).toBeGreaterThan(0)
    expect(methods.slice(group + 1, group + 5)).toEqual(['info', 'info', 'info', 'info'])
    expect(methods[group + 5]).toBe('endGroup')
    expect(r.said('info')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^00000000000000000000000000000002 audio: missing \(HTTP 404, ray /)
      ])
    )
  })

  it('fails the step on a failed video, with an error annotation naming it and the permission hint', async () => {
    const r = await runWith({ 'video-id': '00000000000000000000000000000001', 'api-token': 'wrong-token' })
    expect(r.failed).toBe('1 video: 1 failed')
    expect(r.calls).toContainEqual([
      'error',
      `HTTP 403: [10000] Authentication error. Either the API token is invalid or expired, lacks the Stream Write permission (Stream Read for a dry run or a listing), or is not valid for account ${standIn.accountId} (check \`account-id\` and the token's account resources).`,
      { title: 'Failed: default download of video 00000000000000000000000000000001' }
    ])
    expect(r.outputs).toMatchObject({ success: 'false', failed: '["00000000000000000000000000000001"]' })
  })

  describe('with credentials Cloudflare refuses', () => {
    const ids = Array.from({ length: 12 }, (_, i) => (i + 1).toString(16).padStart(32, '0'))

    it('stops sending, fails the step, lists every video not sent in `failed`, and says what to fix once', async () => {
      const r = await runWith({ 'video-id': ids.join(' '), 'api-token': 'wrong-token', concurrency: '2' })
      expect(standIn.log.length).toBeLessThanOrEqual(2)
      expect(r.failed).toMatch(/^12 videos: \d+ failed, \d+ not-sent$/)
      expect(JSON.parse(r.outputs.failed ?? '')).toEqual(ids)
      expect(
        r.said('error').filter((message) => message.startsWith('Cloudflare refused the credentials'))
      ).toHaveLength(1)
      expect(r.said('info').filter((line) => line.includes('nothing more is sent'))).toHaveLength(1)
      expect(r.summary.match(/Cloudflare refused the credentials/g)).toHaveLength(1)
    })

    it('makes the videos not sent warnings with fail-on-error false, as failed ones', async () => {
      const r = await runWith({
        'video-id': ids.join(' '),
        'api-token': 'wrong-token',
        concurrency: '2',
        'fail-on-error': 'false'
      })
      expect(r.failed).toBeUndefined()
      expect(r.said('error')).toEqual([])
      expect(r.said('warning').some((message) => message.startsWith('Cloudflare refused the credentials'))).toBe(true)
      expect(r.outputs).toMatchObject({ success: 'false', failed: JSON.stringify(ids) })
    })

    it('names the Global API key and e-mail when those were sent', async () => {
      const r = await runWith({
        'video-id': ids.slice(0, 3).join(' '),
        'api-token': '',
        'api-key': 'c2547eb745079dac9320b638f5e225cf483cc',
        email: 'user@example.com',
        concurrency: '1'
      })
      const [stop] = r.said('error').filter((message) => message.startsWith('Cloudflare refused the credentials'))
      expect(stop).toContain('the Global API key / e-mail pair is wrong')
      // The failed request's own annotation names them too.
      for (const message of r.said('error')) expect(message).not.toContain('API token')
    })
  })

  it('passes with warnings when fail-on-error is false, and the outputs still say what failed', async () => {
    const r = await runWith({
      'video-id': '00000000000000000000000000000001',
      'api-token': 'wrong-token',
      'fail-on-error': 'false'
    })
    expect(r.failed).toBeUndefined()
    expect(r.said('error')).toEqual([])
    expect(r.said('warning')).toHaveLength(1)
    expect(r.outputs.success).toBe('false')
  })

  it.each([
    ['warn', undefined, 'warning'],
    ['ignore', undefined, undefined],
    ['fail', '1 video: 1 missing', 'error']
  ])('with if-missing %s, a 404 fails the step: %s', async (ifMissing, failed, annotation) => {
    const r = await runWith({ 'video-id': '00000000000000000000000000000404', 'if-missing': ifMissing })
    expect(r.failed).toBe(failed)
    expect(r.outputs.missing).toBe('["00000000000000000000000000000404"]')
    const annotated = r.calls.find(([, , props]) => (props as { title?: string })?.title?.startsWith('Not found'))
    expect(annotated?.[0]).toBe(annotation)
  })

  it('in a dry run deletes nothing and reports the plan: what exists and would be deleted', async () => {
    const r = await runWith({
      'video-id': '00000000000000000000000000000001 00000000000000000000000000000002 00000000000000000000000000000404',
      'dry-run': 'true'
    })
    expect(standIn.log.every((entry) => entry.method === 'GET')).toBe(true)
    expect(standIn.videos.get('00000000000000000000000000000001')).toEqual({ default: true, audio: true })
    expect(r.summary).toContain('**Dry run**')
    expect((JSON.parse(r.outputs.results ?? '[]') as { outcome: string }[]).map((v) => v.outcome)).toEqual([
      'would-delete',
      'would-delete',
      'missing'
    ])
    expect(r.outputs['would-delete']).toBe('["00000000000000000000000000000001","00000000000000000000000000000002"]')
    // A dry run that read everything is complete.
    expect(r.outputs.complete).toBe('true')
    expect(r.failed).toBeUndefined()
  })

  it('refuses invalid inputs before sending anything, even with fail-on-error false', async () => {
    const r = await runWith({
      'video-id': '00000000000000000000000000000001',
      'download-type': 'mp4',
      concurrency: '99',
      'fail-on-error': 'false'
    })
    expect(standIn.log).toHaveLength(0)
    expect(r.said('error')).toEqual([
      'Input `download-type` is "mp4": use one of default, audio, all.',
      'Input `concurrency` is "99": use a whole number from 1 to 32.'
    ])
    expect(r.failed).toBe('2 inputs are invalid; nothing was sent to Cloudflare.')
    // Every output of action.yml is still set, so that a continue-on-error workflow can read them:
    // the problems as errors, and nothing done.
    expect(Object.keys(r.outputs).sort()).toEqual(Object.keys(action.outputs).sort())
    expect(JSON.parse(r.outputs.errors ?? '')).toEqual([
      { code: null, message: 'Input `download-type` is "mp4": use one of default, audio, all.' },
      { code: null, message: 'Input `concurrency` is "99": use a whole number from 1 to 32.' }
    ])
    const lists = 'messages results deleted missing failed selected postponed would-delete'.split(' ')
    for (const list of lists) expect([list, JSON.parse(r.outputs[list] ?? '')]).toEqual([list, []])
    expect(r.outputs).toMatchObject({
      success: 'false',
      result: '',
      truncated: 'false',
      complete: 'false',
      'results-file': ''
    })
    expect(r.summary).toContain('2 inputs are invalid; nothing was sent to Cloudflare.')
  })

  it('reports a single invalid input as the failure itself', async () => {
    const r = await runWith({
      'video-id': '00000000000000000000000000000001',
      'base-url': 'http://api.cloudflare.com/client/v4'
    })
    expect(r.failed).toMatch(/^Input `base-url` is "http:\/\/api.cloudflare.com\/client\/v4": it must use https/)
  })

  it('ends anything unexpected, even a thrown string, as one failure', async () => {
    const r = recordingCore({ 'video-id': '00000000000000000000000000000001', 'account-id': 'acc', 'api-token': 'tok' })
    await runAction(
      testDeps(r.core, {
        createTransport: () => {
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- a non-Error throw is the case under test
          throw 'dispatcher exploded'
        }
      })
    )
    expect(r.failed).toBe('dispatcher exploded')
  })

  it('warns but still passes when the summary cannot be written', async () => {
    standIn = await startStandIn({ videos: { '00000000000000000000000000000001': {} } })
    const r = standInCore(standIn, { 'video-id': '00000000000000000000000000000001' })
    r.core.writeSummary = async () => {
      throw new Error('disk full')
    }
    await runAction(testDeps(r.core))
    expect(r.said('warning')).toEqual(['The job summary could not be written: disk full'])
    expect(r.failed).toBeUndefined()
  })

  it('writes no summary when summary is false', async () => {
    const r = await runWith({ 'video-id': '00000000000000000000000000000001', summary: 'false' })
    expect(r.summary).toBe('')
  })

  it('masks the password of a proxy from the environment', async () => {
    const r = recordingCore({
      'video-id': '00000000000000000000000000000001',
      'account-id': 'acc',
      'api-token': 'tok',
      'dry-run': 'true'
    })
    await runAction(testDeps(r.core, { env: { HTTPS_PROXY: 'http://user:pr%40xy-secret@proxy.internal:3128' } }))
    expect(r.said('setSecret')).toContain('pr@xy-secret')
    expect(r.said('info')).toContain('Using the proxy at proxy.internal:3128.')
  })

  it('still fails the step with every output set when the summary cannot be written for invalid inputs', async () => {
    standIn = await startStandIn()
    const r = recordingCore({
      'video-id': '00000000000000000000000000000001',
      concurrency: '0',
      'account-id': standIn.accountId,
      'api-token': 't'
    })
    r.core.writeSummary = async () => {
      throw new Error('disk full')
    }
    await runAction(testDeps(r.core))
    expect(r.said('warning')).toEqual(['The job summary could not be written: disk full'])
    expect(r.outputs.success).toBe('false')
    expect(r.failed).toBe('Input `concurrency` is "0": use a whole number from 1 to 32.')
  })

  it('warns, naming the variable, when a proxy variable cannot be used', async () => {
    const r = recordingCore({ 'video-id': '00000000000000000000000000000001', 'account-id': 'acc', 'api-token': 'tok' })
    // base-url stays the real API, so the proxy rules apply; the step is cancelled before anything is sent.
    const stop = new AbortController()
    stop.abort()
    await runAction(
      testDeps(r.core, {
        env: { HTTPS_PROXY: 'http://user:100%secret@proxy.internal:3128' },
        cancellation: { stop: stop.signal, abort: new AbortController().signal }
      })
    )
    expect(r.said('warning')).toEqual([
      'HTTPS_PROXY is not a valid proxy URL (a literal % in its user name or password must be written %25): connecting directly instead.'
    ])
    expect(JSON.stringify(r.calls)).not.toContain('secret')
  })

  it('writes each video to the results file as one JSON line, and names the file in an output', async () => {
    standIn = await startStandIn({
      videos: {
        '00000000000000000000000000000001': { default: true, audio: true },
        '00000000000000000000000000000002': {}
      }
    })
    const written: WrittenFiles = new Map()
    const r = await runAgainst(
      standIn,
      {
        'video-id':
          '00000000000000000000000000000001 00000000000000000000000000000002 00000000000000000000000000000003',
        'download-type': 'all'
      },
      {},
      written
    )
    const path = r.outputs['results-file'] ?? ''
    expect(path).toMatch(/^\/runner\/temp\/cloudflare-stream-delete-downloads-42-1-\d+\.jsonl$/)
    const lines = (written.get(path) ?? '').split('\n')
    expect(lines.pop()).toBe('')
    const records = lines.map((line) => JSON.parse(line) as VideoRecord)
    // In the order they finished: the results output has the input order.
    expect(records.sort((a, b) => a.video_id.localeCompare(b.video_id))).toEqual(JSON.parse(r.outputs.results ?? ''))
    expect(records.map((video) => [video.video_id, video.outcome])).toEqual([
      ['00000000000000000000000000000001', 'deleted'],
      ['00000000000000000000000000000002', 'deleted'],
      ['00000000000000000000000000000003', 'missing']
    ])
  })

  it.each([
    ['created', 0],
    ['written', 1]
  ])('warns once and goes on when the results file cannot be %s', async (_, goodLines) => {
    standIn = await startStandIn({
      videos: {
        '00000000000000000000000000000001': {},
        '00000000000000000000000000000002': {},
        '00000000000000000000000000000003': {}
      }
    })
    let lines = 0
    const createLineFile = (): LineFile => {
      if (goodLines === 0) throw new Error('read-only file system')
      return {
        writeLine: () => {
          if (++lines > goodLines) throw new Error('disk full')
        },
        close: () => undefined
      }
    }
    const r = await runAgainst(
      standIn,
      {
        'video-id': '00000000000000000000000000000001 00000000000000000000000000000002 00000000000000000000000000000003'
      },
      { createLineFile }
    )
    const why = goodLines === 0 ? 'read-only file system' : 'disk full'
    expect(r.said('warning')).toEqual([`The results file could not be written: ${why}`])
    expect(r.outputs).toMatchObject({
      'results-file': '',
      success: 'true',
      deleted:
        '["00000000000000000000000000000001","00000000000000000000000000000002","00000000000000000000000000000003"]'
    })
    expect(r.failed).toBeUndefined()
  })

  it('fails a cancelled step even with fail-on-error false: what was never sent is not done', async () => {
    standIn = await startStandIn({
      videos: { '00000000000000000000000000000001': {}, '00000000000000000000000000000002': {} }
    })
    const stop = new AbortController()
    stop.abort()
    const r = await runAgainst(
      standIn,
      { 'video-id': '00000000000000000000000000000001 00000000000000000000000000000002', 'fail-on-error': 'false' },
      { cancellation: { stop: stop.signal, abort: new AbortController().signal } }
    )
    expect(standIn.log).toEqual([])
    expect(r.failed).toBe('Cancelled before the end. 2 videos: 2 cancelled')
    expect(r.outputs.success).toBe('false')
  })

  it('logs each retry with its reason and wait', async () => {
    standIn = await startStandIn({ videos: { '00000000000000000000000000000001': {} }, faults: [{ fault: '503' }] })
    const r = await runAgainst(standIn, { 'video-id': '00000000000000000000000000000001' })
    expect(r.said('info')).toContain('00000000000000000000000000000001 default: HTTP 503; retry 1 in 0.5 s')
    expect(r.outputs.deleted).toBe('["00000000000000000000000000000001"]')
  })

  describe('with a time limit', () => {
    const five = Array.from({ length: 5 }, (_, i) => `0000000000000000000000000000000${i + 1}`)

    /** One request a second (requests-per-minute: 60) on the virtual clock: the limit fits exactly three. */
    async function limited(inputs: Record<string, string> = {}) {
      standIn = await startStandIn({ videos: Object.fromEntries(five.map((id) => [id, { default: true }])) })
      return runAgainst(standIn, {
        'video-id': five.join(' '),
        'requests-per-minute': '60',
        concurrency: '1',
        'time-limit': '3s',
        ...inputs
      })
    }

    it('postpones what the limit leaves, passes, and says so: complete is false', async () => {
      const r = await limited()
      expect(standIn.log.map((entry) => entry.method)).toEqual(['DELETE', 'DELETE', 'DELETE'])
      expect(r.failed).toBeUndefined()
      expect(r.outputs).toMatchObject({
        success: 'true',
        complete: 'false',
        failed: '[]',
        deleted: JSON.stringify(five.slice(0, 3)),
        postponed: JSON.stringify(five.slice(3))
      })
      const notice = 'stopped at the time limit: 3 of 5 videos done, 2 postponed'
      expect(r.said('notice')).toEqual([expect.stringContaining(notice)])
      expect(r.summary).toContain(notice)
      expect(r.summary).toContain(`| \`${five[4]}\` | default | postponed | – |`)
      expect(r.said('info')).toContain('5 videos: 3 deleted, 2 postponed')
    })

    it('says how long the batch should take and how many fit, in the log and the summary', async () => {
      const r = await limited()
      const estimate =
        '5 videos, about 5 requests at the current rate limit (60 a minute): under a minute; about 3 fit in this run (time-limit).'
      expect(r.said('info')).toContain(estimate)
      expect(r.summary).toContain(estimate)
    })

    it('changes nothing when the limit is not reached', async () => {
      const r = await limited({ 'time-limit': '1h' })
      expect(r.outputs).toMatchObject({ success: 'true', complete: 'true', postponed: '[]' })
      expect(r.said('notice')).toEqual([])
    })
  })
})
