/**
 * The files the action touches on the runner: the `video-id-file` it reads (only a regular file
 * inside the workspace, of bounded size, read without blocking) and the results file it writes
 * (created new, never through a link, readable by its owner only).
 */
import { closeSync, constants, mkdtempSync, openSync, writeSync } from 'node:fs'
import { open, realpath } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { isAbsolute, join, relative, sep } from 'node:path'
import type { LineFile } from '../ports.js'

/** An id file larger than this is refused: 64 MiB is two million ids, far past any batch. */
export const MAX_ID_FILE_BYTES = 64 * 1024 * 1024
const tooLarge = `is larger than ${MAX_ID_FILE_BYTES / 1024 / 1024} MiB`
const CHUNK_BYTES = 1024 * 1024

/** A file the action will not read; `reason` completes "names <file>, which …" and says nothing of the content. */
export class FileRefused extends Error {
  constructor(
    readonly code: 'EOUTSIDE' | 'ENOTREGULAR' | 'ETOOLARGE',
    readonly reason: string
  ) {
    super(reason)
    this.name = 'FileRefused'
  }
}

/** Whether `path` is `root` or below it (both already resolved: no links left to follow). */
export function isInside(path: string, root: string): boolean {
  const rest = relative(root, path)
  return rest !== '..' && !rest.startsWith(`..${sep}`) && !isAbsolute(rest)
}

/**
 * Reads `path` as UTF-8 when, after every link is followed, it is a regular file inside `workspace`
 * of at most {@link MAX_ID_FILE_BYTES}; else throws {@link FileRefused} (or the system's error, such
 * as ENOENT). Opened non-blocking and checked on the open descriptor before any byte is read, so a
 * FIFO or a device never holds up the process and the file checked is the file read.
 */
export async function readWorkspaceFile(path: string, workspace: string): Promise<string> {
  const [real, root] = await Promise.all([realpath(path), realpath(workspace)])
  if (!isInside(real, root)) {
    throw new FileRefused('EOUTSIDE', 'is outside the workspace (GITHUB_WORKSPACE), after following links')
  }
  const file = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW)
  try {
    const stat = await file.stat()
    if (!stat.isFile()) throw new FileRefused('ENOTREGULAR', 'is not a regular file')
    if (stat.size > MAX_ID_FILE_BYTES) throw new FileRefused('ETOOLARGE', tooLarge)
    // The size can change after fstat: the limit holds for what is read, too.
    const chunks: Buffer[] = []
    let length = 0
    for (;;) {
      const { bytesRead, buffer } = await file.read(Buffer.alloc(CHUNK_BYTES), 0, CHUNK_BYTES)
      if (bytesRead === 0) return Buffer.concat(chunks, length).toString('utf8')
      length += bytesRead
      if (length > MAX_ID_FILE_BYTES) throw new FileRefused('ETOOLARGE', tooLarge)
      chunks.push(buffer.subarray(0, bytesRead))
    }
  } finally {
    await file.close()
  }
}

/**
 * Creates `path` for writing a line at a time, each line whole before the call returns. The file
 * must not exist yet and is never reached through a link (a link or file planted under the name
 * makes this throw); only its owner may read it.
 */
export function createLineFile(path: string): LineFile {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW
  const fd = openSync(path, flags, 0o600)
  return {
    writeLine: (line) => {
      const bytes = Buffer.from(`${line}\n`)
      for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written)
    },
    close: () => closeSync(fd)
  }
}

/** A folder of this process's own under the system's temporary folder, readable by its owner only. */
export function privateTempDir(): string {
  return mkdtempSync(join(tmpdir(), 'cloudflare-stream-delete-downloads-'))
}
