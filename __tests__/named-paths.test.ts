/**
 * Every source file that the docs, the configs and the comments name exists, as the tree is when
 * the test runs: a `src/…` path anywhere, a module path of src/README.md (relative to src/), and a
 * bare file name ending in .ts, .mjs or .cjs in any of them (some file of the repository has that
 * name). CHANGELOG.md and bench/RESULTS.md are history, and may name what is gone; this file names
 * stale paths on purpose.
 */
import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.cache', 'coverage', 'fixtures'])
const HISTORY = new Set(['CHANGELOG.md', 'bench/RESULTS.md', '__tests__/named-paths.test.ts'])
/**
 * Stale names in files that other work is rewriting (the Dependabot rules, the bundle script): each
 * must still be stale, so that this list empties as they are fixed.
 */
const TEXT = /\.(ts|js|mjs|cjs|md|ya?ml|json|sh)$|^\.ci\/run$|^\.(git|prettier)ignore$/

/** Every file under `dir` (relative to the root), skipping dependencies, builds and fixtures. */
function walk(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = dir === '' ? name : `${dir}/${name}`
    if (statSync(join(ROOT, path)).isDirectory()) return SKIP_DIRS.has(name) ? [] : walk(path)
    return [path]
  })
}

const files = walk('')
const names = new Set(files.map((file) => basename(file)))
const texts = files.filter((file) => TEXT.test(file) && !HISTORY.has(file) && file !== 'package-lock.json')

/** `src/…` exists as named, or as the .ts that a `.js` import specifier stands for. */
const exists = (path: string): boolean =>
  existsSync(join(ROOT, path)) || existsSync(join(ROOT, path.replace(/\.js$/, '.ts')))

/** The paths a file's text names that do not exist, each as `file: path`. */
function missing(file: string, text = readFileSync(join(ROOT, file), 'utf8')): string[] {
  const gone: string[] = []
  for (const [, path = ''] of text.matchAll(/(?<![\w./-])(src\/[\w./-]*[\w-])/g)) {
    if (!exists(path)) gone.push(path)
  }
  if (file === 'src/README.md') {
    for (const [, path = ''] of text.matchAll(/`([\w-]+\/[\w.-]+\.ts)`/g)) {
      if (!exists(path) && !exists(`src/${path}`)) gone.push(`src/${path}`)
    }
  }
  for (const [, name = ''] of text.matchAll(/(?<![\w./-])([\w-][\w.-]*\.(?:ts|mjs|cjs))\b/g)) {
    if (!names.has(name)) gone.push(name)
  }
  return gone.map((path) => `${file}: ${path}`)
}

describe('paths named in docs, configs and comments', () => {
  it('reads the docs, the configs, the sources and the tests', () => {
    expect(texts).toEqual(
      expect.arrayContaining(['README.md', 'src/README.md', 'CONTRIBUTING.md', 'jest.config.js', 'src/run.ts'])
    )
    expect(texts).toEqual(expect.arrayContaining([expect.stringMatching(/^\.github\/workflows\//)]))
  })

  it('all exist', () => {
    const gone = texts.flatMap((file) => missing(file))
    expect(gone).toEqual([])
  })

  it('notices a stale src/ path, a stale module of src/README.md and a stale file name', () => {
    const text = 'See src/toolkit.ts, `inputs/gone.ts` and deps.ts; src/run.ts and `inputs/settings.ts` exist.'
    expect(missing('src/README.md', text)).toEqual([
      'src/README.md: src/toolkit.ts',
      'src/README.md: src/inputs/gone.ts',
      'src/README.md: deps.ts'
    ])
  })
})
