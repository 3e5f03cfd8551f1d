/** The README's tables, its reference block and the version must not drift from action.yml and package.json. */
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { VERSION } from '../src/version.js'
import { action } from './helpers/action-yml.js'

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')
const readme = read('README.md')

/** The README section under a `## ` heading, up to the next one. */
function section(heading: string): string {
  return readme.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? ''
}

/** The rows of the README table under a heading: first column (the name) → the other cells. */
function table(heading: string): Map<string, string[]> {
  const rows = section(heading)
    .split('\n')
    .filter((line) => /^\|\s*`[a-z-]+`\s*\|/.test(line))
  return new Map(
    rows.map((row) => {
      // A `|` escaped inside a cell is not a column break.
      const cells = row
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim())
      return [cells[0]?.replace(/`/g, '') ?? '', cells.slice(1)]
    })
  )
}

/** Every numeric range written with an en dash (`0–20`, `0–1,000,000`), digits only, sorted. */
function ranges(text: string): string[] {
  return [...text.matchAll(/(\d[\d,]*)\s*–\s*(\d[\d,]*)/g)]
    .map((match) => `${match[1]?.replace(/,/g, '')}–${match[2]?.replace(/,/g, '')}`)
    .sort()
}

/** The environment variable an input falls back to, as action.yml's description names it. */
function envFallback(description: string): string | undefined {
  return /Defaults to the (CLOUDFLARE_[A-Z_]+) environment variable/.exec(description)?.[1]
}

/** What the README must show as an input's default, after `lead`: the value, its variable, or nothing. */
function defaultPattern(input: { description: string; default?: string; required?: boolean }, lead: string): RegExp {
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const env = envFallback(input.description)
  if (input.required) return /^required$/
  if (input.default !== undefined) {
    return new RegExp(`^${escape(lead)}${lead === '' ? escape(`\`${input.default}\``) : escape(input.default)}$`)
  }
  if (env !== undefined) return lead === '' ? new RegExp(`^env \`${env}\``) : new RegExp(`^${escape(lead)}.*${env}`)
  return lead === '' ? /^–$/ : /^$/
}

describe('README', () => {
  it('documents exactly the inputs of action.yml, with the same defaults', () => {
    const documented = table('Inputs')
    expect([...documented.keys()]).toEqual(Object.keys(action.inputs))
    const wrong = Object.entries(action.inputs)
      .filter(([name, input]) => !defaultPattern(input, '').test(documented.get(name)?.[0] ?? ''))
      .map(([name]) => `${name}: ${documented.get(name)?.[0]}`)
    expect(wrong).toEqual([])
  })

  it('gives every input the ranges action.yml gives it, and no others', () => {
    const documented = table('Inputs')
    for (const [name, input] of Object.entries(action.inputs)) {
      const meaning = documented.get(name)?.[1] ?? ''
      expect({ input: name, ranges: ranges(meaning) }).toEqual({ input: name, ranges: ranges(input.description) })
    }
    // The check has something to check: the ranges the action validates are written in both.
    expect(ranges(action.inputs['max-retries']?.description ?? '')).toEqual(['0–20'])
  })

  it('documents exactly the outputs of action.yml', () => {
    expect([...table('Outputs').keys()]).toEqual(Object.keys(action.outputs))
  })

  it('lists every input, in order, with its default, in the reference block under Usage', () => {
    const block = /```yaml\n([\s\S]*?)```/.exec(section('Usage'))?.[1] ?? ''
    const steps = parse(block) as [{ uses: string; with: Record<string, string> }]
    expect(steps[0].uses).toMatch(/cloudflare-stream-delete-downloads@v1$/)
    expect(Object.keys(steps[0].with)).toEqual(Object.keys(action.inputs))
    const lines = block.split('\n')
    const wrong = Object.entries(action.inputs)
      .filter(([name, input]) => {
        const at = lines.findIndex((line) => line.trim() === `${name}: ''`)
        // The comment lines just above the input (inputs that go together share one comment).
        const comments: string[] = []
        for (let i = at - 1; i >= 0 && /^\s*(#|[a-z-]+: ''$)/.test(lines[i] ?? ''); i--) {
          if ((lines[i] ?? '').trim().startsWith('#')) comments.unshift((lines[i] ?? '').trim())
        }
        const defaultLine = comments.find((line) => line.startsWith('# Default:')) ?? ''
        return !defaultPattern(input, '# Default: ').test(defaultLine)
      })
      .map(([name]) => name)
    expect(wrong).toEqual([])
  })

  it('names the published repository with one placeholder everywhere, your-org', () => {
    const owners = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', 'CHANGELOG.md'].flatMap((file) =>
      [...read(file).matchAll(/([\w-]+)\/cloudflare-stream-delete-downloads\b/g)].map((match) => match[1])
    )
    expect(owners.length).toBeGreaterThan(10)
    expect(new Set(owners)).toEqual(new Set(['your-org']))
  })

  it('says Node.js 24 wherever it names Node', () => {
    const mentions = [...readme.matchAll(/\bNode(?:\.js)?\s*(\d+)?/g)]
    expect(mentions.length).toBeGreaterThan(0)
    for (const mention of mentions) expect(mention[0]).toBe('Node.js 24')
  })
})

describe('README troubleshooting', () => {
  /** Every string the sources can say, with template literals' escaped backticks read as backticks. */
  const sources = readdirSync(new URL('../src/', import.meta.url), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => read(`src/${file}`).replace(/\\`/g, '`'))
    .join('\n')

  it('quotes the messages as the code writes them (the parts around each …)', () => {
    // The first cell's code span, unless it is one of Cloudflare's codes (`10000`).
    const quoted = section('Troubleshooting')
      .split('\n')
      .map((row) => /^\| (?:``(.+?)``|`([^`]+)`)/.exec(row))
      .map((match) => match?.[1] ?? match?.[2] ?? '')
      .filter((message) => /[a-z]/i.test(message))
    expect(quoted.length).toBeGreaterThanOrEqual(5)
    const unknown = quoted.filter((message) =>
      message
        .split('…')
        .map((part) => part.trim())
        .some((part) => part !== '' && !sources.includes(part))
    )
    expect(unknown).toEqual([])
  })
})

describe('action.yml', () => {
  it('runs the bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })

  it('has the version package.json has', () => {
    expect(VERSION).toBe((JSON.parse(read('package.json')) as { version: string }).version)
  })
})
