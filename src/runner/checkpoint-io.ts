/**
 * The checkpoint file on disk (`checkpoint-file`): read only when it resolves, after symlinks,
 * inside one of the allowed folders (`GITHUB_WORKSPACE`, `RUNNER_TEMP`), and replaced atomically: a
 * new file beside it, then a rename, which replaces a symlink rather than writing through it.
 */
import { randomBytes } from 'node:crypto'
import { lstat, mkdir, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { CheckpointFiles } from '../ports.js'
import { isInside } from './files.js'

/** The largest checkpoint read. */
export const MAX_CHECKPOINT_BYTES = 2 * 1024 * 1024

export const checkpointFiles: CheckpointFiles = {
  async read(path, roots) {
    // The nearest folder that exists must be inside a root; the missing ones are created.
    let existing = path
    const missing: string[] = []
    for (;;) {
      try {
        await lstat(existing)
        break
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'ENOENT') throw error
        const up = dirname(existing)
        if (up === existing) throw error
        missing.unshift(basename(existing))
        existing = up
      }
    }
    const real = await realpath(existing)
    await mustBeInside(real, roots)
    if (missing.length > 0) {
      await mkdir(join(real, ...missing.slice(0, -1)), { recursive: true })
      return undefined
    }
    const info = await stat(real)
    if (!info.isFile()) throw new Error('is not a regular file')
    if (info.size > MAX_CHECKPOINT_BYTES) throw new Error(`is larger than 2 MiB (${info.size} bytes)`)
    return readFile(real, 'utf8')
  },

  async write(path, text, roots) {
    const folder = await realpath(dirname(path))
    await mustBeInside(folder, roots)
    const temporary = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
    // `wx`: a new file, never one that exists (nor a symlink planted at its name).
    await writeFile(temporary, text, { flag: 'wx', mode: 0o600 })
    try {
      await rename(temporary, join(folder, basename(path)))
    } catch (error) {
      await unlink(temporary).catch(() => undefined)
      throw error
    }
  }
}

async function mustBeInside(real: string, roots: readonly string[]): Promise<void> {
  for (const root of roots) {
    if (root === '') continue
    const resolved = await realpath(root).catch(() => undefined)
    if (resolved === undefined) continue
    if (isInside(real, resolved)) return
  }
  throw new Error(`resolves to ${real}, outside GITHUB_WORKSPACE and RUNNER_TEMP`)
}
