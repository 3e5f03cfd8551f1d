import { describe, expect, it } from '@jest/globals'
import { createTransport } from '../src/runner/http.js'
import { exchange } from './helpers/fakes.js'
import { proxyFor } from '../src/requests/proxy.js'
import { startStandIn } from '../dev/stand-in.js'
import { startConnectProxy } from './helpers/connect-proxy.js'

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

describe('createTransport', () => {
  it('tunnels through a CONNECT proxy, with the proxy credentials, and keeps one connection alive', async () => {
    const standIn = await startStandIn({ videos: { v1: {}, v2: {} } })
    const proxy = await startConnectProxy()
    const proxyUrl = new URL(proxy.url)
    proxyUrl.username = 'user'
    proxyUrl.password = 'pw'
    const transport = createTransport(proxyUrl, { connections: 1, timeoutMs: 5000 })
    try {
      for (const video of ['v1', 'v2']) {
        const response = await exchange(transport, {
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
      await transport.destroy()
      await proxy.close()
      await standIn.close()
    }
  })

  it('keeps connections alive across sequential requests without a proxy', async () => {
    const videos = ['v1', 'v2', 'v3', 'v4', 'v5', 'v6']
    const standIn = await startStandIn({ videos: Object.fromEntries(videos.map((v) => [v, {}])) })
    const transport = createTransport(undefined, { connections: 4, timeoutMs: 5000 })
    const ports = new Set<string>()
    try {
      for (const video of videos) {
        await exchange(transport, {
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
      await transport.destroy()
      await standIn.close()
    }
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
