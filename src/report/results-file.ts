/**
 * The results file: every video's result as one JSON array (the `results` output, uncut), written
 * to the runner's temporary folder for an artifact upload. Produced piece by piece, so that a
 * 100,000-video run never holds it whole; a video of the batch's store is written from the store
 * as it is held (record-store.ts, json-bytes.ts), so that this walk of every video allocates next
 * to nothing.
 */
import { join } from 'node:path'
import type { RunContext } from '../ports.js'
import { RecordStore } from '../batch/record-store.js'
import type { VideoList } from '../types.js'
import { JsonBytes } from '../batch/json-bytes.js'

/** A name of its own for each run, attempt and step. */
export function resultsFileName(dir: string, context: RunContext, now: number): string {
  const run = context.runId ? `${context.runId}-${context.runAttempt || 1}-` : ''
  return join(dir, `cloudflare-stream-delete-downloads-${run}${now}.json`)
}

/** Bytes gathered into one write: few writes, and never the whole file in memory. */
const PIECE = 64 * 1024

/**
 * The file's bytes (UTF-8) in pieces of about 64 KiB: `[`, one video per line, `]`. Every piece is
 * a view of the same reused buffer: it holds until the next piece is asked for, so write or copy
 * it first.
 */
export function* resultsPieces(videos: VideoList): Generator<Uint8Array> {
  // Room for a piece and the video that ends it; a larger video grows it.
  const out = new JsonBytes(2 * PIECE)
  const store = videos instanceof RecordStore ? videos : undefined
  out.text('[\n')
  for (let i = 0; i < videos.length; i++) {
    if (store) store.writeJson(i, out)
    else out.json(videos.at(i))
    out.text(i < videos.length - 1 ? ',\n' : '\n')
    if (out.length >= PIECE) {
      yield out.bytes()
      out.clear()
    }
  }
  out.text(']\n')
  yield out.bytes()
}
