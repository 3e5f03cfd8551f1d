/**
 * The README's workflows as a user pastes them: every ```yaml block is a whole workflow (`name`,
 * `on`, `permissions`, `jobs`), but the opening step and the reference block under "Usage", and
 * each passes actionlint as a file (those two wrapped in a minimal workflow). recipes.test.ts runs them.
 */
import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { actionlint } from '../scripts/actionlint.mjs'
import { yamlBlocks } from './helpers/readme.js'

/** The blocks that may stay a list of steps: the first screen's step and the Usage reference. */
const STEP_BLOCKS = ['Cloudflare Stream: delete downloads', 'Usage']

/** A list of steps as the one job of a minimal workflow. */
function wrapped(steps: string): string {
  const indented = steps.replace(/^(?=.)/gm, '      ')
  return `name: README step\non: push\npermissions: {}\njobs:\n  job:\n    runs-on: ubuntu-latest\n    timeout-minutes: 10\n    steps:\n${indented}`
}

describe('README workflows', () => {
  it('are whole workflows, but the two step blocks', () => {
    const shapes = yamlBlocks.map(({ heading, source }) => {
      const parsed = parse(source) as unknown
      if (Array.isArray(parsed)) return [heading, 'steps']
      const keys = Object.keys(parsed as object)
      return [heading, ['name', 'on', 'permissions', 'jobs'].every((key) => keys.includes(key)) ? 'workflow' : keys]
    })
    expect(shapes).toEqual(
      yamlBlocks.map(({ heading }) => [heading, STEP_BLOCKS.includes(heading) ? 'steps' : 'workflow'])
    )
    expect(shapes.filter(([, shape]) => shape === 'workflow').length).toBeGreaterThanOrEqual(8)
  })

  it.each(yamlBlocks.map((block) => [`${block.heading} (README.md line ${block.line})`, block] as const))(
    '%s passes actionlint',
    async (_where, { heading, source, line }) => {
      const text = STEP_BLOCKS.includes(heading) ? wrapped(source) : source
      expect(await actionlint(text, `README.md:${line}`)).toEqual([])
    }
  )

  it('fails a block that actionlint rejects (secrets in a step if:, a YAML list as an input)', async () => {
    const bad = wrapped(`- if: secrets.CLOUDFLARE_API_TOKEN != ''
  uses: your-org/cloudflare-stream-delete-downloads@v1
  with:
    video-id: ["a1", "b2"]
`)
    const findings = await actionlint(bad, 'bad.yml')
    expect(findings).toEqual([
      expect.stringContaining('context "secrets" is not allowed here'),
      expect.stringContaining('expected scalar node for string value but found sequence node')
    ])
  })
})
