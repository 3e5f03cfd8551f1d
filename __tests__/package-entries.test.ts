/**
 * The sources use every package through its entry point (what its `exports` map offers), never a
 * file inside it: a package's internal files move in any release, and under pnpm, Yarn PnP or a
 * hoisted workspace they are not where a path would look for them.
 */
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const SRC = join(dirname(fileURLToPath(import.meta.url)), '../src')
const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'))

/** Every module specifier in `text`: static imports and re-exports, and dynamic `import()`. */
function specifiers(text: string): string[] {
  const found = [
    ...text.matchAll(/^\s*(?:import|export)\b[^'";]*?\bfrom\s+'([^']+)'/gm),
    ...text.matchAll(/^\s*import\s+'([^']+)'/gm),
    ...text.matchAll(/\bimport\(\s*(?:\/\*.*?\*\/\s*)?'([^']+)'\s*\)/g)
  ]
  return found.map((match) => String(match[1]))
}

/** Why `specifier` is not a package entry or a source file of this project, or undefined when it is. */
function problem(specifier: string): string | undefined {
  if (specifier.includes('node_modules/')) return 'a path into node_modules/'
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return undefined
  // A bare name: `pkg` or `@scope/pkg`, with nothing after it.
  return /^(?:@[^/]+\/)?[^/@.][^/]*$/.test(specifier) ? undefined : 'a file inside a package, not its entry'
}

describe('imports', () => {
  it('finds the imports of the sources, static and dynamic', () => {
    const all = files.flatMap((file) => specifiers(readFileSync(join(SRC, file), 'utf8')))
    expect(all).toEqual(expect.arrayContaining(['undici', '@actions/core', '@actions/github', './main.js']))
  })

  it('knows a deep import when it sees one', () => {
    const text = [
      "import { issue } from '../../node_modules/@actions/core/lib/command.js'",
      "import connect from 'undici/lib/api/api-connect.js'",
      "const { Context } = await import('@actions/github/lib/context.js')"
    ].join('\n')
    expect(specifiers(text).map(problem)).toEqual([
      'a path into node_modules/',
      'a file inside a package, not its entry',
      'a file inside a package, not its entry'
    ])
  })

  it.each(files)('%s uses packages through their entry points only', (file) => {
    const text = readFileSync(join(SRC, file), 'utf8')
    const wrong = specifiers(text)
      .map((specifier) => [specifier, problem(specifier)])
      .filter(([, why]) => why !== undefined)
    expect(wrong).toEqual([])
    // No hand-written types for a package's internals.
    expect(text).not.toMatch(/^\s*declare module\s/m)
  })
})
