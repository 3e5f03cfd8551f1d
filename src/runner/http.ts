/**
 * The HTTP transport: one keep-alive undici pool for the API's origin, through the proxy that
 * proxy.ts picked, if any.
 *
 * undici's dispatchers are loaded by path, not through its index: see bench/RESULTS.md ("Start-up").
 */
import connect from 'undici/lib/api/api-connect.js'
import Agent from 'undici/lib/dispatcher/agent.js'
import DispatcherBase from 'undici/lib/dispatcher/dispatcher.js'
import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js'
import type { Transport, TransportOptions } from '../ports.js'

// What undici's index.js does for dispatchers, for the one method used: ProxyAgent opens its
// tunnel with connect(). The client sends through dispatch(), so request(), stream(), pipeline()
// and upgrade() (and the response streams they need) are not loaded.
Object.assign(DispatcherBase.prototype, { connect })

/** The transport for every request of this run. */
export function createTransport(proxy: URL | undefined, options: TransportOptions): Transport {
  // The client's own timer limits each attempt as a whole; undici's limits are only a backstop.
  const backstop = options.timeoutMs + 1000
  // No `allowH2`: HTTP/1.1 only, and the bundle leaves undici's HTTP/2 client out (scripts/bundle.mjs).
  const common = {
    connections: options.connections,
    keepAliveTimeout: 30_000,
    headersTimeout: backstop,
    bodyTimeout: backstop,
    connect: { timeout: backstop },
    // Node's default (16 KiB), which undici would read from node:http: given here, node:http is
    // never loaded (scripts/bundle.mjs). Cloudflare's answers carry a few hundred bytes of headers.
    maxHeaderSize: 16 * 1024
  }
  return proxy ? new ProxyAgent({ uri: proxy.href, ...common }) : new Agent(common)
}
