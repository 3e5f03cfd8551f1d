/** action.yml, parsed: the inputs and outputs a workflow sees. */
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

export interface ActionYml {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string }
}

export const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as ActionYml
