/**
 * Text from Cloudflare, made readable for a person: codes, messages and documentation links.
 */
import type { CloudflareMessage } from '../types.js'

/** Cloudflare's codes, messages and documentation links, in one line. */
export function describeErrors(errors: readonly CloudflareMessage[], lead = ''): string {
  if (errors.length === 0) return ''
  const each = errors.map((error) => {
    const code = error.code === null ? '' : `[${error.code}] `
    const docs = error.documentation_url ? ` (${error.documentation_url})` : ''
    return `${code}${error.message}${docs}`
  })
  return `${lead}${each.join('; ')}`
}
