/**
 * Where the videos come from, as a cleanup workflow uses it: runAction with a recording core against
 * the stand-in serving a library, on a virtual clock (ages such as `90d` count back from it).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeLibrary, startStandIn } from '../dev/stand-in.js'
import { fastClock, VIRTUAL_EPOCH, type WrittenFiles } from './helpers/fakes.js'
import { resultsLines } from './helpers/records.js'
import type { StandIn } from './helpers/stand-in-client.js'
import { runAgainst } from './helpers/stand-in-run.js'
import { removeTempDirs, tempDir } from './helpers/temp-dirs.js'

let standIn: StandIn

afterEach(async () => {
  await standIn?.close()
  removeTempDirs()
})

const DAY = 86_400_000
/** 200 videos, one a day, the newest 10 days before the virtual now; some share an instant. */
const library = () =>
  makeLibrary(200, {
    start: new Date(VIRTUAL_EPOCH - 210 * DAY).toISOString(),
    stepMs: DAY / 2,
    sharedCreatedEvery: 17
  })

async function run(inputs: Record<string, string>, options: Parameters<typeof startStandIn>[0] = {}) {
  standIn = await startStandIn({ library: library(), ...options })
  const written: WrittenFiles = new Map()
  const recorder = await runAgainst(standIn, inputs, {}, written)
  const json = (name: string): unknown => JSON.parse(recorder.outputs[name] ?? 'null')
  return { ...recorder, written, json }
}

const createdBefore = <T extends { created: string }>(videos: T[], days: number): T[] =>
  videos.filter((video) => Date.parse(video.created) < VIRTUAL_EPOCH - days * DAY)

describe('selection by filters', () => {
  it('deletes the downloads of every video older than 90 days but the 5 newest of them and the excluded', async () => {
    const all = library()
    const old = createdBefore(all, 90)
    const excluded = old[0]?.uid ?? ''
    const r = await run({ 'created-before': '90d', 'keep-latest': '5', exclude: excluded, 'max-videos': '0' })
    expect(r.failed).toBeUndefined()
    const acted = old.slice(1, -5).map((video) => video.uid)
    expect(r.json('selected')).toEqual(acted)
    const deletes = standIn.log.filter((entry) => entry.method === 'DELETE').map((entry) => entry.path.split('/')[6])
    expect(new Set(deletes)).toEqual(new Set(acted))
    // Listing went through the same client: GET requests with the filters, in creation order.
    const lists = standIn.log.filter((entry) => entry.method === 'GET')
    // keep-latest reads the newest first, then the rest in creation order up to the oldest kept.
    expect(lists[0]?.path).toMatch(/\/stream\?asc=false&limit=1000&end=.*&include_counts=true$/)
    expect(lists[1]?.path).toMatch(/\/stream\?asc=true&limit=1000&end=.*&include_counts=true$/)
    expect(r.said('info')).toContain(
      `The filters select ${old.length} videos; 1 excluded, the 5 newest kept (keep-latest): acting on ${acted.length}.`
    )
    // Videos with nothing to delete are ordinary in a selection: counted, not one warning each.
    expect(r.said('warning')).toEqual([])
    expect(r.json('missing')).not.toEqual([])
  })

  it('sends nothing at all, and fails, when the selection is larger than max-videos', async () => {
    const old = createdBefore(library(), 90).length
    const r = await run({ 'created-before': '90d', 'max-videos': '10' })
    expect(standIn.log.filter((entry) => entry.method === 'DELETE')).toEqual([])
    // One page holds the whole selection: its count is exact.
    expect(standIn.log).toHaveLength(1)
    expect(r.failed).toMatch(
      new RegExp(
        `^The selection has ${old} videos, more than \`max-videos\` \\(10\\): nothing was sent\\. .*raise \`max-videos\``
      )
    )
    expect(r.outputs).toMatchObject({ success: 'false', selected: '[]', deleted: '[]' })
  })

  it('passes and says so when nothing matches', async () => {
    const r = await run({ 'created-after': '5d' })
    expect(r.failed).toBeUndefined()
    expect(r.said('notice')).toEqual(['No video matches the filters: nothing to do.'])
    expect(r.outputs).toMatchObject({ success: 'true', selected: '[]' })
  })

  it('pages through a library larger than one page, with either reading of start', async () => {
    for (const startInclusive of [true, false]) {
      const big = makeLibrary(2500, { start: '2025-01-01T00:00:00Z', stepMs: 1000, sharedCreatedEvery: 3 })
      const r = await run(
        { 'created-after': '2024-12-31T00:00:00Z', 'dry-run': 'true', 'max-videos': '0' },
        { library: big, startInclusive }
      )
      // 2,500 ids are more than the selected output holds: it is cut, the results file has them all.
      expect(r.outputs.truncated).toBe('true')
      const results = resultsLines(r.written.get(r.outputs['results-file'] ?? '') ?? '')
      expect(results.map((video) => video.video_id).sort()).toEqual(big.map((video) => video.uid).sort())
      expect(standIn.log.filter((entry) => entry.path.includes('/stream?'))).toHaveLength(3)
      await standIn.close()
    }
  })

  it('fails without deleting anything when the list is refused, naming the permission', async () => {
    standIn = await startStandIn({ library: library() })
    const r = await runAgainst(standIn, { 'api-token': 'wrong', 'created-before': '90d' })
    expect(standIn.log.filter((entry) => entry.method === 'DELETE')).toEqual([])
    expect(r.failed).toMatch(/^Listing the videos failed, so nothing was deleted: .*HTTP 403.*Stream Read/)
    expect(JSON.parse(r.outputs.errors ?? '[]')).toEqual([{ code: null, message: r.failed }])
  })

  it('writes every result to the results file and names it in an output', async () => {
    const r = await run({ 'created-before': '190d' })
    const path = r.outputs['results-file'] ?? ''
    expect(path).toMatch(/^\/runner\/temp\/cloudflare-stream-delete-downloads-42-1-\d+\.jsonl$/)
    // One video a line, in the order they finished.
    const results = resultsLines(r.written.get(path) ?? '')
    expect(results.map((video) => video.video_id).sort()).toEqual([...(r.json('selected') as string[])].sort())
  })
})

describe('listing a library that is large, changing or lying', () => {
  const listRequests = () => standIn.log.filter((entry) => entry.path.includes('/stream?'))
  const deletes = () => standIn.log.filter((entry) => entry.method === 'DELETE').map((e) => e.path.split('/')[6])
  const since = { 'created-after': '2020-01-01T00:00:00Z' }

  it('stops listing once the selection must be refused, and deletes nothing', async () => {
    const big = makeLibrary(5000, { start: '2025-01-01T00:00:00Z', stepMs: 1000 })
    const r = await run({ ...since, 'keep-latest': '5', 'max-videos': '1000' }, { library: big })
    // The newest first (one page), then the first page in creation order: its total less the kept says so.
    expect(listRequests()).toHaveLength(2)
    expect(deletes()).toEqual([])
    expect(r.failed).toMatch(
      /^The selection has at least 4990 videos, more than `max-videos` \(1000\): nothing was sent\./
    )
    expect(r.failed).toContain('Listing stopped after 2 pages (the video list counts 4995).')
  })

  it('fails naming creator, and deletes nothing, when the entries contradict the filter sent', async () => {
    const lib = makeLibrary(30, { start: '2025-01-01T00:00:00Z', creators: ['alice'] })
    const r = await run({ creator: 'alice' }, { library: lib, hostileList: { claim: { creator: 'bob' } } })
    expect(deletes()).toEqual([])
    expect(r.failed).toMatch(
      /^Listing the videos failed, so nothing was deleted: .*has creator "bob", not "alice" \(filter `creator`\)/
    )
  })

  it('selects and deletes a video once when the list shows it again on later pages with another created', async () => {
    const big = makeLibrary(1500, { start: '2025-01-01T00:00:00Z', stepMs: 1000 })
    const r = await run(
      { ...since, 'max-videos': '0', 'keep-latest': '1' },
      { library: big, quota: 100_000, hostileList: { repeatFirst: true } }
    )
    // One page newest first (keep-latest), then two in creation order.
    expect(listRequests()).toHaveLength(3)
    const deleted = deletes()
    expect(deleted).toHaveLength(1499)
    expect(new Set(deleted).size).toBe(1499)
    // keep-latest counts the repeated video once, where its first created put it.
    expect(deleted).toContain(big[0]?.uid)
    expect(r.said('info')).toContain('The filters select 1500 videos; the 1 newest kept (keep-latest): acting on 1499.')
  })

  it('asks on after pages shorter than limit while total says more remain', async () => {
    const lib = makeLibrary(50, { start: '2025-01-01T00:00:00Z', stepMs: 1000 })
    const r = await run({ ...since, 'dry-run': 'true' }, { library: lib, hostileList: { pageCap: 7 } })
    expect(r.failed).toBeUndefined()
    expect((r.json('selected') as string[]).sort()).toEqual(lib.map((v) => v.uid).sort())
  })

  it('says how far the listing got, at most every 10 s of the run’s clock', async () => {
    const big = makeLibrary(6000, { start: '2025-01-01T00:00:00Z', stepMs: 1000 })
    standIn = await startStandIn({ library: big })
    // A virtual clock that also moves 4 s with every request the stand-in sees.
    const virtual = fastClock()
    const clock = { now: () => virtual.now() + standIn.log.length * 4000, sleep: virtual.sleep }
    const recorder = await runAgainst(
      standIn,
      {
        ...since,
        // Every video kept: the run ends after the listing.
        'keep-latest': '1000000',
        'max-videos': '0'
      },
      { clock }
    )
    expect(recorder.failed).toBeUndefined()
    expect(standIn.log).toHaveLength(7)
    expect(recorder.said('info').filter((line) => line.startsWith('Listing:'))).toEqual([
      'Listing: 3 pages read, 2,998 videos found so far.',
      'Listing: 6 pages read, 5,995 videos found so far.'
    ])
  })
})

describe('video-id-file', () => {
  const file = (text: string): string => {
    const dir = tempDir('ids-')
    writeFileSync(join(dir, 'ids.txt'), text)
    return join(dir, 'ids.txt')
  }

  it('reads ids with comments and no final newline, and applies exclude', async () => {
    const path = file(
      '# old launches\n00000000000000000000000000000001\n00000000000000000000000000000002 # the teaser\n00000000000000000000000000000003'
    )
    const r = await run(
      { 'video-id-file': path, exclude: '00000000000000000000000000000003' },
      {
        videos: {
          '00000000000000000000000000000001': {},
          '00000000000000000000000000000002': {},
          '00000000000000000000000000000003': {}
        }
      }
    )
    expect(r.failed).toBeUndefined()
    expect(r.outputs).toMatchObject({
      selected: '["00000000000000000000000000000001","00000000000000000000000000000002"]',
      deleted: '["00000000000000000000000000000001","00000000000000000000000000000002"]'
    })
  })

  it('passes with a notice on an empty file', async () => {
    const r = await run({ 'video-id-file': file('') })
    expect(r.failed).toBeUndefined()
    expect(r.said('notice')).toEqual(['The list is empty: nothing to do.'])
  })

  it('is an input error when the file does not exist', async () => {
    const r = await run({ 'video-id-file': '/nonexistent/ids.txt' })
    expect(r.failed).toBe(
      'Input `video-id-file` names "/nonexistent/ids.txt", which does not exist (/nonexistent/ids.txt).'
    )
    expect(standIn.log).toEqual([])
  })
})
