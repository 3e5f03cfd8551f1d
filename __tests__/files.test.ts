import { afterEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { removeLater, removeTempDirs, tempDir } from './helpers/temp-dirs.js'
import { createLineFile, MAX_ID_FILE_BYTES, privateTempDir, readWorkspaceFile } from '../src/runner/files.js'

afterEach(removeTempDirs)

describe('createLineFile', () => {
  it('creates a new file, readable by its owner only, and writes whole lines', () => {
    const path = join(tempDir('files-test-'), 'results.jsonl')
    const file = createLineFile(path)
    file.writeLine('{"a":1}')
    file.writeLine('{"b":2}')
    file.close()
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n{"b":2}\n')
    expect(statSync(path).mode & 0o777).toBe(0o600)
  })

  it('never follows a link planted under the name, and leaves its target alone', () => {
    const dir = tempDir('files-test-')
    const target = join(dir, 'target')
    writeFileSync(target, 'untouched')
    symlinkSync(target, join(dir, 'results.jsonl'))
    expect(() => createLineFile(join(dir, 'results.jsonl'))).toThrow(/EEXIST|ELOOP/)
    expect(readFileSync(target, 'utf8')).toBe('untouched')
  })

  it('never writes over a file already there', () => {
    const path = join(tempDir('files-test-'), 'results.jsonl')
    writeFileSync(path, 'theirs')
    expect(() => createLineFile(path)).toThrow(/EEXIST/)
    expect(readFileSync(path, 'utf8')).toBe('theirs')
  })
})

describe('privateTempDir', () => {
  it('makes a new folder under the system temporary folder, for its owner only', () => {
    const dir = privateTempDir()
    removeLater(dir)
    expect(dir.startsWith(join(tmpdir(), 'cloudflare-stream-delete-downloads-'))).toBe(true)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(privateTempDir()).not.toBe(dir)
  })
})

describe('readWorkspaceFile', () => {
  function workspace(): { root: string; outside: string } {
    const base = tempDir('files-test-')
    const root = join(base, 'ws')
    mkdirSync(join(root, 'sub'), { recursive: true })
    writeFileSync(join(root, 'sub', 'ids.txt'), 'a\nb\n')
    const outside = join(base, 'secret')
    writeFileSync(outside, 'secret')
    return { root, outside }
  }

  it('reads a regular file inside the workspace, through a link that stays inside', async () => {
    const { root } = workspace()
    symlinkSync(join(root, 'sub', 'ids.txt'), join(root, 'link'))
    await expect(readWorkspaceFile(join(root, 'sub', 'ids.txt'), root)).resolves.toBe('a\nb\n')
    await expect(readWorkspaceFile(join(root, 'link'), root)).resolves.toBe('a\nb\n')
  })

  it('refuses a file outside the workspace, however it is reached', async () => {
    const { root, outside } = workspace()
    symlinkSync(outside, join(root, 'out'))
    // A sibling whose name starts like the workspace's is outside too.
    writeFileSync(`${root}2`, 'x')
    for (const path of [outside, join(root, '..', 'secret'), join(root, 'out'), `${root}2`, '/etc/passwd']) {
      await expect(readWorkspaceFile(path, root)).rejects.toMatchObject({
        code: 'EOUTSIDE',
        reason: 'is outside the workspace (GITHUB_WORKSPACE), after following links'
      })
    }
  })

  it('reads a file whose name starts with two dots', async () => {
    const { root } = workspace()
    writeFileSync(join(root, '..ids'), 'c\n')
    await expect(readWorkspaceFile(join(root, '..ids'), root)).resolves.toBe('c\n')
  })

  it('refuses a FIFO without waiting for a writer, and a folder', async () => {
    const { root } = workspace()
    execFileSync('mkfifo', [join(root, 'fifo')])
    await expect(readWorkspaceFile(join(root, 'fifo'), root)).rejects.toMatchObject({ code: 'ENOTREGULAR' })
    await expect(readWorkspaceFile(join(root, 'sub'), root)).rejects.toMatchObject({
      reason: 'is not a regular file'
    })
  })

  it('refuses a file over 64 MiB, and passes on a missing one as the system says it', async () => {
    const { root } = workspace()
    const big = join(root, 'big')
    writeFileSync(big, '')
    truncateSync(big, MAX_ID_FILE_BYTES + 1)
    await expect(readWorkspaceFile(big, root)).rejects.toMatchObject({
      code: 'ETOOLARGE',
      reason: 'is larger than 64 MiB'
    })
    await expect(readWorkspaceFile(join(root, 'none'), root)).rejects.toMatchObject({ code: 'ENOENT' })
  })
})
