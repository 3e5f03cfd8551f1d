/** The README's tables and the version must not drift from action.yml and package.json. */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { VERSION } from '../src/version.js'

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')
const action = parse(read('action.yml')) as {
  inputs: Record<string, { default?: string; required?: boolean }>
  outputs: Record<string, unknown>
  runs: { using: string; main: string }
}
const readme = read('README.md')

/** The first column and the second (for inputs, the default) of the README table under a heading. */
function table(heading: string): Map<string, string> {
  const section = readme.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? ''
  const rows = section.split('\n').filter((line) => /^\|\s*`[a-z-]+`\s*\|/.test(line))
  return new Map(
    rows.map((row) => [row.split('|')[1]?.trim().replace(/`/g, '') ?? '', row.split('|')[2]?.trim() ?? ''])
  )
}

describe('README', () => {
  it('documents exactly the inputs of action.yml, with the same defaults', () => {
    const documented = table('Inputs')
    expect([...documented.keys()]).toEqual(Object.keys(action.inputs))
    const fromEnv: unknown = expect.stringMatching(/^env `CLOUDFLARE_[A-Z_]+`/)
    const expected = Object.fromEntries(
      Object.entries(action.inputs).map(([name, input]) => [
        name,
        input.required ? 'required' : input.default !== undefined ? `\`${input.default}\`` : fromEnv
      ])
    )
    expect(Object.fromEntries(documented)).toEqual(expected)
  })

  it('documents exactly the outputs of action.yml', () => {
    expect([...table('Outputs').keys()]).toEqual(Object.keys(action.outputs))
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
