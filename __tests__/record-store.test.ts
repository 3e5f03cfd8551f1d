/**
 * The batch's compact store of records, and the report's digest: whatever is stored comes back
 * equal, as the same JSON (key order included), and the digest of the store is the digest of the
 * same records as an array.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { videoOutcome } from '../src/batch/outcome.js'
import { RecordStore } from '../src/batch/record-store.js'
import { digestOf } from '../src/batch/digest.js'
import { JsonBytes } from '../src/batch/json-bytes.js'
import { resultsPieces } from '../src/report/results-file.js'
import { type DownloadType, NO_MESSAGES, type RequestRecord, type VideoRecord } from '../src/types.js'
import { deleted, missing } from './helpers/records.js'

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

/** Any UTF-16 code unit, lone surrogates included. */
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code))
/** Text JSON must escape, or write as several bytes: quotes, backslashes, controls, lone surrogates, wide characters. */
const oddText = fc.oneof(
  fc.string({ unit: anyUnit, maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', 'é', '\u2028', '\ud800', '\udfff', 'a')
  }),
  fc.string({ unit: 'binary', maxLength: 20 })
)
/** A ray id the store can pack (Latin-1) but JSON must escape or widen. */
const oddRay = fc.string({
  unit: fc.integer({ min: 0, max: 0xff }).map((code) => String.fromCharCode(code)),
  maxLength: 30
})

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

/** The same, with odd text wherever the store holds text: ids, ray ids, results. */
const oddBatch = batch.chain(({ types, videos }) =>
  fc
    .tuple(
      ...videos.map((video) =>
        fc.record({
          id: fc.oneof(fc.constant(video.video_id), oddText),
          rays: fc.tuple(...video.requests.map((r) => fc.oneof(fc.constant(r.ray_id), oddRay, oddText))),
          results: fc.tuple(...video.requests.map((r) => fc.oneof(fc.constant(r.result), oddText)))
        })
      )
    )
    .map((odd) => ({
      types,
      videos: videos.map((video, i): VideoRecord => ({
        ...video,
        video_id: odd[i]?.id ?? video.video_id,
        requests: video.requests.map((request, j) => ({
          ...request,
          ray_id: odd[i]?.rays[j] ?? null,
          result: odd[i]?.results[j] ?? null
        }))
      }))
    }))
)

/** The results file as the report wrote it before it was written from the store: JSON.stringify of each video. */
function stringified(videos: readonly (VideoRecord | undefined)[]): string {
  const lines = videos.map((video, i) => `${JSON.stringify(video)}${i < videos.length - 1 ? ',' : ''}\n`)
  return Buffer.from(`[\n${lines.join('')}]\n`, 'utf8').toString('latin1')
}

/** The results file's bytes, each piece copied as it comes (the next reuses its buffer); as Latin-1, one character a byte. */
function written(pieces: Iterable<Uint8Array>): string {
  return Buffer.concat(Array.from(pieces, (piece) => Buffer.from(piece))).toString('latin1')
}

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
    const ok = (type: DownloadType): RequestRecord => ({ ...deleted(type), ray_id: '8f1e2d3c4b5a6978-SJC' })
    const store = new RecordStore(['a'], ['default', 'audio'])
    store.set(0, { video_id: 'a', outcome: 'deleted', requests: [ok('default'), ok('audio')] })
    const [first, second] = store.at(0)?.requests ?? []
    expect(first).toEqual(ok('default'))
    expect(first?.errors).toBe(NO_MESSAGES)
    expect(first).not.toBe(second)
    expect(store.at(1)).toBeUndefined()
  })

  it('holds what many answers said once: every "not found" of a selection shares one entry', () => {
    const notFound = (i: number): RequestRecord => ({
      ...missing(),
      errors: [{ code: 10003, message: 'Not Found' }],
      ray_id: `${i.toString(16).padStart(16, '0')}-SJC`
    })
    const store = new RecordStore(['a', 'b', 'c'], ['default'])
    ;[0, 1, 2].forEach((i) =>
      store.set(i, { video_id: 'abc'[i] as string, outcome: 'missing', requests: [notFound(i)] })
    )
    const [a, b, c] = [0, 1, 2].map((i) => store.at(i)?.requests[0])
    expect([a, b, c]).toEqual([notFound(0), notFound(1), notFound(2)])
    expect(a?.errors).toBe(b?.errors)
    expect(b?.errors).toBe(c?.errors)
  })

  it('refuses a video stored twice: the digest counts each once', () => {
    const store = new RecordStore(['a'], ['default'])
    const video: VideoRecord = { video_id: 'a', outcome: 'cancelled', requests: [] }
    store.set(0, video)
    expect(() => store.set(0, video)).toThrow('already stored')
  })
})

describe('the results file', () => {
  it('is written from the store byte for byte as JSON.stringify of the same records, whatever their text', () => {
    fc.assert(
      fc.property(oddBatch, ({ types, videos }) => {
        const store = new RecordStore(
          videos.map((video) => video.video_id),
          types
        )
        videos.forEach((video, i) => store.set(i, video))
        expect(written(resultsPieces(store))).toBe(stringified(videos))
        expect(written(resultsPieces(videos))).toBe(stringified(videos))
      })
    )
  })

  it('comes in pieces of about 64 KiB, a video larger than a piece included; a video never stored is "undefined", as before', () => {
    const ok = (type: DownloadType, i: number): RequestRecord => ({
      ...deleted(type),
      ray_id: `${i.toString(16).padStart(16, '0')}-SJC`,
      attempts: 1 + (i % 3)
    })
    const ids = Array.from({ length: 1200 }, (_, i) => i.toString(16).padStart(32, '0'))
    const videos: (VideoRecord | undefined)[] = ids.map((id, i) => ({
      video_id: id,
      outcome: 'deleted',
      requests: [ok('default', i), ok('audio', i)]
    }))
    const huge = videos[500] as VideoRecord
    huge.requests[0] = { ...ok('default', 500), messages: [{ code: 1, message: 'é'.repeat(150_000) }] }
    videos[900] = undefined
    const store = new RecordStore(ids, ['default', 'audio'])
    videos.forEach((video, i) => video && store.set(i, video))
    const sizes = Array.from(resultsPieces(store), (piece) => piece.length)
    expect(sizes.length).toBeGreaterThan(5)
    for (const size of sizes.slice(0, -1)) expect(size).toBeGreaterThanOrEqual(64 * 1024)
    expect(written(resultsPieces(store))).toBe(stringified(videos))
    expect(written(resultsPieces([]))).toBe('[\n]\n')
  })
})

describe('JsonBytes', () => {
  it('writes whole numbers as JSON does', () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat(100_000), fc.maxSafeNat(), fc.constantFrom(0, 9, 10, 99, 100, 65_534)), (n) => {
        const out = new JsonBytes(1)
        out.integer(n)
        expect(out.bytes().toString()).toBe(JSON.stringify(n))
      })
    )
  })

  it('writes strings and Latin-1 bytes as JSON.stringify does, growing as it needs', () => {
    fc.assert(
      fc.property(oddText, oddRay, (text, ray) => {
        const out = new JsonBytes(4)
        out.string(text)
        out.text(',')
        out.latin1String(Buffer.from(`x${ray}y`, 'latin1'), 1, 1 + ray.length)
        // JSON text as it is, short (copied by hand) and long (Buffer's own write).
        const long = JSON.stringify(text.repeat(70))
        out.text(`,${JSON.stringify(text)},`)
        out.text(long)
        expect(out.bytes()).toEqual(
          Buffer.from(`${JSON.stringify(text)},${JSON.stringify(ray)},${JSON.stringify(text)},${long}`)
        )
        out.clear()
        expect(out.length).toBe(0)
      })
    )
  })
})
