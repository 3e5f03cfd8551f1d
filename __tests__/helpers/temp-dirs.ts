/** Folders of a test's own under the system's temporary folder; a test file removes them after each test. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const dirs: string[] = []

/** A new, empty folder, removed by {@link removeTempDirs}. */
export function tempDir(prefix: string): string {
  return removeLater(mkdtempSync(join(tmpdir(), prefix)))
}

/** Marks a folder made elsewhere (by the action, say) for {@link removeTempDirs}; returns it. */
export function removeLater(dir: string): string {
  dirs.push(dir)
  return dir
}

/** Removes every folder made or marked so far: `afterEach(removeTempDirs)`. */
export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
}
