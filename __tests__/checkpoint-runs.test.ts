/**
 * A cleanup that finishes by itself: consecutive runs with `checkpoint-file` against the stand-in,
 * each stopped part way by its `time-limit`, on a virtual clock that only the rate limit's pacing moves.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeLibrary, startStandIn } from '../dev/stand-in.js'
import type { Deps } from '../src/ports.js'
import { checkpointFiles } from '../src/runner/checkpoint-io.js'
import { fastClock, VIRTUAL_EPOCH } from './helpers/fakes.js'
import type { StandIn } from './helpers/stand-in-client.js'
import { runAgainst } from './helpers/stand-in-run.js'
import { removeTempDirs, tempDir } from './helpers/temp-dirs.js'

let standIn: StandIn | undefined

afterEach(async () => {
  await standIn?.close()
  standIn = undefined
  removeTempDirs()
})

const DAY = 86_400_000

const workspace = (): string => tempDir('checkpoint-')

/** One run of the action against the stand-in in workspace `dir`, its clock starting at `startAt`. */
async function runOnce(
  server: StandIn,
  dir: string,
  inputs: Record<string, string>,
  startAt = VIRTUAL_EPOCH,
  over: Partial<Deps> = {}
) {
  const before = server.log.length
  const recorder = await runAgainst(server, inputs, {
    env: { GITHUB_WORKSPACE: dir },
    clock: fastClock(startAt),
    ...over
  })
  const sent = server.log.slice(before)
  return { ...recorder, deletes: sent.filter((entry) => entry.method === 'DELETE').length, sent }
}

const deletedIds = (server: StandIn) =>
  new Set(
    server.log.filter((entry) => entry.method === 'DELETE' && entry.status === 200).map((e) => e.path.split('/')[6])
  )

describe('checkpoint-file across runs', () => {
  it('cleans 3,000 old videos over runs stopped by their time limit, keeps the newest, and repeats at most 5% of the requests', async () => {
    const library = makeLibrary(3000, {
      start: new Date(VIRTUAL_EPOCH - 400 * DAY).toISOString(),
      stepMs: DAY / 10,
      sharedCreatedEvery: 13
    })
    const server = await startStandIn({ library, quota: 1_000_000 })
    standIn = server
    const dir = workspace()
    const inputs = {
      'created-before': '90d',
      'keep-latest': '20',
      'checkpoint-file': '.cleanup/checkpoint.json',
      'max-videos': '0'
    }
    const old = library.filter((video) => Date.parse(video.created) < VIRTUAL_EPOCH - 90 * DAY)
    const kept = new Set(old.slice(-20).map((video) => video.uid))
    const selected = old.filter((video) => !kept.has(video.uid))

    const keptBefore = new Map([...kept].map((uid) => [uid, { ...server.videos.get(uid) }]))
    let totalDeletes = 0
    // Each run: whether it was complete, and how many videos it postponed.
    const ends: [string | undefined, number][] = []
    while (ends.length < 8 && ends.at(-1)?.[0] !== 'true') {
      // The rate limit paces the requests (200 a minute) on the virtual clock: about 700 fit in 210 s.
      const r = await runOnce(server, dir, { ...inputs, 'time-limit': '210s' })
      // A run stopped at its time limit is no failure.
      expect(r.failed).toBeUndefined()
      ends.push([r.outputs.complete, (JSON.parse(r.outputs.postponed ?? '[]') as string[]).length])
      totalDeletes += r.deletes
      expect(existsSync(join(dir, '.cleanup/checkpoint.json'))).toBe(true)
    }
    // Stopped by the time limit, postponing the rest, until the last run finishes the backlog.
    expect(ends.length).toBeGreaterThanOrEqual(4)
    expect(ends.slice(0, -1).every(([complete, postponed]) => complete === 'false' && postponed > 0)).toBe(true)
    expect(ends.at(-1)).toEqual(['true', 0])
    // Every selected video's download is gone; none of the kept lost theirs.
    for (const video of selected) expect(server.videos.get(video.uid)?.default ?? false).toBe(false)
    for (const uid of kept) expect(server.videos.get(uid)).toEqual(keptBefore.get(uid))
    expect(totalDeletes).toBeLessThanOrEqual(Math.ceil(selected.length * 1.05))
    expect([...deletedIds(server)].some((uid) => kept.has(uid ?? ''))).toBe(false)

    // A run over the finished library with nothing new sends no DELETE: only list requests.
    const idle = await runOnce(server, dir, inputs)
    expect(idle.failed).toBeUndefined()
    expect(idle.sent.filter((entry) => entry.method !== 'GET' || !entry.path.includes('/stream?'))).toEqual([])
    const saved = idle.said('info').find((line) => line.startsWith('Checkpoint saved: cursor '))
    expect(saved).toMatch(/; 0 selected videos left from it; 0 failures remembered\.$/)
    // The summary says it too, the cursor in a code span.
    expect(idle.summary).toContain(saved?.replace(/cursor (\S+);/, 'cursor `$1`;'))
    expect(idle.said('notice')).toContain('No video to act on since the checkpoint: nothing to do.')
  }, 120_000)

  it('cleans what ages in between daily runs, and retries first the failures of a run that met 500s half way', async () => {
    // 1,000 videos, one every 6 hours: about 600 older than 90 days, 4 more each day.
    const library = makeLibrary(1000, { start: new Date(VIRTUAL_EPOCH - 240 * DAY).toISOString(), stepMs: DAY / 4 })
    const server = await startStandIn({ library, quota: 1_000_000 })
    standIn = server
    const dir = workspace()
    const inputs = { 'created-before': '90d', 'keep-latest': '5', 'checkpoint-file': 'cp.json', 'max-videos': '0' }
    const run = (day: number, more: Record<string, string> = {}) =>
      runOnce(server, dir, { ...inputs, ...more }, VIRTUAL_EPOCH + day * DAY)

    // About 300 of the backlog's requests fit in 90 s at 200 a minute.
    const partial = await run(0, { 'time-limit': '90s' })
    expect(JSON.parse(partial.outputs.postponed ?? '[]')).not.toEqual([])
    // Half way through the backlog the API answers 500 for a while (every retry of a few videos).
    server.addFaults([{ op: 'delete', times: 60, fault: '500' }])
    const failing = await run(1)
    const remembered = (JSON.parse(readFileSync(join(dir, 'cp.json'), 'utf8')) as { failed: { id: string }[] }).failed
    expect(remembered.length).toBeGreaterThan(0)
    expect(failing.said('info').join('\n')).toContain(`${remembered.length} failures remembered`)
    const next = await run(2)
    // Tried first: they lead the run's list of videos.
    const order = JSON.parse(next.outputs.selected ?? '[]') as string[]
    expect(new Set(order.slice(0, remembered.length))).toEqual(new Set(remembered.map((entry) => entry.id)))
    expect(next.failed).toBeUndefined()
    for (let day = 3; day <= 5; day++) expect((await run(day)).failed).toBeUndefined()

    // Every video older than 90 days on day 5 but the 5 newest of them has no download left.
    const old = library.filter((video) => Date.parse(video.created) < VIRTUAL_EPOCH + 5 * DAY - 90 * DAY)
    const kept = new Set(old.slice(-5).map((video) => video.uid))
    const left = old.filter((video) => !kept.has(video.uid) && server.videos.get(video.uid)?.default)
    expect(left.map((video) => video.uid)).toEqual([])
    // Later runs sent at most the videos that aged in (4 a day), the kept ones they released, and the cursor's own.
    const last = await run(6)
    expect(last.deletes).toBeLessThanOrEqual(4 + 5 + 1)
  }, 60_000)

  it('refuses a checkpoint of another selection, naming the field, and sends nothing', async () => {
    const server = await startStandIn({ library: makeLibrary(30, { start: '2025-01-01T00:00:00Z' }) })
    standIn = server
    const dir = workspace()
    const inputs = { 'created-before': '90d', 'checkpoint-file': 'cp.json', 'max-videos': '0' }
    await runOnce(server, dir, inputs)
    const saved = readFileSync(join(dir, 'cp.json'), 'utf8')
    const before = server.log.length
    const r = await runOnce(server, dir, { ...inputs, 'download-type': 'audio' })
    expect(r.failed).toContain('its `download-type` is "default", this run\'s is "audio"')
    expect(server.log.length).toBe(before)
    expect(readFileSync(join(dir, 'cp.json'), 'utf8')).toBe(saved)
  })

  it('is an input error outside the workspace, or when the file is not a checkpoint; a dry run leaves it as it was', async () => {
    const server = await startStandIn({ library: makeLibrary(10, { start: '2025-01-01T00:00:00Z' }) })
    standIn = server
    const dir = workspace()
    const inputs = { 'created-before': '90d', 'max-videos': '0' }
    const outside = await runOnce(server, dir, { ...inputs, 'checkpoint-file': '../elsewhere/cp.json' })
    expect(outside.failed).toContain('outside GITHUB_WORKSPACE and RUNNER_TEMP')
    writeFileSync(join(dir, 'cp.json'), '{"version":1}')
    const broken = await runOnce(server, dir, { ...inputs, 'checkpoint-file': 'cp.json' })
    expect(broken.failed).toContain('`identity` is not an object')
    expect(server.log).toEqual([])
    rmSync(join(dir, 'cp.json'))
    await runOnce(server, dir, { ...inputs, 'checkpoint-file': 'cp.json', 'dry-run': 'true' })
    expect(existsSync(join(dir, 'cp.json'))).toBe(false)
  })

  it('warns when the checkpoint cannot be written, and the next run repeats this one', async () => {
    const server = await startStandIn({ library: makeLibrary(10, { start: '2025-01-01T00:00:00Z' }) })
    standIn = server
    const dir = workspace()
    const inputs = { 'created-before': '90d', 'checkpoint-file': 'cp.json', 'max-videos': '0' }
    const unwritable = { ...checkpointFiles, write: () => Promise.reject(new Error('disk full')) }
    const first = await runOnce(server, dir, inputs, VIRTUAL_EPOCH, { checkpointFiles: unwritable })
    expect(first.deletes).toBe(10)
    expect(first.said('warning')).toEqual([
      'The checkpoint could not be written to cp.json: disk full. The next run repeats this one.'
    ])
    expect(first.summary).toContain('Checkpoint not saved: the next run repeats this one.')
    expect(first.said('info').filter((line) => line.startsWith('Checkpoint saved'))).toEqual([])
    expect(existsSync(join(dir, 'cp.json'))).toBe(false)
    const again = await runOnce(server, dir, inputs)
    expect(again.said('info')).toContain('Checkpoint: none yet, listing from the oldest selected video.')
    expect(again.deletes).toBe(10)
  })

  it('remembers a failed video, tries it first in the next run, and drops it after 5 tries with a warning', async () => {
    const library = makeLibrary(12, { start: '2025-01-01T00:00:00Z', stepMs: DAY })
    const broken = library[3]?.uid ?? ''
    const server = await startStandIn({
      library,
      faults: [{ video: broken, op: 'delete', times: 1000, fault: '500' }]
    })
    standIn = server
    const dir = workspace()
    const inputs = { 'created-before': '90d', 'checkpoint-file': 'cp.json', 'max-videos': '0' }
    const first = await runOnce(server, dir, inputs)
    expect(first.failed).toBeDefined()
    const saved = JSON.parse(readFileSync(join(dir, 'cp.json'), 'utf8')) as {
      failed: { id: string; tries: number }[]
      cursor: string
    }
    expect(saved.failed).toEqual([expect.objectContaining({ id: broken, tries: 1 })])
    // The cursor passed it: the next run lists from the newest video on, and tries the failure first.
    expect(Date.parse(saved.cursor)).toBe(Date.parse(library[11]?.created ?? ''))
    let last = first
    for (let run = 2; run <= 5; run++) {
      last = await runOnce(server, dir, inputs)
      const deletes = last.sent.filter((entry) => entry.method === 'DELETE').map((entry) => entry.path.split('/')[6])
      expect(deletes[0]).toBe(broken)
    }
    expect(last.said('warning').join('\n')).toContain(`Video ${broken} failed in 5 runs and is no longer retried`)
    const after = JSON.parse(readFileSync(join(dir, 'cp.json'), 'utf8')) as { failed: unknown[] }
    expect(after.failed).toEqual([])
  })
})
