/**
 * The sources import a few files inside undici, @actions/core and @actions/github by path, not
 * through the packages' indexes (the start-up story is in bench/RESULTS.md). Neither tsc (the
 * ambient types in src/runner/undici-parts.d.ts) nor the bundler (scripts/bundle.mjs checks that) would
 * notice such a file moving in an update, so here every deep import of every source file is
 * resolved and loaded, and what it provides is checked against what the sources use.
 */
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const SRC = join(dirname(fileURLToPath(import.meta.url)), '../src')
const require = createRequire(join(SRC, 'index.ts'))

type Shape = (value: Record<string, unknown>) => void
const fn = (value: unknown): void => expect(typeof value).toBe('function')
const proto = (value: unknown, ...methods: string[]): void => {
  fn(value)
  for (const method of methods) fn((value as { prototype: Record<string, unknown> }).prototype[method])
}

/** What each deep module must provide (its namespace as the sources import it). */
const SHAPES: Record<string, Shape> = {
  'undici/lib/api/api-connect.js': ({ default: connect }) => fn(connect),
  'undici/lib/dispatcher/agent.js': ({ default: Agent }) => proto(Agent, 'dispatch', 'close', 'destroy'),
  'undici/lib/dispatcher/dispatcher.js': ({ default: Dispatcher }) => proto(Dispatcher, 'compose'),
  'undici/lib/dispatcher/proxy-agent.js': ({ default: ProxyAgent }) => proto(ProxyAgent, 'dispatch', 'close'),
  '@actions/core/lib/command.js': ({ issue, issueCommand }) => [issue, issueCommand].forEach(fn),
  '@actions/core/lib/file-command.js': ({ issueFileCommand }) => fn(issueFileCommand),
  '@actions/core/lib/utils.js': ({ toCommandProperties }) => fn(toCommandProperties),
  '@actions/github/lib/context.js': ({ Context }) => proto(Context)
}

interface DeepImport {
  file: string
  specifier: string
  /** The package-relative name: `undici/lib/…`, `@actions/core/lib/…`. */
  name: string
  names: string[]
}

/** Every `import … from '<deep path>'` in src/ (a package's file, not its index). */
function deepImports(): DeepImport[] {
  const found: DeepImport[] = []
  for (const file of readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => /(?<!\.d)\.ts$/.test(f))) {
    const text = readFileSync(join(SRC, file), 'utf8')
    for (const match of text.matchAll(/^import\s+(?!type\b)([^'"]*?)\s+from\s+'([^']+)'/gm)) {
      const [, clause = '', specifier = ''] = match
      const name = specifier.replace(/^(\.\.\/)+node_modules\//, '')
      const deep = specifier.includes('node_modules/') || /^(@[^/]+\/)?[^./][^/]*\/./.test(specifier)
      if (!deep || specifier.startsWith('node:')) continue
      const braces = /\{([^}]*)\}/.exec(clause)?.[1] ?? ''
      const names = braces
        .split(',')
        .map((n) => n.trim().split(/\s+as\s+/)[0] ?? '')
        .filter((n) => n !== '' && !n.startsWith('type '))
      if (!clause.startsWith('{') && clause.trim() !== '') names.push('default')
      found.push({ file, specifier, name, names })
    }
  }
  return found
}

const imports = deepImports()

describe('deep imports', () => {
  it('finds the ones the sources have', () => {
    expect(imports.length).toBeGreaterThan(0)
  })

  it.each(imports.map((i) => [`${i.file}: ${i.name}`, i] as const))(
    '%s resolves, loads and has what is used',
    async (_, i) => {
      // Resolved from src/ as Node and the bundler resolve it (not through jest's module mapping).
      const path = i.specifier.startsWith('.') ? join(SRC, dirname(i.file), i.specifier) : require.resolve(i.specifier)
      const namespace = (await import(pathToFileURL(path).href)) as Record<string, unknown>
      for (const name of i.names) expect([name, namespace[name]]).not.toEqual([name, undefined])
      const shape = SHAPES[i.name]
      if (shape === undefined) throw new Error(`${i.name}: add what it must provide to SHAPES in this test`)
      shape(namespace)
    }
  )
})
