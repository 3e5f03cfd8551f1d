/**
 * The HTTP transport: one keep-alive undici pool for the API's origin, through a proxy when the
 * environment asks for one, with the same rules as @actions/http-client so that self-hosted
 * runners behind a proxy behave as they do for every other action.
 *
 * undici's dispatchers are loaded by path, not through its index: see bench/RESULTS.md ("Start-up").
 */
import type { Dispatcher } from 'undici'
import api from 'undici/lib/api/index.js'
import Agent from 'undici/lib/dispatcher/agent.js'
import DispatcherBase from 'undici/lib/dispatcher/dispatcher.js'
import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js'
import { isLoopbackHost } from './parse.js'

// What undici's index.js does for dispatchers (ProxyAgent needs connect() for its tunnel).
Object.assign(DispatcherBase.prototype, api)

export interface TransportOptions {
  /** Connections kept to the origin: one per request in flight. */
  connections: number
  timeoutMs: number
}

/** What the Cloudflare client needs of HTTP: one request at a time, and closing at the end. */
export interface Transport {
  /** undici's `request()`: follows no redirects; a 3xx comes back as it is. */
  request(options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>
  /** Closes every connection at once. */
  destroy(): Promise<void>
}

/**
 * The proxy for `target`, as @actions/http-client picks it: `https_proxy`/`HTTPS_PROXY` for https,
 * `http_proxy`/`HTTP_PROXY` for http; none for loopback hosts or hosts matched by
 * `no_proxy`/`NO_PROXY` (comma-separated host names, `host:port`, `.suffix` or `*`).
 */
export function proxyFor(target: URL, env: Readonly<Record<string, string | undefined>>): URL | undefined {
  if (isLoopbackHost(target.hostname)) return undefined
  const https = target.protocol === 'https:'
  const proxy = https ? (env.https_proxy ?? env.HTTPS_PROXY) : (env.http_proxy ?? env.HTTP_PROXY)
  if (!proxy || bypassed(target, env.no_proxy ?? env.NO_PROXY ?? '')) return undefined
  try {
    return new URL(proxy.includes('://') ? proxy : `http://${proxy}`)
  } catch {
    return undefined
  }
}

function bypassed(target: URL, noProxy: string): boolean {
  const host = target.hostname.toUpperCase()
  const port = target.port || (target.protocol === 'https:' ? '443' : '80')
  const names = [host, `${host}:${port}`]
  return noProxy
    .split(',')
    .map((entry) => entry.trim().toUpperCase())
    .filter((entry) => entry !== '')
    .some(
      (entry) =>
        entry === '*' ||
        names.some(
          (name) => name === entry || name.endsWith(`.${entry}`) || (entry.startsWith('.') && name.endsWith(entry))
        )
    )
}

/** The transport for every request of this run. */
export function createTransport(proxy: URL | undefined, options: TransportOptions): Transport {
  // The client's own timer limits each attempt as a whole; undici's limits are only a backstop.
  const backstop = options.timeoutMs + 1000
  const common = {
    connections: options.connections,
    keepAliveTimeout: 30_000,
    headersTimeout: backstop,
    bodyTimeout: backstop,
    connect: { timeout: backstop }
  }
  return proxy ? new ProxyAgent({ uri: proxy.href, ...common }) : new Agent(common)
}
