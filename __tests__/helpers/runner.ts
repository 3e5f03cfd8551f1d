/**
 * Runs the committed dist/index.js the way the runner does: one INPUT_<NAME> variable per input
 * declared in action.yml (from the step's `with:`, else the default), GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files, and a fresh environment. E2E_NODE picks the node binary (CI runs
 * these tests again under Node 24, the runtime action.yml names).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'

export const ROOT = new URL('../../', import.meta.url).pathname

interface ActionInput {
  default?: string
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, ActionInput> }

/** The INPUT_* variables for a step's `with:`, as the runner sets them. */
export function inputEnv(withInputs: Record<string, string>): Record<string, string> {
  for (const name of Object.keys(withInputs)) {
    if (!(name in action.inputs)) throw new Error(`action.yml has no input ${name}`)
  }
  const env: Record<string, string> = {}
  for (const [name, input] of Object.entries(action.inputs)) {
    const value = withInputs[name] ?? input.default
    if (value !== undefined) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  return env
}

export interface StepResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** Milliseconds from start to exit. */
  elapsedMs: number
}

/** Reads the `name<<delimiter` blocks @actions/core writes to GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const pattern = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm
  for (const match of text.matchAll(pattern)) outputs[match[1] as string] = match[3] as string
  return outputs
}

export async function runStep(
  withInputs: Record<string, string>,
  options: { env?: Record<string, string>; onStart?: (child: ChildProcess) => void } = {}
): Promise<StepResult> {
  const dir = mkdtempSync(join(tmpdir(), 'step-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const started = Date.now()
  const child = spawn(process.env.E2E_NODE || process.execPath, [join(ROOT, 'dist/index.js')], {
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
      ...inputEnv(withInputs),
      ...options.env
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  options.onStart?.(child)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s]))
  )
  const result = {
    code,
    signal,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    elapsedMs: Date.now() - started
  }
  rmSync(dir, { recursive: true, force: true })
  return result
}
