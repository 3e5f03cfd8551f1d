/** The client against a real HTTP server on 127.0.0.1: every answer, good or bad, becomes a typed Answer. */
import { afterEach, describe, expect, it } from '@jest/globals'
import { authHeaders, downloadsUrl } from '../src/cloudflare.js'
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
    [
      'html502',
      502,
      /HTTP 502 answered with text\/html, not a JSON envelope: "api.cloudflare.com \| 502: Bad gateway"/
    ],
    ['html520', 520, /HTTP 520 answered with text\/html/],
    ['empty', 502, /HTTP 502 with an empty body/],
    ['not-json', 200, /HTTP 200 answered with application\/json, not a JSON envelope/],
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
