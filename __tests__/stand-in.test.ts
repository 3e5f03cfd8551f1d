/**
 * The stand-in's video list and downloads: what the tests, the demo and the benchmarks rely on
 * (the list's semantics, its options, and DELETE working on library videos).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { request } from 'undici'
import { makeLibrary, startStandIn, type LibraryVideo, type StandInOptions } from '../dev/stand-in.js'

let standIn: Awaited<ReturnType<typeof startStandIn>> | undefined
afterEach(async () => {
  await standIn?.close()
  standIn = undefined
})

async function start(options: StandInOptions) {
  standIn = await startStandIn(options)
  return standIn
}

async function call(path: string, method: 'GET' | 'DELETE' = 'GET') {
  if (!standIn) throw new Error('no stand-in')
  const response = await request(`${standIn.baseUrl}/accounts/${standIn.accountId}${path}`, {
    method,
    headers: { authorization: `Bearer ${standIn.token}` }
  })
  return {
    status: response.statusCode,
    body: (await response.body.json()) as {
      success: boolean
      result: unknown
      range?: number
      total?: number
      errors: { code: number; message: string }[]
    }
  }
}
const uids = (result: unknown) => (result as { uid: string }[]).map((v) => v.uid)

const at = (s: number) => `2026-01-01T00:00:0${s}.000000Z`
const small: LibraryVideo[] = [
  { uid: 'v3', created: at(3), creator: 'bob', name: 'Cat video.mp4' },
  { uid: 'v1', created: at(1), creator: 'alice', name: 'puppy.mp4', state: 'inprogress' },
  { uid: 'v2a', created: at(2), creator: 'alice', name: 'puppy-2.mp4', liveInput: 'li1' },
  { uid: 'v2b', created: at(2), creator: 'bob', name: 'other.mp4' },
  { uid: 'v4', created: at(4), name: 'puppy.mp4', downloads: { default: false, audio: true } }
]

describe('the video list', () => {
  it('sorts by created, newest first unless asc, and reads start and end as configured', async () => {
    await start({ library: small })
    expect(uids((await call('/stream')).body.result)).toEqual(['v4', 'v3', 'v2b', 'v2a', 'v1'])
    expect(uids((await call('/stream?asc=true')).body.result)).toEqual(['v1', 'v2a', 'v2b', 'v3', 'v4'])
    // Exclusive by default, as "created after" and "created before" read.
    expect(uids((await call(`/stream?asc=true&start=${at(2)}&end=${at(4)}`)).body.result)).toEqual(['v3'])
    expect(uids((await call(`/stream?asc=true&after=${at(2)}&before=${at(4)}`)).body.result)).toEqual(['v3'])
    await standIn?.close()
    await start({ library: small, startInclusive: true, endInclusive: true })
    expect(uids((await call(`/stream?asc=true&start=${at(2)}&end=${at(3)}`)).body.result)).toEqual(['v2a', 'v2b', 'v3'])
    // An offset and a fraction compare to the microsecond.
    expect(uids((await call('/stream?asc=true&start=2026-01-01T01:00:02.000001%2B01:00')).body.result)).toEqual([
      'v3',
      'v4'
    ])
  })

  it('pages with limit, counts what is left in range, and the total only when asked', async () => {
    await start({ library: small })
    const first = await call('/stream?asc=true&limit=2&include_counts=true')
    expect(first.body).toMatchObject({ success: true, range: 3, total: 5 })
    expect(uids(first.body.result)).toEqual(['v1', 'v2a'])
    const filtered = await call('/stream?limit=1&creator=bob')
    expect(uids(filtered.body.result)).toEqual(['v3'])
    expect(filtered.body.range).toBe(1)
    expect('total' in filtered.body).toBe(false)
  })

  it.each([
    ['creator=alice', ['v1', 'v2a']],
    ['video_name=puppy.mp4', ['v1', 'v4']],
    ['search=PUPPY', ['v1', 'v2a', 'v4']],
    ['status=inprogress', ['v1']],
    ['live_input_id=li1', ['v2a']],
    ['type=live', ['v2a']],
    ['id=v4,v2b', ['v2b', 'v4']],
    ['name=other.mp4,v1', ['v1', 'v2b']],
    ['creator=bob&search=cat', ['v3']]
  ])('filters by %s', async (query, expected) => {
    await start({ library: small })
    expect(uids((await call(`/stream?asc=true&${query}`)).body.result)).toEqual(expected)
  })

  it.each(['limit=0', 'limit=1001', 'limit=ten', 'asc=yes', 'start=yesterday', 'status=done', 'type=clip'])(
    'refuses %s with a failure envelope',
    async (query) => {
      await start({ library: small })
      const { status, body } = await call(`/stream?${query}`)
      expect(status).toBe(400)
      expect(body).toMatchObject({ success: false, result: null, errors: [{ code: 10005 }] })
    }
  )

  it('counts list requests against the quota and takes faults aimed at the list only', async () => {
    await start({ library: small, quota: 3, faults: [{ op: 'list', fault: '503' }] })
    expect((await call('/stream')).status).toBe(503)
    expect((await call('/stream/v1/downloads', 'DELETE')).status).toBe(200)
    expect((await call('/stream')).status).toBe(200)
    expect((await call('/stream')).body.errors[0]?.code).toBe(971)
  })

  it('refuses a library with a uid twice or a created that is not RFC 3339', async () => {
    await expect(startStandIn({ library: [small[0] as LibraryVideo, small[0] as LibraryVideo] })).rejects.toThrow(
      'library video v3 is there twice'
    )
    await expect(startStandIn({ library: [{ uid: 'x', created: 'today' }] })).rejects.toThrow('not RFC 3339')
  })
})

describe('downloads of library videos', () => {
  it('lists each download with its status, and DELETE removes one; then 404 for it', async () => {
    await start({
      library: [
        {
          uid: 'd1',
          created: at(1),
          downloads: { default: { status: 'inprogress', percentComplete: 12 }, audio: true }
        }
      ]
    })
    expect((await call('/stream/d1/downloads')).body.result).toEqual({
      default: {
        status: 'inprogress',
        percentComplete: 12,
        url: 'https://customer-stand-in.cloudflarestream.com/d1/downloads/default.mp4'
      },
      audio: {
        status: 'ready',
        percentComplete: 100,
        url: 'https://customer-stand-in.cloudflarestream.com/d1/downloads/audio.m4a'
      }
    })
    expect((await call('/stream/d1/downloads', 'DELETE')).body).toEqual({
      success: true,
      errors: [],
      messages: [],
      result: 'ok'
    })
    expect(standIn?.videos.get('d1')).toEqual({ default: false, audio: true })
    expect(Object.keys((await call('/stream/d1/downloads')).body.result as object)).toEqual(['audio'])
    const again = await call('/stream/d1/downloads', 'DELETE')
    expect(again).toEqual({
      status: 404,
      body: {
        success: false,
        errors: [{ code: 10003, message: 'Not Found: no default download' }],
        messages: [],
        result: null
      }
    })
    expect((await call('/stream/zz/downloads')).status).toBe(404)
  })
})

describe('makeLibrary', () => {
  it('is the same library for the same options, sorted by created, with the instants shared as asked', () => {
    const one = makeLibrary(500, { seed: 9, maxShared: 4 })
    expect(makeLibrary(500, { seed: 9, maxShared: 4 })).toEqual(one)
    expect(makeLibrary(500, { seed: 10, maxShared: 4 })).not.toEqual(one)
    expect(new Set(one.map((v) => v.uid)).size).toBe(500)
    expect(one.every((v) => /^[0-9a-f]{32}$/.test(v.uid))).toBe(true)
    expect(one.map((v) => v.created)).toEqual(one.map((v) => v.created).sort())
    expect(one[0]?.created).toBe('2024-01-01T00:00:00.000000Z')
    expect(new Set(one.map((v) => v.created)).size).toBeLessThan(400)
    const pairs = makeLibrary(9, { sharedCreatedEvery: 3 })
    expect(new Set(pairs.map((v) => v.created)).size).toBe(7)
    expect(pairs[3]?.created).toBe(pairs[2]?.created)
  })

  it('serves pages from the middle of a 100,000-video library (its speed is in the benchmark)', async () => {
    await start({ library: makeLibrary(100_000, { seed: 1 }) })
    const middle = standIn?.library[50_000]?.created ?? ''
    for (let i = 0; i < 5; i++) {
      const page = await call(`/stream?asc=true&limit=1000&start=${middle}`)
      expect((page.body.result as unknown[]).length).toBe(1000)
      expect(page.body.range).toBe(49_999 - 1000)
    }
  })
})
