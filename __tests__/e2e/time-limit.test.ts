/**
 * The committed bundle with a `time-limit` that the stand-in's latency (not the machine's speed)
 * makes too short: 40 requests one at a time, 200 ms each, cannot fit in 2 s. How many do fit
 * depends on the machine, so the test asserts only what holds on any: every video accounted for,
 * the step green but not complete, and no request started long after the limit.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { startStandIn } from '../../dev/stand-in.js'
import { runStep } from '../../dev/run-step.js'

type StandIn = Awaited<ReturnType<typeof startStandIn>>
let standIn: StandIn | undefined

afterEach(async () => standIn?.close())

const ids = Array.from({ length: 40 }, (_, i) => `${'ab'.repeat(13)}${i.toString(16).padStart(6, '0')}`)

describe('dist/index.js with a time limit', () => {
  it('stops sending at the limit: the rest is postponed, the step passes, complete is false', async () => {
    standIn = await startStandIn({
      videos: Object.fromEntries(ids.map((id) => [id, { default: true }])),
      latencyMs: 200
    })
    const result = await runStep({
      'account-id': standIn.accountId,
      'api-token': standIn.token,
      'base-url': standIn.baseUrl,
      'video-id': ids.join('\n'),
      'time-limit': '2s',
      concurrency: '1',
      'requests-per-minute': '0'
    })
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ success: 'true', complete: 'false', failed: '[]' })
    const deleted = JSON.parse(result.outputs.deleted ?? '') as string[]
    const postponed = JSON.parse(result.outputs.postponed ?? '') as string[]
    // Every video is either done or postponed, none twice; one at a time at 200 ms an answer, at most
    // ~10 fit in 2 s (without the limit the requests would go on for 8 s).
    expect([...deleted, ...postponed].sort()).toEqual([...ids].sort())
    expect(postponed.length).toBeGreaterThanOrEqual(ids.length - 11)
    expect(standIn.log).toHaveLength(deleted.length)
    expect(result.stdout).toMatch(
      new RegExp(
        `^::notice title=Stopped at the time limit::stopped at the time limit: ${deleted.length} of 40 videos done, ${postponed.length} postponed`,
        'm'
      )
    )
    expect(result.summary).toContain('postponed')
  })
})
