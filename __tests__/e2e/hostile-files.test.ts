/**
 * dist/index.js against hostile files, connections that never complete and answers too large to
 * be real: an id file is read only inside the workspace, a refused file is named but never echoed,
 * a cancelled step ends its process, and memory stays bounded whatever the answers carry.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { runStep, type StepResult } from '../../dev/run-step.js'
import { ACCOUNT, closeServers, inputs, listen, serve, TOKEN } from '../helpers/loopback.js'
import { removeLater, removeTempDirs, tempDir } from '../helpers/temp-dirs.js'

const ID = '0000000000000000000000000000000a'

afterEach(async () => {
  await closeServers()
  removeTempDirs()
})

const ok = (_req: IncomingMessage, res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ success: true, errors: [], messages: [], result: null }))
}

/** runStep with a RUNNER_TEMP of its own (removed after the test) for the results file. */
const step = (withInputs: Record<string, string>, options: Parameters<typeof runStep>[1] = {}): Promise<StepResult> =>
  runStep(withInputs, { ...options, env: { RUNNER_TEMP: tempDir('runner-temp-'), ...options.env } })

/** Everything a run shows the user: the log, the outputs and the summary. */
const shown = (result: StepResult): string =>
  [result.stdout, result.stderr, JSON.stringify(result.outputs), result.summary].join('\n')

describe('dist/index.js and video-id-file', () => {
  /** A workspace with one good id file, and a secret file beside it, outside the workspace. */
  function workspace(): { root: string; secret: string } {
    const base = tempDir('hostile-files-')
    const root = join(base, 'work', 'repo')
    mkdirSync(root, { recursive: true })
    writeFileSync(join(root, 'ids.txt'), `${ID}\n`)
    const secret = join(base, 'secret.txt')
    writeFileSync(secret, 'hunter2-first-line-of-a-secret\n')
    return { root, secret }
  }

  it.each([
    ['a path up and out of the workspace', (_root: string, secret: string) => `../../${secret.split('/').at(-1)}`],
    ['an absolute path outside it', (_root: string, secret: string) => secret],
    ['/etc/passwd', () => '/etc/passwd'],
    ['/proc/self/environ', () => '/proc/self/environ'],
    [
      'a link inside the workspace to a file outside it',
      (root: string, secret: string) => {
        symlinkSync(secret, join(root, 'link.txt'))
        return 'link.txt'
      }
    ],
    [
      'a link inside the workspace to /dev/zero',
      (root: string) => {
        symlinkSync('/dev/zero', join(root, 'zero.txt'))
        return 'zero.txt'
      }
    ]
  ])('refuses %s, naming the problem and echoing nothing of the file', async (_what, place) => {
    const { root, secret } = workspace()
    const { port, hits } = await listen(ok)
    const file = place(root, secret)
    const result = await step(inputs(port, { 'video-id-file': file }), { env: { GITHUB_WORKSPACE: root } })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('which is outside the workspace (GITHUB_WORKSPACE), after following links')
    expect(shown(result)).not.toMatch(/hunter2|root:|PATH=|GITHUB_OUTPUT=/)
    expect(hits).toEqual([])
  })

  it('refuses a FIFO at once (no writer ever comes) as not a regular file', async () => {
    const { root } = workspace()
    execFileSync('mkfifo', [join(root, 'fifo')])
    const { port, hits } = await listen(ok)
    // Without the fix this run never ends: the test's own timeout is the bound.
    const result = await step(inputs(port, { 'video-id-file': 'fifo' }), { env: { GITHUB_WORKSPACE: root } })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('names "fifo", which is not a regular file')
    expect(hits).toEqual([])
  })

  it('refuses a file over 64 MiB without reading it', async () => {
    const { root } = workspace()
    const big = join(root, 'big.txt')
    writeFileSync(big, `${ID}\n`)
    truncateSync(big, 64 * 1024 * 1024 + 1)
    const { port, hits } = await listen(ok)
    const result = await step(inputs(port, { 'video-id-file': 'big.txt' }), { env: { GITHUB_WORKSPACE: root } })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('names "big.txt", which is larger than 64 MiB')
    expect(hits).toEqual([])
  })

  it('reads a file inside the workspace, through a link that stays inside it', async () => {
    const { root } = workspace()
    mkdirSync(join(root, 'lists'))
    symlinkSync(join(root, 'ids.txt'), join(root, 'lists', 'today.txt'))
    const { port, hits } = await listen(ok)
    const result = await step(inputs(port, { 'video-id-file': 'lists/today.txt' }), {
      env: { GITHUB_WORKSPACE: root }
    })
    expect(result.code).toBe(0)
    expect(result.outputs.deleted).toBe(JSON.stringify([ID]))
    expect(hits).toEqual([`DELETE /client/v4/accounts/${ACCOUNT}/stream/${ID}/downloads`])
  })
})

describe('dist/index.js and the results file', () => {
  it('without RUNNER_TEMP, writes it in a private folder of its own, readable by its owner only', async () => {
    const { port } = await listen(ok)
    // run-step gives every run a RUNNER_TEMP of its own: this one gets none (the action reads '' as unset).
    const result = await runStep(inputs(port, { 'video-id': ID }), { env: { RUNNER_TEMP: '' } })
    expect(result.code).toBe(0)
    const path = result.outputs['results-file'] ?? ''
    expect(path).not.toBe('')
    expect(dirname(dirname(path))).toBe(tmpdir())
    expect(basename(dirname(path))).toMatch(/^cloudflare-stream-delete-downloads-/)
    // Only a folder of the run's own is removed afterwards, never the system's temporary folder.
    removeLater(dirname(path))
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readFileSync(path, 'utf8')).toContain(ID)
  })
})

describe('dist/index.js cancelled while a connection never completes', () => {
  /** Accepts TCP and never says a word: a TLS handshake, or a proxy's CONNECT, that never completes. */
  async function silent(): Promise<{ port: number; connections: () => number }> {
    let count = 0
    const port = await serve(
      createNetServer(() => {
        count += 1
      })
    )
    return { port, connections: () => count }
  }

  /** SIGINT once the first connection is open (a request is in flight). */
  const interruptWhenConnected = (connections: () => number) => (child: ChildProcess) => {
    const timer = setInterval(() => {
      if (connections() === 0) return
      clearInterval(timer)
      child.kill('SIGINT')
    }, 10)
    child.on('exit', () => clearInterval(timer))
  }

  it.each([
    [
      'a TLS handshake',
      (port: number) => ({
        with: { 'base-url': `https://127.0.0.1:${port}/client/v4` },
        env: {}
      })
    ],
    ['a proxy CONNECT', (port: number) => ({ with: {}, env: { HTTPS_PROXY: `http://127.0.0.1:${port}` } })]
  ])('ends the process with its exit code after the report, %s hanging', async (_what, setup) => {
    const hung = await silent()
    const through = setup(hung.port)
    // Without the fix the process never exits: the test's own timeout is the bound.
    const result = await step(
      { 'account-id': ACCOUNT, 'api-token': TOKEN, 'video-id': ID, ...through.with },
      { env: through.env, onStart: interruptWhenConnected(hung.connections) }
    )
    expect(result.signal).toBeNull()
    expect(result.code).toBe(1)
    expect(result.outputs).toMatchObject({ success: 'false', failed: JSON.stringify([ID]) })
    expect(result.summary).toContain('The step was cancelled')
  })
})

describe('dist/index.js and answers larger than Cloudflare sends', () => {
  const hexIds = (n: number): string[] => Array.from({ length: n }, (_, i) => (i + 1).toString(16).padStart(32, '0'))
  const KiB = 1024
  const MiB = 1024 * KiB

  /** Answers every request with `body` and `status`, with its content-length unless `chunked`. */
  const answering =
    (status: number, body: string, chunked = false) =>
    (_req: IncomingMessage, res: ServerResponse): void => {
      const length = chunked ? {} : { 'content-length': Buffer.byteLength(body) }
      res.writeHead(status, { 'content-type': 'application/json', ...length })
      res.end(body)
    }

  /** Runs the step and reads its peak memory (resident set, bytes) as the process saw it at exit. */
  async function runMeasured(withInputs: Record<string, string>): Promise<{ result: StepResult; peak: number }> {
    const file = join(tempDir('maxrss-'), 'maxrss')
    const hook = `import { writeFileSync } from 'node:fs'
process.on('exit', () => writeFileSync(${JSON.stringify(file)}, String(process.resourceUsage().maxRSS * 1024)))`
    const result = await step(withInputs, { nodeArgs: [`--import=data:text/javascript,${encodeURIComponent(hook)}`] })
    return { result, peak: Number(readFileSync(file, 'utf8')) }
  }

  /** A successful answer of exactly `bytes` bytes: to a DELETE, or (`read`) a downloads read listing the MP4. */
  function sized(bytes: number, read: boolean): string {
    const around = (pad: string): string =>
      JSON.stringify({
        success: true,
        errors: [],
        messages: [],
        result: read ? { default: { status: 'ready', pad } } : pad
      })
    return around('x'.repeat(bytes - around('').length))
  }

  /** The two requests capped at 64 KiB: what the run is given, and the outcome of a readable answer. */
  const requests: [string, Record<string, string>, string][] = [
    ["a DELETE's answer", {}, 'deleted'],
    ["a dry run's downloads answer", { 'dry-run': 'true' }, 'would-delete']
  ]

  it.each(requests)('reads %s of exactly 64 KiB', async (_request, over, outcome) => {
    const body = sized(64 * KiB, 'dry-run' in over)
    expect(body.length).toBe(64 * KiB)
    const { port } = await listen(answering(200, body))
    const result = await step(inputs(port, { 'video-id': ID, ...over }))
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`1 video: 1 ${outcome}`)
  })

  it.each(requests)(
    'refuses %s of 64 KiB + 1 byte unread, naming its size, and fails the video',
    async (_request, over) => {
      const { port } = await listen(answering(200, sized(64 * KiB + 1, 'dry-run' in over)))
      const result = await step(inputs(port, { 'video-id': ID, ...over }))
      expect(result.code).toBe(1)
      expect(result.outputs.failed).toBe(JSON.stringify([ID]))
      expect(result.stdout).toContain('an answer of 65537 bytes, larger than Cloudflare sends (not read)')
    }
  )

  it('refuses an answer of 64 KiB + 1 byte that does not say its length, once it is past the limit', async () => {
    const { port } = await listen(answering(200, sized(64 * KiB + 1, false), true))
    const result = await step(inputs(port, { 'video-id': ID }))
    expect(result.code).toBe(1)
    expect(result.outputs.failed).toBe(JSON.stringify([ID]))
    expect(result.stdout).toContain('an answer over 64 KiB, larger than Cloudflare sends (not read)')
  })

  it('fails the listing on a page over 16 MiB, deleting nothing', async () => {
    const page = JSON.stringify({ success: true, errors: [], messages: [], result: [], pad: 'z'.repeat(17 * MiB) })
    const { port, hits } = await listen(answering(200, page))
    const result = await step(inputs(port, { creator: 'alice' }))
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /Listing the videos failed, so nothing was deleted: .*an answer of 17\d{6} bytes, larger than Cloudflare sends/
    )
    expect(hits.filter((hit) => hit.startsWith('DELETE'))).toEqual([])
  })

  /** 1,000 videos at the highest concurrency and no pacing: the most answers held at once. */
  const thousand = (port: number, over: Record<string, string> = {}): Record<string, string> =>
    inputs(port, { 'video-id': hexIds(1000).join(' '), concurrency: '32', 'requests-per-minute': '0', ...over })

  /** A 403 of `count` empty errors (each `{}` and its comma two JSON values). */
  const emptyErrors = (count: number): string =>
    `{"success":false,"errors":[${Array.from({ length: count }, () => '{}').join(',')}],"messages":[]}`
  const overMiB = emptyErrors(330_000)
  /** A 200 whose result is as many strings of 110 characters as fit in 64 KiB: parsed. */
  const strings = JSON.stringify({ success: true, errors: [], messages: [], result: Array(575).fill('r'.repeat(110)) })

  it.each([
    ['parses 1,000 answers of just under 64 KiB of short strings', 200, strings, 63 * KiB, 64 * KiB, ''],
    [
      'refuses unparsed 1,000 answers of over 10,000 tiny JSON values',
      403,
      emptyErrors(5001),
      0,
      64 * KiB,
      'an answer of over 10000 JSON values, larger than Cloudflare sends (not parsed)'
    ],
    [
      'refuses unread 1,000 answers of ~1 MiB',
      403,
      overMiB,
      0.9 * MiB,
      MiB,
      `an answer of ${overMiB.length} bytes, larger than Cloudflare sends (not read)`
    ]
  ])(
    '%s, under 300 MiB at concurrency 32',
    async (_case, status, body, atLeast, below, problem) => {
      expect(body.length).toBeGreaterThan(atLeast)
      expect(body.length).toBeLessThan(below)
      const { port, hits } = await listen(answering(status, body))
      const { result, peak } = await runMeasured(thousand(port))
      expect(result.code).toBe(status === 200 ? 0 : 1)
      expect(hits).toHaveLength(1000)
      expect(JSON.parse(result.outputs[status === 200 ? 'deleted' : 'failed'] ?? '[]')).toHaveLength(1000)
      expect(result.stdout).toContain(problem)
      expect(result.stdout.includes('larger than Cloudflare sends')).toBe(problem !== '')
      expect(result.outputs['results-file']).toMatch(/\.jsonl$/)
      expect(peak).toBeLessThan(300 * MiB)
    },
    120_000
  )
})
