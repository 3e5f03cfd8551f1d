/**
 * The results file: every video's record as JSON Lines, one video a line, written as each video
 * finishes (in the order they finish) to the runner's temporary folder for an artifact upload.
 * Each line is written whole, so a process killed mid-run leaves only whole lines.
 */
import { join } from 'node:path'
import type { LineFile, RunContext } from '../ports.js'
import { errorMessage, type VideoRecord } from '../types.js'

/** A name of its own for each run, attempt and step. */
export function resultsFileName(dir: string, context: RunContext, now: number): string {
  const run = context.runId ? `${context.runId}-${context.runAttempt || 1}-` : ''
  return join(dir, `cloudflare-stream-delete-downloads-${run}${now}.jsonl`)
}

/**
 * The results file of one batch. A file that cannot be created or written is a warning, once, and
 * the run goes on without it.
 */
export class ResultsFile {
  private file: LineFile | undefined

  constructor(
    private readonly path: string,
    create: (path: string) => LineFile,
    private readonly warn: (message: string) => void
  ) {
    try {
      this.file = create(path)
    } catch (error) {
      this.warnOf(error)
    }
  }

  /** Appends a finished video's record; after a failure, nothing more. */
  write(video: VideoRecord): void {
    const file = this.file
    if (file === undefined) return
    try {
      file.writeLine(JSON.stringify(video))
    } catch (error) {
      this.file = undefined
      try {
        file.close()
      } catch {
        // The write's failure is the one to report.
      }
      this.warnOf(error)
    }
  }

  /** Closes the file: its path when every record is in it, else undefined. */
  close(): string | undefined {
    const file = this.file
    if (file === undefined) return undefined
    this.file = undefined
    try {
      file.close()
      return this.path
    } catch (error) {
      this.warnOf(error)
      return undefined
    }
  }

  private warnOf(error: unknown): void {
    this.warn(`The results file could not be written: ${errorMessage(error)}`)
  }
}
