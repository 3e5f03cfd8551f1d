/**
 * Which proxy the run goes through, with the same rules as @actions/http-client, so that
 * self-hosted runners behind a proxy behave as they do for every other action.
 */
import { isLoopbackHost } from './loopback.js'

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
