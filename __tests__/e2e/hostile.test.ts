/**
 * dist/index.js against servers that lie, attack or never answer: what the runner sees must stay
 * the action's own words, the step must never be green by mistake, and a cancelled step must
 * still report. Each server here is a few lines on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { createServer, type ServerResponse } from 'node:http'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { runStep } from '../../dev/run-step.js'
import { makeLibrary, startStandIn } from '../../dev/stand-in.js'
import { runnerCommands } from '../helpers/runner-commands.js'
import { ACCOUNT, closeServers, inputs, listen, serve, TOKEN } from '../helpers/loopback.js'

afterEach(closeServers)

const envelope = (status: number, errors: { code: number; message: string; documentation_url?: string }[]) =>
  JSON.stringify({ success: status < 300, errors, messages: [], result: null })

/** The workflow commands a hostile text tries to start, as they would appear at the start of a line. */
const INJECTED = [
  /^::error title=X::Y/m,
  /^::add-mask::abc/m,
  /^::stop-commands::/m,
  /^::group::g/m,
  /^::warning::pwned/m
]

describe('dist/index.js and hostile answers', () => {
  it('never lets text from Cloudflare start a workflow command, break a line or render as markup', async () => {
    const message =
      'denied\n::error title=X::Y\r\n::add-mask::abc\rnext\u2028::stop-commands::tok\u0085::group::g\u001b[31m red ' +
      '[link](https://evil.example) ![img](https://evil.example/i.png) **bold** x\\|[click](https://evil.example) ' +
      'x'.repeat(6000)
    const { port } = await listen((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json', 'cf-ray': '`**ray**`</code>' })
      res.end(envelope(403, [{ code: 10000, message, documentation_url: 'https://x\n::warning::pwned' }]))
    })
    const result = await runStep(
      inputs(port, { 'video-id': '00000000000000000000000000000001 00000000000000000000000000000002' })
    )
    expect(result.code).toBe(1)
    for (const pattern of INJECTED) expect(result.stdout).not.toMatch(pattern)
    for (const line of result.stdout.split('\n')) {
      // eslint-disable-next-line no-control-regex -- looking for control characters is the point
      expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/)
      expect(line.length).toBeLessThanOrEqual(4100)
    }
    const html = micromark(result.summary, {
      extensions: [gfm()],
      htmlExtensions: [gfmHtml()],
      allowDangerousHtml: true
    })
    expect(html).not.toMatch(/<a |<img|<strong>bold/)
    // The text is still there for a program to read, as JSON, as far as it is kept (500 characters).
    expect(JSON.parse(result.outputs.errors ?? '[]')).toContainEqual(
      expect.objectContaining({ code: 10000, message: `${message.slice(0, 499)}…` })
    )
  })

  it("never lets text from the network start a command in the runner's other syntax, ##[name], or after white space", async () => {
    // One video per place a server can put text: a header, an error, its documentation link, an
    // HTML page's title and a redirect's Location.
    const [RAY, MESSAGE, TITLE, LOCATION] = ['a', 'b', 'c', 'd'].map((c) => c.repeat(32))
    const { port } = await listen((req, res) => {
      const url = req.url ?? ''
      if (url.includes(RAY ?? '') || url.includes(MESSAGE ?? '')) {
        res.writeHead(403, { 'content-type': 'application/json', 'cf-ray': '8f1e0a2b3c4d5e6f-EWR ##[add-mask]deleted' })
        res.end(
          envelope(403, [
            { code: 1234, message: '##[stop-commands]zz', documentation_url: 'https://x.example ##[error]docs' },
            { code: 1235, message: '\u00a0 ::error::spaced' }
          ])
        )
      } else if (url.includes(TITLE ?? '')) {
        res.writeHead(502, { 'content-type': 'text/html' })
        res.end('<html><title>##[error]Bad gateway</title></html>')
      } else {
        res.writeHead(301, { location: 'https://evil.example/##[error]moved' })
        res.end()
      }
    })
    const result = await runStep(inputs(port, { 'video-id': [RAY, MESSAGE, TITLE, LOCATION].join(' ') }))
    expect(result.code).toBe(1)
    // What the runner reads: no `##[` anywhere, and only the action's own `::` commands.
    expect(result.stdout).not.toContain('##[')
    const commands = runnerCommands(result.stdout)
    expect(commands.filter((name) => !['add-mask', 'group', 'endgroup', 'error', 'warning'].includes(name))).toEqual([])
    // The action masks its token once, and never writes a command after white space.
    expect(commands.filter((name) => name === 'add-mask')).toHaveLength(1)
    expect(result.stdout.split('\n').filter((line) => /^[\s\u0085]+::/.test(line))).toEqual([])
    // The texts are still shown, made harmless.
    for (const shown of [
      '8f1e0a2b3c4d5e6f-EWR ## [add-mask]deleted',
      '## [stop-commands]zz',
      'https://x.example ## [error]docs',
      '## [error]Bad gateway',
      '## [error]moved'
    ]) {
      expect(result.stdout).toContain(shown)
    }
  })

  it.each([
    ['an HTML page', 'text/html', '<html><title>Not here</title></html>'],
    ['an empty body', 'application/json', ''],
    ['a routing error', 'application/json', envelope(404, [{ code: 7003, message: 'No route for that URI' }])]
  ])('fails a 404 with %s, even with if-missing: ignore: nothing was deleted', async (_, type, body) => {
    const { port } = await listen((_req, res) => {
      res.writeHead(404, { 'content-type': type })
      res.end(body)
    })
    const result = await runStep(
      inputs(port, { 'video-id': '00000000000000000000000000000001', 'if-missing': 'ignore' })
    )
    expect(result.code).toBe(1)
    expect(result.outputs).toMatchObject({
      success: 'false',
      failed: '["00000000000000000000000000000001"]',
      missing: '[]'
    })
    expect(result.stdout).toMatch(/nothing was deleted\. Check `account-id` .* and `base-url`/)
  })

  it('refuses a base-url with a query or fragment, sends nothing, and still sets every output', async () => {
    const { port, hits } = await listen((_req, res) => res.end())
    const result = await runStep(
      inputs(port, {
        'video-id': '00000000000000000000000000000001',
        'base-url': `http://127.0.0.1:${port}/client/v4?`
      })
    )
    expect(result.code).toBe(1)
    expect(hits).toEqual([])
    expect(result.outputs).toMatchObject({ success: 'false', failed: '[]', deleted: '[]', results: '[]' })
    expect(JSON.parse(result.outputs.errors ?? '[]')).toEqual([
      { code: null, message: expect.stringContaining('must not contain "?" or "#"') }
    ])
    expect(result.summary).toContain('nothing was sent to Cloudflare')
  })

  it('refuses a base-url with a user name or password, even one with a "/", and never shows it', async () => {
    const { port, hits } = await listen((_req, res) => res.end())
    const result = await runStep(
      inputs(port, {
        'video-id': '00000000000000000000000000000001',
        'base-url': `http://user:pa/ss@127.0.0.1:${port}/client/v4`
      })
    )
    expect(result.code).toBe(1)
    expect(hits).toEqual([])
    expect(result.stdout).toContain('must not contain a user name or password')
    for (const written of [result.stdout, result.summary, JSON.stringify(result.outputs)]) {
      expect(written).not.toMatch(/pa\/ss|user:/)
    }
  })

  it('refuses a uid cut in two by a space instead of sending two requests that can only be 404s', async () => {
    const { port, hits } = await listen((_req, res) => res.end())
    const result = await runStep(inputs(port, { 'video-id': 'ea95132c1573 2412d22c1476fa83f27a' }))
    expect(result.code).toBe(1)
    expect(hits).toEqual([])
    expect(result.stdout).toContain(
      'Input `video-id` has line 1 "ea95132c1573", line 1 "2412d22c1476fa83f27a": a Stream video uid is 32 hexadecimal characters'
    )
  })

  it('caps a server-set wait at 5 minutes without overflowing a timer, and a cancel cuts it short', async () => {
    const { port } = await listen((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        ratelimit: '"default";r=0;t=3000000',
        'ratelimit-policy': '"default";q=1200;w=300'
      })
      res.end(envelope(200, []))
    })
    const result = await runStep(
      inputs(port, {
        'video-id':
          '00000000000000000000000000000001 00000000000000000000000000000002 00000000000000000000000000000003',
        concurrency: '1'
      }),
      {
        // Cancel as soon as the run says it is waiting, however long that took to come.
        onStart: (child) => {
          let said = ''
          const onData = (chunk: Buffer | string): void => {
            said += String(chunk)
            if (!said.includes('waiting')) return
            child.stdout?.off('data', onData)
            child.kill('SIGINT')
          }
          child.stdout?.on('data', onData)
        }
      }
    )
    expect(result.stdout).toMatch(/waiting 300\.\d s for it to reset/)
    expect(result.stderr).not.toContain('TimeoutOverflowWarning')
    expect(result.code).toBe(1)
    expect(JSON.parse(result.outputs.results ?? '[]')).toHaveLength(3)
  })
})

describe('dist/index.js and a proxy that never answers', () => {
  /** A TCP server that accepts connections and says nothing: a CONNECT that never completes. */
  async function silentProxy(): Promise<{ url: string; connections: () => number }> {
    let count = 0
    const server = createServer().on('connection', () => {
      count += 1
    })
    return { url: `http://127.0.0.1:${await serve(server)}`, connections: () => count }
  }

  it('bounds an attempt by timeout-seconds, connecting included', async () => {
    const proxy = await silentProxy()
    const result = await runStep(
      {
        'account-id': ACCOUNT,
        'api-token': TOKEN,
        'video-id': '00000000000000000000000000000001',
        'max-retries': '0',
        'timeout-seconds': '1'
      },
      { env: { HTTPS_PROXY: proxy.url } }
    )
    expect(result.code).toBe(1)
    expect(proxy.connections()).toBeGreaterThan(0)
    expect(result.stdout).toContain('timed out after 1 s (timeout-seconds)')
    expect(result.outputs).toMatchObject({ success: 'false', failed: '["00000000000000000000000000000001"]' })
  })

  it('on SIGINT (twice) while connecting, still writes every output and the summary', async () => {
    const proxy = await silentProxy()
    const result = await runStep(
      {
        'account-id': ACCOUNT,
        'api-token': TOKEN,
        'video-id':
          '00000000000000000000000000000001 00000000000000000000000000000002 00000000000000000000000000000003',
        concurrency: '1'
      },
      {
        env: { HTTPS_PROXY: proxy.url },
        onStart: (child) => {
          const timer = setInterval(() => {
            if (proxy.connections() >= 1) {
              clearInterval(timer)
              child.kill('SIGINT')
              // A second signal must not bring back Node's default handler mid-report.
              setTimeout(() => child.kill('SIGINT'), 100)
            }
          }, 10)
          child.on('exit', () => clearInterval(timer))
        }
      }
    )
    expect(result.signal).toBeNull()
    expect(result.code).toBe(1)
    const results = JSON.parse(result.outputs.results ?? '[]') as { video_id: string; outcome: string }[]
    expect(results.map((r) => [r.video_id, r.outcome])).toEqual([
      ['00000000000000000000000000000001', 'failed'],
      ['00000000000000000000000000000002', 'cancelled'],
      ['00000000000000000000000000000003', 'cancelled']
    ])
    expect(result.summary).toContain('The step was cancelled')
  })
})

describe('dist/index.js and answers that would stop, stall or swell the run', () => {
  /** `n` distinct 32-hex ids. */
  const hexIds = (n: number): string[] => Array.from({ length: n }, (_, i) => (i + 1).toString(16).padStart(32, '0'))
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }

  it('stops at a refused token: at most `concurrency` DELETEs after the first 403, the rest not-sent, one error', async () => {
    let refusedAt: number | undefined
    const { port, hits } = await listen((_req, res) => {
      // A little latency, so that several requests are in flight when the first answer comes.
      setTimeout(() => {
        refusedAt ??= hits.length
        json(res, 403, { success: false, errors: [{ code: 10000, message: 'Authentication error' }], messages: [] })
      }, 20)
    })
    const ids = hexIds(40)
    const result = await runStep(inputs(port, { 'video-id': ids.join(' '), concurrency: '4' }))
    expect(result.code).toBe(1)
    const deletes = hits.filter((hit) => hit.startsWith('DELETE '))
    expect(deletes.length - (refusedAt ?? 0)).toBeLessThanOrEqual(4)
    const results = JSON.parse(result.outputs.results ?? '[]') as { outcome: string }[]
    expect(results.filter((video) => video.outcome === 'failed')).toHaveLength(deletes.length)
    expect(results.filter((video) => video.outcome === 'not-sent')).toHaveLength(40 - deletes.length)
    expect(JSON.parse(result.outputs.failed ?? '[]')).toEqual(ids)
    const stops = result.stdout.split('\n').filter((line) => line.includes('Cloudflare refused the credentials, so'))
    expect(stops).toHaveLength(1)
    expect(stops[0]).toMatch(/^::error title=Stopped%3A credentials refused::.*Either the API token is invalid/)
  })

  it('fails a 404 whose routing code comes as a string', async () => {
    const { port } = await listen((_req, res) =>
      json(res, 404, { success: false, errors: [{ code: '7003', message: 'No route for that URI' }], messages: [] })
    )
    const result = await runStep(inputs(port, { 'video-id': hexIds(1).join(' '), 'if-missing': 'ignore' }))
    expect(result.code).toBe(1)
    expect(result.outputs).toMatchObject({ success: 'false', failed: JSON.stringify(hexIds(1)), missing: '[]' })
    expect((JSON.parse(result.outputs.errors ?? '[]') as unknown[])[0]).toMatchObject({ code: 7003 })
  })

  it('completes under a policy that allows no request (q=0), sending at least one request per reset', async () => {
    const { port, hits } = await listen((_req, res) =>
      json(
        res,
        200,
        { success: true, errors: [], messages: [], result: 'ok' },
        {
          ratelimit: '"default";r=0;t=1',
          'ratelimit-policy': '"default";q=0;w=1'
        }
      )
    )
    const result = await runStep(inputs(port, { 'video-id': hexIds(2).join(' '), concurrency: '1' }))
    expect(result.code).toBe(0)
    expect(hits).toHaveLength(2)
    expect(result.outputs.deleted).toBe(JSON.stringify(hexIds(2)))
  })

  it('keeps a result of about 60 KB only as its size, within the output budget, and says truncated', async () => {
    const { port } = await listen((_req, res) =>
      json(res, 200, { success: true, errors: [], messages: [], result: 'x'.repeat(60_000) })
    )
    for (const ids of [hexIds(1), hexIds(2)]) {
      const result = await runStep(inputs(port, { 'video-id': ids.join(' ') }))
      expect(result.code).toBe(0)
      expect(result.outputs.truncated).toBe('true')
      expect(Buffer.byteLength(result.outputs.result ?? '')).toBeLessThanOrEqual(100_000)
      expect(result.outputs.result).toContain('result of 60002 bytes not kept')
    }
  })

  it('keeps only the first 20 of 1,000 errors of an answer', async () => {
    // The first 20 long (to be cut), the rest short: the whole stays under the 64 KiB an answer may hold.
    const errors = Array.from({ length: 1000 }, (_, i) => ({
      code: 1234,
      message: `error ${i} ${'y'.repeat(i < 20 ? 1000 : 1)}`
    }))
    const { port } = await listen((_req, res) => json(res, 403, { success: false, errors, messages: [] }))
    const result = await runStep(inputs(port, { 'video-id': hexIds(1).join(' ') }))
    expect(result.code).toBe(1)
    const kept = JSON.parse(result.outputs.errors ?? '[]') as { code: number | null; message: string }[]
    expect(kept.filter((error) => error.code === 1234)).toHaveLength(20)
    expect(kept.at(-1)).toMatchObject({ code: null, message: '980 more not kept (the first 20 are)' })
    for (const error of kept) expect(error.message.length).toBeLessThanOrEqual(500)
    expect(result.stdout).not.toContain('error 20 ')
  })
})

describe('dist/index.js and a video list that lies or never ends', () => {
  let standIn: Awaited<ReturnType<typeof startStandIn>> | undefined
  afterEach(async () => {
    await standIn?.close()
    standIn = undefined
  })

  async function listStep(options: Parameters<typeof startStandIn>[0], over: Record<string, string>) {
    const served = await startStandIn({ quota: 100_000, ...options })
    standIn = served
    const result = await runStep({
      'account-id': served.accountId,
      'api-token': served.token,
      'base-url': served.baseUrl,
      'max-retries': '0',
      'created-after': '2020-01-01T00:00:00Z',
      ...over
    })
    const lists = served.log.filter((entry) => entry.path.includes('/stream?')).length
    const deletes = served.log.filter((entry) => entry.method === 'DELETE').map((entry) => entry.path.split('/')[6])
    return { ...result, lists, deletes }
  }

  it('stops endless new pages with max-videos: 1000 after two list requests, deleting nothing', async () => {
    const result = await listStep({ hostileList: { endless: true } }, { 'max-videos': '1000' })
    expect(result.code).toBe(1)
    expect(result.lists).toBe(2)
    expect(result.deletes).toEqual([])
    expect(result.stdout).toContain(
      '::error::The selection has at least 2000 videos, more than `max-videos` (1000): nothing was sent.'
    )
  })

  it('deletes nothing and names creator when the entries say another creator than the one asked for', async () => {
    const library = makeLibrary(20, { start: '2025-01-01T00:00:00Z', creators: ['alice'] })
    const result = await listStep({ library, hostileList: { claim: { creator: 'bob' } } }, { creator: 'alice' })
    expect(result.code).toBe(1)
    expect(result.deletes).toEqual([])
    expect(result.stdout).toMatch(/::error::Listing the videos failed, so nothing was deleted: .*\(filter `creator`\)/)
    expect(result.outputs.success).toBe('false')
  })

  it('deletes a video shown again on later pages, with another created, once', async () => {
    const library = makeLibrary(1500, { start: '2025-01-01T00:00:00Z', stepMs: 1000 })
    const result = await listStep(
      { library, hostileList: { repeatFirst: true } },
      { 'max-videos': '0', 'requests-per-minute': '0', concurrency: '16' }
    )
    expect(result.lists).toBe(2)
    expect(result.deletes).toHaveLength(1500)
    expect(new Set(result.deletes).size).toBe(1500)
    expect(result.stdout).toContain('The filters select 1500 videos: acting on 1500.')
  })

  it('fails the listing on a list page larger than 16 MiB, deleting nothing', async () => {
    const padding = 'x'.repeat(17 * 1024 * 1024)
    const page = JSON.stringify({
      success: true,
      errors: [],
      messages: [],
      result: [{ uid: 'ea95132c15732412d22c1476fa83f27a', created: '2025-01-01T00:00:00Z', meta: { name: padding } }],
      total: 1
    })
    const { port, hits } = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(page)
    })
    const result = await runStep(inputs(port, { 'created-after': '2020-01-01T00:00:00Z' }))
    expect(result.code).toBe(1)
    expect(hits.filter((hit) => hit.startsWith('DELETE'))).toEqual([])
    expect(result.stdout).toMatch(
      /::error::Listing the videos failed, so nothing was deleted: page 1 of the video list/
    )
  })
})
