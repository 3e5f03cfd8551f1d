/** The workflows and action.yml are valid YAML that the Actions syntax accepts (per action-validator's schemas). */
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

// A CommonJS package wrapping WebAssembly; createRequire keeps jest's ESM mode out of its way.
const { validateAction, validateWorkflow } = createRequire(import.meta.url)(
  '@action-validator/core'
) as typeof import('@action-validator/core')

const root = new URL('../', import.meta.url)
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8')

describe('GitHub Actions syntax', () => {
  it.each(readdirSync(new URL('.github/workflows/', root)))('.github/workflows/%s is a valid workflow', (file) => {
    expect(validateWorkflow(read(`.github/workflows/${file}`)).errors).toEqual([])
  })

  it('action.yml is a valid action', () => {
    // The validator's schema (0.6.0) predates the node24 runtime; everything else is checked as is.
    const text = read('action.yml')
    expect(text).toContain('using: node24')
    expect(validateAction(text.replace('using: node24', 'using: node20')).errors).toEqual([])
  })

  it('the validator rejects what the runner would (so these checks can fail)', () => {
    expect(validateWorkflow('on: push\njobs:\n  x:\n    steps: 3\n').errors).not.toEqual([])
  })
})
