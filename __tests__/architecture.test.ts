/**
 * The import rule of src/README.md: arrows point one way (entry → wiring → run → domain → ports,
 * adapters → ports) and there are no cycles. Read from the sources' import lines.
 */
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const SRC = fileURLToPath(new URL('../src/', import.meta.url))

function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sources(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [relative(SRC, path)] : []
  })
}

/** The project files a source file imports (type-only imports included: they are arrows too). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8')
  return [...text.matchAll(/^(?:import|export)(?:[^'"]*?from)?\s*'(\.{1,2}\/[^']+)'/gm)]
    .map((match) => normalize(join(dirname(file), (match[1] as string).replace(/\.js$/, '.ts'))))
    .filter((target) => !target.startsWith('../node_modules/'))
}

/**
 * The layers, lowest first: a module may import the top-level leaves (`LEAVES`), its own folder,
 * and the folders below its own; nothing above. The entry, wiring and run sit on top.
 */
const FOLDERS = ['inputs', 'cloudflare', 'requests', 'batch', 'sources', 'report', 'runner'] as const
/** Modules that import nothing: the shapes of the world and the data, and the text neutraliser. */
const LEAVES = new Set(['ports.ts', 'types.ts', 'version.ts', 'safe-text.ts'])
const TOP = ['run.ts', 'main.ts', 'index.ts']

/** A module's rank: leaves 0, then the folders in order, then run.ts, main.ts and index.ts. */
function rankOf(file: string): number {
  if (LEAVES.has(file)) return 0
  const folder = file.split('/')[0] as (typeof FOLDERS)[number]
  const index = FOLDERS.indexOf(folder)
  if (index >= 0) return index + 1
  const top = TOP.indexOf(file)
  if (top >= 0) return FOLDERS.length + 1 + top
  throw new Error(`${file} is in no layer: put it in a folder of src/README.md`)
}

function mayImport(file: string, target: string): boolean {
  if (LEAVES.has(file)) return false
  // The entry point loads the signal catcher before anything else.
  if (file === 'index.ts') return target === 'main.ts' || target === 'runner/early-signals.ts'
  return rankOf(target) <= rankOf(file) && target !== file
}

const files = sources()
const graph = new Map(files.map((file) => [file, importsOf(file)]))

describe('the import rule', () => {
  it('reads a real graph', () => {
    expect(graph.get('index.ts')).toEqual(['runner/early-signals.ts', 'main.ts'])
    expect(graph.get('run.ts')).toContain('batch/batch.ts')
  })

  it.each(files)('%s imports only its own layer and the layers below', (file) => {
    const wrong = (graph.get(file) ?? []).filter((target) => !mayImport(file, target))
    expect(wrong).toEqual([])
  })

  it('has no cycle', () => {
    const cycles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '))
        return
      }
      state.set(file, 'open')
      for (const target of graph.get(file) ?? []) visit(target, [...path, file])
      state.set(file, 'done')
    }
    for (const file of files) visit(file, [])
    expect(cycles).toEqual([])
  })

  it('every import names a file that exists', () => {
    const missing = [...graph.entries()].flatMap(([file, targets]) =>
      targets.filter((target) => !graph.has(target)).map((target) => `${file} → ${target}`)
    )
    expect(missing).toEqual([])
  })

  it('every module is named in src/README.md, the map a newcomer reads first', () => {
    const map = readFileSync(join(SRC, 'README.md'), 'utf8')
    expect(files.filter((file) => !map.includes(`\`${file}\``))).toEqual([])
  })
})
