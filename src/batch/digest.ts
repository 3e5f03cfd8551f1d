/**
 * What the report needs to know of every video, gathered in one walk: each video's outcome, which
 * outcomes its requests had, whether any of them said something (errors, messages), and the
 * counts. The outputs, annotations, summary and verdict look here first and rebuild only the
 * records they show: with the batch's compact store (record-store.ts) every record walked is
 * rebuilt, and a 100,000-video run walked a dozen times makes garbage enough to grow the heap.
 */
import type { RequestOutcome, VideoList, VideoOutcome, VideoRecord } from '../types.js'

/** Every outcome, each with its bit in {@link Digest.requests} (1 << its index); the store's codes (record-store.ts) too. */
export const OUTCOMES: readonly RequestOutcome[] = ['deleted', 'would-delete', 'missing', 'failed', 'cancelled']
/** The bit of a video one of whose requests has errors or messages. */
export const SAID = 1 << OUTCOMES.length

export interface Digest {
  /** Each video's outcome, as its index in OUTCOMES. */
  outcomes: Uint8Array
  /** Each video's requests: the bit of every outcome they had, and SAID. */
  requests: Uint8Array
  videoCounts: Record<VideoOutcome, number>
  requestCounts: Record<RequestOutcome, number>
  requestTotal: number
}

/** One digest a list: the report asks for it from several places. A list is not changed once reported. */
const digests = new WeakMap<VideoList, Digest>()

/** The digest of `videos`: the one the list came with (see {@link DigestBuilder.attach}), else one walk. */
export function digestOf(videos: VideoList): Digest {
  let digest = digests.get(videos)
  if (digest === undefined) {
    const builder = new DigestBuilder(videos.length)
    let index = 0
    for (const video of videos) builder.add(index++, video)
    digest = builder.digest
    digests.set(videos, digest)
  }
  return digest
}

/** A digest gathered video by video, as the batch finishes them (each index once). */
export class DigestBuilder {
  readonly digest: Digest

  constructor(length: number) {
    const zero = (): Record<RequestOutcome, number> => ({
      deleted: 0,
      'would-delete': 0,
      missing: 0,
      failed: 0,
      cancelled: 0
    })
    this.digest = {
      outcomes: new Uint8Array(length),
      requests: new Uint8Array(length),
      videoCounts: zero(),
      requestCounts: zero(),
      requestTotal: 0
    }
  }

  add(index: number, video: VideoRecord): void {
    const { digest } = this
    digest.outcomes[index] = OUTCOMES.indexOf(video.outcome)
    digest.videoCounts[video.outcome] += 1
    let bits = 0
    for (const request of video.requests) {
      bits |= 1 << OUTCOMES.indexOf(request.outcome)
      if (request.errors.length > 0 || request.messages.length > 0) bits |= SAID
      digest.requestCounts[request.outcome] += 1
    }
    digest.requests[index] = bits
    digest.requestTotal += video.requests.length
  }

  /** Makes this the digest of `videos`, which then need no walk for it. */
  attach(videos: VideoList): void {
    digests.set(videos, this.digest)
  }
}

/** The bits of these outcomes. */
export function outcomeBits(outcomes: readonly RequestOutcome[]): number {
  return outcomes.reduce((bits, outcome) => bits | (1 << OUTCOMES.indexOf(outcome)), 0)
}

/** The videos at `positions` (input order when not given) that `keep` lets through, rebuilt one at a time. */
export function* videosWhere(
  videos: VideoList,
  keep: (position: number) => boolean,
  positions: Iterable<number> = upTo(videos.length)
): Generator<VideoRecord> {
  for (const position of positions) if (keep(position)) yield videos.at(position) as VideoRecord
}

export function* upTo(length: number): Generator<number> {
  for (let position = 0; position < length; position++) yield position
}
