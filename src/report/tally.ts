/**
 * What the report needs of the videos, gathered as each one finishes: the counts, and the first
 * items of every list the report shows (outputs, annotations, summary rows), each cut to its
 * budget. A finished video's record is then dropped: the results file has every one.
 */
import { addAnnotations, ANNOTATIONS_PER_LEVEL, CANCELLED_NAMED } from './annotations.js'
import { resultNotKept } from '../batch/outcome.js'
import { FirstFitting } from './first-fitting.js'
import { addToOutputs, itemSize, LIST_BUDGET } from './outputs.js'
import { addRows, MAX_ROWS, MAX_SUMMARY_BYTES, rowSize } from './summary.js'
import type {
  Annotation,
  AnnotationLevel,
  ListOutput,
  ReportSettings,
  RequestOutcome,
  VideoRecord,
  VideoTally
} from '../types.js'

const zero = (): Record<RequestOutcome, number> => ({
  deleted: 0,
  'would-delete': 0,
  missing: 0,
  failed: 0,
  'not-sent': 0,
  cancelled: 0,
  postponed: 0
})

/** JSON items within `budget` bytes once in brackets. */
const jsonItems = (budget: number): FirstFitting<string> => new FirstFitting(itemSize, budget - 1)
const firstAnnotations = (): FirstFitting<Annotation> => new FirstFitting(() => 0, Infinity, ANNOTATIONS_PER_LEVEL)
const summaryRows = (): FirstFitting<string> => new FirstFitting(rowSize, MAX_SUMMARY_BYTES, MAX_ROWS)

export class Tally implements VideoTally {
  count = 0
  readonly videoCounts = zero()
  requestCount = 0
  readonly requestCounts = zero()
  first: VideoRecord | undefined
  resultsNotKept = false
  readonly outputs = Object.fromEntries(
    Object.entries(LIST_BUDGET).map(([name, budget]) => [name, jsonItems(budget)])
  ) as Record<ListOutput, FirstFitting<string>>
  readonly annotations = { error: firstAnnotations(), warning: firstAnnotations(), notice: firstAnnotations() }
  readonly annotationCounts: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 }
  readonly cancelled = new FirstFitting<string>(() => 0, Infinity, CANCELLED_NAMED)
  readonly rows = { attention: summaryRows(), rest: summaryRows() }

  constructor(private readonly settings: ReportSettings) {}

  /** A finished video, the `index`th of the input (each index once, in any order). */
  add(video: VideoRecord, index: number): void {
    this.count += 1
    this.first ??= video
    this.videoCounts[video.outcome] += 1
    this.requestCount += video.requests.length
    for (const request of video.requests) {
      this.requestCounts[request.outcome] += 1
      if (resultNotKept(request.result)) this.resultsNotKept = true
    }
    if (video.outcome === 'cancelled') this.cancelled.add([index], () => video.video_id)
    addToOutputs(this.outputs, video, index, this.settings)
    addAnnotations(this.annotations, this.annotationCounts, video, index, this.settings)
    addRows(this.rows, video, index, this.settings)
  }
}
