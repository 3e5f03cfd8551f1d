/**
 * The HTTP transport: one keep-alive undici pool for the API's origin, through the proxy that
 * proxy.ts picked, if any.
 *
 * undici's dispatchers are loaded by path, not through undici's index: the index also loads fetch,
 * WebSocket, EventSource, the cache and the mocks, which this action never uses and every run would
 * pay for at start-up (bench/RESULTS.md). What the index does for dispatchers is done here the same
 * way: it installs the request API (request, stream, pipeline, upgrade, connect) on
 * `Dispatcher.prototype`. `ProxyAgent` needs `connect()` from it to open its tunnel.
 */
import api from 'undici/lib/api/index.js'
import Agent from 'undici/lib/dispatcher/agent.js'
import DispatcherBase from 'undici/lib/dispatcher/dispatcher.js'
import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js'
import type { Transport, TransportOptions } from './ports.js'

// As undici's index.js does: `Object.assign(Dispatcher.prototype, api)`.
Object.assign(DispatcherBase.prototype, api)

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
