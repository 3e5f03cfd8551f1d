/**
 * Which proxy the run goes through, with the same rules as @actions/http-client, so that
 * self-hosted runners behind a proxy behave as they do for every other action.
 */
import { isLoopbackHost } from '../inputs/loopback.js'

/**
 * The proxy for `target`, as @actions/http-client picks it (an unusable one is a warning that names
 * the variable, never its value): `https_proxy`/`HTTPS_PROXY` for https,
 * `http_proxy`/`HTTP_PROXY` for http; none for loopback hosts or hosts matched by
 * `no_proxy`/`NO_PROXY` (comma-separated host names, `host:port`, `.suffix` or `*`).
 */
export function proxyFor(
  target: URL,
  env: Readonly<Record<string, string | undefined>>,
  warn: (message: string) => void = () => undefined
): URL | undefined {
  if (isLoopbackHost(target.hostname)) return undefined
  const https = target.protocol === 'https:'
  // An empty variable counts as unset, as in @actions/http-client: `https_proxy=""` must not hide HTTPS_PROXY.
  const names = https ? (['https_proxy', 'HTTPS_PROXY'] as const) : (['http_proxy', 'HTTP_PROXY'] as const)
  const variable = names.find((name) => (env[name] ?? '').trim() !== '')
  if (variable === undefined || bypassed(target, env.no_proxy || env.NO_PROXY || '')) return undefined
  const raw = (env[variable] ?? '').trim()
  let url: URL
  try {
    url = new URL(raw.includes('://') ? raw : `http://${raw}`)
    // The proxy's credentials are sent percent-decoded; a literal `%` must be written `%25`.
    decodeURIComponent(url.username)
    decodeURIComponent(url.password)
  } catch {
    warn(
      `${variable} is not a valid proxy URL (a literal % in its user name or password must be written %25): ` +
        'connecting directly instead.'
    )
    return undefined
  }
  return url
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
