/** The client against a real HTTP server on 127.0.0.1: every answer, good or bad, becomes a typed Answer. */
import { afterEach, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { authHeaders, CloudflareClient, downloadsUrl, VideoPaths } from '../src/cloudflare/client.js'
import type { ResponseHandler, Transport, TransportRequest } from '../src/ports.js'
import type { Auth } from '../src/types.js'
import type { FaultRule } from '../dev/stand-in.js'
import { closeStandInClients, type StandIn, standInClient } from './helpers/stand-in-client.js'

let standIn: StandIn

async function client(faults: FaultRule[] = [], auth?: Auth, timeoutMs = 5000) {
  const setUp = await standInClient({
    videos: { vid1: { default: true, audio: true } },
    key: 'global-key',
    email: 'me@example.com',
    faults,
    auth,
    timeoutMs,
    connections: 4
  })
  standIn = setUp.standIn
  return setUp.client
}

afterEach(closeStandInClients)

const live = new AbortController().signal

describe('downloadsUrl and authHeaders', () => {
  it('builds the documented paths under the base URL', () => {
    const base = 'https://api.cloudflare.com/client/v4'
    expect(downloadsUrl(base, 'acc', 'vid', 'default').href).toBe(
      'https://api.cloudflare.com/client/v4/accounts/acc/stream/vid/downloads'
    )
    expect(downloadsUrl(base, 'acc', 'vid', 'audio').href).toBe(
      'https://api.cloudflare.com/client/v4/accounts/acc/stream/vid/downloads/audio'
    )
  })

  it('sends a Bearer token, or the e-mail and key, never both', () => {
    expect(authHeaders({ kind: 'token', token: 't' })).toEqual({ authorization: 'Bearer t' })
    expect(authHeaders({ kind: 'key', email: 'e@x', key: 'k' })).toEqual({ 'x-auth-email': 'e@x', 'x-auth-key': 'k' })
  })
})

describe('CloudflareClient.deleteDownload', () => {
  it('deletes with a DELETE carrying the token, User-Agent and Accept headers', async () => {
    const cf = await client()
    const answer = await cf.deleteDownload('vid1', 'audio', live)
    expect(answer).toMatchObject({
      kind: 'http',
      status: 200,
      rayId: expect.stringMatching(/-SJC$/),
      envelope: { success: true, errors: [], messages: [], result: 'ok' },
      ratelimit: expect.stringMatching(/^"default";r=\d+;t=\d+$/)
    })
    expect(standIn.videos.get('vid1')).toEqual({ default: true, audio: false })
    const [request] = standIn.log
    expect(request?.method).toBe('DELETE')
    expect(request?.path).toBe(`/client/v4/accounts/${standIn.accountId}/stream/vid1/downloads/audio`)
    expect(request?.headers).toMatchObject({
      authorization: `Bearer ${standIn.token}`,
      'user-agent': 'test-agent/1.0',
      accept: 'application/json'
    })
    expect(request?.headers['x-auth-key']).toBeUndefined()
  })

  it('authenticates with the e-mail and Global API key', async () => {
    const cf = await client([], { kind: 'key', email: 'me@example.com', key: 'global-key' })
    expect(await cf.deleteDownload('vid1', 'default', live)).toMatchObject({ status: 200 })
    expect(standIn.log[0]?.headers.authorization).toBeUndefined()
  })

  it('reads a 403 envelope', async () => {
    const cf = await client([], { kind: 'token', token: 'wrong' })
    expect(await cf.deleteDownload('vid1', 'default', live)).toMatchObject({
      status: 403,
      envelope: { success: false, errors: [{ code: 10000, message: 'Authentication error' }] }
    })
  })

  it.each([
    ['html502', 502, /^text\/html, not a JSON envelope: "api.cloudflare.com \| 502: Bad gateway"/],
    ['html520', 520, /^text\/html/],
    ['empty', 502, /^an empty body/],
    ['not-json', 200, /^application\/json, not a JSON envelope/],
    ['huge', 200, /HTTP 200 with an answer over 1 MiB, which was not read/]
  ] as const)('turns the %s misbehaviour into a problem', async (fault, status, problem) => {
    const cf = await client([{ fault }])
    const answer = await cf.deleteDownload('vid1', 'default', live)
    expect(answer).toMatchObject({ kind: 'http', status, problem: expect.stringMatching(problem) })
  })

  it('does not follow a redirect, and reports where it pointed', async () => {
    const cf = await client([{ fault: 'redirect' }])
    expect(await cf.deleteDownload('vid1', 'default', live)).toMatchObject({
      status: 307,
      location: 'https://elsewhere.example/steal'
    })
    expect(standIn.log).toHaveLength(1)
  })

  it('reports a reset connection as a network failure that may have reached the server', async () => {
    const cf = await client([{ fault: 'reset' }])
    expect(await cf.deleteDownload('vid1', 'default', live)).toMatchObject({
      kind: 'network',
      code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/),
      mayHaveReachedServer: true
    })
  })

  it('gives up on an answer that never comes after the attempt timeout', async () => {
    const cf = await client([{ fault: 'hang' }], undefined, 300)
    const started = Date.now()
    expect(await cf.deleteDownload('vid1', 'default', live)).toEqual({
      kind: 'network',
      code: 'TIMEOUT',
      message: 'timed out after 0.3 s (timeout-seconds)',
      mayHaveReachedServer: true
    })
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it('reports a refused connection as never sent', async () => {
    const cf = await client()
    await standIn.close()
    expect(await cf.deleteDownload('vid1', 'default', live)).toMatchObject({
      kind: 'network',
      code: 'ECONNREFUSED',
      mayHaveReachedServer: false
    })
  })

  it('gives up a request in flight when the step is cancelled', async () => {
    const cf = await client([{ fault: 'hang' }])
    const abort = new AbortController()
    setTimeout(() => abort.abort(), 100)
    expect(await cf.deleteDownload('vid1', 'default', abort.signal)).toMatchObject({
      kind: 'network',
      code: 'ABORTED',
      mayHaveReachedServer: true
    })
  })

  it('ends an attempt at once when the step was already cancelled', async () => {
    const cf = await client([{ fault: 'hang' }])
    const stopped = new AbortController()
    stopped.abort()
    expect(await cf.deleteDownload('vid1', 'default', stopped.signal)).toMatchObject({
      kind: 'network',
      code: 'ABORTED'
    })
  })
})

/**
 * A transport that plays undici's side of dispatch() from a script, with no network: what the
 * client makes of raw headers, split bodies and aborts.
 */
function scripted(
  play: (handler: ResponseHandler, aborted: () => void) => void,
  baseUrl = 'https://api.example/client/v4'
) {
  const sent: TransportRequest[] = []
  let aborts = 0
  const transport: Transport = {
    dispatch: (request, handler) => {
      sent.push(request)
      play(handler, () => (aborts += 1))
      return true
    },
    destroy: () => Promise.resolve()
  }
  const cf = new CloudflareClient({
    baseUrl,
    accountId: 'acc',
    auth: { kind: 'token', token: 't' },
    userAgent: 'ua',
    transport,
    timeoutMs: 60_000
  })
  return { cf, sent, aborts: () => aborts }
}

const raw = (...pairs: string[]): Buffer[] => pairs.map((text) => Buffer.from(text, 'latin1'))
const OK = Buffer.from('{"success":true,"errors":[],"messages":[],"result":"ok"}')

describe('CloudflareClient, as undici tells it the answer', () => {
  it('reads the headers it needs as undici parses them: any case, repeats joined, an empty one replaced', async () => {
    const { cf, sent } = scripted((handler) => {
      handler.onConnect(() => undefined)
      handler.onHeaders(100, raw('Ratelimit', 'ignored'), () => undefined, 'Continue')
      handler.onHeaders(
        200,
        raw(
          'CF-Ray',
          'ray-1',
          'RateLimit',
          '"a";r=5;t=1',
          'ratelimit',
          '"b";r=2;t=9',
          'Retry-After',
          '',
          'retry-after',
          '7',
          'X-RateLimit-Reset',
          '3',
          'Transfer-Encoding',
          'chunked',
          'Content-Type',
          'application/json'
        ),
        () => undefined,
        'OK'
      )
      handler.onData(OK.subarray(0, 10))
      handler.onData(OK.subarray(10))
      handler.onComplete(null)
    })
    expect(await cf.deleteDownload('vid', 'audio', live)).toEqual({
      kind: 'http',
      status: 200,
      rayId: 'ray-1',
      retryAfter: '7',
      ratelimit: '"a";r=5;t=1, "b";r=2;t=9',
      ratelimitPolicy: undefined,
      xRateLimitRemaining: undefined,
      xRateLimitReset: '3',
      location: undefined,
      envelope: { success: true, errors: [], messages: [], result: 'ok' }
    })
    expect(sent).toEqual([
      {
        origin: 'https://api.example',
        path: '/client/v4/accounts/acc/stream/vid/downloads/audio',
        method: 'DELETE',
        headers: { authorization: 'Bearer t', accept: 'application/json', 'user-agent': 'ua' }
      }
    ])
  })

  it('decodes a character split between two pieces of the body', async () => {
    const body = Buffer.from('{"success":false,"errors":[{"code":1,"message":"é"}],"messages":[],"result":null}')
    const at = body.indexOf(0xc3) + 1
    const { cf } = scripted((handler) => {
      handler.onConnect(() => undefined)
      handler.onHeaders(400, raw('content-type', 'application/json'), () => undefined, '')
      handler.onData(body.subarray(0, at))
      handler.onData(body.subarray(at))
      handler.onComplete(null)
    })
    expect(await cf.getDownloads('vid', live)).toMatchObject({ envelope: { errors: [{ code: 1, message: 'é' }] } })
  })

  it('stops reading an answer over the limit, and ends the request', async () => {
    const { cf, aborts } = scripted((handler, aborted) => {
      handler.onConnect(aborted)
      handler.onHeaders(200, raw('cf-ray', 'r'), () => undefined, 'OK')
      expect(handler.onData(Buffer.alloc(1024 * 1024))).toBe(true)
      expect(handler.onData(Buffer.alloc(1))).toBe(false)
      handler.onError(new Error('aborted'))
    })
    expect(await cf.deleteDownload('vid', 'default', live)).toEqual({
      kind: 'http',
      status: 200,
      rayId: 'r',
      problem: 'HTTP 200 with an answer over 1 MiB, which was not read',
      retryAfter: undefined,
      ratelimit: undefined,
      ratelimitPolicy: undefined,
      xRateLimitRemaining: undefined,
      xRateLimitReset: undefined,
      location: undefined
    })
    expect(aborts()).toBe(1)
  })

  it('ends a request cancelled before undici could write it as soon as it can', async () => {
    const step = new AbortController()
    let connect: (() => void) | undefined
    const { cf, aborts } = scripted((handler, aborted) => {
      connect = () => handler.onConnect(aborted)
    })
    const answer = cf.deleteDownload('vid', 'default', step.signal)
    step.abort()
    expect(await answer).toMatchObject({ kind: 'network', code: 'ABORTED' })
    expect(aborts()).toBe(0)
    connect?.()
    expect(aborts()).toBe(1)
  })

  it('reports what undici says went wrong, and an exception from dispatch() too', async () => {
    const failing = scripted((handler) => handler.onError(Object.assign(new Error('reset'), { code: 'ECONNRESET' })))
    expect(await failing.cf.deleteDownload('vid', 'default', live)).toMatchObject({
      kind: 'network',
      code: 'ECONNRESET',
      mayHaveReachedServer: true
    })
    const throwing = scripted(() => {
      throw Object.assign(new Error('no'), { code: 'UND_ERR_INVALID_ARG' })
    })
    expect(await throwing.cf.deleteDownload('vid', 'default', live)).toMatchObject({ code: 'UND_ERR_INVALID_ARG' })
  })

  it('sends an id a URL would change, or under a base URL with a query, as new URL() builds it', async () => {
    const failed = (handler: ResponseHandler) => handler.onError(new Error('x'))
    const odd = scripted(failed)
    await odd.cf.deleteDownload('a b/../c?d', 'default', live)
    const queried = scripted(failed, 'https://api.example/v4?x=1')
    await queried.cf.getDownloads('vid', live)
    const urls = [
      downloadsUrl('https://api.example/client/v4', 'acc', 'a b/../c?d', 'default'),
      new URL('https://api.example/v4?x=1/accounts/acc/stream/vid/downloads')
    ]
    expect([odd.sent[0]?.path, queried.sent[0]?.path]).toEqual(urls.map((url) => url.pathname + url.search))
  })
})

describe('VideoPaths', () => {
  it('for any base URL, account and id: the path and origin new URL() gives, or none', () => {
    const base = fc.oneof(
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.constantFrom(
        'https://api.cloudflare.com/client/v4',
        'http://127.0.0.1:8787/client/v4/',
        'https://a.example/x/..',
        'https://a.example/%2e%2e/v4',
        'HTTP://A.EXAMPLE:80/v4',
        'mailto:x',
        'not a url'
      )
    )
    const id = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), fc.string(), fc.constantFrom('.', '..', '%2e'))
    fc.assert(
      fc.property(
        base,
        fc.stringMatching(/^[A-Za-z0-9]{1,8}$/),
        id,
        fc.boolean(),
        (baseUrl, account, videoId, audio) => {
          const paths = new VideoPaths(baseUrl, account)
          const rest = audio ? '/downloads/audio' : '/downloads'
          const path = paths.path(videoId, rest)
          if (path === undefined) return
          const url = downloadsUrl(baseUrl, account, videoId, audio ? 'audio' : 'default')
          expect([paths.origin, path]).toEqual([url.origin, url.pathname + url.search])
        }
      )
    )
  })

  it('appends every valid Stream UID to a plain base URL', () => {
    const paths = new VideoPaths('https://api.cloudflare.com/client/v4', '023e105f4ecef8ad9ca31a8372d0c353')
    expect(paths.path('ea95132c15732412d22c1476fa83f27a', '/downloads')).toBe(
      '/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/stream/ea95132c15732412d22c1476fa83f27a/downloads'
    )
    expect(new VideoPaths('https://a.example/v4?x=1', 'acc').path('vid', '/downloads')).toBeUndefined()
  })
})
