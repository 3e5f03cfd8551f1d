/**
 * The batch's compact store of records, and the report's digest: whatever is stored comes back
 * equal, as the same JSON (key order included), and the digest of the store is the digest of the
 * same records as an array.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { videoOutcome } from '../src/outcome.js'
import { RecordStore } from '../src/record-store.js'
import { digestOf } from '../src/report/digest.js'
import { type DownloadType, NO_MESSAGES, type RequestRecord, type VideoRecord } from '../src/types.js'

const outcome = fc.constantFrom('deleted', 'would-delete', 'missing', 'failed', 'cancelled' as const)
const message = fc.record(
  { code: fc.option(fc.integer(), { nil: null }), message: fc.string(), documentation_url: fc.webUrl() },
  { requiredKeys: ['code', 'message'] }
)
/** Mostly what a deletion that went well looks like, often not: every field strays from it at times. */
const request = (type: DownloadType): fc.Arbitrary<RequestRecord> =>
  fc.record({
    download_type: fc.oneof(
      { weight: 9, arbitrary: fc.constant(type) },
      { weight: 1, arbitrary: fc.constant('audio') }
    ),
    outcome,
    status_code: fc.oneof(fc.constantFrom(200, 404, null), fc.integer({ min: -1, max: 70_000 })),
    result: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('ok', null) },
      { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
      { weight: 1, arbitrary: fc.jsonValue() }
    ),
    errors: fc.oneof({ weight: 4, arbitrary: fc.constant(NO_MESSAGES) }, { weight: 1, arbitrary: fc.array(message) }),
    messages: fc.oneof({ weight: 4, arbitrary: fc.constant(NO_MESSAGES) }, { weight: 1, arbitrary: fc.array(message) }),
    ray_id: fc.oneof(
      { weight: 6, arbitrary: fc.stringMatching(/^[0-9a-f]{16}-[A-Z]{3}$/) },
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) }
    ),
    attempts: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 1000 })),
    answer_lost: fc.boolean()
  })

const TYPES: Record<string, readonly DownloadType[]> = {
  default: ['default'],
  audio: ['audio'],
  all: ['default', 'audio']
}

/** A batch's records: ids, types, and each video's requests in type order (now and then one too few). */
const batch = fc.constantFrom('default', 'audio', 'all').chain((which) => {
  const types = TYPES[which] as readonly DownloadType[]
  const video = fc.tuple(...types.map(request), fc.nat(9)).map(([...parts]): VideoRecord => {
    const drop = parts.pop() === 0 && parts.length > 1
    const requests = (drop ? parts.slice(1) : parts) as RequestRecord[]
    return { video_id: '', outcome: videoOutcome(requests), requests }
  })
  return fc
    .array(video, { maxLength: 30 })
    .map((videos) => ({ types, videos: videos.map((v, i) => ({ ...v, video_id: `vid${i}` })) }))
})

describe('RecordStore', () => {
  it('gives back every record equal to what was stored, as the same JSON, in any order of storing', () => {
    fc.assert(
      fc.property(batch, fc.nat(), ({ types, videos }, seed) => {
        const store = new RecordStore(
          videos.map((video) => video.video_id),
          types
        )
        // Workers finish out of order.
        const order = videos.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 101) - ((b * 7919 + seed) % 101))
        for (const index of order) store.set(index, videos[index] as VideoRecord)
        expect(store).toHaveLength(videos.length)
        expect([...store]).toEqual(videos)
        expect(JSON.stringify([...store])).toBe(JSON.stringify(videos))
        videos.forEach((video, i) => expect(JSON.stringify(store.at(i))).toBe(JSON.stringify(video)))
        expect(digestOf(store)).toEqual(digestOf([...videos]))
      })
    )
  })

  it('holds a deletion that went well compactly, and rebuilds it with the shared empty lists', () => {
    const ok = (type: DownloadType): RequestRecord => ({
      download_type: type,
      outcome: 'deleted',
      status_code: 200,
      result: 'ok',
      errors: [],
      messages: [],
      ray_id: '8f1e2d3c4b5a6978-SJC',
      attempts: 1,
      answer_lost: false
    })
    const store = new RecordStore(['a'], ['default', 'audio'])
    store.set(0, { video_id: 'a', outcome: 'deleted', requests: [ok('default'), ok('audio')] })
    const [first, second] = store.at(0)?.requests ?? []
    expect(first).toEqual(ok('default'))
    expect(first?.errors).toBe(NO_MESSAGES)
    expect(first).not.toBe(second)
    expect(store.at(1)).toBeUndefined()
  })

  it('refuses a video stored twice: the digest counts each once', () => {
    const store = new RecordStore(['a'], ['default'])
    const video: VideoRecord = { video_id: 'a', outcome: 'cancelled', requests: [] }
    store.set(0, video)
    expect(() => store.set(0, video)).toThrow('already stored')
  })
})
