/**
 * Text from Cloudflare, made readable for a person: codes, messages and documentation links, each
 * through safeText (safe-text.ts).
 */
import { safeText } from '../safe-text.js'
import type { CloudflareMessage } from '../types.js'

/** Cloudflare's codes, messages and documentation links, in one safe line. */
export function describeErrors(errors: readonly CloudflareMessage[], lead = ''): string {
  if (errors.length === 0) return ''
  const each = errors.map((error) => {
    const code = error.code === null ? '' : `[${error.code}] `
    const docs = error.documentation_url ? ` (${safeText(error.documentation_url, 200)})` : ''
    return `${code}${safeText(error.message)}${docs}`
  })
  return `${lead}${each.join('; ')}`
}
