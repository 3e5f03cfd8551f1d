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

  /** Text of characters U+0000–U+007F only, written as it is (the JSON punctuation and keys). */
  ascii(text: string): void {
    this.room(text.length)
    this.length += this.buffer.write(text, this.length, 'latin1')
  }

  /** Any text, as UTF-8 (lone surrogates become U+FFFD: give it JSON.stringify's text, which has none). */
  utf8(text: string): void {
    this.room(3 * text.length)
    this.length += this.buffer.write(text, this.length, 'utf8')
  }

  /** `value` as JSON.stringify writes it: in `"`, with its escapes. */
  string(value: string): void {
    for (let i = 0; i < value.length; i++) {
      if (!plain(value.charCodeAt(i))) {
        this.utf8(JSON.stringify(value))
        return
      }
    }
    this.room(value.length + 2)
    this.buffer[this.length++] = QUOTE
    this.length += this.buffer.write(value, this.length, 'latin1')
    this.buffer[this.length++] = QUOTE
  }

  /** The string whose Latin-1 bytes are `source[start, end)`, as JSON.stringify writes it. */
  latin1String(source: Buffer, start: number, end: number): void {
    for (let i = start; i < end; i++) {
      if (!plain(source[i] as number)) {
        this.utf8(JSON.stringify(source.toString('latin1', start, end)))
        return
      }
    }
    this.room(end - start + 2)
    this.buffer[this.length++] = QUOTE
    this.length += source.copy(this.buffer, this.length, start, end)
    this.buffer[this.length++] = QUOTE
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

  /** Makes room for `bytes` more, growing the buffer (a copy) when full. */
  private room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return
    const grown = Buffer.allocUnsafeSlow(Math.max(2 * this.buffer.length, this.length + bytes))
    this.buffer.copy(grown, 0, 0, this.length)
    this.buffer = grown
  }
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const ZERO = 0x30

/** A character JSON.stringify writes as it is and that is one byte in UTF-8: printable ASCII but `"` and `\`. */
function plain(code: number): boolean {
  return code >= 0x20 && code <= 0x7e && code !== QUOTE && code !== BACKSLASH
}
