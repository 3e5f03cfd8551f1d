import { describe, expect, it } from '@jest/globals'
import { readSettings, type Settings, SettingsError, type SettingsSource } from '../src/inputs/settings.js'

const ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353'
const NOW = Date.parse('2026-11-29T12:00:00Z')

/** A source that records, in order, what was masked and what was printed. */
function source(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const events: string[] = []
  const src: SettingsSource = {
    input: (name) => (inputs[name] ?? '').trim(),
    given: (name) => name in inputs,
    now: () => NOW,
    workspace: '/home/runner/work/app',
    env,
    mask: (secret) => events.push(`mask:${secret}`),
    info: (message) => events.push(`info:${message}`),
    warning: (message) => events.push(`warning:${message}`)
  }
  return { src, events }
}

function problems(run: () => Settings): readonly string[] {
  try {
    run()
  } catch (error) {
    if (error instanceof SettingsError) return error.problems
    throw error
  }
  throw new Error('expected a SettingsError')
}

const minimal = { 'video-id': '00000000000000000000000000abc123', 'account-id': ACCOUNT, 'api-token': 'tok-123' }

describe('readSettings', () => {
  it('applies the documented defaults', () => {
    const { src } = source(minimal)
    expect(readSettings(src)).toEqual({
      source: { kind: 'ids', ids: ['00000000000000000000000000abc123'] },
      exclude: new Set(),
      maxVideos: 1000,
      accountId: ACCOUNT,
      auth: { kind: 'token', token: 'tok-123' },
      downloadType: 'default',
      downloadTypes: ['default'],
      ifMissing: 'warn',
      dryRun: false,
      failOnError: true,
      baseUrl: 'https://api.cloudflare.com/client/v4',
      summary: true,
      maxRetries: 5,
      timeoutMs: 30_000,
      concurrency: 4,
      requestsPerMinute: 200,
      userAgentDetails: true,
      timeLimitMs: 0
    })
  })

  it('reads time-limit in s, min or h, and names the input when it is wrong', () => {
    expect(readSettings(source({ ...minimal, 'time-limit': '50min' }).src).timeLimitMs).toBe(50 * 60_000)
    expect(() => readSettings(source({ ...minimal, 'time-limit': '7h' }).src)).toThrow(
      'Input `time-limit` is "7h": at most 6h'
    )
  })

  it('expands download-type all into both renditions, default first', () => {
    const { src } = source({ ...minimal, 'download-type': 'all' })
    expect(readSettings(src).downloadTypes).toEqual(['default', 'audio'])
  })

  it('falls back to CLOUDFLARE_* variables when inputs are empty, inputs first', () => {
    const env = {
      CLOUDFLARE_ACCOUNT_ID: 'envaccount',
      CLOUDFLARE_API_TOKEN: 'env-token',
      CLOUDFLARE_API_BASE_URL: 'http://127.0.0.1:9/client/v4'
    }
    const fromEnv = readSettings(source({ 'video-id': '00000000000000000000000000000001' }, env).src)
    expect(fromEnv.accountId).toBe('envaccount')
    expect(fromEnv.auth).toEqual({ kind: 'token', token: 'env-token' })
    expect(fromEnv.baseUrl).toBe('http://127.0.0.1:9/client/v4')
    const fromInput = readSettings(source({ ...minimal, 'api-token': 'input-token' }, env).src)
    expect(fromInput.accountId).toBe(ACCOUNT)
    expect(fromInput.auth).toEqual({ kind: 'token', token: 'input-token' })
  })

  it('uses the key and e-mail when no token is given', () => {
    const { src } = source(
      { 'video-id': '00000000000000000000000000000001', 'account-id': ACCOUNT },
      { CLOUDFLARE_API_KEY: 'key-1', CLOUDFLARE_EMAIL: 'me@example.com' }
    )
    expect(readSettings(src).auth).toEqual({ kind: 'key', key: 'key-1', email: 'me@example.com' })
  })

  it('prefers the token over the key and says so', () => {
    const { src, events } = source({ ...minimal, 'api-key': 'key-1', email: 'me@example.com' })
    expect(readSettings(src).auth.kind).toBe('token')
    expect(events).toContain('info:Both an API token and a Global API key are set: using the API token.')
  })

  it('masks the token and the key before printing anything', () => {
    const { src, events } = source({ ...minimal, 'api-key': 'key-1', email: 'me@example.com' })
    readSettings(src)
    expect(events.slice(0, 2)).toEqual(['mask:tok-123', 'mask:key-1'])
  })

  it('masks each line of a credential with a line break, and refuses it without echoing it', () => {
    const { src, events } = source({ ...minimal, 'api-token': 'first-half\nsecond-half' })
    const found = problems(() => readSettings(src))
    expect(events).toEqual(['mask:first-half\nsecond-half', 'mask:first-half', 'mask:second-half'])
    expect(found).toEqual([expect.stringContaining('Input `api-token` must be printable ASCII')])
    expect(found.join('\n')).not.toMatch(/first-half|second-half/)
  })

  it('names api-token, and api-key + email as the alternative, when no credential is given', () => {
    const found = problems(() =>
      readSettings(source({ 'video-id': '00000000000000000000000000000001', 'account-id': ACCOUNT }).src)
    )
    expect(found).toEqual([expect.stringMatching(/`api-token` is required.*`api-key` and `email`/)])
  })

  it.each([
    [{ 'api-key': 'key-1' }, '`email` is required with `api-key`'],
    [{ email: 'me@example.com' }, '`api-key` is required with `email`']
  ])('asks for the other half of a key pair (%p)', (half, message) => {
    const found = problems(() =>
      readSettings(source({ 'video-id': '00000000000000000000000000000001', 'account-id': ACCOUNT, ...half }).src)
    )
    expect(found).toEqual([expect.stringContaining(message)])
  })

  it('reports every invalid input at once, each by name', () => {
    const { src } = source({
      'video-id': '00000000000000000000000000000001 not-ok',
      'account-id': ACCOUNT,
      'api-token': 'tok',
      'download-type': 'mp4',
      'if-missing': 'skip',
      'dry-run': 'yes',
      'fail-on-error': 'no',
      'base-url': 'http://api.cloudflare.com',
      summary: 'maybe',
      'max-retries': '-1',
      'timeout-seconds': '0',
      concurrency: '33',
      'requests-per-minute': 'lots'
    })
    const names = problems(() => readSettings(src)).map((problem) => /`([a-z-]+)`/.exec(problem)?.[1])
    expect(names.sort()).toEqual(
      [
        'video-id',
        'download-type',
        'if-missing',
        'dry-run',
        'fail-on-error',
        'base-url',
        'summary',
        'max-retries',
        'timeout-seconds',
        'concurrency',
        'requests-per-minute'
      ].sort()
    )
  })

  it('reads the resilience inputs', () => {
    const { src } = source({
      ...minimal,
      'max-retries': '0',
      'timeout-seconds': '2',
      concurrency: '32',
      'requests-per-minute': '0'
    })
    expect(readSettings(src)).toMatchObject({ maxRetries: 0, timeoutMs: 2000, concurrency: 32, requestsPerMinute: 0 })
  })

  it('names CLOUDFLARE_ACCOUNT_ID when the account id is missing', () => {
    const found = problems(() =>
      readSettings(source({ 'video-id': 'ea95132c15732412d22c1476fa83f27a', 'api-token': 'tok-123' }).src)
    )
    expect(found).toEqual([expect.stringMatching(/^Input `account-id` is required \(or set CLOUDFLARE_ACCOUNT_ID\)/)])
  })

  it('says how a credential shaped like the other kind is sent, and where it belongs', () => {
    const globalKey = 'c2547eb745079dac9320b638f5e225cf483cc'
    const apiToken = 'Abcdefghij_klmnopqrs-tuvwxyz0123456789AB'
    const asToken = source({ ...minimal, 'api-token': globalKey })
    expect(readSettings(asToken.src).auth).toEqual({ kind: 'token', token: globalKey })
    expect(asToken.events).toContainEqual(
      expect.stringMatching(/^warning:Input `api-token` looks like a Global API key .*sent as an API token .*`api-key`/)
    )
    const asKey = source({
      'video-id': 'ea95132c15732412d22c1476fa83f27a',
      'account-id': ACCOUNT,
      'api-key': apiToken,
      email: 'me@example.com'
    })
    expect(readSettings(asKey.src).auth.kind).toBe('key')
    expect(asKey.events).toContainEqual(
      expect.stringMatching(/^warning:Input `api-key` looks like an API token .*sent as a Global API key .*`api-token`/)
    )
    // Each in its own input: no warning.
    const right = [
      source({ ...minimal, 'api-token': apiToken }),
      source({
        'video-id': 'ea95132c15732412d22c1476fa83f27a',
        'account-id': ACCOUNT,
        'api-key': globalKey,
        email: 'me@example.com'
      })
    ]
    for (const { src, events } of right) {
      readSettings(src)
      expect(events.filter((event) => event.startsWith('warning:'))).toEqual([])
    }
  })

  it('turns the run details of the User-Agent off with user-agent-details: false', () => {
    expect(readSettings(source({ ...minimal, 'user-agent-details': 'false' }).src).userAgentDetails).toBe(false)
  })

  it('gives an empty api-token its likely causes, since the secret it names did not arrive', () => {
    const { src } = source({ 'video-id': '00000000000000000000000000000001', 'account-id': ACCOUNT, 'api-token': '' })
    expect(problems(() => readSettings(src))).toEqual([
      expect.stringMatching(/^Input `api-token` was given but is empty: .*not defined .*typo.*forks and Dependabot/)
    ])
  })
})

describe('readSettings: where the videos come from', () => {
  const auth = { 'account-id': ACCOUNT, 'api-token': 'tok-123' }
  const read = (inputs: Record<string, string>) => readSettings(source({ ...auth, ...inputs }).src)

  it('reads a list with # comments, or a JSON array such as the failed output', () => {
    expect(
      read({
        'video-id':
          '000000000000000000000000000000a1 # first\n# a whole comment line\n000000000000000000000000000000b2,000000000000000000000000000000c3'
      }).source
    ).toEqual({
      kind: 'ids',
      ids: ['000000000000000000000000000000a1', '000000000000000000000000000000b2', '000000000000000000000000000000c3']
    })
    expect(
      read({ 'video-id': '["000000000000000000000000000000a1","000000000000000000000000000000b2"]' }).source
    ).toEqual({ kind: 'ids', ids: ['000000000000000000000000000000a1', '000000000000000000000000000000b2'] })
  })

  it('resolves video-id-file against the workspace', () => {
    expect(read({ 'video-id-file': 'ids/old.txt' }).source).toEqual({
      kind: 'file',
      path: '/home/runner/work/app/ids/old.txt',
      input: 'ids/old.txt'
    })
  })

  it('maps the filters to the list API, ages counted back from now', () => {
    const settings = read({
      'created-before': '90d',
      'created-after': '2026-01-01T00:00:00Z',
      creator: 'release-bot',
      'video-name': 'Launch',
      search: 'launch',
      status: 'ready',
      'live-input-id': 'abc0123456789def0123456789abcdef',
      'keep-latest': '20',
      exclude: '000000000000000000000000000000e1, 000000000000000000000000000000e2',
      'max-videos': '500'
    })
    expect(settings.source).toEqual({
      kind: 'library',
      filters: {
        start: '2026-01-01T00:00:00.000Z',
        end: '2026-08-31T12:00:00.000Z',
        creator: 'release-bot',
        videoName: 'Launch',
        search: 'launch',
        status: 'ready',
        liveInputId: 'abc0123456789def0123456789abcdef'
      },
      keepLatest: 20
    })
    expect(settings.exclude).toEqual(new Set(['000000000000000000000000000000e1', '000000000000000000000000000000e2']))
    expect(settings.maxVideos).toBe(500)
  })

  it.each([
    [{}, /^Input `video-id` is required, or `video-id-file`, or selection filters/],
    [
      { 'video-id': '000000000000000000000000000000a1', 'video-id-file': 'f' },
      /`video-id` and `video-id-file` were both given/
    ],
    [
      { 'video-id': '000000000000000000000000000000a1', 'created-before': '90d' },
      /`video-id` and filters were both given: .*filters given: created-before/
    ],
    [
      { 'video-id': '000000000000000000000000000000a1', 'keep-latest': '3' },
      /`keep-latest` works only with selection filters/
    ],
    [
      { 'video-id': '000000000000000000000000000000a1', 'checkpoint-file': 'cp.json' },
      /`checkpoint-file` works only with selection filters/
    ],
    [
      { 'video-id-file': 'ids.txt', 'checkpoint-file': 'cp.json' },
      /`checkpoint-file` works only with selection filters/
    ],
    [{ 'created-before': '90 days' }, /`created-before` is "90 days"/],
    [{ 'created-before': '90m' }, /minutes or months/],
    [{ status: 'done' }, /`status` is "done": use one of pendingupload/],
    [{ 'created-after': '2026-06-01T00:00:00Z', 'created-before': '2026-01-01T00:00:00Z' }, /select nothing/]
  ])('refuses %j', (inputs, problem) => {
    expect(problems(() => read(inputs))).toEqual([expect.stringMatching(problem)])
  })

  it('reads checkpoint-file as a path from the workspace, for a selection', () => {
    expect(read({ 'created-before': '90d', 'checkpoint-file': 'state/cp.json' }).checkpointFile).toEqual({
      path: expect.stringMatching(/state\/cp\.json$/),
      input: 'state/cp.json'
    })
    expect(read({ 'created-before': '90d' }).checkpointFile).toBeUndefined()
  })

  it('reports the problems of every source given, with the conflict between them', () => {
    const found = problems(() => read({ 'video-id': 'a1 not-an-id!', 'created-before': '2024-01-01', status: 'done' }))
    expect(found).toEqual([
      expect.stringMatching(/`video-id` and filters were both given/),
      expect.stringMatching(/^Input `video-id` /),
      expect.stringMatching(/^Input `created-before` is "2024-01-01"/),
      expect.stringMatching(/^Input `status` is "done"/)
    ])
  })
})
