/**
 * The results file: every video's result as one JSON array (the `results` output, uncut), written
 * to the runner's temporary folder for an artifact upload. Produced piece by piece, so that a
 * 100,000-video run never holds it as one string.
 */
import { join } from 'node:path'
import type { RunContext } from '../ports.js'
import type { VideoList } from '../types.js'

/** A name of its own for each run, attempt and step. */
export function resultsFileName(dir: string, context: RunContext, now: number): string {
  const run = context.runId ? `${context.runId}-${context.runAttempt || 1}-` : ''
  return join(dir, `cloudflare-stream-delete-downloads-${run}${now}.json`)
}

/** Characters gathered into one write: few writes, and never the whole file in memory. */
const PIECE = 64 * 1024

/** The file's text in pieces of about 64 KiB: `[`, one video per line, `]`. */
export function* resultsPieces(videos: VideoList): Generator<string> {
  let piece = '[\n'
  for (let i = 0; i < videos.length; i++) {
    piece += `${JSON.stringify(videos.at(i))}${i < videos.length - 1 ? ',' : ''}\n`
    if (piece.length >= PIECE) {
      yield piece
      piece = ''
    }
  }
  yield `${piece}]\n`
}
