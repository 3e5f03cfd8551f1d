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

type Layer = 'entry' | 'wiring' | 'run' | 'adapter' | 'domain' | 'ports'

const ADAPTERS = new Set(['actions-core.ts', 'http.ts', 'signals.ts', 'early-signals.ts', 'github-context.ts'])
/** Modules that import nothing: the shapes of the world and the data, and the text neutraliser. */
const PORTS = new Set(['ports.ts', 'types.ts', 'version.ts', 'safe-text.ts'])

function layerOf(file: string): Layer {
  if (file === 'index.ts') return 'entry'
  if (file === 'main.ts') return 'wiring'
  if (file === 'run.ts') return 'run'
  if (ADAPTERS.has(file)) return 'adapter'
  if (PORTS.has(file)) return 'ports'
  return 'domain'
}

const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  entry: ['wiring', 'adapter'],
  wiring: ['adapter', 'run', 'ports'],
  run: ['domain', 'ports'],
  adapter: ['ports'],
  domain: ['domain', 'ports'],
  ports: []
}

const files = sources()
const graph = new Map(files.map((file) => [file, importsOf(file)]))

describe('the import rule', () => {
  it('reads a real graph', () => {
    expect(graph.get('index.ts')).toEqual(['early-signals.ts', 'main.ts'])
    expect(graph.get('run.ts')).toContain('batch.ts')
  })

  it.each(files)('%s imports only what its layer may', (file) => {
    const wrong = (graph.get(file) ?? []).filter((target) => !MAY_IMPORT[layerOf(file)].includes(layerOf(target)))
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
