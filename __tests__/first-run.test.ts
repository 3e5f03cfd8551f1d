/**
 * What a new user meets on a first run, through runAction against the stand-in: a dry run over a
 * selection larger than `max-videos` shows the plan (the real run still refuses), a credential in
 * the other kind's input is named as such, and the User-Agent's run details can be left out.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { makeLibrary, startStandIn } from '../dev/stand-in.js'
import type { StandIn } from './helpers/stand-in-client.js'
import { runAgainst } from './helpers/stand-in-run.js'

let standIn: StandIn

afterEach(async () => standIn?.close())

async function run(inputs: Record<string, string>) {
  standIn = await startStandIn({
    videos: { vid1: { default: true } },
    library: makeLibrary(30, { start: '2024-01-01T00:00:00Z' })
  })
  return runAgainst(standIn, inputs)
}

describe('a first run', () => {
  it('dry-runs a selection larger than max-videos: the whole plan, and a warning that a real run would refuse', async () => {
    const r = await run({ 'created-before': '2025-01-01T00:00:00Z', 'max-videos': '10', 'dry-run': 'true' })
    expect(r.failed).toBeUndefined()
    expect((JSON.parse(r.outputs.selected ?? '[]') as string[]).length).toBe(30)
    expect(r.said('warning')).toContainEqual(
      expect.stringMatching(/^30 videos, more than `max-videos` \(10\): a real run would refuse them/)
    )
    expect(standIn.log.filter((request) => request.method === 'DELETE')).toEqual([])
  })

  it('still refuses the real run over max-videos, and sends no DELETE', async () => {
    const r = await run({ 'created-before': '2025-01-01T00:00:00Z', 'max-videos': '10' })
    expect(r.failed).toMatch(/^The selection has 30 videos, more than `max-videos` \(10\): nothing was sent\./)
    expect(standIn.log.filter((request) => request.method !== 'GET')).toEqual([])
  })

  it('warns that a Global API key given as api-token is sent as a token', async () => {
    const r = await run({
      'video-id': 'ea95132c15732412d22c1476fa83f27a',
      'api-token': 'c2547eb745079dac9320b638f5e225cf483cc'
    })
    expect(r.said('warning')).toContainEqual(
      expect.stringMatching(/^Input `api-token` looks like a Global API key .*give it as `api-key`/)
    )
  })

  it('leaves the repository, workflow and run out of the User-Agent with user-agent-details: false', async () => {
    await run({ 'video-id': 'ea95132c15732412d22c1476fa83f27a', 'user-agent-details': 'false' })
    expect(standIn.log[0]?.headers['user-agent']).toMatch(
      /^cloudflare-stream-delete-downloads\/1\.0\.0 \(node v[\d.]+\)$/
    )
  })
})
