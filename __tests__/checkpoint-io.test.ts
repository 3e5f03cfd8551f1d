/** The checkpoint file on disk: inside the allowed folders after symlinks, a regular file, replaced atomically. */
import { afterEach, describe, expect, it } from '@jest/globals'
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { removeTempDirs, tempDir } from './helpers/temp-dirs.js'
import { checkpointFiles, MAX_CHECKPOINT_BYTES } from '../src/runner/checkpoint-io.js'

afterEach(removeTempDirs)

describe('the checkpoint file', () => {
  it('before the first run: nothing to read, and the missing folders are created', async () => {
    const root = tempDir('checkpoint-file-')
    await expect(checkpointFiles.read(join(root, 'a/b/cp.json'), [root])).resolves.toBeUndefined()
    expect(existsSync(join(root, 'a/b'))).toBe(true)
    expect(existsSync(join(root, 'a/b/cp.json'))).toBe(false)
  })

  it('refuses a path, or a symlink, that leads outside the allowed folders', async () => {
    const root = tempDir('checkpoint-file-')
    const elsewhere = tempDir('checkpoint-file-')
    writeFileSync(join(elsewhere, 'secret'), 'x')
    symlinkSync(join(elsewhere, 'secret'), join(root, 'cp.json'))
    await expect(checkpointFiles.read(join(root, 'cp.json'), [root])).rejects.toThrow(/outside GITHUB_WORKSPACE/)
    symlinkSync(elsewhere, join(root, 'linked'))
    await expect(checkpointFiles.read(join(root, 'linked/new/cp.json'), [root])).rejects.toThrow(/outside/)
    expect(existsSync(join(elsewhere, 'new'))).toBe(false)
    await expect(checkpointFiles.read(join(elsewhere, 'cp.json'), [root, ''])).rejects.toThrow(/outside/)
  })

  it('reads only a regular file of at most 2 MiB', async () => {
    const root = tempDir('checkpoint-file-')
    mkdirSync(join(root, 'dir'))
    await expect(checkpointFiles.read(join(root, 'dir'), [root])).rejects.toThrow('is not a regular file')
    writeFileSync(join(root, 'big'), Buffer.alloc(MAX_CHECKPOINT_BYTES + 1))
    await expect(checkpointFiles.read(join(root, 'big'), [root])).rejects.toThrow('larger than 2 MiB')
    writeFileSync(join(root, 'ok'), '{}')
    await expect(checkpointFiles.read(join(root, 'ok'), [root])).resolves.toBe('{}')
  })

  it('replaces the file by a rename, leaving no temporary file, and never writes through a symlink', async () => {
    const root = tempDir('checkpoint-file-')
    const elsewhere = tempDir('checkpoint-file-')
    writeFileSync(join(elsewhere, 'target'), 'untouched')
    symlinkSync(join(elsewhere, 'target'), join(root, 'cp.json'))
    await checkpointFiles.write(join(root, 'cp.json'), 'new\n', [root])
    expect(readFileSync(join(elsewhere, 'target'), 'utf8')).toBe('untouched')
    expect(lstatSync(join(root, 'cp.json')).isFile()).toBe(true)
    expect(readFileSync(join(root, 'cp.json'), 'utf8')).toBe('new\n')
    expect(readdirSync(root)).toEqual(['cp.json'])
    await expect(checkpointFiles.write(join(elsewhere, 'cp.json'), 'x', [root])).rejects.toThrow(/outside/)
  })
})
