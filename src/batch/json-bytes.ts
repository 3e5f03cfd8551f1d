/**
 * JSON text written straight into one reused buffer, as the bytes JSON.stringify's text would
 * encode to in UTF-8. The results file of a 100,000-video run is ~40 MB: built as strings (every
 * record rebuilt, stringified, joined into pieces, each piece encoded) it is tens of megabytes of
 * garbage made in a few dozen milliseconds, and the heap grew by up to 57 MiB for it
 * (bench/RESULTS.md). Written here, a video of the batch's store (record-store.ts) costs no
 * allocation at all: constants, the strings already held, digits and bytes copied.
 */
export class JsonBytes {
  private buffer: Buffer
  /** Bytes written since the last {@link clear}. */
  length = 0

  constructor(size: number) {
    this.buffer = Buffer.allocUnsafeSlow(size)
  }

  /** What was written since the last {@link clear}: a view of the reused buffer, valid until the next write. */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length)
  }

  clear(): void {
    this.length = 0
  }

  /**
   * JSON text as it is (punctuation, keys, what JSON.stringify gave), as UTF-8. Short text is
   * copied here character by character: a call into Buffer's native write costs more than that.
   */
  text(text: string): void {
    if (text.length <= SHORT) {
      this.room(text.length)
      const { buffer } = this
      let at = this.length
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i)
        if (code > 0x7f) return this.utf8(text)
        buffer[at++] = code
      }
      this.length = at
    } else this.utf8(text)
  }

  /** `value` as JSON.stringify writes it: in `"`, with its escapes. */
  string(value: string): void {
    this.room(value.length + 2)
    const { buffer } = this
    let at = this.length
    buffer[at++] = QUOTE
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i)
      if (!plain(code)) return this.utf8(JSON.stringify(value))
      buffer[at++] = code
    }
    buffer[at++] = QUOTE
    this.length = at
  }

  /** The string whose Latin-1 bytes are `source[start, end)`, as JSON.stringify writes it. */
  latin1String(source: Buffer, start: number, end: number): void {
    this.room(end - start + 2)
    const { buffer } = this
    let at = this.length
    buffer[at++] = QUOTE
    for (let i = start; i < end; i++) {
      const code = source[i] as number
      if (!plain(code)) return this.utf8(JSON.stringify(source.toString('latin1', start, end)))
      buffer[at++] = code
    }
    buffer[at++] = QUOTE
    this.length = at
  }

  /** A whole number from 0 to 2⁵³ − 1, in digits. */
  integer(value: number): void {
    let digits = 1
    for (let power = 10; power <= value; power *= 10) digits++
    this.room(digits)
    let rest = value
    for (let at = this.length + digits - 1; at >= this.length; at--) {
      const digit = rest % 10
      this.buffer[at] = ZERO + digit
      rest = (rest - digit) / 10
    }
    this.length += digits
  }

  /** Any value, as `${JSON.stringify(value)}` (so `undefined` is the text "undefined"). */
  json(value: unknown): void {
    this.utf8(String(JSON.stringify(value)))
  }

  /** Any text, as UTF-8 (a lone surrogate would be U+FFFD: JSON.stringify's text has none). */
  private utf8(text: string): void {
    this.room(3 * text.length)
    this.length += this.buffer.write(text, this.length, 'utf8')
  }

  /** Makes room for `bytes` more, growing the buffer (a copy) when full. */
  private room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return
    const grown = Buffer.allocUnsafeSlow(Math.max(2 * this.buffer.length, this.length + bytes))
    this.buffer.copy(grown, 0, 0, this.length)
    this.buffer = grown
  }
}

/** Text up to this length is copied in JavaScript, longer text by Buffer's native write. */
const SHORT = 64
const QUOTE = 0x22
const BACKSLASH = 0x5c
const ZERO = 0x30

/** A character JSON.stringify writes as it is and that is one byte in UTF-8: printable ASCII but `"` and `\`. */
function plain(code: number): boolean {
  return code >= 0x20 && code <= 0x7e && code !== QUOTE && code !== BACKSLASH
}
