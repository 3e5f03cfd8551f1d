/**
 * Text from the network, made safe to show. Every string that comes from Cloudflare, the edge or
 * the HTTP stack (messages, codes, documentation links, ray ids, Location, HTML titles, error
 * texts) is hostile until it has been through {@link safeText}: on one line, without controls, and
 * bounded. The job summary shows it in code spans ({@link markdownText}), and the adapter that
 * writes to the log (actions-core.ts) passes every line through {@link safeText} as well, so
 * nothing from the network can start a workflow command (`::error::`, `::add-mask::`,
 * `::stop-commands::`) or render as a link, an image or a table cell of its own.
 * Imports nothing: the adapters use it too.
 */
/* eslint-disable no-control-regex -- finding control characters is what this module is for */

/** Longest piece of network text shown in one place. */
export const MAX_TEXT = 500

/**
 * Line breaks of every kind (CR, LF, VT, FF, NEL U+0085, LS U+2028, PS U+2029) and runs of white
 * space around them become one space; ANSI escape sequences go; every other C0/C1 control and DEL
 * becomes U+FFFD; the result is cut to `max` characters with an ellipsis. Never throws.
 */
export function safeText(text: string, max = MAX_TEXT): string {
  const flat = String(text)
    // CSI and OSC sequences (colours, cursor moves, window titles), then any lone ESC pair.
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g, '')
    .replace(/\s*[\n\r\u000b\u000c\u0085\u2028\u2029]+\s*/g, ' ')
    .replace(/[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/g, '\ufffd')
    .replace(/\t/g, ' ')
  if (flat.length <= max) return flat
  // Never cut a surrogate pair in half.
  let end = max - 1
  const code = flat.charCodeAt(end - 1)
  if (code >= 0xd800 && code <= 0xdbff) end -= 1
  return `${flat.slice(0, end)}…`
}

/**
 * Text for a Markdown table cell, rendered as itself: {@link safeText} inside a code span whose
 * fence is longer than any run of backticks in the text, so no link, image, emphasis, HTML or
 * autolink can form and a backtick cannot end the span early. A `|` is escaped as GFM tables ask
 * (the escape works inside code spans too). Empty text gives ''.
 */
export function markdownText(text: string, max = MAX_TEXT): string {
  const safe = safeText(text, max)
  if (safe.trim() === '') return ''
  const longestRun = Math.max(0, ...(safe.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longestRun + 1)
  const pad = safe.startsWith('`') || safe.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${safe.replace(/\|/g, '\\|')}${pad}${fence}`
}
