/**
 * Text from the network, made safe to show. Every string that comes from Cloudflare, the edge or
 * the HTTP stack (messages, codes, documentation links, ray ids, Location, HTML titles, error
 * texts) is hostile until it has been through {@link safeText}: on one line, without controls or
 * invisible characters, bounded, and never a workflow command. The runner starts a command in two
 * ways (actions/runner's ActionCommand.TryParseV2 and TryParse): a line whose text after leading
 * white space begins with `::`, and `##[name]` anywhere in a line. {@link safeText} leaves neither
 * in what it returns, and the adapter that writes to the log (actions-core.ts) passes every whole
 * line through it again, so no text can become `::error::`, `::add-mask::`, `##[add-mask]`,
 * `##[stop-commands]` or the like. The job summary shows it in code spans ({@link markdownText}),
 * so it cannot render as a link, an image or a table cell of its own.
 * Imports nothing: the adapters use it too.
 */
/* eslint-disable no-control-regex -- finding control characters is what this module is for */

/** Longest piece of network text shown in one place. */
export const MAX_TEXT = 500

/**
 * Characters that change how text looks without being seen: the bidirectional controls (Unicode's
 * Bidi_Control: U+061C, U+200E–200F, U+202A–202E, U+2066–2069), which can show a text in another
 * order than it is read, and the zero-width characters (U+200B–200D, U+2060, U+FEFF), which can
 * hide inside a word or split `::` and `##[` for a reader but not for a program. Global: for
 * `replace` only.
 */
export const INVISIBLE = /[\p{Bidi_Control}\u200b-\u200d\u2060\ufeff]/gu

/**
 * What the runner would read as a command in one line, made text: `##[` anywhere gets a space
 * (`## [`), and a leading `::` after any white space becomes `: :`. Neither change can form a new
 * `##[` or a new leading `::`. For a line made of pieces, call it on the whole line.
 */
export function noCommand(line: string): string {
  // The runner trims with .NET's char.IsWhiteSpace: JavaScript's \s, U+0085 and, to be generous,
  // every other control character.
  return line.replace(/##\[/g, '## [').replace(/^([\s\u0000-\u001f\u007f-\u009f]*):(?=:)/, '$1: ')
}

/**
 * Line breaks of every kind (CR, LF, VT, FF, NEL U+0085, LS U+2028, PS U+2029) and runs of white
 * space around them become one space; ANSI escape sequences and invisible characters go; every other
 * C0/C1 control and DEL becomes U+FFFD; then {@link noCommand}; the result is cut to `max`
 * characters with an ellipsis (cutting cannot form a command). Never throws.
 */
export function safeText(text: string, max = MAX_TEXT): string {
  const flat = String(text)
    // CSI and OSC sequences (colours, cursor moves, window titles), then any lone ESC pair.
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g, '')
    .replace(INVISIBLE, '')
    .replace(/\s*[\n\r\u000b\u000c\u0085\u2028\u2029]+\s*/g, ' ')
    .replace(/[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/g, '\ufffd')
    .replace(/\t/g, ' ')
  // Last, once nothing more is removed: a removal could join `#` `#[` or `:` `:` again.
  return cut(noCommand(flat), max)
}

/** The first `max` characters of a text, never half a surrogate pair, `…` where it was cut. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text
  let end = max - 1
  const code = text.charCodeAt(end - 1)
  if (code >= 0xd800 && code <= 0xdbff) end -= 1
  return `${text.slice(0, end)}…`
}

/**
 * Text for a Markdown table cell, rendered as itself: {@link safeText} inside a code span whose
 * fence is longer than any run of backticks in the text, so no link, image, emphasis, HTML or
 * autolink can form and a backtick cannot end the span early. Empty text gives ''.
 *
 * A `|` is escaped as GFM tables ask (the escape works inside code spans too), and a backslash
 * right before a `|` is followed by a space. Why: with k backslashes right before a `|`, CommonMark
 * parsers (micromark, markdown-it) keep the pipe in its cell when k is odd, GitHub's cmark-gfm when
 * k ≥ 1; both agree exactly when k = 1, which is what every `|` here gets (`x\|` → `x\ \|`).
 */
export function markdownText(text: string, max = MAX_TEXT): string {
  const safe = safeText(text, max)
  if (safe.trim() === '') return ''
  const longestRun = Math.max(0, ...(safe.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longestRun + 1)
  const pad = safe.startsWith('`') || safe.endsWith('`') ? ' ' : ''
  const cell = safe.replace(/\\(?=\|)/g, '\\ ').replace(/\|/g, '\\|')
  return `${fence}${pad}${cell}${pad}${fence}`
}
