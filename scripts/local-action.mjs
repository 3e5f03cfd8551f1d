// `npm run local-action`: runs src/ with @github/local-action, the variables read from `.env` (or,
// when there is none, from `.env.example`, which targets `npm run serve` on its default port).
// The job summary file named by GITHUB_STEP_SUMMARY is created first: @actions/core only appends
// to one that exists, and the runner always provides it. local-action's own launcher (its bin) turns
// a failed step into a Node stack trace, so this runs what the launcher runs (tsx on its entry) and
// reports a failed step as the runner would: the step's errors above, then one line saying it failed.
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
const tsx = join(ROOT, 'node_modules', '.bin', 'tsx')
const entry = join(ROOT, 'node_modules', '@github', 'local-action', 'src', 'index.ts')
const result = spawnSync(tsx, [entry, 'run', '.', 'src/main.ts', envFile, ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, TARGET_ACTION_PATH: ROOT, NODE_PACKAGE_MANAGER: 'npm', NODE_NO_WARNINGS: '1' }
})
if (result.error) {
  console.error(`local-action could not start: ${result.error.message}`)
  process.exit(1)
}
if (summary) console.log(`\nThe job summary is in ${summary}.`)
const status = result.status ?? 1
if (status !== 0) console.log(`The step failed (exit code ${status}): its errors are above.`)
process.exit(status)
