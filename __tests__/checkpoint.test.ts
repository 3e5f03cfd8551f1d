/* eslint-disable jest/no-conditional-expect -- the property checks a different claim for each kind of generated case */
/** The checkpoint, pure: reading and checking it, its identity, and the next one after a run. */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { formatMicros, instantMicros } from '../src/inputs/instants.js'
import {
  type Checkpoint,
  type Handling,
  identityMismatch,
  identityOf,
  listingStart,
  MAX_TRIES,
  nextCheckpoint,
  parseCheckpoint,
  serializeCheckpoint
} from '../src/sources/checkpoint.js'

const ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353'
const identity = identityOf(ACCOUNT, 'all', { creator: 'alice', start: '2020-01-01T00:00:00Z' })
const BASE = Date.UTC(2026, 0, 1) * 1000
const uid = (i: number) => i.toString(16).padStart(32, '0')

describe('reading a checkpoint', () => {
  const saved: Checkpoint = {
    identity,
    cursor: '2026-01-01T00:00:00.000001Z',
    failed: [{ id: uid(1), created: '2025-12-31T00:00:00Z', tries: 2, error: 'HTTP 500' }]
  }

  it('reads back what it wrote', () => {
    expect(parseCheckpoint(serializeCheckpoint(saved), 'cp.json')).toEqual({ ok: true, value: saved })
    const fresh: Checkpoint = { identity, failed: [] }
    expect(parseCheckpoint(serializeCheckpoint(fresh), 'cp.json')).toEqual({ ok: true, value: fresh })
  })

  it.each([
    ['not JSON', 'the file is not JSON'],
    ['[]', 'the file is not a JSON object'],
    ['{"version":1,"identity":{},"failed":[],"extra":1}', 'field "extra" is not a checkpoint field'],
    ['{"version":2,"identity":{},"failed":[]}', '`version` is not 1'],
    [
      `{"version":1,"identity":{"account":"${ACCOUNT}","downloadType":"all","color":"x"},"failed":[]}`,
      '`identity.color`'
    ],
    [
      `{"version":1,"identity":{"account":"x y","downloadType":"all"},"failed":[]}`,
      '`identity.account` is not an account id'
    ],
    [
      `{"version":1,"identity":{"account":"${ACCOUNT}","downloadType":"all"},"cursor":"yesterday","failed":[]}`,
      '`cursor` is not an RFC 3339'
    ],
    [
      `{"version":1,"identity":{"account":"${ACCOUNT}","downloadType":"all"},"failed":[{"id":"${uid(1)}","created":"2026-01-01T00:00:00Z","tries":-1,"error":""}]}`,
      '`failed[0]`.tries is not a whole number from 0 to 5'
    ],
    [
      `{"version":1,"identity":{"account":"${ACCOUNT}","downloadType":"all"},"failed":[{"id":"../x","created":"2026-01-01T00:00:00Z","tries":1,"error":""}]}`,
      '`failed[0]`.id is not a video id'
    ],
    [
      `{"version":1,"identity":{"account":"${ACCOUNT}","downloadType":"all","creator":7},"failed":[]}`,
      '`identity.creator` is not a text'
    ],
    [`{"version":1,"identity":{"account":"${ACCOUNT}","downloadType":"mp4"},"failed":[]}`, '`identity.downloadType`'],
    [
      `{"version":1,"identity":{"account":"${ACCOUNT}","downloadType":"all","status":"done"},"failed":[]}`,
      '`identity.status` is not a video state'
    ],
    [`{"version":1,"identity":{"account":"${ACCOUNT}","downloadType":"all"},"failed":{}}`, '`failed` is not an array'],
    [
      `{"version":1,"identity":{"account":"${ACCOUNT}","downloadType":"all"},"failed":[1]}`,
      '`failed[0]` is not an object'
    ],
    [
      `{"version":1,"identity":{"account":"${ACCOUNT}","downloadType":"all"},"failed":[{"id":"${uid(1)}","created":"2026-01-01T00:00:00Z","tries":1,"error":"","more":1}]}`,
      '`failed[0]`.more is not a field of a failure'
    ],
    [
      `{"version":1,"identity":{"account":"${ACCOUNT}","downloadType":"all"},"failed":[{"id":"${uid(1)}","created":"2026-01-01T00:00:00Z","tries":1,"error":""},{"id":"${uid(1)}","created":"2026-01-01T00:00:00Z","tries":1,"error":""}]}`,
      '`failed[1]`.id is there twice'
    ],
    [
      `{"version":1,"identity":{"account":"${ACCOUNT}","downloadType":"all"},"failed":[{"id":"${uid(1)}","created":"soon","tries":1,"error":""}]}`,
      '`failed[0]`.created is not an RFC 3339'
    ],
    [
      `{"version":1,"identity":{"account":"${ACCOUNT}","downloadType":"all"},"failed":[{"id":"${uid(1)}","created":"2026-01-01T00:00:00Z","tries":1,"error":3}]}`,
      '`failed[0]`.error is not a text'
    ]
  ])('is an input error naming the field: %s', (text, said) => {
    const read = parseCheckpoint(text, 'cp.json')
    expect(read.ok).toBe(false)
    expect(read.ok ? '' : read.problem).toContain(said)
    expect(read.ok ? '' : read.problem).toContain('`checkpoint-file` (cp.json)')
  })

  it('names the field that differs and how to start afresh; created-after/before are not part of it', () => {
    expect(
      identityMismatch(identity, identityOf(ACCOUNT, 'all', { creator: 'alice', end: '2026-01-01T00:00:00Z' }), 'cp')
    ).toBe(undefined)
    const problem = identityMismatch(identity, identityOf(ACCOUNT, 'audio', { creator: 'alice' }), 'cp.json')
    expect(problem).toContain('its `download-type` is "all", this run\'s is "audio"')
    expect(problem).toContain('delete the file')
    expect(identityMismatch(identity, identityOf(ACCOUNT, 'all', {}), 'cp')).toContain(
      '`creator` is "alice", this run\'s is not given'
    )
  })

  it('starts at the later of created-after and the cursor, 1 µs early so that its instant comes back either way', () => {
    expect(listingStart(undefined, undefined)).toBeUndefined()
    expect(listingStart('2020-01-01T00:00:00Z', undefined)).toBe('2020-01-01T00:00:00Z')
    expect(listingStart('2020-01-01T00:00:00Z', '2021-01-01T00:00:00Z')).toBe('2020-12-31T23:59:59.999999Z')
    expect(listingStart('2022-01-01T00:00:00Z', '2021-01-01T00:00:00Z')).toBe('2022-01-01T00:00:00Z')
  })
})

describe('the next checkpoint', () => {
  const handlingArb = fc.constantFrom<Handling | undefined>(
    { kind: 'handled' },
    { kind: 'failed', error: 'HTTP 500' },
    { kind: 'held' },
    undefined
  )

  it('never passes a video that is neither handled nor remembered, and never moves backwards', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), handlingArb), { maxLength: 40 }),
        fc.option(fc.integer({ min: 0, max: 32 }), { nil: undefined }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: MAX_TRIES - 1 }), handlingArb), { maxLength: 5 }),
        fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
        (rows, kept, old, cursorMs) => {
          const listed = rows
            .map(([ms], i) => ({ uid: uid(100 + i), at: BASE + ms * 1000, created: formatMicros(BASE + ms * 1000) }))
            .sort((a, b) => a.at - b.at)
          const how = new Map<string, Handling | undefined>(rows.map(([, h], i) => [uid(100 + i), h]))
          old.forEach(([, h], i) => how.set(uid(i), h))
          const previous: Checkpoint = {
            identity,
            failed: old.map(([tries], i) => ({ id: uid(i), created: formatMicros(BASE - 1), tries, error: 'e' })),
            ...(cursorMs === undefined ? {} : { cursor: formatMicros(BASE + cursorMs * 1000) })
          }
          const keptFrom = kept === undefined ? undefined : BASE + kept * 1000
          // The run lists from the cursor on, up to the oldest video kept.
          const from = cursorMs === undefined ? -Infinity : BASE + cursorMs * 1000
          const inRun = listed.filter((video) => video.at >= from && (keptFrom === undefined || video.at < keptFrom))
          const { checkpoint, dropped } = nextCheckpoint(previous, {
            listed: inRun,
            ...(keptFrom === undefined ? {} : { keptFrom }),
            handling: (id) => how.get(id)
          })
          const cursorAt = checkpoint.cursor === undefined ? -Infinity : (instantMicros(checkpoint.cursor) as number)
          const remembered = new Set(checkpoint.failed.map((entry) => entry.id))
          for (const video of inRun) {
            if (video.at < cursorAt && how.get(video.uid)?.kind !== 'handled')
              expect(remembered.has(video.uid)).toBe(true)
          }
          if (keptFrom !== undefined && previous.cursor === undefined) expect(cursorAt).toBeLessThanOrEqual(keptFrom)
          if (previous.cursor !== undefined)
            expect(cursorAt).toBeGreaterThanOrEqual(instantMicros(previous.cursor) as number)
          // A remembered failure leaves once handled, counts a try only when it failed again, and is dropped at 5.
          old.forEach(([tries, h], i) => {
            const entry = checkpoint.failed.find((e) => e.id === uid(i))
            if (h?.kind === 'handled') expect(entry).toBeUndefined()
            else if (h?.kind === 'failed' && tries + 1 >= MAX_TRIES) {
              expect(dropped.map((d) => d.id)).toContain(uid(i))
              expect(entry).toBeUndefined()
            } else expect(entry?.tries).toBe(h?.kind === 'failed' ? tries + 1 : tries)
          })
          for (const entry of checkpoint.failed) expect(entry.tries).toBeLessThan(MAX_TRIES)
        }
      ),
      { numRuns: 300 }
    )
  })

  it('moves to the newest video when every one is handled, stays put when nothing was listed, and sets none on a first run that listed nothing', () => {
    const listed = [0, 5].map((ms, i) => ({ uid: uid(i), at: BASE + ms, created: formatMicros(BASE + ms) }))
    const done = nextCheckpoint({ identity, failed: [] }, { listed, handling: () => ({ kind: 'handled' }) })
    expect(done.checkpoint.cursor).toBe(formatMicros(BASE + 5))
    const none = nextCheckpoint(
      { identity, failed: [], cursor: '2026-01-01T00:00:00Z' },
      { listed: [], handling: () => undefined }
    )
    expect(none.checkpoint.cursor).toBe('2026-01-01T00:00:00Z')
    const first = nextCheckpoint({ identity, failed: [] }, { listed: [], handling: () => undefined })
    expect(first.checkpoint).toEqual({ identity, failed: [] })
  })

  it('holds the cursor at a cancelled or not-sent video, and remembers a failure with its created and error', () => {
    const listed = [0, 5, 9].map((ms, i) => ({ uid: uid(i), at: BASE + ms, created: formatMicros(BASE + ms) }))
    const hows: Handling[] = [{ kind: 'failed', error: 'HTTP 500: busy' }, { kind: 'held' }, { kind: 'handled' }]
    const next = nextCheckpoint(
      { identity, failed: [] },
      { listed, handling: (id) => hows[listed.findIndex((v) => v.uid === id)] }
    )
    expect(next.checkpoint).toEqual({
      identity,
      cursor: formatMicros(BASE + 5),
      failed: [{ id: uid(0), created: formatMicros(BASE), tries: 1, error: 'HTTP 500: busy' }]
    })
  })
})
