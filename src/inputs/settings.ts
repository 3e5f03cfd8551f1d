/**
 * The only reader of the action's inputs and `CLOUDFLARE_*` environment fallbacks. It turns them
 * into one readonly, validated {@link Settings} object, or a list of problems that each name the
 * input and what it accepts. Credentials are masked before anything else can print them.
 */
import {
  DEFAULT_BASE_URL,
  type Parsed,
  parseBaseUrl,
  parseBoolean,
  parseChoice,
  parseCredential,
  parseFilterText,
  parseIdList,
  parseIdentifier,
  parseInteger
} from './input-parsers.js'
import { instantMicros, parseInstant, parseTimeLimit } from './instants.js'
import { MEDIA_STATES, type VideoFilters } from '../types.js'
import type { Auth, DownloadType } from '../types.js'
import { resolve } from 'node:path'

export { DEFAULT_BASE_URL }

/**
 * Where the run's videos come from: exactly one of an id list (`video-id`), a file of ids
 * (`video-id-file`, read when the run starts), or a selection from the account's library by filters.
 */
export type VideoSource =
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  | { readonly kind: 'file'; readonly path: string; readonly input: string }
  | { readonly kind: 'library'; readonly filters: VideoFilters; readonly keepLatest: number }

/** The filter inputs, each with the query parameter it maps to (video-list.ts builds the query). */
export const FILTER_INPUTS = [
  'created-before',
  'created-after',
  'creator',
  'video-name',
  'search',
  'status',
  'live-input-id'
] as const

export interface Settings {
  /** Where the videos come from. */
  readonly source: VideoSource
  /** Ids never touched, whatever the source (`exclude`). */
  readonly exclude: ReadonlySet<string>
  /** The most videos one run may touch; 0 for no cap (`max-videos`). */
  readonly maxVideos: number
  /** The Cloudflare account that owns the videos. */
  readonly accountId: string
  readonly auth: Auth
  /** The `download-type` input as given. */
  readonly downloadType: 'default' | 'audio' | 'all'
  /** The renditions to delete for each video, in request order. */
  readonly downloadTypes: readonly DownloadType[]
  /** What an HTTP 404 means: a warning, a log line, or a failure. */
  readonly ifMissing: 'warn' | 'ignore' | 'fail'
  /** Read which downloads exist and report what a real run would delete; send no DELETE. */
  readonly dryRun: boolean
  /** When false, failures become warnings and the step exits 0. */
  readonly failOnError: boolean
  /** API base URL without a trailing slash. */
  readonly baseUrl: string
  /** Write the job summary. */
  readonly summary: boolean
  /** Retries per request after the first attempt. */
  readonly maxRetries: number
  /** Limit for one attempt, from sending to the last byte of the answer. */
  readonly timeoutMs: number
  /** Requests in flight at most. */
  readonly concurrency: number
  /** Ceiling on this run's request rate; 0 for none. */
  readonly requestsPerMinute: number
  /** Whether the User-Agent names the repository, the run and the workflow (`user-agent-details`). */
  readonly userAgentDetails: boolean
  /** No request or retry starts this long after the step started (`time-limit`); 0 for no limit. */
  readonly timeLimitMs: number
  /** Where the selection's checkpoint is kept between runs (`checkpoint-file`): filters only. */
  readonly checkpointFile?: { readonly path: string; readonly input: string }
}

/** What the settings are read from; @actions/core and process.env in production, plain maps in tests. */
export interface SettingsSource {
  /** An input's value, trimmed, '' when unset (as `core.getInput` returns it). */
  input: (name: string) => string
  env: Readonly<Record<string, string | undefined>>
  /** Registers a value with the runner's log masking (`core.setSecret`). */
  mask: (secret: string) => void
  /** A log line (used to say which credential wins when both are set). */
  info: (message: string) => void
  /** A warning (a credential that looks like the other kind). */
  warning: (message: string) => void
  /** Whether the step's `with:` named the input (its variable exists), even with an empty value. */
  given?: (name: string) => boolean
  /** Now, in ms since the epoch: ages such as `90d` count back from it. */
  now: () => number
  /** The workspace that relative `video-id-file` paths start from (`GITHUB_WORKSPACE`). */
  workspace: string
}

export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'))
    this.name = 'SettingsError'
  }
}

/** Reads, masks and validates everything; throws {@link SettingsError} listing every problem. */
export function readSettings(source: SettingsSource): Settings {
  const problems: string[] = []
  const from = (name: string, envName?: string): string => {
    const value = source.input(name)
    return value !== '' || envName === undefined ? value : (source.env[envName] ?? '').trim()
  }
  const check = <T>(name: string, parsed: Parsed<T>, fallback: T): T => {
    if (parsed.ok) return parsed.value
    problems.push(`Input \`${name}\` ${parsed.problem}.`)
    return fallback
  }
  const orDefault = (raw: string, fallback: string): string => (raw === '' ? fallback : raw)
  const flag = (name: string, fallback: boolean): boolean => {
    const raw = from(name)
    return raw === '' ? fallback : check(name, parseBoolean(raw), fallback)
  }
  const integer = (name: string, fallback: number, min: number, max: number): number =>
    check(name, parseInteger(orDefault(from(name), String(fallback)), min, max), fallback)

  // Mask first: nothing below, not even a validation message, may print before this.
  const token = from('api-token', 'CLOUDFLARE_API_TOKEN')
  const key = from('api-key', 'CLOUDFLARE_API_KEY')
  maskCredential(token, source.mask)
  maskCredential(key, source.mask)
  const email = from('email', 'CLOUDFLARE_EMAIL')
  const auth = readAuth(token, key, email, problems, source, source.given ?? (() => false))

  const downloadType = check(
    'download-type',
    parseChoice(orDefault(from('download-type'), 'default'), ['default', 'audio', 'all'] as const),
    'default'
  )
  const settings: Settings = {
    source: readSource(from, check, problems, source),
    exclude: new Set(check('exclude', parseIdList(from('exclude')), [])),
    maxVideos: integer('max-videos', 1000, 0, 1_000_000),
    accountId: readAccountId(from('account-id', 'CLOUDFLARE_ACCOUNT_ID'), check, problems),
    auth,
    downloadType,
    downloadTypes: downloadType === 'all' ? ['default', 'audio'] : [downloadType],
    ifMissing: check(
      'if-missing',
      parseChoice(orDefault(from('if-missing'), 'warn'), ['warn', 'ignore', 'fail'] as const),
      'warn'
    ),
    dryRun: flag('dry-run', false),
    failOnError: flag('fail-on-error', true),
    baseUrl: check(
      'base-url',
      parseBaseUrl(orDefault(from('base-url', 'CLOUDFLARE_API_BASE_URL'), DEFAULT_BASE_URL)),
      DEFAULT_BASE_URL
    ),
    summary: flag('summary', true),
    maxRetries: integer('max-retries', 5, 0, 20),
    timeoutMs: integer('timeout-seconds', 30, 1, 600) * 1000,
    concurrency: integer('concurrency', 4, 1, 32),
    requestsPerMinute: integer('requests-per-minute', 200, 0, 6000),
    userAgentDetails: flag('user-agent-details', true),
    timeLimitMs: from('time-limit') === '' ? 0 : check('time-limit', parseTimeLimit(from('time-limit')), 0),
    ...readCheckpointFile(from('checkpoint-file'), settingsSourceKind(from), problems, source.workspace)
  }
  if (problems.length > 0) throw new SettingsError(problems)
  return settings
}

/**
 * Masks a credential as the runner will see it in any later log line. A value with line breaks is
 * logged line by line, so each piece is masked on its own as well as the whole.
 */
function maskCredential(value: string, mask: (secret: string) => void): void {
  if (value === '') return
  mask(value)
  const pieces = value.split(/\s+/).filter((piece) => piece !== '' && piece !== value)
  for (const piece of pieces) mask(piece)
}

function readAccountId(raw: string, check: Check, problems: string[]): string {
  if (raw !== '') return check('account-id', parseIdentifier(raw), '')
  problems.push(
    'Input `account-id` is required (or set CLOUDFLARE_ACCOUNT_ID): the 32 hexadecimal digits of the account ' +
      'that owns the videos, such as `${{ vars.CLOUDFLARE_ACCOUNT_ID }}`.'
  )
  return ''
}

/** An API token: 40 characters of letters, digits, `_` and `-`. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{40}$/
/** A Global API key: 37 hexadecimal digits. */
const KEY_SHAPE = /^[0-9a-f]{37}$/i

/**
 * The scheme a credential is sent with is the input it came in; a value shaped like the other
 * kind is most likely in the wrong input, and Cloudflare would only answer "Authentication error".
 */
function warnOnShape(auth: Auth, warning: (message: string) => void): void {
  if (auth.kind === 'token' && KEY_SHAPE.test(auth.token)) {
    warning(
      'Input `api-token` looks like a Global API key (37 hexadecimal digits), but it is sent as an API token ' +
        '(Authorization: Bearer). If it is the Global API key, give it as `api-key`, with `email`.'
    )
  } else if (auth.kind === 'key' && TOKEN_SHAPE.test(auth.key) && !KEY_SHAPE.test(auth.key)) {
    warning(
      'Input `api-key` looks like an API token (40 characters), but it is sent as a Global API key ' +
        '(X-Auth-Key with X-Auth-Email). If it is an API token, give it as `api-token`, without `email`.'
    )
  }
}

function readAuth(
  token: string,
  key: string,
  email: string,
  problems: string[],
  log: Pick<SettingsSource, 'info' | 'warning'>,
  given: (name: string) => boolean
): Auth {
  const auth = readCredentials(token, key, email, problems, log.info, given)
  warnOnShape(auth, log.warning)
  return auth
}

function readCredentials(
  token: string,
  key: string,
  email: string,
  problems: string[],
  info: (message: string) => void,
  given: (name: string) => boolean
): Auth {
  const none: Auth = { kind: 'token', token: '' }
  if (token === '' && key === '' && given('api-token')) {
    problems.push(
      'Input `api-token` was given but is empty: the secret it names is probably not defined in this repository ' +
        'or environment, or its name has a typo; runs from forks and Dependabot get no secrets at all.'
    )
    return none
  }
  if (token !== '') {
    if (key !== '') info('Both an API token and a Global API key are set: using the API token.')
    const parsed = parseCredential(token)
    if (parsed.ok) return { kind: 'token', token }
    problems.push(`Input \`api-token\` ${parsed.problem}.`)
    return none
  }
  if (key === '' && email === '') {
    problems.push(
      'Input `api-token` is required (or set CLOUDFLARE_API_TOKEN): an API token with Stream Write permission. ' +
        'Alternatively give `api-key` and `email` (the legacy Global API key).'
    )
    return none
  }
  if (key === '' || email === '') {
    const [missing, variable, given] =
      key === '' ? ['api-key', 'CLOUDFLARE_API_KEY', 'email'] : ['email', 'CLOUDFLARE_EMAIL', 'api-key']
    problems.push(`Input \`${missing}\` is required with \`${given}\` (or set ${variable}); better, use \`api-token\`.`)
    return none
  }
  const parsedKey = parseCredential(key)
  const parsedEmail = parseCredential(email)
  if (!parsedKey.ok) problems.push(`Input \`api-key\` ${parsedKey.problem}.`)
  if (!parsedEmail.ok) problems.push(`Input \`email\` ${parsedEmail.problem}.`)
  return parsedKey.ok && parsedEmail.ok ? { kind: 'key', email, key } : none
}

type Check = <T>(name: string, parsed: Parsed<T>, fallback: T) => T

/** `checkpoint-file`: a path from the workspace, for a selection by filters only. */
function readCheckpointFile(
  input: string,
  kind: 'ids' | 'file' | 'library',
  problems: string[],
  workspace: string
): { checkpointFile?: { path: string; input: string } } {
  if (input === '') return {}
  if (kind !== 'library') {
    problems.push(
      'Input `checkpoint-file` works only with selection filters: with `video-id` or `video-id-file` the list is the whole work.'
    )
    return {}
  }
  return { checkpointFile: { path: resolve(workspace, input), input } }
}

function settingsSourceKind(from: (name: string) => string): 'ids' | 'file' | 'library' {
  return from('video-id') !== '' ? 'ids' : from('video-id-file') !== '' ? 'file' : 'library'
}

/** Exactly one source of videos: a list, a file, or filters. */
function readSource(
  from: (name: string) => string,
  check: Check,
  problems: string[],
  source: SettingsSource
): VideoSource {
  const list = from('video-id')
  const file = from('video-id-file')
  const filterNames = FILTER_INPUTS.filter((name) => from(name) !== '')
  const keepLatest = check('keep-latest', parseInteger(from('keep-latest') || '0', 0, 1_000_000), 0)
  const given = [
    list !== '' && '`video-id`',
    file !== '' && '`video-id-file`',
    filterNames.length > 0 && 'filters'
  ].filter((name): name is string => name !== false)
  if (given.length > 1) {
    problems.push(
      `Inputs ${given.join(' and ')} were ${given.length === 2 ? 'both' : 'all'} given: give exactly one source of videos ` +
        `(${filterNames.length > 0 ? `filters given: ${filterNames.join(', ')}` : 'a list or a file'}).`
    )
  } else if (given.length === 0) {
    problems.push(
      'Input `video-id` is required, or `video-id-file`, or selection filters ' +
        '(`created-before`, `created-after`, `creator`, `video-name`, `search`, `status`, `live-input-id`).'
    )
  }
  if (keepLatest > 0 && filterNames.length === 0) {
    problems.push('Input `keep-latest` works only with selection filters: a list names exactly the videos to act on.')
  }
  // Every source given is read, so that its problems are reported with the conflict, not after it.
  const ids = list === '' ? undefined : check('video-id', parseIdList(list), [])
  const filters = filterNames.length === 0 ? undefined : readFilters(from, check, problems, source.now())
  if (ids !== undefined) return { kind: 'ids', ids }
  if (file !== '') return { kind: 'file', path: resolve(source.workspace, file), input: file }
  return { kind: 'library', filters: filters ?? {}, keepLatest }
}

/** The selection filters given; an invalid one is a problem, and left out. */
function readFilters(from: (name: string) => string, check: Check, problems: string[], now: number): VideoFilters {
  const text = (name: string, max: number): string | undefined => {
    const raw = from(name)
    return raw === '' ? undefined : check(name, parseFilterText(raw, max), undefined)
  }
  const instant = (name: string): string | undefined => {
    const raw = from(name)
    return raw === '' ? undefined : check(name, parseInstant(raw, now), undefined)
  }
  const status = from('status')
  const liveInput = from('live-input-id')
  const filters: VideoFilters = {
    start: instant('created-after'),
    end: instant('created-before'),
    creator: text('creator', 64),
    videoName: text('video-name', 1024),
    search: text('search', 1024),
    status: status === '' ? undefined : check('status', parseChoice(status, MEDIA_STATES), undefined),
    liveInputId: liveInput === '' ? undefined : check('live-input-id', parseIdentifier(liveInput), undefined)
  }
  const [after, before] = [filters.start, filters.end].map((at) => (at === undefined ? undefined : instantMicros(at)))
  if (after !== undefined && before !== undefined && after >= before) {
    problems.push(
      `Inputs \`created-after\` (${filters.start}) and \`created-before\` (${filters.end}) select nothing: ` +
        '`created-after` must be the earlier instant.'
    )
  }
  return dropUndefined(filters)
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
