/**
 * The checkpoint of a selection (`checkpoint-file`), pure: reading and checking its text, whether it
 * belongs to this run, the next one from what the run did, and where it stands in words. The file
 * itself is the runner's (runner/checkpoint-io.ts); checkpoint-run.ts carries it through a run.
 *
 * The cursor is an instant: every selected video created strictly before it has been handled (its
 * downloads deleted or found absent) or is in `failed`. The next run lists from it, inclusive.
 */
import { IDENTIFIER, quote } from '../inputs/input-parsers.js'
import { formatMicros, instantMicros } from '../inputs/instants.js'
import { type CheckpointStanding, isRecord, MEDIA_STATES, type VideoFilters } from '../types.js'

/** What a checkpoint belongs to: the account, the download type and the filters that do not move. */
export interface CheckpointIdentity {
  account: string
  downloadType: 'default' | 'audio' | 'all'
  creator?: string
  videoName?: string
  search?: string
  status?: string
  liveInputId?: string
}

/** A video whose requests failed: tried first by the next run, dropped after {@link MAX_TRIES}. */
export interface RememberedFailure {
  id: string
  created: string
  /** Runs that tried it and got a failure. */
  tries: number
  /** The last failure, in words. */
  error: string
}

export interface Checkpoint {
  identity: CheckpointIdentity
  /** RFC 3339; absent before the first run got anywhere. */
  cursor?: string
  failed: RememberedFailure[]
}

const CHECKPOINT_VERSION = 1
/** Runs that may try a video before it is dropped from `failed`, with a warning. */
export const MAX_TRIES = 5
/** At most this many failures are remembered: once full, the cursor stops at the next failure. */
const MAX_REMEMBERED = 10_000
/** The longest error kept per failure. */
const MAX_ERROR = 500

/** The identity of this run's checkpoint. */
export function identityOf(account: string, downloadType: CheckpointIdentity['downloadType'], filters: VideoFilters) {
  const identity: CheckpointIdentity = { account, downloadType }
  if (filters.creator !== undefined) identity.creator = filters.creator
  if (filters.videoName !== undefined) identity.videoName = filters.videoName
  if (filters.search !== undefined) identity.search = filters.search
  if (filters.status !== undefined) identity.status = filters.status
  if (filters.liveInputId !== undefined) identity.liveInputId = filters.liveInputId
  return identity
}

/** The checkpoint's identity fields under their input names, in the order they are compared. */
const IDENTITY_FIELDS: readonly [keyof CheckpointIdentity, string][] = [
  ['account', 'account-id'],
  ['downloadType', 'download-type'],
  ['creator', 'creator'],
  ['videoName', 'video-name'],
  ['search', 'search'],
  ['status', 'status'],
  ['liveInputId', 'live-input-id']
]

/** The input whose value differs from the checkpoint's, in words; undefined when it is this run's. */
export function identityMismatch(
  saved: CheckpointIdentity,
  run: CheckpointIdentity,
  input: string
): string | undefined {
  for (const [field, name] of IDENTITY_FIELDS) {
    if (saved[field] === run[field]) continue
    const shown = (value: string | undefined) => (value === undefined ? 'not given' : quote(value))
    return (
      `The checkpoint in \`checkpoint-file\` (${input}) belongs to another selection: its \`${name}\` is ` +
      `${shown(saved[field])}, this run's is ${shown(run[field])}. Nothing was sent. To start afresh, delete the ` +
      'file (or the cache entry that restores it), or give `checkpoint-file` another path.'
    )
  }
  return undefined
}

type Read<T> = { ok: true; value: T } | { ok: false; problem: string }

/** Reads a checkpoint's text, field by field; a problem names the field. */
export function parseCheckpoint(text: string, input: string): Read<Checkpoint> {
  const bad = (field: string, why: string): Read<Checkpoint> => ({
    ok: false,
    problem: `The checkpoint in \`checkpoint-file\` (${input}) is not one this action wrote: ${field} ${why}. Delete it to start afresh.`
  })
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return bad('the file', 'is not JSON')
  }
  if (!isRecord(data)) return bad('the file', 'is not a JSON object')
  const unknown = Object.keys(data).find((key) => !['version', 'identity', 'cursor', 'failed'].includes(key))
  if (unknown !== undefined) return bad(`field ${quote(unknown)}`, 'is not a checkpoint field')
  if (data.version !== CHECKPOINT_VERSION) return bad('`version`', `is not ${CHECKPOINT_VERSION}`)

  const identity = data.identity
  if (!isRecord(identity)) return bad('`identity`', 'is not an object')
  const names = IDENTITY_FIELDS.map(([field]) => field as string)
  const stray = Object.keys(identity).find((key) => !names.includes(key))
  if (stray !== undefined) return bad(`\`identity.${stray}\``, 'is not an identity field')
  for (const field of names) {
    const value = identity[field]
    if (value !== undefined && (typeof value !== 'string' || value.length > 1024)) {
      return bad(`\`identity.${field}\``, 'is not a text of at most 1,024 characters')
    }
  }
  if (typeof identity.account !== 'string' || !IDENTIFIER.test(identity.account)) {
    return bad('`identity.account`', 'is not an account id')
  }
  if (!['default', 'audio', 'all'].includes(identity.downloadType as string)) {
    return bad('`identity.downloadType`', 'is not default, audio or all')
  }
  if (identity.status !== undefined && !(MEDIA_STATES as readonly unknown[]).includes(identity.status)) {
    return bad('`identity.status`', 'is not a video state')
  }

  let cursor: string | undefined
  if (data.cursor !== undefined) {
    if (typeof data.cursor !== 'string' || instantMicros(data.cursor) === undefined) {
      return bad('`cursor`', 'is not an RFC 3339 date-time')
    }
    cursor = data.cursor
  }

  if (!Array.isArray(data.failed)) return bad('`failed`', 'is not an array')
  if (data.failed.length > MAX_REMEMBERED) return bad('`failed`', `has more than ${MAX_REMEMBERED} entries`)
  const failed: RememberedFailure[] = []
  const ids = new Set<string>()
  for (const [i, entry] of data.failed.entries()) {
    const at = `\`failed[${i}]\``
    if (!isRecord(entry)) return bad(at, 'is not an object')
    const extra = Object.keys(entry).find((key) => !['id', 'created', 'tries', 'error'].includes(key))
    if (extra !== undefined) return bad(`${at}.${extra}`, 'is not a field of a failure')
    if (typeof entry.id !== 'string' || !IDENTIFIER.test(entry.id)) return bad(`${at}.id`, 'is not a video id')
    if (ids.has(entry.id)) return bad(`${at}.id`, 'is there twice')
    if (typeof entry.created !== 'string' || instantMicros(entry.created) === undefined) {
      return bad(`${at}.created`, 'is not an RFC 3339 date-time')
    }
    if (!Number.isInteger(entry.tries) || (entry.tries as number) < 0 || (entry.tries as number) > MAX_TRIES) {
      return bad(`${at}.tries`, `is not a whole number from 0 to ${MAX_TRIES}`)
    }
    if (typeof entry.error !== 'string' || entry.error.length > MAX_ERROR) {
      return bad(`${at}.error`, `is not a text of at most ${MAX_ERROR} characters`)
    }
    ids.add(entry.id)
    failed.push({ id: entry.id, created: entry.created, tries: entry.tries as number, error: entry.error })
  }
  const value: Checkpoint = {
    identity: Object.fromEntries(
      names.filter((field) => identity[field] !== undefined).map((field) => [field, identity[field]])
    ) as unknown as CheckpointIdentity,
    failed,
    ...(cursor === undefined ? {} : { cursor })
  }
  return { ok: true, value }
}

/** The checkpoint as the file holds it. */
export function serializeCheckpoint(checkpoint: Checkpoint): string {
  const { identity, cursor, failed } = checkpoint
  return `${JSON.stringify({ version: CHECKPOINT_VERSION, identity, ...(cursor === undefined ? {} : { cursor }), failed }, null, 1)}\n`
}

/**
 * Where this run starts listing: the later of `created-after` and the cursor. The cursor is asked
 * for 1 µs early, so that the videos at its instant come back whether the list's `start` is
 * inclusive or not (Cloudflare does not say).
 */
export function listingStart(createdAfter: string | undefined, cursor: string | undefined): string | undefined {
  if (cursor === undefined) return createdAfter
  const cursorAt = instantMicros(cursor) as number
  if (createdAfter !== undefined && (instantMicros(createdAfter) as number) >= cursorAt) return createdAfter
  return formatMicros(cursorAt - 1)
}

/** How a video's run ended, for the checkpoint: handled, failed (with why), or neither (held). */
export type Handling = { kind: 'handled' } | { kind: 'failed'; error: string } | { kind: 'held' }

/** What the run listed and did, for {@link nextCheckpoint}. */
export interface RunOutcome {
  /** The videos listed in creation order from the cursor on, that the run acted on. */
  listed: readonly { uid: string; at: number; created: string }[]
  /** The `created` (µs) of the oldest video `keep-latest` kept, when it kept any. */
  keptFrom?: number
  /** How each video acted on ended (listed and remembered ones); a video without one is held. */
  handling: (uid: string) => Handling | undefined
}

export interface NextCheckpoint {
  checkpoint: Checkpoint
  /** Failures dropped after {@link MAX_TRIES} tries: to name in a warning each. */
  dropped: RememberedFailure[]
}

/**
 * The checkpoint after a run. The cursor moves to the oldest video that holds it (held, kept, or a
 * failure that found the list full); when none does, to the newest video listed (listed again next
 * time, inclusive: at most one request), or it stays where it was.
 */
export function nextCheckpoint(previous: Checkpoint, run: RunOutcome): NextCheckpoint {
  const dropped: RememberedFailure[] = []
  const failed: RememberedFailure[] = []
  const remembered = new Set<string>()
  const settle = (entry: RememberedFailure, how: Handling | undefined) => {
    if (how?.kind === 'handled') return
    if (how?.kind === 'failed') {
      const tried = { ...entry, tries: entry.tries + 1, error: how.error.slice(0, MAX_ERROR) }
      if (tried.tries >= MAX_TRIES) dropped.push(tried)
      else failed.push(tried)
    } else failed.push(entry)
    remembered.add(entry.id)
  }
  for (const entry of previous.failed) settle(entry, run.handling(entry.id))

  const wasRemembered = new Set(previous.failed.map((entry) => entry.id))
  let holdAt = run.keptFrom ?? Infinity
  for (const video of run.listed) {
    if (video.at >= holdAt) break
    if (wasRemembered.has(video.uid)) continue
    const how = run.handling(video.uid)
    if (how?.kind === 'handled') continue
    if (how?.kind === 'failed' && failed.length < MAX_REMEMBERED) {
      failed.push({ id: video.uid, created: video.created, tries: 1, error: how.error.slice(0, MAX_ERROR) })
      continue
    }
    holdAt = video.at
  }
  const newest = run.listed[run.listed.length - 1]
  const reached = holdAt !== Infinity ? holdAt : newest?.at
  // Never backwards: videos behind the cursor are not reconsidered (a larger keep-latest, for one).
  const was = previous.cursor === undefined ? -Infinity : (instantMicros(previous.cursor) as number)
  const cursor = reached === undefined || reached <= was ? previous.cursor : formatMicros(reached)
  return {
    checkpoint: { identity: previous.identity, failed, ...(cursor === undefined ? {} : { cursor }) },
    dropped
  }
}

/**
 * Where the checkpoint stands, for the log and the summary: `show` makes the cursor safe for
 * each (it was read from a file, checked, but text all the same).
 */
export function checkpointLine(standing: CheckpointStanding, show: (text: string) => string): string {
  if (!standing.saved) return 'Checkpoint not saved: the next run repeats this one.'
  const { cursor, left, remembered, dropped } = standing
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`
  return (
    `Checkpoint saved: cursor ${cursor === undefined ? 'not set' : show(cursor)}` +
    (left === undefined ? '' : `; ${plural(left, 'selected video')} left from it`) +
    `; ${plural(remembered, 'failure')} remembered` +
    (dropped > 0 ? `; ${dropped} dropped after ${MAX_TRIES} tries.` : '.')
  )
}
