/** The README's ```yaml blocks, each with the heading above it and the line it starts on. */
import { readFileSync } from 'node:fs'

export const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')

export interface YamlBlock {
  heading: string
  source: string
  /** 1-based line of the block's first YAML line. */
  line: number
}

export const yamlBlocks: YamlBlock[] = [...README.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => {
  const before = README.slice(0, match.index)
  const heading = [...before.matchAll(/^#{1,3} (.+)$/gm)].pop()?.[1] ?? '(top)'
  return { heading, source: match[1] ?? '', line: before.split('\n').length + 1 }
})
