/** The committed dist/index.js, run as the runner runs it, against the loopback stand-in. */
import { afterEach, describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startStandIn } from '../../dev/stand-in.js'
import { runStep } from '../../dev/run-step.js'
import { startConnectProxy } from '../helpers/connect-proxy.js'
import { resultsLines } from '../helpers/records.js'
import { removeTempDirs, tempDir } from '../helpers/temp-dirs.js'

type StandIn = Awaited<ReturnType<typeof startStandIn>>
let standIn: StandIn

afterEach(async () => standIn?.close())
afterEach(removeTempDirs)

const ids = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i.toString(16).padStart(32 - prefix.length, '0')}`)

async function serve(options: Parameters<typeof startStandIn>[0] = {}) {
  standIn = await startStandIn({
    videos: {
      '00000000000000000000000000000001': { default: true, audio: true },
      '00000000000000000000000000000002': {}
    },
    ...options
  })
  return { 'account-id': standIn.accountId, 'api-token': standIn.token, 'base-url': standIn.baseUrl }
}

/** Every place a credential could leak to, apart from its own ::add-mask:: line. */
function everywhereButMasks(result: Awaited<ReturnType<typeof runStep>>): string {
  const stdout = result.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  return [stdout, result.stderr, JSON.stringify(result.outputs), result.summary].join('\n')
}

describe('dist/index.js', () => {
  it('deletes a video’s downloads and reports it in outputs, log and summary', async () => {
    const auth = await serve()
    const result = await runStep({ ...auth, 'video-id': '00000000000000000000000000000001', 'download-type': 'all' })
    expect(result.code).toBe(0)
    expect(result.stdout.split('\n')[0]).toBe(`::add-mask::${standIn.token}`)
    expect(result.stdout).toMatch(
      /^00000000000000000000000000000001 default: deleted \(HTTP 200, ray [0-9a-f]{16}-SJC\)$/m
    )
    expect(result.outputs).toMatchObject({
      success: 'true',
      deleted: '["00000000000000000000000000000001"]',
      missing: '[]',
      failed: '[]',
      errors: '[]'
    })
    expect(JSON.parse(result.outputs.result ?? '')).toEqual({
      '00000000000000000000000000000001': { default: 'ok', audio: 'ok' }
    })
    expect(result.summary).toContain('✅ 1 video: 1 deleted')
    expect(standIn.videos.get('00000000000000000000000000000001')).toEqual({ default: false, audio: false })
    expect(standIn.log[0]?.headers['user-agent']).toMatch(
      /^cloudflare-stream-delete-downloads\/1\.0\.0 \(https:\/\/github\.com\/octo\/app\/actions\/runs\/4242; workflow: Cleanup; node v\d+/
    )
  })

  it.each<Record<string, string>>([{}, { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' }])(
    'shows the token nowhere but its ::add-mask:: line (env %j)',
    async (env) => {
      const auth = await serve()
      const result = await runStep(
        { ...auth, 'video-id': '00000000000000000000000000000001 00000000000000000000000000000404' },
        { env }
      )
      expect(result.stdout).toContain(`::add-mask::${standIn.token}`)
      expect(everywhereButMasks(result)).not.toContain(standIn.token)
    }
  )

  it('takes credentials from CLOUDFLARE_* variables and masks the Global API key', async () => {
    await serve({ key: 'global-key-abcdef', email: 'me@example.com' })
    const result = await runStep(
      { 'video-id': '00000000000000000000000000000001' },
      {
        env: {
          CLOUDFLARE_ACCOUNT_ID: standIn.accountId,
          CLOUDFLARE_API_KEY: 'global-key-abcdef',
          CLOUDFLARE_EMAIL: 'me@example.com',
          CLOUDFLARE_API_BASE_URL: standIn.baseUrl,
          RUNNER_DEBUG: '1'
        }
      }
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('::add-mask::global-key-abcdef')
    expect(everywhereButMasks(result)).not.toContain('global-key-abcdef')
    expect(standIn.log[0]?.headers['x-auth-key']).toBe('global-key-abcdef')
  })

  it('fails on an invalid input with an ::error naming it, sends nothing and never echoes the token', async () => {
    const auth = await serve()
    const result = await runStep({
      ...auth,
      'api-token': 'tok-half\ntok-other',
      'video-id': '00000000000000000000000000000001',
      'fail-on-error': 'false'
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^::error::Input `api-token` must be printable ASCII/m)
    expect(everywhereButMasks(result)).not.toMatch(/tok-half|tok-other/)
    expect(standIn.log).toHaveLength(0)
  })

  it('fails the job on a rejected token with an ::error that names the video, code and hint', async () => {
    const auth = await serve()
    const result = await runStep({
      ...auth,
      'api-token': 'not-the-token',
      'video-id': '00000000000000000000000000000001'
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      `::error title=Failed%3A default download of video 00000000000000000000000000000001::HTTP 403: [10000] Authentication error. Either the API token is invalid or expired, lacks the Stream Write permission (Stream Read for a dry run or a listing), or is not valid for account ${standIn.accountId} (check \`account-id\` and the token's account resources).`
    )
    expect(result.outputs).toMatchObject({ success: 'false', failed: '["00000000000000000000000000000001"]' })
    expect(JSON.parse(result.outputs.errors ?? '')).toEqual([
      {
        code: 10000,
        message: 'Authentication error',
        video_id: '00000000000000000000000000000001',
        download_type: 'default'
      }
    ])
  })

  it('exits 0 with warnings when fail-on-error is false', async () => {
    const auth = await serve()
    const result = await runStep({
      ...auth,
      'api-token': 'not-the-token',
      'video-id': '00000000000000000000000000000001',
      'fail-on-error': 'false'
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /^::warning title=Failed%3A default download of video 00000000000000000000000000000001::HTTP 403/m
    )
    expect(result.stdout).not.toMatch(/^::error/m)
  })

  it('still deletes when the runner’s event file is unreadable (the User-Agent just omits the run)', async () => {
    const auth = await serve()
    const result = await runStep(
      { ...auth, 'video-id': '00000000000000000000000000000001' },
      { env: { GITHUB_EVENT_PATH: '/dev/null' } }
    )
    expect(result.code).toBe(0)
    expect(result.outputs.deleted).toBe('["00000000000000000000000000000001"]')
    expect(standIn.log[0]?.headers['user-agent']).toMatch(/^cloudflare-stream-delete-downloads\/1\.0\.0 \(node v\d+/)
  })

  it('reaches an https API through HTTPS_PROXY with a CONNECT tunnel, and masks the proxy password', async () => {
    const tls = new URL('../fixtures/tls/', import.meta.url)
    await serve({
      tls: { key: readFileSync(new URL('key.pem', tls), 'utf8'), cert: readFileSync(new URL('cert.pem', tls), 'utf8') }
    })
    // The proxy sends the tunnel for api.example.test:443 to the stand-in: nothing leaves loopback.
    const proxy = await startConnectProxy(() => `127.0.0.1:${standIn.port}`)
    try {
      const result = await runStep(
        {
          'video-id': '00000000000000000000000000000001',
          'account-id': standIn.accountId,
          'api-token': standIn.token,
          'base-url': 'https://api.example.test/client/v4'
        },
        {
          env: {
            HTTPS_PROXY: `${proxy.url.replace('//', '//robot:proxy-pass-123@')}`,
            NODE_EXTRA_CA_CERTS: new URL('cert.pem', tls).pathname
          }
        }
      )
      expect(result.code).toBe(0)
      expect(result.outputs.deleted).toBe('["00000000000000000000000000000001"]')
      expect(proxy.tunnels).toEqual([
        {
          target: 'api.example.test:443',
          proxyAuthorization: `Basic ${Buffer.from('robot:proxy-pass-123').toString('base64')}`
        }
      ])
      expect(result.stdout).toContain('::add-mask::proxy-pass-123')
      expect(everywhereButMasks(result)).not.toContain('proxy-pass-123')
      expect(standIn.log[0]?.headers.host).toBe('api.example.test')
    } finally {
      await proxy.close()
    }
  })

  it('ends an unreachable API as one clear error, without a stack trace', async () => {
    const auth = await serve()
    await standIn.close()
    const result = await runStep({ ...auth, 'video-id': '00000000000000000000000000000001', 'max-retries': '0' })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /^::error title=Failed%3A default download of video 00000000000000000000000000000001::no answer: connect ECONNREFUSED/m
    )
    expect(result.stderr).toBe('')
    expect(result.stdout).not.toMatch(/\n\s+at /)
  })

  it('on SIGINT halfway through a batch, reports every video and exits non-zero within 7 s', async () => {
    const videoIds = ids('ca', 40)
    const auth = await serve({ videos: Object.fromEntries(videoIds.map((id) => [id, {}])), latencyMs: 150 })
    let signalledAt = 0
    const result = await runStep(
      { ...auth, 'video-id': videoIds.join('\n'), concurrency: '2', 'requests-per-minute': '0' },
      {
        onStart: (child) => {
          const timer = setInterval(() => {
            if (standIn.log.length >= 6) {
              clearInterval(timer)
              signalledAt = Date.now()
              child.kill('SIGINT')
            }
          }, 10)
          // Whatever happens, the poll must not outlive the step (it would keep jest from exiting).
          child.on('exit', () => clearInterval(timer))
        }
      }
    )
    const exitedAfter = Date.now() - signalledAt
    expect(result.code).toBe(1)
    expect(exitedAfter).toBeLessThan(7000)
    const results = JSON.parse(result.outputs.results ?? '[]') as { video_id: string; outcome: string }[]
    expect(results.map((r) => r.video_id)).toEqual(videoIds)
    const deleted = results.filter((r) => r.outcome === 'deleted').length
    const cancelled = results.filter((r) => r.outcome === 'cancelled').length
    expect(deleted + cancelled).toBe(40)
    expect(deleted).toBe(standIn.log.length)
    expect(cancelled).toBeGreaterThan(20)
    expect(result.summary).toContain('The step was cancelled')
    expect(result.stdout).toMatch(/^::error::Cancelled before the end\. 40 videos: \d+ deleted, \d+ cancelled$/m)
    // The results file has every video too, cancelled ones included.
    const lines = resultsLines(readFileSync(result.outputs['results-file'] ?? '', 'utf8'))
    expect(lines.map((video) => video.video_id).sort()).toEqual([...videoIds].sort())
  })

  it('when killed mid-run, leaves a results file of whole lines, one for each video finished', async () => {
    const videoIds = ids('dead', 200)
    const auth = await serve({ videos: Object.fromEntries(videoIds.map((id) => [id, {}])), latencyMs: 100 })
    const temp = tempDir('e2e-results-')
    const result = await runStep(
      { ...auth, 'video-id': videoIds.join('\n'), concurrency: '2', 'requests-per-minute': '0' },
      {
        env: { RUNNER_TEMP: temp },
        onStart: (child) => {
          // A worker writes its video's line before it sends its next request: 8 requests, 6 lines at least.
          const timer = setInterval(() => {
            if (standIn.log.length >= 8) {
              clearInterval(timer)
              child.kill('SIGKILL')
            }
          }, 10)
          child.on('exit', () => clearInterval(timer))
        }
      }
    )
    expect(result.signal).toBe('SIGKILL')
    const files = readdirSync(temp)
    expect(files).toEqual([expect.stringMatching(/^cloudflare-stream-delete-downloads-4242-1-\d+\.jsonl$/)])
    const text = readFileSync(join(temp, files[0] ?? ''), 'utf8')
    expect(text.endsWith('\n')).toBe(true)
    const lines = resultsLines(text)
    expect(lines.length).toBeGreaterThanOrEqual(6)
    for (const video of lines) expect(video).toMatchObject({ outcome: 'deleted', requests: [{ status_code: 200 }] })
  })

  it('lets two jobs share one token and a small quota without a lockout', async () => {
    const first = ids('a', 30)
    const second = ids('b', 30)
    const auth = await serve({
      videos: Object.fromEntries([...first, ...second].map((id) => [id, {}])),
      quota: 24,
      windowMs: 1000,
      latencyMs: 5
    })
    const common = { ...auth, concurrency: '2', 'requests-per-minute': '0' }
    const [a, b] = await Promise.all([
      runStep({ ...common, 'video-id': first.join(',') }),
      runStep({ ...common, 'video-id': second.join(',') })
    ])
    expect([a.code, b.code]).toEqual([0, 0])
    expect(standIn.stats.lockouts).toBe(0)
    expect(JSON.parse(a.outputs.deleted ?? '[]')).toHaveLength(30)
    expect(JSON.parse(b.outputs.deleted ?? '[]')).toHaveLength(30)
  })
})
