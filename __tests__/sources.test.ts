/** Choosing the videos from each source, with the guards, on fakes: no network. */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import type { FetchPage } from '../src/cloudflare/video-list.js'
import { formatMicros, instantMicros } from '../src/inputs/instants.js'
import { chooseVideos, overCap } from '../src/sources/sources.js'

const noList: FetchPage = async () => ({ ok: false, problem: 'not used' })
const files =
  (contents: Record<string, string | NodeJS.ErrnoException>) =>
  async (path: string): Promise<string> => {
    const found = contents[path]
    if (found === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' })
    if (typeof found !== 'string') throw found
    return found
  }

describe('chooseVideos', () => {
  it('applies exclude to a list and counts what it left out', async () => {
    const chosen = await chooseVideos({ kind: 'ids', ids: ['a1', 'b2', 'c3'] }, new Set(['b2']), {
      readFile: files({}),
      fetchPage: noList
    })
    expect(chosen).toEqual({
      ok: true,
      choice: { ids: ['a1', 'c3'], origin: 'ids', found: 3, excluded: 1, kept: 0, pages: 0 }
    })
  })

  it.each([
    ['a folder', Object.assign(new Error('is a dir'), { code: 'EISDIR' }), 'is a folder'],
    ['unreadable', Object.assign(new Error('denied'), { code: 'EACCES' }), 'cannot be read']
  ])('says a file is %s, as an input error', async (_, error, said) => {
    const chosen = await chooseVideos({ kind: 'file', path: '/w/ids', input: 'ids' }, new Set(), {
      readFile: files({ '/w/ids': error }),
      fetchPage: noList
    })
    expect(chosen).toEqual({ ok: false, failure: { kind: 'input', problem: expect.stringContaining(said) } })
  })

  it('names the file when a line of it is not an id', async () => {
    const chosen = await chooseVideos({ kind: 'file', path: '/w/ids', input: 'ids' }, new Set(), {
      readFile: files({ '/w/ids': '000000000000000000000000000000a1\nnot-an-id\n' }),
      fetchPage: noList
    })
    expect(chosen).toEqual({
      ok: false,
      failure: {
        kind: 'input',
        problem:
          'The file of `video-id-file` (ids) has line 2 "not-an-id": a Stream video uid is 32 hexadecimal characters (0-9, a-f).'
      }
    })
  })

  it('reports the library’s own count when it gives one', async () => {
    const page: FetchPage = async () => ({
      ok: true,
      videos: [{ uid: 'a1', created: '2026-01-01T00:00:00Z' }],
      total: 1
    })
    const chosen = await chooseVideos({ kind: 'library', filters: {}, keepLatest: 0 }, new Set(), {
      readFile: files({}),
      fetchPage: page
    })
    expect(chosen).toMatchObject({ ok: true, choice: { ids: ['a1'], total: 1, pages: 1 } })
  })
})

describe('keep-latest', () => {
  /** A library of one page, in creation order (or newest first with asc=false), as the list answers it. */
  const onePage =
    (videos: { uid: string; created: string }[]): FetchPage =>
    async (query) => {
      const at = (video: { created: string }) => instantMicros(video.created) as number
      const end = query.has('end') ? (instantMicros(query.get('end') ?? '') as number) : Infinity
      const within = videos.filter((video) => at(video) <= end)
      return { ok: true, videos: query.get('asc') === 'false' ? [...within].reverse() : within }
    }
  const choose = async (videos: { uid: string; created: string }[], keepLatest: number, exclude: string[] = []) => {
    const chosen = await chooseVideos({ kind: 'library', filters: {}, keepLatest }, new Set(exclude), {
      readFile: files({}),
      fetchPage: onePage(videos)
    })
    if (!chosen.ok) throw new Error(chosen.failure.problem)
    return chosen.choice
  }
  const library = [
    { uid: 'a', created: '2026-01-01T00:00:00Z' },
    { uid: 'b', created: '2026-01-02T00:00:00Z' },
    { uid: 'c', created: '2026-01-03T00:00:00Z' },
    { uid: 'd', created: '2026-01-03T00:00:00.000Z' },
    { uid: 'e', created: '2026-01-04T00:00:00Z' }
  ]

  it('keeps the N latest, and all videos tied with the N-th latest', async () => {
    expect(await choose(library, 1)).toMatchObject({ ids: ['a', 'b', 'c', 'd'], kept: 1 })
    expect(await choose(library, 2)).toMatchObject({ ids: ['a', 'b'], kept: 3 })
    expect(await choose(library, 3)).toMatchObject({ ids: ['a', 'b'], kept: 3 })
    expect(await choose(library, 0)).toMatchObject({ ids: ['a', 'b', 'c', 'd', 'e'], kept: 0 })
    expect(await choose(library, 9)).toMatchObject({ ids: [], kept: 5 })
  })

  it('keeps every video of a 200,000-video library when keep-latest is larger', async () => {
    const base = Date.UTC(2026, 0, 1) * 1000
    const videos = Array.from({ length: 200_000 }, (_, i) => ({ uid: `u${i}`, created: formatMicros(base + i * 1000) }))
    expect(await choose(videos, 300_000)).toMatchObject({ ids: [], kept: 200_000 })
  })

  it('counts the N latest after exclude, not before', async () => {
    expect(await choose(library, 1, ['e'])).toMatchObject({ ids: ['a', 'b'], excluded: 1, kept: 2 })
  })

  it('never acts on a video created after one it keeps, and keeps at least N', async () => {
    const base = Date.UTC(2026, 0, 1) * 1000
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 40 }),
        fc.nat(45),
        async (instants, keep) => {
          const videos = [...instants]
            .sort((x, y) => x - y)
            .map((ms, i) => ({ uid: `u${i}`, created: formatMicros(base + ms * 1000) }))
          const choice = await choose(videos, keep)
          expect(choice.ids.length + choice.kept).toBe(videos.length)
          expect(choice.kept).toBeGreaterThanOrEqual(Math.min(keep, videos.length))
          const at = (uid: string) => instantMicros(videos.find((v) => v.uid === uid)?.created ?? '') as number
          const newestActed = Math.max(-Infinity, ...choice.ids.map(at))
          const kept = videos.filter((v) => !choice.ids.includes(v.uid))
          for (const video of kept) expect(at(video.uid)).toBeGreaterThan(newestActed)
        }
      )
    )
  })
})

describe('a selection resumed from a checkpoint', () => {
  const base = Date.UTC(2026, 0, 1) * 1000
  const videos = Array.from({ length: 10 }, (_, i) => ({ uid: `v${i}`, created: formatMicros(base + i * 1000) }))
  /** The list with an inclusive `start` and `end`, either order, recording each query. */
  const list = () => {
    const queries: URLSearchParams[] = []
    const fetchPage: FetchPage = async (query) => {
      queries.push(query)
      const bound = (name: string, none: number) =>
        query.has(name) ? (instantMicros(query.get(name) ?? '') as number) : none
      const [start, end] = [bound('start', -Infinity), bound('end', Infinity)]
      const at = (video: { created: string }) => instantMicros(video.created) as number
      const within = videos.filter((video) => at(video) >= start && at(video) <= end)
      return { ok: true, videos: query.get('asc') === 'false' ? [...within].reverse() : within }
    }
    return { fetchPage, queries }
  }

  it('lists from the cursor, tries the remembered failures first, and keeps the newest of the whole selection', async () => {
    const server = list()
    const resume = {
      from: videos[6]?.created,
      first: [
        { id: 'v1', created: videos[1]?.created ?? '' },
        { id: 'v2', created: videos[2]?.created ?? '' },
        { id: 'v9', created: videos[9]?.created ?? '' }
      ]
    }
    const chosen = await chooseVideos(
      { kind: 'library', filters: {}, keepLatest: 2 },
      new Set(['v2']),
      { readFile: files({}), fetchPage: server.fetchPage },
      { maxVideos: 0, dryRun: false },
      resume
    )
    if (!chosen.ok) throw new Error(chosen.failure.problem)
    // v2 is excluded now, v9 kept now: neither is tried; v6 and v7 are listed from the cursor.
    expect(chosen.choice.ids).toEqual(['v1', 'v6', 'v7'])
    expect(chosen.choice.resumed).toMatchObject({ first: 1, keptFrom: base + 8000 })
    expect(server.queries[0]?.get('asc')).toBe('false')
    expect(server.queries[0]?.has('start')).toBe(false)
    expect(server.queries[1]?.get('start')).toBe(videos[6]?.created)
  })

  it('counts the remembered failures in max-videos', async () => {
    const server = list()
    const first = [0, 1, 2].map((i) => ({ id: `r${i}`, created: videos[0]?.created ?? '' }))
    const chosen = await chooseVideos(
      { kind: 'library', filters: {}, keepLatest: 0 },
      new Set(),
      { readFile: files({}), fetchPage: server.fetchPage },
      { maxVideos: 4, dryRun: false },
      { from: videos[8]?.created, first }
    )
    if (!chosen.ok) throw new Error(chosen.failure.problem)
    expect(chosen.choice.ids).toEqual(['r0', 'r1', 'r2', 'v8', 'v9'])
    expect(overCap(chosen.choice, 4)).toContain('The selection has 5 videos, more than `max-videos` (4)')
  })
})

describe('max-videos while listing', () => {
  const base = Date.UTC(2026, 0, 1) * 1000
  /** An in-memory list (inclusive start, `limit` per page), counting its requests; `total` unless told not to. */
  const memoryList = (instants: number[], options: { total?: boolean } = {}) => {
    const videos = [...instants].sort((x, y) => x - y).map((ms, i) => ({ uid: `u${i}`, at: base + ms * 1000 }))
    let requests = 0
    const fetchPage: FetchPage = async (query) => {
      requests++
      const start = query.has('start') ? (instantMicros(query.get('start') ?? '') as number) : -Infinity
      const end = query.has('end') ? (instantMicros(query.get('end') ?? '') as number) : Infinity
      const matching = videos.filter((v) => v.at >= start && v.at <= end)
      if (query.get('asc') === 'false') matching.reverse()
      const page = matching.slice(0, Number(query.get('limit')))
      return {
        ok: true,
        videos: page.map((v) => ({ uid: v.uid, created: formatMicros(v.at) })),
        ...(options.total !== false && query.get('include_counts') === 'true' ? { total: matching.length } : {})
      }
    }
    return { fetchPage, requests: () => requests }
  }
  /** A server that never runs out: every page 1,000 new videos, later than the last. */
  const endless = (total?: number) => {
    let next = 0
    let requests = 0
    const fetchPage: FetchPage = async () => {
      requests++
      const videos = Array.from({ length: 1000 }, () => ({ uid: `e${next}`, created: formatMicros(base + next++) }))
      return { ok: true, videos, ...(total === undefined ? {} : { total }) }
    }
    return { fetchPage, requests: () => requests }
  }
  const choose = (
    fetchPage: FetchPage,
    cap: { maxVideos: number; dryRun: boolean },
    keepLatest = 0,
    exclude: string[] = []
  ) =>
    chooseVideos(
      { kind: 'library', filters: {}, keepLatest },
      new Set(exclude),
      { readFile: files({}), fetchPage },
      cap
    )

  it('stops an endless list as soon as the selection must be refused, and says "at least"', async () => {
    const server = endless()
    const chosen = await choose(server.fetchPage, { maxVideos: 1000, dryRun: false })
    expect(server.requests()).toBe(2)
    expect(chosen).toEqual({
      ok: false,
      failure: {
        kind: 'listing',
        problem:
          'The selection has at least 2000 videos, more than `max-videos` (1000): nothing was sent. Narrow it, or raise ' +
          '`max-videos` (0 for no cap) if that many is what you meant. Listing stopped after 2 pages.'
      }
    })
  })

  it('stops after the first page when its total already says so (without keep-latest)', async () => {
    const server = endless(250_000)
    const chosen = await choose(server.fetchPage, { maxVideos: 1000, dryRun: false }, 0, ['e0'])
    expect(server.requests()).toBe(1)
    expect(chosen.ok ? '' : chosen.failure.problem).toMatch(
      /^The selection has at least 249999 videos, more than `max-videos` \(1000\).* Listing stopped after 1 page \(the video list counts 250000\)\.$/
    )
  })

  it('lets a dry run list on past the cap within the total bound, and stops it at the cap without a total', async () => {
    const withTotal = endless(3000)
    const listed: number[] = []
    const chosen = await chooseVideos(
      { kind: 'library', filters: {}, keepLatest: 0 },
      new Set(),
      { readFile: files({}), fetchPage: withTotal.fetchPage, listed: (pages) => listed.push(pages) },
      { maxVideos: 1000, dryRun: true }
    )
    // 3,000 + 300 + 1,000: the fifth page brings the 4,996th video.
    expect(chosen.ok ? '' : chosen.failure.problem).toContain('more than its total of 3000 (plus 10% and 1000)')
    expect(withTotal.requests()).toBe(5)
    expect(listed).toEqual([1, 2, 3, 4])
    const noTotal = endless()
    const stopped = await choose(noTotal.fetchPage, { maxVideos: 1000, dryRun: true })
    expect(noTotal.requests()).toBe(2)
    expect(stopped.ok ? '' : stopped.failure.problem).toMatch(/^The selection has at least 2000 videos/)
  })

  it('never refuses a selection the whole list would allow, nor lists further than the whole list', async () => {
    let stopped = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 2600, size: 'max' }),
        fc.nat(40),
        fc.nat(2700),
        fc.boolean(),
        async (instants, keep, maxVideos, withTotal) => {
          const whole = memoryList(instants, { total: withTotal })
          const full = await choose(whole.fetchPage, { maxVideos: 0, dryRun: false }, keep, ['u0'])
          const capped = memoryList(instants, { total: withTotal })
          const chosen = await choose(capped.fetchPage, { maxVideos, dryRun: false }, keep, ['u0'])
          if (!full.ok) throw new Error(full.failure.problem)
          expect(capped.requests()).toBeLessThanOrEqual(whole.requests())
          // Listed to the end, it is the whole list's choice (a refusal is then overCap's, with the exact count).
          expect(chosen.ok ? chosen : full).toEqual(full)
          // Stopped early, only where the whole list is over the cap, and "at least" is true.
          if (!chosen.ok) stopped++
          const atLeast = chosen.ok ? undefined : Number(/at least (\d+) videos/.exec(chosen.failure.problem)?.[1])
          const honest =
            atLeast === undefined || (maxVideos > 0 && atLeast > maxVideos && atLeast <= full.choice.ids.length)
          expect({ honest, problem: chosen.ok ? '' : chosen.failure.problem }).toMatchObject({ honest: true })
        }
      ),
      { numRuns: 60 }
    )
    expect(stopped).toBeGreaterThan(0)
  })
})

describe('overCap', () => {
  const choice = (n: number, origin: 'ids' | 'library' = 'ids') => ({
    ids: Array.from({ length: n }, (_, i) => `v${i}`),
    origin,
    found: n,
    excluded: 0,
    kept: 0,
    pages: 0
  })

  it('allows up to the cap, and anything with 0', () => {
    expect(overCap(choice(10), 10)).toBeUndefined()
    expect(overCap(choice(10_000), 0)).toBeUndefined()
  })

  it('says how many there were and how to raise the cap', () => {
    expect(overCap(choice(11), 10)).toBe(
      'The list has 11 videos, more than `max-videos` (10): nothing was sent. Narrow it, or raise `max-videos` (0 for no cap) if that many is what you meant.'
    )
    expect(overCap(choice(11, 'library'), 10)).toMatch(/^The selection has 11 videos/)
  })
})
