/**
 * The progress line while the video list is read: pages and videos so far, at most every 10 seconds
 * of the run's clock, so a long listing is never silent and a short one adds nothing.
 */
import type { Clock } from '../ports.js'
import { PROGRESS_EVERY_MS } from './progress.js'

/** A listener for each page read that writes a line to `info` once 10 s have passed since the last one. */
export function listingProgress(
  clock: Pick<Clock, 'now'>,
  info: (line: string) => void
): (pages: number, videos: number) => void {
  let saidAt = clock.now()
  return (pages, videos) => {
    const now = clock.now()
    if (now - saidAt < PROGRESS_EVERY_MS) return
    saidAt = now
    const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`
    info(`Listing: ${plural(pages, 'page')} read, ${plural(videos, 'video')} found so far.`)
  }
}
