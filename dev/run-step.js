// @ts-check
/**
 * Runs the committed dist/index.js the way the runner does: one INPUT_<NAME> variable per input
 * declared in action.yml (from the step's `with:`, else the input's default), GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files, and a fresh environment. Shared by the end-to-end tests, the demo and
 * the benchmarks. E2E_NODE picks the node binary (CI runs the end-to-end tests again under Node 24).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const ROOT = fileURLToPath(new URL('../', import.meta.url))

const action = /** @type {{ inputs: Record<string, { default?: string }> }} */ (
  parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'))
)

/**
 * The INPUT_* variables for a step's `with:`, as the runner sets them.
 * @param {Record<string, string>} withInputs
 */
export function inputEnv(withInputs) {
  for (const name of Object.keys(withInputs)) {
    if (!(name in action.inputs)) throw new Error(`action.yml has no input ${name}`)
  }
  /** @type {Record<string, string>} */
  const env = {}
  for (const [name, input] of Object.entries(action.inputs)) {
    const value = withInputs[name] ?? input.default
    if (value !== undefined) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  return env
}

/**
 * Reads the `name<<delimiter` blocks @actions/core writes to GITHUB_OUTPUT.
 * @param {string} text
 */
export function parseOutputFile(text) {
  /** @type {Record<string, string>} */
  const outputs = {}
  for (const match of text.matchAll(/^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) {
    outputs[/** @type {string} */ (match[1])] = /** @type {string} */ (match[3])
  }
  return outputs
}

/**
 * @typedef {{
 *   code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string,
 *   outputs: Record<string, string>, summary: string, elapsedMs: number
 * }} StepResult
 * @typedef {{
 *   env?: Record<string, string>,
 *   node?: string,
 *   nodeArgs?: string[],
 *   script?: string,
 *   onStart?: (child: import('node:child_process').ChildProcess) => void
 * }} StepOptions
 */

/** The runner's RUNNER_TEMP for every step of this process (results files outlive their step), removed at exit. */
let runnerTemp = ''
function sharedRunnerTemp() {
  if (runnerTemp === '') {
    runnerTemp = mkdtempSync(join(tmpdir(), 'runner-temp-'))
    process.on('exit', () => rmSync(runnerTemp, { recursive: true, force: true }))
  }
  return runnerTemp
}

/**
 * @param {Record<string, string>} withInputs
 * @param {StepOptions} [options]
 * @returns {Promise<StepResult>}
 */
export async function runStep(withInputs, options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'step-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const node = options.node ?? (process.env.E2E_NODE || process.execPath)
  const script = options.script ?? join(ROOT, 'dist/index.js')
  const started = process.hrtime.bigint()
  const child = spawn(node, [...(options.nodeArgs ?? []), script], {
    env: {
      PATH: process.env.PATH ?? '',
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_REPOSITORY: 'octo/app',
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_WORKFLOW: 'Cleanup',
      GITHUB_SERVER_URL: 'https://github.com',
      RUNNER_TEMP: sharedRunnerTemp(),
      ...inputEnv(withInputs),
      ...options.env
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (/** @type {string} */ chunk) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (/** @type {string} */ chunk) => (stderr += chunk))
  options.onStart?.(child)
  /** @type {[number | null, NodeJS.Signals | null]} */
  const [code, signal] = await new Promise((resolve) => child.on('close', (c, s) => resolve([c, s])))
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6
  const result = {
    code,
    signal,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    elapsedMs
  }
  rmSync(dir, { recursive: true, force: true })
  return result
}
