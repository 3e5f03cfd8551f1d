/**
 * main.ts wires the real world: @actions/core's commands, the run's context, the process's signals,
 * the wall clock and undici. Here run() is called in-process as the entry point calls it, with the
 * runner's environment variables and files, against the loopback stand-in.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startStandIn } from '../dev/stand-in.js'
import { parseOutputFile } from '../dev/run-step.js'
import { productionDeps, run, safeDelay } from '../src/main.js'

const saved = { ...process.env }
afterEach(() => {
  process.env = { ...saved }
  process.exitCode = undefined
})

/** Calls `work` with stdout captured. */
async function captured(work: () => Promise<void>): Promise<string> {
  const written: string[] = []
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = (chunk: string | Uint8Array) => (written.push(String(chunk)), true)
  try {
    await work()
  } finally {
    process.stdout.write = write
  }
  return written.join('')
}

describe('run (main.ts)', () => {
  it('deletes with the real collaborators and writes the outputs and summary files', async () => {
    const standIn = await startStandIn({ videos: { '00000000000000000000000000000001': {} } })
    const dir = mkdtempSync(join(tmpdir(), 'main-'))
    const files = { output: join(dir, 'output'), summary: join(dir, 'summary'), event: join(dir, 'missing.json') }
    writeFileSync(files.output, '')
    writeFileSync(files.summary, '')
    Object.assign(process.env, {
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      // An unreadable event file must not stop a deletion that needs none of it.
      GITHUB_EVENT_PATH: files.event,
      GITHUB_REPOSITORY: 'octo/app',
      GITHUB_RUN_ID: '7',
      'INPUT_VIDEO-ID': '00000000000000000000000000000001',
      'INPUT_ACCOUNT-ID': standIn.accountId,
      'INPUT_API-TOKEN': standIn.token,
      'INPUT_BASE-URL': standIn.baseUrl
    })
    try {
      const stdout = await captured(run)
      expect(stdout).toContain('00000000000000000000000000000001 default: deleted (HTTP 200')
      expect(parseOutputFile(readFileSync(files.output, 'utf8'))).toMatchObject({
        success: 'true',
        deleted: '["00000000000000000000000000000001"]'
      })
      expect(readFileSync(files.summary, 'utf8')).toContain('✅ 1 video: 1 deleted')
      expect(process.exitCode).toBeUndefined()
      expect(standIn.log[0]?.headers['user-agent']).toContain('https://github.com/octo/app/actions/runs/7')
    } finally {
      await standIn.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('never asks a timer for more than it can hold, whatever the wait computed', () => {
    expect([Number.NaN, -5, 0, 1500, 2 ** 31, 2 ** 40, Number.POSITIVE_INFINITY].map(safeDelay)).toEqual([
      0, 0, 0, 1500, 600_000, 600_000, 600_000
    ])
  })

  it('has a clock whose sleep ends early, without throwing, when its signal aborts', async () => {
    const deps = productionDeps({ serverUrl: '', runId: 0, runAttempt: 0, workflow: '', repository: '' })
    const stop = new AbortController()
    const sleeping = deps.clock.sleep(600_000, stop.signal)
    stop.abort()
    await expect(sleeping).resolves.toBeUndefined()
    deps.dispose?.()
  })
})
