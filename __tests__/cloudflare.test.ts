/** The client against a real HTTP server on 127.0.0.1: every answer, good or bad, becomes a typed Answer. */
import { afterEach, describe, expect, it } from '@jest/globals'
import { authHeaders, CloudflareClient, downloadsUrl } from '../src/cloudflare/client.js'
import type { Transport, TransportFailure, TransportRequest, TransportResponse } from '../src/ports.js'
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
    ['huge', 200, /^HTTP 200 with an answer over 64 KiB, larger than Cloudflare sends \(not read\)$/]
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
    expect(await cf.deleteDownload('vid1', 'default', live)).toEqual({
      kind: 'network',
      code: 'TIMEOUT',
      message: 'timed out after 0.3 s (timeout-seconds)',
      mayHaveReachedServer: true
    })
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

  it('sends nothing when the step was already cancelled', async () => {
    const cf = await client()
    const stopped = new AbortController()
    stopped.abort()
    expect(await cf.deleteDownload('vid1', 'default', stopped.signal)).toMatchObject({
      kind: 'network',
      code: 'ABORTED'
    })
    expect(standIn.log).toEqual([])
  })
})

/** A transport that answers from a script, with no network: what the client makes of each answer. */
function scripted(
  reply: (request: TransportRequest) => TransportResponse | TransportFailure,
  baseUrl = 'https://api.example/client/v4'
) {
  const sent: TransportRequest[] = []
  const transport: Transport = {
    send: async (request) => {
      sent.push(request)
      return reply(request)
    },
    destroy: () => Promise.resolve()
  }
  const cf = new CloudflareClient({
    baseUrl,
    accountId: 'acc',
    auth: { kind: 'token', token: 't' },
    userAgent: 'ua',
    transport
  })
  return { cf, sent }
}

const OK = '{"success":true,"errors":[],"messages":[],"result":"ok"}'
/** An answer with these headers and body; a body of `null` was too large to read. */
const response = (status: number, headers: Record<string, string>, body: string | null = OK): TransportResponse => ({
  kind: 'response',
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: body ?? undefined
})

describe('CloudflareClient, as the transport tells it the answer', () => {
  it('sends the request with its headers, limit and signal, and reads the headers it needs', async () => {
    const { cf, sent } = scripted(() =>
      response(200, {
        'cf-ray': 'ray-1',
        ratelimit: '"a";r=5;t=1, "b";r=2;t=9',
        'retry-after': '7',
        'x-ratelimit-reset': '3',
        'transfer-encoding': 'chunked'
      })
    )
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
        headers: { authorization: 'Bearer t', accept: 'application/json', 'user-agent': 'ua' },
        maxBodyBytes: 64 * 1024,
        signal: live
      }
    ])
  })

  it('reads a page of the video list up to its own, larger limit', async () => {
    const { cf, sent } = scripted(() => response(200, {}, null))
    const answer = await cf.listVideos(new URLSearchParams({ limit: '1000' }), live)
    expect(sent[0]).toMatchObject({ method: 'GET', path: '/client/v4/accounts/acc/stream?limit=1000' })
    expect(sent[0]?.maxBodyBytes).toBe(16 * 1024 * 1024)
    expect(answer).toMatchObject({
      problem: 'HTTP 200 with an answer over 16 MiB, larger than Cloudflare sends (not read)'
    })
  })

  it('says an answer over the limit was not read, keeping its status and headers', async () => {
    const { cf } = scripted(() => response(200, { 'cf-ray': 'r' }, null))
    expect(await cf.deleteDownload('vid', 'default', live)).toMatchObject({
      kind: 'http',
      status: 200,
      rayId: 'r',
      problem: 'HTTP 200 with an answer over 64 KiB, larger than Cloudflare sends (not read)'
    })
  })

  it('does not parse an answer of more tiny JSON values than Cloudflare sends, whatever its size', async () => {
    const envelope = (count: number): string =>
      `{"success":false,"errors":[${Array.from({ length: count }, () => '{}').join(',')}],"messages":[],"result":null}`
    const { cf } = scripted(() => response(403, {}, envelope(10_001)))
    const answer = await cf.deleteDownload('vid', 'default', live)
    expect(answer).toMatchObject({
      status: 403,
      problem: 'HTTP 403 with an answer of over 10000 JSON values, larger than Cloudflare sends (not parsed)'
    })
    expect(answer).not.toHaveProperty('envelope')
    const fewer = scripted(() => response(403, {}, envelope(4_000)))
    expect(await fewer.cf.deleteDownload('vid', 'default', live)).toMatchObject({ envelope: { success: false } })
    // A page of the video list may hold far more: 1,000 videos of some 100 values each.
    const page = scripted(() => response(200, {}, envelope(200_000)))
    expect(await page.cf.listVideos(new URLSearchParams(), live)).toMatchObject({ envelope: { success: false } })
    const hostile = scripted(() => response(200, {}, envelope(500_001)))
    expect(await hostile.cf.listVideos(new URLSearchParams(), live)).toMatchObject({
      problem: 'HTTP 200 with an answer of over 500000 JSON values, larger than Cloudflare sends (not parsed)'
    })
  })

  it('names the size of an answer refused by its content-length, for a DELETE and a downloads read', async () => {
    const { cf } = scripted(() => ({ ...response(403, {}, null), unreadBytes: 5_000_000 }))
    const problem = 'HTTP 403 with an answer of 5000000 bytes, larger than Cloudflare sends (not read)'
    expect(await cf.deleteDownload('vid', 'default', live)).toMatchObject({ status: 403, problem })
    expect(await cf.getDownloads('vid', live)).toMatchObject({ status: 403, problem })
    expect(await cf.deleteDownload('vid', 'default', live)).not.toHaveProperty('envelope')
  })

  it('passes a network failure on as it is', async () => {
    const failure: TransportFailure = {
      kind: 'network',
      code: 'ECONNRESET',
      message: 'reset',
      mayHaveReachedServer: true
    }
    const { cf } = scripted(() => failure)
    expect(await cf.deleteDownload('vid', 'default', live)).toEqual(failure)
  })

  it('sends an id a URL would change, or under a base URL with a query, as new URL() builds it', async () => {
    const failed = (): TransportFailure => ({ kind: 'network', code: 'X', message: 'x', mayHaveReachedServer: false })
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
