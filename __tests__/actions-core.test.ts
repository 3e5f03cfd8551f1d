/**
 * actions-core.ts is @actions/core behind the ActionsCore port, with every line made safe: for
 * ordinary text both must print and write the same bytes, and no text can become a command.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals'
import * as core from '@actions/core'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { actionsCore, MAX_LINE, safeLine } from '../src/runner/actions-core.js'
import { parseOutputFile } from '../dev/run-step.js'
import type { ActionsCore } from '../src/ports.js'

const saved = { ...process.env }
// One set of files for every capture: @actions/core's summary singleton keeps the first path it sees.
const dir = mkdtempSync(join(tmpdir(), 'actions-core-'))
const files = { output: join(dir, 'output'), summary: join(dir, 'summary') }

afterEach(() => {
  process.env = { ...saved }
  process.exitCode = undefined
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs `use` against an ActionsCore, capturing stdout, the output and summary files and the exit code. */
async function capture(make: () => ActionsCore, use: (c: ActionsCore) => Promise<void>) {
  process.env.GITHUB_OUTPUT = files.output
  process.env.GITHUB_STEP_SUMMARY = files.summary
  process.env['INPUT_VIDEO-ID'] = '  abc123  '
  process.env.INPUT_MY_NAME = 'spaced'
  writeFileSync(files.output, '')
  writeFileSync(files.summary, '')
  const written: string[] = []
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = (chunk: string | Uint8Array) => (written.push(String(chunk)), true)
  try {
    await use(make())
  } finally {
    process.stdout.write = write
  }
  const exitCode = process.exitCode
  process.exitCode = undefined
  // file-command delimiters are random UUIDs on both sides.
  const output = readFileSync(files.output, 'utf8').replace(/ghadelimiter_[0-9a-f-]+/g, 'DELIMITER')
  return { stdout: written.join(''), output, summary: readFileSync(files.summary, 'utf8'), exitCode }
}

const published = (): ActionsCore => ({
  getInput: (name) => core.getInput(name),
  // @actions/core has no such function: the same rule as ours, so the comparison covers the rest.
  inputGiven: (name) => process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] !== undefined,
  setSecret: core.setSecret,
  setOutput: core.setOutput,
  setFailed: core.setFailed,
  info: core.info,
  error: core.error,
  warning: core.warning,
  notice: core.notice,
  startGroup: core.startGroup,
  endGroup: core.endGroup,
  writeSummary: async (markdown) => void (await core.summary.addRaw(markdown).write())
})

async function everything(c: ActionsCore): Promise<void> {
  c.setSecret('s3cr%t\r\nline')
  c.info(`inputs: ${c.getInput('video-id')} ${c.getInput('my name')} [${c.getInput('absent')}]`)
  c.startGroup('Requests: 2, 100% done')
  c.warning('50% of the videos', { title: 'Not found: a,b' })
  c.error('HTTP 403: [10000] Authentication error', { title: 'Failed: default download of video v1' })
  c.notice('plain notice')
  c.endGroup()
  c.setOutput('results', '[{"video_id":"v1"}]\nsecond line')
  c.setOutput('success', 'false')
  await c.writeSummary('## Heading\n\n| a | b |\n')
  c.setFailed('1 video: 1 failed')
}

describe('actionsCore', () => {
  it('prints, writes and exits exactly as @actions/core does', async () => {
    const ours = await capture(() => actionsCore(), everything)
    const theirs = await capture(published, everything)
    expect(ours).toEqual(theirs)
    // And what both produce is what the runner expects.
    expect(ours.stdout).toContain('::add-mask::s3cr%25t%0D%0Aline\n')
    expect(ours.stdout).toContain('::warning title=Not found%3A a%2Cb::50%25 of the videos\n')
    expect(ours.stdout).toContain('inputs: abc123 spaced []\n')
    expect(ours.output).toContain('results<<DELIMITER\n[{"video_id":"v1"}]\nsecond line\nDELIMITER\n')
    expect(ours.summary).toBe('## Heading\n\n| a | b |\n')
    expect(ours.exitCode).toBe(1)
  })

  it('falls back to the set-output command, as @actions/core does, without GITHUB_OUTPUT', async () => {
    const run = async (make: () => ActionsCore) => {
      const result = await capture(make, async (c) => {
        delete process.env.GITHUB_OUTPUT
        c.setOutput('success', 'true')
      })
      return result.stdout
    }
    expect(await run(() => actionsCore())).toBe(await run(published))
  })

  it('tells an input given empty from one not given', () => {
    process.env['INPUT_API-TOKEN'] = ''
    delete process.env['INPUT_ACCOUNT-ID']
    const c = actionsCore()
    expect([c.inputGiven('api-token'), c.inputGiven('account-id')]).toEqual([true, false])
    expect(c.getInput('api-token')).toBe('')
  })

  it('writes no summary without GITHUB_STEP_SUMMARY', async () => {
    delete process.env.GITHUB_STEP_SUMMARY
    await expect(actionsCore().writeSummary('x')).resolves.toBeUndefined()
  })

  it('rejects, for the report to warn, when the summary cannot be written', async () => {
    // The summary file made a directory (@actions/core keeps the first path it was given).
    rmSync(files.summary, { force: true })
    mkdirSync(files.summary)
    process.env.GITHUB_STEP_SUMMARY = files.summary
    try {
      await expect(actionsCore().writeSummary('x')).rejects.toThrow(/EISDIR/)
    } finally {
      rmSync(files.summary, { recursive: true, force: true })
    }
  })

  it('writes an output of several lines that only ends where it ends', async () => {
    const value = 'x\nEOF\nadmin<<EOF\ntrue\nEOF\n::set-output name=y::z'
    const { output } = await capture(
      () => actionsCore(),
      async (c) => c.setOutput('results', value)
    )
    expect(parseOutputFile(output)).toEqual({ results: value })
  })

  it('writes every line as one line, without controls, never starting a command of its own', async () => {
    const { stdout } = await capture(
      () => actionsCore(),
      async (c) => {
        c.info('::error::not from us\n::add-mask::x')
        c.info('  ::warning::indented')
        c.warning('a\r\n::stop-commands::t\u001b[31m', { title: 'T\nitle' })
      }
    )
    expect(stdout).toBe(
      ': :error::not from us ::add-mask::x\n  : :warning::indented\n::warning title=T itle::a ::stop-commands::t\n'
    )
    expect(safeLine('x'.repeat(10_000)).length).toBe(MAX_LINE)
  })
})
