/**
 * A selection's checkpoint through one run: read through {@link Deps} and checked against this
 * selection, where the listing resumes, how each video ended, then the next one written. The
 * pure parts are checkpoint.ts; the file itself is runner/checkpoint-io.ts.
 */
import type { Settings } from '../inputs/settings.js'
import { instantMicros } from '../inputs/instants.js'
import { statusWords } from '../batch/outcome.js'
import type { Deps } from '../ports.js'
import { safeText } from '../safe-text.js'
import { type CheckpointStanding, errorMessage, type VideoRecord } from '../types.js'
import {
  type Checkpoint,
  checkpointLine,
  type Handling,
  identityMismatch,
  identityOf,
  listingStart,
  nextCheckpoint,
  parseCheckpoint,
  serializeCheckpoint
} from './checkpoint.js'
import type { Resume, VideoChoice } from './sources.js'

type CheckpointFile = NonNullable<Settings['checkpointFile']>

/**
 * The checkpoint this run resumes from, read, checked and this selection's (a fresh one before the
 * first run); none without `checkpoint-file` or for a list of ids; a problem when it cannot be used.
 */
export async function openCheckpoint(
  settings: Settings,
  deps: Deps
): Promise<{ ok: true; checkpoint: CheckpointRun | undefined } | { ok: false; problem: string }> {
  const file = settings.checkpointFile
  if (file === undefined || settings.source.kind !== 'library') return { ok: true, checkpoint: undefined }
  const { filters } = settings.source
  const identity = identityOf(settings.accountId, settings.downloadType, filters)
  let text: string | undefined
  try {
    text = await deps.checkpointFiles.read(file.path, checkpointRoots(deps))
  } catch (error) {
    return {
      ok: false,
      problem: `Input \`checkpoint-file\` names ${JSON.stringify(file.input)}, which ${errorMessage(error)}.`
    }
  }
  const open = (previous: Checkpoint) => ({
    ok: true as const,
    checkpoint: new CheckpointRun(file, filters.start, settings.dryRun, deps, previous)
  })
  if (text === undefined) return open({ identity, failed: [] })
  const parsed = parseCheckpoint(text, file.input)
  if (!parsed.ok) return parsed
  const mismatch = identityMismatch(parsed.value.identity, identity, file.input)
  return mismatch === undefined ? open(parsed.value) : { ok: false, problem: mismatch }
}

/** The folders a checkpoint file may resolve into. */
function checkpointRoots(deps: Deps): string[] {
  return [deps.env.GITHUB_WORKSPACE ?? '', deps.env.RUNNER_TEMP ?? '']
}

export class CheckpointRun {
  /** How each video ended: what the next checkpoint is computed from. */
  private readonly handled = new Map<string, Handling>()

  constructor(
    private readonly file: CheckpointFile,
    /** `created-after`, where the listing starts without a cursor. */
    private readonly createdAfter: string | undefined,
    private readonly dryRun: boolean,
    private readonly deps: Deps,
    private readonly previous: Checkpoint
  ) {}

  /** Where the selection resumes, said in the log. */
  resume(): Resume {
    const { cursor, failed } = this.previous
    this.deps.core.info(
      (cursor === undefined
        ? 'Checkpoint: none yet, listing from the oldest selected video'
        : `Checkpoint: resuming from ${cursor}`) +
        (failed.length > 0
          ? `; ${failed.length} remembered failure${failed.length === 1 ? '' : 's'} tried first.`
          : '.')
    )
    return { from: listingStart(this.createdAfter, cursor), first: failed.map(({ id, created }) => ({ id, created })) }
  }

  videoDone(video: VideoRecord): void {
    this.handled.set(video.video_id, handlingOf(video))
  }

  /** Writes the next checkpoint after a real run (never after a dry run), and says where it stands. */
  async save(choice: VideoChoice): Promise<CheckpointStanding | undefined> {
    if (this.dryRun) return undefined
    const { core } = this.deps
    const { checkpoint, dropped } = nextCheckpoint(this.previous, {
      listed: choice.resumed?.listed ?? [],
      ...(choice.resumed?.keptFrom === undefined ? {} : { keptFrom: choice.resumed.keptFrom }),
      handling: (id) => this.handled.get(id)
    })
    for (const entry of dropped) {
      core.warning(
        `Video ${entry.id} failed in ${entry.tries} runs and is no longer retried by the checkpoint (last: ${entry.error}).`
      )
    }
    try {
      await this.deps.checkpointFiles.write(this.file.path, serializeCheckpoint(checkpoint), checkpointRoots(this.deps))
    } catch (error) {
      core.warning(
        `The checkpoint could not be written to ${this.file.input}: ${errorMessage(error)}. The next run repeats this one.`
      )
      return { saved: false, remembered: this.previous.failed.length, dropped: 0 }
    }
    const standing: CheckpointStanding = {
      saved: true,
      ...(checkpoint.cursor === undefined ? {} : { cursor: checkpoint.cursor }),
      ...toGo(choice, checkpoint.cursor),
      remembered: checkpoint.failed.length,
      dropped: dropped.length
    }
    core.info(checkpointLine(standing, safeText))
    return standing
  }
}

/** How one video ended, for the checkpoint: only `deleted` and `missing` are handled; `failed` is remembered. */
function handlingOf(video: VideoRecord): Handling {
  if (video.outcome === 'deleted' || video.outcome === 'missing') return { kind: 'handled' }
  if (video.outcome !== 'failed') return { kind: 'held' }
  const failing = video.requests.find((request) => request.outcome === 'failed')
  const said = failing?.errors[0]?.message
  const error = [statusWords(failing?.status_code), said].filter(Boolean).join(': ')
  // Network text, kept in the file and shown again by a later run: neutralised and bounded now.
  return { kind: 'failed', error: safeText(error, 300) }
}

/** How many selected videos lie at or after the new cursor (kept ones not counted), when the list's total tells. */
function toGo(choice: VideoChoice, cursor: string | undefined): { left?: number } {
  const after = choice.resumed?.after
  if (after === undefined) return {}
  const at = cursor === undefined ? -Infinity : (instantMicros(cursor) ?? -Infinity)
  const left = Math.max(0, after - (choice.resumed?.listed ?? []).filter((video) => video.at < at).length)
  return { left }
}
