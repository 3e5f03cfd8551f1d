import { afterEach, describe, expect, it } from '@jest/globals'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import type { Transport, TransportRequest } from '../src/ports.js'
import { createTransport } from '../src/runner/http.js'
import { exchange } from './helpers/fakes.js'
import { proxyFor } from '../src/requests/proxy.js'
import { startStandIn } from '../dev/stand-in.js'
import { startConnectProxy } from './helpers/connect-proxy.js'
import { closeServers, listen, serve } from './helpers/loopback.js'

const api = new URL('https://api.cloudflare.com/client/v4')

describe('proxyFor (the @actions/http-client rules)', () => {
  it('uses HTTPS_PROXY or https_proxy for https, the lower-case one first', () => {
    expect(proxyFor(api, { HTTPS_PROXY: 'http://upper:3128' })?.href).toBe('http://upper:3128/')
    expect(proxyFor(api, { https_proxy: 'http://lower:3128', HTTPS_PROXY: 'http://upper:3128' })?.host).toBe(
      'lower:3128'
    )
    expect(proxyFor(api, { HTTP_PROXY: 'http://plain:3128' })).toBeUndefined()
    expect(proxyFor(api, {})).toBeUndefined()
  })

  it('uses HTTP_PROXY for plain http to a non-loopback host, and reads a proxy without a scheme', () => {
    expect(proxyFor(new URL('http://example.test/'), { HTTP_PROXY: 'proxy.internal:8080' })?.href).toBe(
      'http://proxy.internal:8080/'
    )
  })

  it('always goes direct to loopback', () => {
    const env = { HTTPS_PROXY: 'http://p:1', HTTP_PROXY: 'http://p:1' }
    for (const url of ['http://127.0.0.1:8080/v4', 'https://localhost/v4', 'http://[::1]:9/']) {
      expect(proxyFor(new URL(url), env)).toBeUndefined()
    }
  })

  it.each([
    ['api.cloudflare.com', true],
    ['API.CLOUDFLARE.COM', true],
    ['cloudflare.com', true],
    ['.cloudflare.com', true],
    ['api.cloudflare.com:443', true],
    ['api.cloudflare.com:8443', false],
    ['*', true],
    ['other.com, cloudflare.com', true],
    ['flare.com', false],
    ['other.com', false],
    ['', false]
  ])('NO_PROXY=%j bypasses: %s', (noProxy, bypassed) => {
    const proxy = proxyFor(api, { HTTPS_PROXY: 'http://p:1', NO_PROXY: noProxy })
    expect(proxy === undefined).toBe(bypassed)
  })

  it('reads no_proxy before NO_PROXY', () => {
    expect(proxyFor(api, { HTTPS_PROXY: 'http://p:1', no_proxy: 'cloudflare.com', NO_PROXY: 'x' })).toBeUndefined()
  })
})

/** The origin of a loopback HTTP server whose every answer `handle` writes by hand; closed after each test. */
const rawServer = async (handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> =>
  `http://127.0.0.1:${(await listen(handle)).port}`
const transports: Transport[] = []
afterEach(async () => {
  await Promise.all(transports.splice(0).map((transport) => transport.destroy()))
})
afterEach(closeServers)

function transport(timeoutMs = 5000, proxy?: URL): Transport {
  const made = createTransport(proxy, { connections: 2, timeoutMs })
  transports.push(made)
  return made
}

const get = (origin: string, over: Partial<TransportRequest> = {}): TransportRequest => ({
  origin,
  path: '/x',
  method: 'GET',
  headers: {},
  maxBodyBytes: 1024,
  signal: new AbortController().signal,
  ...over
})

describe('createTransport', () => {
  it('tunnels through a CONNECT proxy, with the proxy credentials, and keeps one connection alive', async () => {
    const standIn = await startStandIn({ videos: { v1: {}, v2: {} } })
    const proxy = await startConnectProxy()
    const proxyUrl = new URL(proxy.url)
    proxyUrl.username = 'user'
    proxyUrl.password = 'pw'
    const through = createTransport(proxyUrl, { connections: 1, timeoutMs: 5000 })
    try {
      for (const video of ['v1', 'v2']) {
        const response = await exchange(through, {
          origin: standIn.origin,
          path: `/client/v4/accounts/${standIn.accountId}/stream/${video}/downloads`,
          method: 'DELETE',
          headers: { authorization: `Bearer ${standIn.token}` }
        })
        expect(response.statusCode).toBe(200)
      }
      expect(proxy.tunnels).toEqual([
        {
          target: standIn.origin.replace('http://', ''),
          proxyAuthorization: `Basic ${Buffer.from('user:pw').toString('base64')}`
        }
      ])
    } finally {
      await through.destroy()
      await proxy.close()
      await standIn.close()
    }
  })

  it.each([
    [407, 'the proxy refused the tunnel: 407, check the proxy credentials'],
    [502, 'the proxy refused the tunnel: 502'],
    [503, 'the proxy refused the tunnel: 503']
  ])('reports a refused CONNECT (%i) with the proxy’s status, as never sent', async (status, message) => {
    const proxy = await startConnectProxy(undefined, status)
    try {
      expect(await transport(5000, new URL(proxy.url)).send(get('http://api.example.test'))).toEqual({
        kind: 'network',
        code: `PROXY_${status}`,
        message,
        mayHaveReachedServer: false
      })
    } finally {
      await proxy.close()
    }
  })

  it('bounds an attempt by its timeout while the proxy never answers the CONNECT', async () => {
    let connections = 0
    const proxy = new URL(`http://127.0.0.1:${await serve(createNetServer(() => connections++))}`)
    expect(await transport(200, proxy).send(get('https://api.example.test'))).toEqual({
      kind: 'network',
      code: 'TIMEOUT',
      message: 'timed out after 0.2 s (timeout-seconds)',
      mayHaveReachedServer: true
    })
    expect(connections).toBe(1)
  })

  it('keeps connections alive across sequential requests without a proxy', async () => {
    const videos = ['v1', 'v2', 'v3', 'v4', 'v5', 'v6']
    const standIn = await startStandIn({ videos: Object.fromEntries(videos.map((v) => [v, {}])) })
    const direct = createTransport(undefined, { connections: 4, timeoutMs: 5000 })
    const ports = new Set<string>()
    try {
      for (const video of videos) {
        await exchange(direct, {
          origin: standIn.origin,
          path: `/client/v4/accounts/${standIn.accountId}/stream/${video}/downloads`,
          method: 'DELETE',
          headers: { authorization: `Bearer ${standIn.token}` }
        })
      }
      for (const entry of standIn.log) ports.add(String(entry.remotePort))
      // Six requests over at most two connections (undici may open a second before the first is free again).
      expect(standIn.log).toHaveLength(6)
      expect(ports.size).toBeLessThanOrEqual(2)
    } finally {
      await direct.destroy()
      await standIn.close()
    }
  })

  it('joins a repeated header, and decodes a character split between two pieces of the body', async () => {
    const body = Buffer.from('{"message":"é"}')
    const at = body.indexOf(0xc3) + 1
    const origin = await rawServer((_req, res) => {
      res.setHeader('ratelimit', ['"a";r=5;t=1', '"b";r=2;t=9'])
      res.write(body.subarray(0, at))
      setImmediate(() => res.end(body.subarray(at)))
    })
    expect(await transport().send(get(origin))).toMatchObject({
      kind: 'response',
      status: 200,
      headers: { ratelimit: '"a";r=5;t=1, "b";r=2;t=9' },
      body: '{"message":"é"}'
    })
  })

  it('stops reading a body that grows past the limit, however long it would go on', async () => {
    const origin = await rawServer((_req, res) => {
      res.setHeader('cf-ray', 'r')
      // Chunked and endless: only a reader that stops at the limit ever answers.
      const more = (): void => void (res.write(Buffer.alloc(512)) ? setImmediate(more) : res.once('drain', more))
      more()
    })
    const answer = await transport().send(get(origin))
    expect(answer).toMatchObject({
      kind: 'response',
      status: 200,
      headers: { 'cf-ray': 'r' },
      body: undefined
    })
    expect(answer).not.toHaveProperty('unreadBytes')
  })

  it('does not read a body whose declared length is over the limit', async () => {
    const origin = await rawServer((_req, res) => res.end('x'.repeat(2000)))
    expect(await transport().send(get(origin))).toMatchObject({ status: 200, body: undefined, unreadBytes: 2000 })
  })

  it('ends a request when the step is cancelled, and says so rather than a timeout', async () => {
    let arrived = (): void => undefined
    const origin = await rawServer(() => arrived())
    const step = new AbortController()
    const sending = transport().send(get(origin, { signal: step.signal }))
    await new Promise<void>((resolve) => (arrived = resolve))
    step.abort()
    expect(await sending).toEqual({
      kind: 'network',
      code: 'ABORTED',
      message: 'the step was cancelled while the request was in flight',
      mayHaveReachedServer: true
    })
  })

  it('reports what went wrong on the connection, and whether the request can have been sent', async () => {
    const closed = await rawServer(() => undefined)
    await closeServers()
    expect(await transport().send(get(closed))).toMatchObject({
      kind: 'network',
      code: 'ECONNREFUSED',
      mayHaveReachedServer: false
    })
    const origin = await rawServer((req) => req.socket.destroy())
    expect(await transport().send(get(origin))).toMatchObject({
      kind: 'network',
      code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/),
      mayHaveReachedServer: true
    })
  })
})

describe('proxyFor and unusable proxy variables', () => {
  it('treats an empty variable as unset, so https_proxy="" does not hide HTTPS_PROXY', () => {
    expect(proxyFor(api, { https_proxy: '', HTTPS_PROXY: 'http://upper:3128' })?.host).toBe('upper:3128')
    expect(proxyFor(api, { HTTPS_PROXY: 'http://p:1', no_proxy: '', NO_PROXY: 'cloudflare.com' })).toBeUndefined()
  })

  it.each([
    ['a URL that does not parse', 'http://[not-a-host'],
    ['a literal % in the password', 'http://user:50%off@proxy.internal:3128']
  ])('warns about %s, naming the variable and never its value, then goes direct', (_, value) => {
    const warnings: string[] = []
    expect(proxyFor(api, { HTTPS_PROXY: value }, (message) => warnings.push(message))).toBeUndefined()
    expect(warnings).toEqual([expect.stringMatching(/^HTTPS_PROXY is not a valid proxy URL .*%25/)])
    expect(warnings.join('')).not.toContain('off')
  })
})
