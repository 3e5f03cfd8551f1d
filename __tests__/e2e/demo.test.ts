/** `npm run demo` works as the README promises: every scenario runs and says what happened. */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { ROOT } from '../../dev/run-step.js'

function demo(...args: string[]) {
  return spawnSync(process.execPath, ['dev/demo.js', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH }
  })
}

describe('npm run demo', () => {
  it.each([
    ['single', 0, /Exit code 0: the step passed[\s\S]*Deleted: the downloads of ea95132c15732412d22c1476fa83f27a\./],
    [
      'batch',
      0,
      /WARNING \(Not found: default download of video 00000000000000000000000000000404\)[\s\S]*12 videos: 11 deleted, 1 missing/
    ],
    [
      'dry-run',
      0,
      /1 video: 1 would-delete \(dry run: nothing was deleted\)[\s\S]*> \*\*Dry run\*\*[\s\S]*Nothing was deleted\./
    ],
    ['missing', 1, /ERROR \(Not found: default download of video 00000000000000000000a1b2c3d4e5f6\)/],
    ['bad-token', 1, /Stream Write permission/],
    [
      'plan',
      0,
      /The filters select \d+ videos; the 20 newest kept \(keep-latest\): acting on \d+\.[\s\S]*\d+ would-delete, \d+ missing \(dry run: nothing was deleted\)[\s\S]*The dry run planned (\d+) videos with downloads; the real run deleted the downloads of \1 \(the same selection\)/
    ],
    [
      'throttled',
      0,
      /Throttled by Cloudflare \(429\)[\s\S]*00000000000000000000000000000429 default: deleted \(HTTP 200, ray [^,]+, 2 attempts\)/
    ]
  ])('%s', (scenario, stepExit, shows) => {
    const result = demo(scenario)
    expect(result.status).toBe(0)
    expect(result.stdout).toContain(`Exit code ${stepExit}`)
    expect(result.stdout).toMatch(shows)
    expect(result.stdout).not.toContain('stand-in-token-0123456789')
  })

  it('shows the step as a workflow against Cloudflare writes it, and the stand-in-only values apart', () => {
    const { stdout } = demo('plan')
    const [againstCloudflare = '', standInOnly = ''] = stdout
      .split('── Log')[0]!
      .split('For the stand-in only, never against Cloudflare, the demo gives instead:')
    expect(againstCloudflare).toContain('api-token: ${{ secrets.CLOUDFLARE_API_TOKEN }}')
    expect(againstCloudflare).not.toMatch(/^\s*(concurrency|requests-per-minute|base-url):/m)
    expect(standInOnly).toMatch(/^\s*concurrency: '16'$/m)
    expect(standInOnly).toMatch(/^\s*requests-per-minute: '0'$/m)
    expect(standInOnly).toMatch(/^\s*base-url: http:\/\/127\.0\.0\.1:/m)
  })

  it('cleanup: three scheduled runs, each resuming where the last one stopped, the first cut by its time limit', () => {
    const { status, stdout } = demo('cleanup')
    expect(status).toBe(0)
    const runs = [
      ...stdout.matchAll(/^Run (\d): exit code (\d+); (\d+) deleted, .* (\d+) postponed, 5 kept, (\d+) failed/gm)
    ]
    expect(runs.map((run) => [run[1], run[2], run[5]])).toEqual([
      ['1', '0', '0'],
      ['2', '0', '0'],
      ['3', '0', '0']
    ])
    // 55 requests at 200 ms, 2 at a time, cannot all fit in 5 s: the first run postpones some.
    expect(Number(runs[0]?.[4])).toBeGreaterThan(0)
    expect(Number(runs[0]?.[3])).toBeGreaterThan(0)
    const saved = [...stdout.matchAll(/Checkpoint saved: cursor (\S+);/g)].map((match) => match[1] ?? '')
    const resumed = [...stdout.matchAll(/Checkpoint: resuming from (\S+)\./g)].map((match) => match[1] ?? '')
    expect(saved).toHaveLength(3)
    expect(resumed).toEqual(saved.slice(0, 2))
    expect(Date.parse(saved[2] ?? '')).toBeGreaterThan(Date.parse(saved[0] ?? ''))
    expect(stdout).toMatch(/Checkpoint saved: [^\n]*; 0 failures remembered\./)
    expect(stdout).not.toMatch(/^\s*ERROR/m)
    expect(stdout).not.toContain('stand-in-token-0123456789')
  }, 120_000)

  it('names the scenarios when given an unknown one', () => {
    const result = demo('nope')
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('Try one of: single, batch, dry-run, missing, bad-token, cleanup, plan, throttled')
  })
})
