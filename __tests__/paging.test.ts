/* eslint-disable jest/no-conditional-expect -- the property tests check a different claim for each kind of generated case */
/**
 * The video list and its paging: query building, reading a page, the creation-time pager (over an
 * in-memory list with either reading of `start`, ties shuffled per request, and hostile answers),
 * then the pager over real HTTP against the stand-in.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { request } from 'undici'
import { formatMicros, instantMicros } from '../src/inputs/instants.js'
import { latestVideos, selectVideos, totalBound, type Selection } from '../src/cloudflare/paging.js'
import {
  listQuery,
  MAX_PAGE_SIZE,
  readVideoPage,
  type FetchPage,
  type PageAnswer
} from '../src/cloudflare/video-list.js'
import type { VideoFilters } from '../src/types.js'
import { makeLibrary, startStandIn, type LibraryVideo } from '../dev/stand-in.js'

describe('listQuery', () => {
  it('sends asc=true, the limit and each filter under the API’s name', () => {
    const query = listQuery(
      {
        start: '2026-01-01T00:00:00.000Z',
        end: '2026-06-01T00:00:00.000Z',
        creator: 'ci',
        videoName: 'a.mp4',
        search: 'puppy',
        status: 'ready',
        liveInputId: 'abc123'
      },
      { limit: 50, includeCounts: true }
    )
    expect(Object.fromEntries(query)).toEqual({
      asc: 'true',
      limit: '50',
      start: '2026-01-01T00:00:00.000Z',
      end: '2026-06-01T00:00:00.000Z',
      creator: 'ci',
      video_name: 'a.mp4',
      search: 'puppy',
      status: 'ready',
      live_input_id: 'abc123',
      include_counts: 'true'
    })
  })

  it('lets the cursor replace start, keeps end, and leaves out what is unset or empty', () => {
    const query = listQuery({ start: 'S', end: 'E', creator: '' }, { cursor: 'C' })
    expect(query.toString()).toBe('asc=true&limit=1000&start=C&end=E')
  })
})

describe('readVideoPage', () => {
  it('keeps uid and created of well-formed entries, with created to the microsecond', () => {
    const page = readVideoPage([
      {
        uid: 'ea95132c15732412d22c1476fa83f27a',
        created: '2024-01-01T00:00:00.123456Z',
        creator: 'c',
        meta: { name: 'n' }
      },
      { uid: 'b2', created: '2024-01-01T00:00:01Z', creator: null, meta: { name: 7 } }
    ])
    const at = Date.UTC(2024, 0, 1) * 1000
    expect(page).toEqual({
      videos: [
        { uid: 'ea95132c15732412d22c1476fa83f27a', created: '2024-01-01T00:00:00.123456Z', at: at + 123_456 },
        { uid: 'b2', created: '2024-01-01T00:00:01Z', at: at + 1_000_000 }
      ],
      entries: 2,
      problems: [],
      contradictions: []
    })
  })

  it('reports malformed entries as problems, not videos, and counts them as entries', () => {
    const page = readVideoPage([
      null,
      'x',
      { uid: 'ok1', created: '2024-01-01T00:00:00Z' },
      { uid: 'has space', created: '2024-01-01T00:00:00Z' },
      { uid: 'a'.repeat(33), created: '2024-01-01T00:00:00Z' },
      { uid: 'v2', created: 'yesterday' },
      { uid: 'v3' }
    ])
    expect(page.videos.map((v) => v.uid)).toEqual(['ok1'])
    expect(page.entries).toBe(7)
    expect(page.problems).toEqual([
      'entry 0 is null, not a video object',
      'entry 1 is a string, not a video object',
      'entry 3 has no valid uid ("has space")',
      `entry 4 has no valid uid ("${'a'.repeat(33)}")`,
      'video v2 has created "yesterday", not a date-time',
      'and 1 more malformed entries'
    ])
  })

  it('says so when the result is no array', () => {
    expect(readVideoPage({ uid: 'x' })).toEqual({
      videos: [],
      entries: 0,
      problems: ["the list's result is an object, not an array"],
      contradictions: []
    })
  })

  it('never throws, whatever the result', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.array(fc.anything()), fc.array(fc.object())), (result) => {
        const page = readVideoPage(result)
        expect(page.videos.length + Math.min(page.problems.length, 6)).toBeLessThanOrEqual(page.entries + 1)
      })
    )
  })
})

/** A video of the in-memory list: `at` in µs, as the list compares. */
interface Model {
  uid: string
  at: number
  creator: string
}

/**
 * An in-memory video list with the API's paging contract: `asc`, `limit`, `start`/`end` (either
 * reading), `creator`. With `shuffle`, videos that share an instant come in a different order on
 * every request (the API promises no order among them). Records every query it was sent.
 */
function memoryList(videos: Model[], options: { startInclusive: boolean; shuffle?: number }) {
  const sorted = [...videos].sort((a, b) => a.at - b.at)
  const queries: URLSearchParams[] = []
  let turn = options.shuffle ?? 0
  const fetchPage: FetchPage = async (query) => {
    queries.push(query)
    expect(query.get('asc')).toBe('true')
    const limit = Number(query.get('limit'))
    const start = query.has('start') ? (instantMicros(query.get('start') ?? '') as number) : -Infinity
    const end = query.has('end') ? (instantMicros(query.get('end') ?? '') as number) : Infinity
    const creator = query.get('creator')
    let matching = sorted.filter(
      (v) =>
        (options.startInclusive ? v.at >= start : v.at > start) && v.at < end && (!creator || v.creator === creator)
    )
    if (options.shuffle !== undefined) {
      turn++
      // Reorders each run of equal instants by a per-request key: a stable sort on (at, key).
      const key = (v: Model) => (hash(v.uid) ^ turn) * 2654435761
      matching = [...matching].sort((a, b) => a.at - b.at || (key(a) >>> 0) - (key(b) >>> 0))
    }
    const page = matching.slice(0, limit)
    return {
      ok: true,
      videos: page.map((v) => ({ uid: v.uid, created: formatMicros(v.at), creator: v.creator })),
      total: query.get('include_counts') === 'true' ? matching.length : undefined
    }
  }
  return { fetchPage, queries }
}

function hash(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return h >>> 0
}

/** A paging run: the uids selected (or listed before a failure) in order, and the selection. */
async function run(fetchPage: FetchPage, filters: VideoFilters, limit: number, includeCounts = false) {
  const last = await selectVideos(fetchPage, filters, { limit, includeCounts })
  return { uids: last.videos.map((v) => v.uid), last: summary(last) }
}

/** The selection without its videos, for comparing how it ended. */
const summary = ({ videos, ...rest }: Selection) => ({ ...rest, selected: videos.length })

const BASE = Date.UTC(2026, 0, 1) * 1000

/** Libraries where many videos share instants: instants are whole ms, so distinct ones are ≥ 1,000 µs apart. */
const libraryArb = fc
  .array(fc.record({ instant: fc.integer({ min: 0, max: 40 }), creator: fc.constantFrom('a', 'b') }), {
    maxLength: 80
  })
  .map((rows) => rows.map((row, i): Model => ({ uid: `v${i}`, at: BASE + row.instant * 1000, creator: row.creator })))

const boundArb = fc.option(
  fc.integer({ min: -1, max: 42 }).map((ms) => BASE + ms * 1000 + (ms % 3 === 0 ? 1 : 0)),
  {
    nil: undefined
  }
)

describe('selectVideos over an in-memory list', () => {
  it('yields every matching uid exactly once, in creation order, for either start; or fails only when a page’s worth shares one instant', async () => {
    await fc.assert(
      fc.asyncProperty(
        libraryArb,
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
        boundArb,
        boundArb,
        fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
        async (library, limit, startInclusive, shuffle, start, end, creator) => {
          const filters: VideoFilters = {
            ...(start === undefined ? {} : { start: formatMicros(start) }),
            ...(end === undefined ? {} : { end: formatMicros(end) }),
            ...(creator === undefined ? {} : { creator })
          }
          const expected = library
            .filter(
              (v) =>
                (start === undefined || (startInclusive ? v.at >= start : v.at > start)) &&
                (end === undefined || v.at < end) &&
                (creator === undefined || v.creator === creator)
            )
            .sort((a, b) => a.at - b.at)
          const groups = new Map<number, number>()
          for (const v of expected) groups.set(v.at, (groups.get(v.at) ?? 0) + 1)
          const largest = Math.max(0, ...groups.values())

          const list = memoryList(library, { startInclusive, ...(shuffle === undefined ? {} : { shuffle }) })
          const { uids, last } = await run(list.fetchPage, filters, limit)
          // Never loops: at most one page per video plus the short page, and each start is later.
          expect(list.queries.length).toBeLessThanOrEqual(expected.length + 2)
          const starts = list.queries.slice(1).map((q) => instantMicros(q.get('start') ?? '') as number)
          for (let i = 1; i < starts.length; i++) expect(starts[i]).toBeGreaterThan(starts[i - 1] as number)
          for (const query of list.queries) {
            expect(query.get('end')).toBe(filters.end ?? null)
            expect(query.get('creator')).toBe(filters.creator ?? null)
          }
          expect(new Set(uids).size).toBe(uids.length)
          if (largest >= limit) {
            expect(last).toMatchObject({ ok: false })
            expect(!last.ok && last.problem).toContain(`${limit} or more videos share the created instant`)
            for (const uid of uids) expect(expected.some((v) => v.uid === uid)).toBe(true)
          } else {
            expect(last).toEqual({ ok: true, pages: list.queries.length, selected: expected.length, complete: true })
            expect(uids.map((uid) => library.find((v) => v.uid === uid)?.at)).toEqual(expected.map((v) => v.at))
            expect([...uids].sort()).toEqual(expected.map((v) => v.uid).sort())
          }
        }
      ),
      { numRuns: 400 }
    )
  })

  it('pages a group split across the boundary with exclusive start (the case start=last-created would lose)', async () => {
    const at = [0, 0, 1, 1, 2]
    const library: Model[] = ['a', 'b', 'c', 'd', 'e'].map((uid, i) => ({
      uid,
      at: BASE + (at[i] ?? 0) * 1000,
      creator: 'x'
    }))
    const list = memoryList(library, { startInclusive: false })
    const { uids, last } = await run(list.fetchPage, {}, 3)
    expect(uids).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(last).toEqual({ ok: true, pages: 3, selected: 5, complete: true })
    expect(list.queries.map((q) => q.get('start'))).toEqual([
      null,
      '2026-01-01T00:00:00.000999Z',
      '2026-01-01T00:00:00.001999Z'
    ])
  })

  it('fails clearly when a whole page shares one created instant, after two requests', async () => {
    const library: Model[] = Array.from({ length: 5 }, (_, i) => ({ uid: `s${i}`, at: BASE, creator: 'x' }))
    for (const startInclusive of [true, false]) {
      const list = memoryList(library, { startInclusive })
      const { last } = await run(list.fetchPage, {}, 4)
      expect(last).toMatchObject({ ok: false, pages: 2, selected: 4 })
      expect(!last.ok && last.problem).toBe(
        '4 or more videos share the created instant 2026-01-01T00:00:00.000Z: the list has no page token, so paging ' +
          'by creation time cannot get past them without risking missing some. Narrow the selection (creator, ' +
          'video-name, status, …) so that fewer videos share one instant'
      )
    }
  })

  it('asks for the total on the first request only, and reports it', async () => {
    const library: Model[] = Array.from({ length: 7 }, (_, i) => ({ uid: `t${i}`, at: BASE + i * 1000, creator: 'x' }))
    const list = memoryList(library, { startInclusive: true })
    const { last } = await run(list.fetchPage, {}, 3, true)
    // Each next page starts 1 µs before the last video seen, so it shows that one again.
    expect(last).toEqual({ ok: true, pages: 4, selected: 7, total: 7, complete: true })
    expect(list.queries.map((q) => q.get('include_counts'))).toEqual(['true', null, null, null])
  })
})

describe('selectVideos against answers that break the contract', () => {
  const video = (uid: string, ms: number) => ({ uid, created: formatMicros(BASE + ms * 1000) })
  const scripted = (answers: PageAnswer[]) => {
    let calls = 0
    const fetchPage: FetchPage = async () => answers[Math.min(calls++, answers.length - 1)] as PageAnswer
    return { fetchPage, calls: () => calls }
  }

  it('stops when start is ignored (the same first page again), instead of looping', async () => {
    const page: PageAnswer = { ok: true, videos: [video('a', 0), video('b', 1), video('c', 2)] }
    const server = scripted([page])
    const { uids, last } = await run(server.fetchPage, {}, 3)
    expect(uids).toEqual(['a', 'b', 'c'])
    expect(server.calls()).toBe(2)
    expect(last).toMatchObject({ ok: false, pages: 2, selected: 3 })
    expect(!last.ok && last.problem).toBe(
      'page 2 of the video list (start 2026-01-01T00:00:00.001999Z) brought no video created after ' +
        '2026-01-01T00:00:00.002Z, so the next page would ask for the same again: either start is not honoured, ' +
        'or 3 or more videos were created within 1 µs'
    )
  })

  it('stops on a new video created before the start asked for', async () => {
    const first: PageAnswer = { ok: true, videos: [video('a', 0), video('b', 1500), video('c', 3000)] }
    const second: PageAnswer = { ok: true, videos: [video('z', 0), video('c', 3000), video('d', 4000)] }
    const { last } = await run(scripted([first, second]).fetchPage, {}, 3)
    expect(!last.ok && last.problem).toBe(
      'page 2 of the video list (start 2026-01-01T00:00:02.999999Z) has video z, created ' +
        '"2026-01-01T00:00:00.000Z", before the start asked for'
    )
  })

  it('stops on a page out of creation order (asc not honoured)', async () => {
    const { last } = await run(scripted([{ ok: true, videos: [video('a', 5), video('b', 1)] }]).fetchPage, {}, 3)
    expect(!last.ok && last.problem).toBe(
      'page 1 of the video list (start none) is not in creation order at video b (asc=true not honoured?)'
    )
  })

  it('stops on a video created after end', async () => {
    const end = formatMicros(BASE + 3000)
    const { last } = await run(scripted([{ ok: true, videos: [video('a', 1), video('b', 4)] }]).fetchPage, { end }, 3)
    expect(!last.ok && last.problem).toContain('has video b, created "2026-01-01T00:00:00.004Z", after created-before')
  })

  it('stops on an entry it cannot read, and on a result that is no list', async () => {
    const bad = await run(scripted([{ ok: true, videos: [video('a', 1), { uid: 'b' }] }]).fetchPage, {}, 3)
    expect(!bad.last.ok && bad.last.problem).toBe(
      'page 1 of the video list (start none) has entries that cannot be read: video b has no created'
    )
    const none = await run(scripted([{ ok: true, videos: 'ok' }]).fetchPage, {}, 3)
    expect(none.last).toMatchObject({ ok: false, pages: 1, selected: 0 })
  })

  it('passes on the caller’s problem with where it happened, and a rejection too', async () => {
    const said = await run(
      scripted([
        { ok: true, videos: [video('a', 1)] },
        { ok: false, problem: 'HTTP 403: Authentication error' }
      ]).fetchPage,
      {},
      1
    )
    expect(said.last).toEqual({
      ok: false,
      pages: 2,
      selected: 1,
      problem: 'page 2 of the video list (start 2026-01-01T00:00:00.000999Z): HTTP 403: Authentication error'
    })
    const thrown = await run(
      async () => {
        throw new Error('boom')
      },
      {},
      5
    )
    expect(thrown.last).toMatchObject({ ok: false, problem: 'page 1 of the video list (start none): boom' })
  })

  it('refuses a page size the API does not take, and a start that is no instant, before sending anything', async () => {
    for (const limit of [0, 1001, 2.5]) {
      const server = scripted([{ ok: true, videos: [] }])
      const { last } = await run(server.fetchPage, {}, limit)
      expect(last).toMatchObject({ ok: false, pages: 0 })
      expect(server.calls()).toBe(0)
    }
    const { last } = await run(scripted([{ ok: true, videos: [] }]).fetchPage, { start: '90d' }, 5)
    expect(!last.ok && last.problem).toBe('the start "90d" is not an RFC 3339 date-time')
    expect(MAX_PAGE_SIZE).toBe(1000)
  })

  it('ignores a total that is not a whole number', async () => {
    const { last } = await run(scripted([{ ok: true, videos: [], total: '12' }]).fetchPage, {}, 5, true)
    expect(last).toEqual({ ok: true, pages: 1, selected: 0, complete: true })
  })
})

/** A list that gives these answers in turn (the last one again after that), recording every query. */
const pages = (answers: PageAnswer[]) => {
  const queries: URLSearchParams[] = []
  const fetchPage: FetchPage = async (query) => {
    queries.push(query)
    return answers[Math.min(queries.length - 1, answers.length - 1)] as PageAnswer
  }
  return { fetchPage, queries }
}

describe('selectVideos checks what the server says', () => {
  const video = (uid: string, ms: number, extra: Record<string, unknown> = {}) => ({
    uid,
    created: formatMicros(BASE + ms * 1000),
    ...extra
  })

  it.each([
    ['creator', { creator: 'alice' }, { creator: 'bob' }, '"bob"'],
    ['creator', { creator: 'alice' }, { creator: null }, 'null'],
    ['status', { status: 'ready' }, { status: { state: 'error' } }, '"error"'],
    ['status', { status: 'ready' }, { status: {} }, 'undefined'],
    ['live-input-id', { liveInputId: 'in1' }, { liveInput: 'in2' }, '"in2"'],
    ['video-name', { videoName: 'a.mp4' }, { meta: { name: 'b.mp4' } }, '"b.mp4"']
  ] as const)('fails naming `%s` when an entry contradicts the filter sent', async (input, filters, entry, shown) => {
    const good = {
      creator: 'alice',
      status: { state: 'ready' },
      liveInput: 'in1',
      meta: { name: 'a.mp4' }
    }
    const server = pages([{ ok: true, videos: [video('a', 0, good), video('b', 1, { ...good, ...entry })] }])
    const selection = await selectVideos(server.fetchPage, filters, { limit: 5 })
    expect(selection.ok).toBe(false)
    expect(selection.ok ? '' : selection.problem).toContain(`video b has ${input} ${shown}`)
    expect(selection.ok ? '' : selection.problem).toContain(`(filter \`${input}\`)`)
  })

  it('checks no field the filters did not send, and leaves search to the server', async () => {
    const server = pages([{ ok: true, videos: [video('a', 0, { creator: 'bob', meta: { name: 'other' } })] }])
    const selection = await selectVideos(server.fetchPage, { search: 'puppy' }, { limit: 5 })
    expect(selection).toMatchObject({ ok: true, complete: true })
  })

  it('accepts a video created exactly at created-after or created-before (Cloudflare does not say which is inclusive)', async () => {
    const start = formatMicros(BASE)
    const end = formatMicros(BASE + 2000)
    const server = pages([{ ok: true, videos: [video('a', 0), video('b', 1), video('c', 2)] }])
    const selection = await selectVideos(server.fetchPage, { start, end }, { limit: 5 })
    expect(selection).toMatchObject({ ok: true, complete: true })
    expect(selection.videos.map((v) => v.uid)).toEqual(['a', 'b', 'c'])
    const early = await selectVideos(pages([{ ok: true, videos: [video('z', -1)] }]).fetchPage, { start }, { limit: 5 })
    expect(early.ok ? '' : early.problem).toContain(
      'has video z, created "2025-12-31T23:59:59.999Z", before created-after'
    )
  })

  it('selects a uid once even when a later page shows it again with another created', async () => {
    const server = pages([
      { ok: true, videos: [video('a', 0), video('b', 1)] },
      { ok: true, videos: [video('b', 1), video('a', 5)] },
      { ok: true, videos: [video('a', 5)] }
    ])
    const selection = await selectVideos(server.fetchPage, {}, { limit: 2 })
    expect(selection).toMatchObject({ ok: true, complete: true })
    expect(selection.videos.map((v) => v.uid)).toEqual(['a', 'b'])
  })

  it('asks on after a short page while total says more remain, and ends at a page with nothing new', async () => {
    const server = pages([
      { ok: true, videos: [video('a', 0), video('b', 1)], total: 4 },
      { ok: true, videos: [video('b', 1), video('c', 2)] },
      { ok: true, videos: [video('c', 2)] }
    ])
    const selection = await selectVideos(server.fetchPage, {}, { limit: 5, includeCounts: true })
    expect(selection).toMatchObject({ ok: true, complete: true, pages: 3, total: 4 })
    expect(selection.videos.map((v) => v.uid)).toEqual(['a', 'b', 'c'])
    expect(server.queries[1]?.get('start')).toBe(formatMicros(BASE + 1000 - 1))
  })

  it('fails, saying the list ended early, when a short page cannot be paged past while total says more remain', async () => {
    const server = pages([
      { ok: true, videos: [video('a', 0), video('b', 0)], total: 9 },
      { ok: true, videos: [video('b', 0), video('c', 0)] }
    ])
    const selection = await selectVideos(server.fetchPage, {}, { limit: 5, includeCounts: true })
    expect(selection.ok ? '' : selection.problem).toContain('the list ended early')
    expect(selection.ok ? '' : selection.problem).toContain('with 3 videos found where its total said 9')
  })

  it('stops a list that keeps bringing new videos past its total, plus 10% and 1,000', async () => {
    let next = 0
    const queries: URLSearchParams[] = []
    const endless: FetchPage = async (query) => {
      queries.push(query)
      const videos = Array.from({ length: 1000 }, () => video(`e${next}`, next++))
      return { ok: true, videos, total: 5000 }
    }
    const selection = await selectVideos(endless, {}, { includeCounts: true })
    expect(totalBound(5000)).toBe(6500)
    expect(selection.ok ? '' : selection.problem).toBe(
      'the list brought 7000 videos, more than its total of 5000 (plus 10% and 1000): the library is changing fast or the server is wrong'
    )
    expect(queries).toHaveLength(7)
  })

  it('ends where the caller says stop, as an incomplete selection', async () => {
    let next = 0
    const endless: FetchPage = async () => ({
      ok: true,
      videos: [video(`e${next}`, next++), video(`e${next}`, next++)]
    })
    const seen: number[] = []
    const selection = await selectVideos(
      endless,
      {},
      {
        limit: 2,
        afterPage: ({ videos, pages }) => {
          seen.push(pages)
          return videos.length >= 6 ? 'stop' : undefined
        }
      }
    )
    expect(selection).toMatchObject({ ok: true, complete: false, pages: 3 })
    expect(seen).toEqual([1, 2, 3])
  })
})

describe('selectVideos', () => {
  it('lists uid and created, in creation order, and what was listed before a failure', async () => {
    const library: Model[] = Array.from({ length: 5 }, (_, i) => ({ uid: `k${i}`, at: BASE + i * 1000, creator: 'x' }))
    const selection = await selectVideos(memoryList(library, { startInclusive: true }).fetchPage, {}, { limit: 2 })
    expect(selection).toEqual({
      ok: true,
      pages: 5,
      complete: true,
      videos: library.map((v) => ({ uid: v.uid, created: formatMicros(v.at), at: v.at }))
    })
    let calls = 0
    const failing: FetchPage = async () =>
      calls++ === 0
        ? { ok: true, videos: [{ uid: 'f1', created: '2026-01-01T00:00:00Z' }] }
        : { ok: false, problem: 'no' }
    const partial = await selectVideos(failing, {}, { limit: 1 })
    expect(partial).toMatchObject({ ok: false, pages: 2, videos: [{ uid: 'f1', created: '2026-01-01T00:00:00Z' }] })
  })
})

describe('the pager over HTTP, against the stand-in', () => {
  /** A small fetchPage as the product's would be, without its retries: undici request, envelope, total. */
  const httpFetchPage =
    (standIn: { origin: string; accountId: string; token: string }): FetchPage =>
    async (query) => {
      const response = await request(
        `${standIn.origin}/client/v4/accounts/${standIn.accountId}/stream?${query.toString()}`,
        {
          headers: { authorization: `Bearer ${standIn.token}`, accept: 'application/json' }
        }
      )
      const body = (await response.body.json()) as {
        success?: boolean
        result?: unknown
        total?: unknown
        errors?: { message?: string }[]
      }
      if (response.statusCode !== 200 || body.success !== true) {
        return { ok: false, problem: `HTTP ${response.statusCode}: ${body.errors?.[0]?.message ?? 'no envelope'}` }
      }
      return { ok: true, videos: body.result, total: body.total }
    }

  const micros = (video: LibraryVideo) => instantMicros(video.created) as number

  it.each([true, false])(
    'selects exactly the matching videos of a library with shared instants (start inclusive: %s)',
    async (startInclusive) => {
      const library = makeLibrary(2500, { seed: 11, maxShared: 6, stepMs: 500 })
      const standIn = await startStandIn({ library, startInclusive })
      try {
        const start = library[300]?.created ?? ''
        const end = library[2200]?.created ?? ''
        const filters: VideoFilters = { start, end, creator: 'bob' }
        const selection = await selectVideos(httpFetchPage(standIn), filters, { limit: 40, includeCounts: true })
        const expected = library.filter(
          (v) =>
            (startInclusive
              ? micros(v) >= micros(library[300] as LibraryVideo)
              : micros(v) > micros(library[300] as LibraryVideo)) &&
            micros(v) < micros(library[2200] as LibraryVideo) &&
            v.creator === 'bob'
        )
        expect(selection.ok).toBe(true)
        expect(selection.total).toBe(expected.length)
        expect(selection.videos.map((x) => x.uid).sort()).toEqual(expected.map((x) => x.uid).sort())
        expect(new Set(selection.videos.map((x) => x.uid)).size).toBe(selection.videos.length)
        expect(selection.pages).toBe(standIn.log.length)
        for (const entry of standIn.log) {
          const query = new URL(entry.path, standIn.origin).searchParams
          expect(query.get('end')).toBe(end)
          expect(query.get('creator')).toBe('bob')
        }
      } finally {
        await standIn.close()
      }
    }
  )

  it('fails, saying why, on a library with more videos at one instant than a page holds', async () => {
    const library = makeLibrary(30, { seed: 3 })
    const burst = library[10]?.created ?? ''
    for (let i = 11; i < 20; i++) (library[i] as LibraryVideo).created = burst
    const standIn = await startStandIn({ library, startInclusive: true })
    try {
      const selection = await selectVideos(httpFetchPage(standIn), {}, { limit: 8 })
      expect(selection).toMatchObject({ ok: false })
      expect(selection.ok ? '' : selection.problem).toContain(`8 or more videos share the created instant ${burst}`)
      expect(standIn.log.length).toBeLessThanOrEqual(4)
    } finally {
      await standIn.close()
    }
  })

  it('list requests count against the stand-in’s quota: the 429 ends the selection with a problem', async () => {
    const standIn = await startStandIn({ library: makeLibrary(50, { seed: 5 }), quota: 2 })
    try {
      const selection = await selectVideos(httpFetchPage(standIn), {}, { limit: 10 })
      expect(selection).toMatchObject({ ok: false, pages: 3 })
      expect(selection.ok ? '' : selection.problem).toMatch(
        /^page 3 of the video list \(start [^)]+\): HTTP 429: Please wait and consider throttling your request speed$/
      )
      expect(standIn.stats.lockouts).toBe(1)
    } finally {
      await standIn.close()
    }
  })
})

describe('latestVideos over an in-memory list read newest first', () => {
  /** The list with asc=false: newest first, `end` read inclusive or not, `limit` per page. */
  const newestFirst = (videos: Model[], endInclusive: boolean) => {
    const queries: URLSearchParams[] = []
    const fetchPage: FetchPage = async (query) => {
      queries.push(query)
      const end = query.has('end') ? (instantMicros(query.get('end') ?? '') as number) : Infinity
      const start = query.has('start') ? (instantMicros(query.get('start') ?? '') as number) : -Infinity
      const matching = videos
        .filter((v) => (endInclusive ? v.at <= end : v.at < end) && v.at >= start)
        .sort((a, b) => b.at - a.at)
      return {
        ok: true,
        videos: matching.slice(0, Number(query.get('limit'))).map((v) => ({ uid: v.uid, created: formatMicros(v.at) })),
        total: query.get('include_counts') === 'true' ? matching.length : undefined
      }
    }
    return { fetchPage, queries }
  }

  it('finds the N newest accepted videos and every one tied with the N-th, or fails only on a page of one instant', async () => {
    await fc.assert(
      fc.asyncProperty(
        libraryArb,
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        fc.array(fc.nat(80), { maxLength: 10 }),
        async (library, limit, count, endInclusive, excludedIndexes) => {
          const excluded = new Set(excludedIndexes.map((i) => `v${i}`))
          const accept = (video: { uid: string }) => !excluded.has(video.uid)
          const list = newestFirst(library, endInclusive)
          const latest = await latestVideos(list.fetchPage, {}, count, accept, { limit })
          // Every page was asked newest first (checked here: a throw inside fetchPage is a failed page).
          expect(list.queries.map((query) => query.get('asc')).filter((asc) => asc !== 'false')).toEqual([])
          const accepted = library.filter(accept).sort((a, b) => b.at - a.at)
          const boundary = accepted[count - 1]?.at
          const expected = library.filter((v) => boundary === undefined || v.at >= boundary)
          if (!latest.ok) {
            // Only when a page's worth shares one instant at or above the boundary.
            const groups = new Map<number, number>()
            for (const v of expected) groups.set(v.at, (groups.get(v.at) ?? 0) + 1)
            expect(Math.max(0, ...groups.values())).toBeGreaterThanOrEqual(limit)
            return
          }
          expect(latest.boundary).toBe(boundary)
          expect(latest.videos.map((v) => v.uid).sort()).toEqual(expected.map((v) => v.uid).sort())
          expect(list.queries.length).toBeLessThanOrEqual(library.length + 2)
        }
      )
    )
  })
  it('fails, naming the page, when a page is refused, throws or holds an entry it cannot read', async () => {
    const accept = () => true
    const refused = await latestVideos(
      async () => ({ ok: false, problem: 'HTTP 403: Authentication error' }),
      {},
      3,
      accept
    )
    expect(refused).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^page 1 of the newest videos \(end none\): HTTP 403/)
    })
    const thrown = await latestVideos(
      async () => {
        throw new Error('boom')
      },
      {},
      3,
      accept
    )
    expect(thrown).toMatchObject({ ok: false, problem: 'page 1 of the newest videos (end none): boom' })
    const unreadable = await latestVideos(async () => ({ ok: true, videos: [{ uid: 42 }], total: 1 }), {}, 3, accept)
    expect(unreadable).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^page 1 of the newest videos \(end none\) has entries that cannot be read/)
    })
  })

  /** A video created `ms` after BASE, with `n` as its uid in 32 hex digits. */
  const at = (n: number, ms: number) => ({
    uid: n.toString(16).padStart(32, '0'),
    created: formatMicros(BASE + ms * 1000)
  })

  it('fails, saying the list ended early, when a short page cannot be paged past while total says more remain', async () => {
    const server = pages([
      { ok: true, videos: [at(1, 0), at(2, 0)], total: 9 },
      { ok: true, videos: [at(2, 0), at(3, 0)] }
    ])
    const latest = await latestVideos(server.fetchPage, {}, 10, () => true, { limit: 5 })
    expect(latest.ok ? '' : latest.problem).toContain('the list ended early')
    expect(latest.ok ? '' : latest.problem).toContain('with 3 videos found where its total said 9')
    // The second page ends 1 µs after the oldest instant seen.
    expect(server.queries[1]?.get('end')).toBe(formatMicros(BASE + 1))
  })

  it('stops on a page out of order, a video after created-before, and an end that is ignored', async () => {
    const accept = () => true
    const unordered = await latestVideos(pages([{ ok: true, videos: [at(1, 0), at(2, 5)] }]).fetchPage, {}, 3, accept)
    expect(unordered.ok ? '' : unordered.problem).toBe(
      `page 1 of the newest videos (end none) is not in reverse creation order at video ${at(2, 5).uid} (asc=false not honoured?)`
    )
    const end = formatMicros(BASE)
    const late = await latestVideos(pages([{ ok: true, videos: [at(1, 5)] }]).fetchPage, { end }, 3, accept)
    expect(late.ok ? '' : late.problem).toContain(`, after created-before ${end}`)
    // The same full page again: the next could only ask for it once more.
    const ignored = pages([{ ok: true, videos: [at(1, 5), at(2, 0)] }])
    const again = await latestVideos(ignored.fetchPage, {}, 3, accept, { limit: 2 })
    expect(again.ok ? '' : again.problem).toContain(
      'so the next page would ask for the same again: either end is not honoured'
    )
    expect(ignored.queries).toHaveLength(2)
  })

  it('refuses a page size the API does not take, and names a full page of one instant', async () => {
    const never: FetchPage = async () => {
      throw new Error('no request expected')
    }
    const refused = await latestVideos(never, {}, 3, () => true, { limit: 0 })
    expect(refused).toEqual({
      ok: false,
      pages: 0,
      problem: 'the page size must be a whole number from 1 to 1000, not 0'
    })
    const tied = await latestVideos(pages([{ ok: true, videos: [at(1, 0), at(2, 0)] }]).fetchPage, {}, 3, () => true, {
      limit: 2
    })
    expect(tied.ok ? '' : tied.problem).toContain(
      `2 or more videos share the created instant ${formatMicros(BASE)}: the list has no page token`
    )
  })
})
