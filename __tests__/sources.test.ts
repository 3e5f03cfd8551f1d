/** Choosing the videos from each source, with the guards, on fakes: no network. */
import { describe, expect, it } from '@jest/globals'
import type { FetchPage } from '../src/cloudflare/library.js'
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
