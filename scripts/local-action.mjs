// `npm run local-action`: runs src/ with @github/local-action, the variables read from `.env` (or,
// when there is none, from `.env.example`, which targets `npm run serve` on its default port).
// The job summary file named by GITHUB_STEP_SUMMARY is created first: @actions/core only appends
// to one that exists, and the runner always provides it.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const envFile = existsSync(join(ROOT, '.env')) ? '.env' : '.env.example'
if (envFile === '.env.example') {
  console.log('No .env: using .env.example (the stand-in of `npm run serve`). Copy it to .env to change it.')
}
const summary = /^GITHUB_STEP_SUMMARY=(.*)$/m.exec(readFileSync(join(ROOT, envFile), 'utf8'))?.[1]?.trim()
if (summary) {
  const path = resolve(ROOT, summary)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, '')
}
const bin = join(ROOT, 'node_modules', '.bin', 'local-action')
const result = spawnSync(bin, ['run', '.', 'src/main.ts', envFile, ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: 'inherit'
})
if (result.error) throw result.error
if (summary) console.log(`\nThe job summary is in ${summary}.`)
process.exit(result.status ?? 1)
