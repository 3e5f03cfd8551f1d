/**
 * Which hosts count as this machine. Plain http is allowed only to them (the stand-in API of the
 * tests and the demo), and they never go through a proxy.
 */

/**
 * Loopback hosts as URL.hostname spells them: `localhost`, 127.0.0.0/8 and [::1]. Not
 * `*.localhost`: such a name is resolved through DNS like any other, so it may not be local.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase()
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}
