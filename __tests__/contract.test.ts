/**
 * Contract test against Cloudflare's OpenAPI description (a copy in fixtures/): every request the
 * client can build, and the client's reading of answers shaped like the spec's response schemas.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { Ajv } from 'ajv'
import { authHeaders, CloudflareClient, downloadsUrl } from '../src/cloudflare/client.js'
import { createTransport } from '../src/runner/http.js'
import { exchange } from './helpers/fakes.js'
import { readEnvelope } from '../src/cloudflare/envelope.js'
import { parseIdList } from '../src/inputs/input-parsers.js'
import { DEFAULT_BASE_URL } from '../src/inputs/settings.js'
import type { Auth, DownloadType } from '../src/types.js'
import { type FaultRule, makeLibrary, startStandIn } from '../dev/stand-in.js'
import { listQuery, readVideoPage } from '../src/cloudflare/video-list.js'
import { MEDIA_STATES, type VideoFilters } from '../src/types.js'

interface Parameter {
  name: string
  in: string
  required?: boolean
  schema: object
}
interface Operation {
  parameters: Parameter[]
  security: Record<string, string[]>[]
  responses: Record<string, { content: { 'application/json': { schema: object } } }>
}

const spec = JSON.parse(readFileSync(new URL('fixtures/stream-downloads.openapi.json', import.meta.url), 'utf8')) as {
  servers: { url: string }[]
  paths: Record<string, Record<string, Operation>>
  components: {
    schemas: Record<string, object>
    securitySchemes: Record<string, { type: string; in?: string; name?: string; scheme?: string }>
  }
}
// The spec's own keywords (example, x-…) are not JSON Schema; `nullable` is OpenAPI's, which Ajv knows.
// Ajv has no formats built in: the two the spec uses are checked here (RFC 3339 date-time, a URL).
const formats = {
  'date-time': /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
  uri: (text: string) => URL.canParse(text)
}
const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true, formats })
ajv.addSchema(spec, 'openapi')
const validate = (schema: object, value: unknown): string[] => {
  const check = ajv.compile({ $ref: `openapi#/components/schemas/${refName(schema)}` })
  return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
}
const refName = (schema: object): string => ((schema as { $ref: string }).$ref ?? '').split('/').pop() ?? ''

/** Finds the spec operation a URL and method match, with the path parameters it carries. */
function matchOperation(url: URL, method: string) {
  const server = spec.servers[0]?.url ?? ''
  const bare = `${url.origin}${url.pathname}`
  expect(bare.startsWith(server)).toBe(true)
  const path = bare.slice(server.length)
  for (const [template, operations] of Object.entries(spec.paths)) {
    const names: string[] = []
    const pattern = new RegExp(
      `^${template.replace(/\{([^}]+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'))}$`
    )
    const match = pattern.exec(path)
    const operation = operations[method]
    if (match && operation) {
      return { template, operation, params: Object.fromEntries(names.map((name, i) => [name, match[i + 1]])) }
    }
  }
  throw new Error(`no ${method} operation for ${path}`)
}

const account = '023e105f4ecef8ad9ca31a8372d0c353'
const longest = 'a'.repeat(32)

describe('requests the client builds, against the OpenAPI description', () => {
  it.each<DownloadType>(['default', 'audio'])(
    'the %s download is a documented DELETE with valid path parameters',
    (type) => {
      for (const video of ['ea95132c15732412d22c1476fa83f27a', longest, 'x']) {
        const { template, operation, params } = matchOperation(
          downloadsUrl(DEFAULT_BASE_URL, account, video, type),
          'delete'
        )
        expect(template).toBe(
          type === 'audio'
            ? '/accounts/{account_id}/stream/{identifier}/downloads/{download_type}'
            : '/accounts/{account_id}/stream/{identifier}/downloads'
        )
        for (const parameter of operation.parameters) {
          expect(parameter.in).toBe('path')
          expect(validate(parameter.schema, params[parameter.name])).toEqual([])
        }
      }
    }
  )

  it('cannot send an id over maxLength 32: the input parser refuses it first', () => {
    const { operation, params } = matchOperation(
      downloadsUrl(DEFAULT_BASE_URL, account, 'a'.repeat(33), 'audio'),
      'delete'
    )
    const identifier = operation.parameters.find((p) => p.name === 'identifier')
    expect(validate(identifier?.schema ?? {}, params.identifier)).not.toEqual([])
    expect(parseIdList('a'.repeat(33)).ok).toBe(false)
  })

  it('has no download_type other than the enum', () => {
    const { operation } = matchOperation(downloadsUrl(DEFAULT_BASE_URL, account, 'v', 'audio'), 'delete')
    const type = operation.parameters.find((p) => p.name === 'download_type')
    expect(validate(type?.schema ?? {}, 'audio')).toEqual([])
    expect(validate(type?.schema ?? {}, 'mp4')).not.toEqual([])
  })

  it.each<[string, Auth, string[]]>([
    ['an API token', { kind: 'token', token: 't0k' }, ['api_token']],
    ['an e-mail and Global API key', { kind: 'key', email: 'me@example.com', key: 'k3y' }, ['api_email', 'api_key']]
  ])('authenticates with %s, as the security schemes name the headers', (_, auth, schemes) => {
    const { operation } = matchOperation(downloadsUrl(DEFAULT_BASE_URL, account, 'v', 'default'), 'delete')
    // The spec's quirk: one requirement listing all three. The API takes a token OR e-mail + key.
    expect(Object.keys(operation.security[0] ?? {}).sort()).toEqual(['api_email', 'api_key', 'api_token'])
    const expected: Record<string, string> = {}
    for (const name of schemes) {
      const scheme = spec.components.securitySchemes[name]
      if (scheme?.type === 'http' && scheme.scheme === 'bearer') {
        expected.authorization = `Bearer ${auth.kind === 'token' ? auth.token : ''}`
      } else if (scheme?.in === 'header' && scheme.name) {
        expected[scheme.name.toLowerCase()] =
          auth.kind === 'key' ? (scheme.name === 'X-Auth-Email' ? auth.email : auth.key) : ''
      }
    }
    expect(authHeaders(auth)).toEqual(expected)
  })
})

describe('answers, against the response schemas', () => {
  const success = { success: true, errors: [], messages: [], result: 'ok' }
  const failure = {
    success: false,
    errors: [{ code: 7003, message: 'No route for the URI' }],
    messages: [],
    result: null
  }

  it('reads a 200 that matches stream_deleted_response as deleted with result "ok"', () => {
    const { operation } = matchOperation(downloadsUrl(DEFAULT_BASE_URL, account, 'v', 'default'), 'delete')
    expect(validate(operation.responses['200']?.content['application/json'].schema ?? {}, success)).toEqual([])
    expect(readEnvelope('application/json', JSON.stringify(success))).toEqual({ envelope: success })
  })

  it('reads a 4XX that matches stream_api-response-common-failure, keeping its errors', () => {
    const { operation } = matchOperation(downloadsUrl(DEFAULT_BASE_URL, account, 'v', 'audio'), 'delete')
    expect(validate(operation.responses['4XX']?.content['application/json'].schema ?? {}, failure)).toEqual([])
    expect(readEnvelope('application/json', JSON.stringify(failure))).toEqual({ envelope: failure })
  })

  it.each<[string, FaultRule[], string, number, string[]]>([
    ['a deletion', [], 'stream_deleted_response', 200, []],
    ['a missing video', [], 'stream_api-response-common-failure', 404, []],
    // Cloudflare's throttling code 971 is below the spec's `minimum: 1000` for codes: the real API
    // breaks its own schema there, so the client must not rely on that minimum (it does not).
    ['a 429', [{ fault: '429' }], 'stream_api-response-common-failure', 429, ['/errors/0/code must be >= 1000']]
  ])('the stand-in answers %s as the spec describes it', async (_, faults, schema, status, deviations) => {
    const standIn = await startStandIn({ videos: status === 200 ? { v1: {} } : {}, faults })
    const transport = createTransport(undefined, { connections: 1, timeoutMs: 5000 })
    try {
      const response = await exchange(transport, {
        origin: standIn.origin,
        path: `/client/v4/accounts/${standIn.accountId}/stream/v1/downloads`,
        method: 'DELETE',
        headers: { authorization: `Bearer ${standIn.token}` }
      })
      expect(response.statusCode).toBe(status)
      const body = JSON.parse(response.body) as unknown
      expect(validate({ $ref: `#/components/schemas/${schema}` }, body)).toEqual(deviations)
      const reading = readEnvelope('application/json', JSON.stringify(body))
      expect('envelope' in reading && reading.envelope.success).toBe(status === 200)
    } finally {
      await transport.destroy()
      await standIn.close()
    }
  })

  it('the client reads the stand-in’s answers into the same envelope the schema describes', async () => {
    const standIn = await startStandIn({ videos: { v1: {} } })
    const transport = createTransport(undefined, { connections: 1, timeoutMs: 5000 })
    try {
      const client = new CloudflareClient({
        baseUrl: standIn.baseUrl,
        accountId: standIn.accountId,
        auth: { kind: 'token', token: standIn.token },
        userAgent: 'contract',
        transport
      })
      const answer = await client.deleteDownload('v1', 'default', new AbortController().signal)
      expect(
        answer.kind === 'http' && validate({ $ref: '#/components/schemas/stream_deleted_response' }, answer.envelope)
      ).toEqual([])
    } finally {
      await transport.destroy()
      await standIn.close()
    }
  })
})

/**
 * A query parameter's value (always text on the wire) against its schema, with the coercion a
 * server applies (`"true"` is a boolean, `"1000"` an integer).
 */
const coercing = new Ajv({ strict: false, validateSchema: false, allErrors: true, coerceTypes: true, formats })
coercing.addSchema(spec, 'openapi')
function validateQueryValue(schema: object, value: string): string[] {
  const inline = '$ref' in schema ? { $ref: `openapi#/components/schemas/${refName(schema)}` } : schema
  const check = coercing.compile({ type: 'object', properties: { value: inline } })
  return check({ value }) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
}

const everyFilter: VideoFilters = {
  start: '2026-01-01T00:00:00.000Z',
  end: '2026-06-01T00:00:00.123456Z',
  creator: 'creator-id_abcde12345',
  videoName: 'puppy.mp4',
  search: 'puppy',
  status: 'ready',
  liveInputId: '66be4bf738797e01e1fca35a7bdecdcd'
}

const listUrl = (query: URLSearchParams) =>
  new URL(`${DEFAULT_BASE_URL}/accounts/${account}/stream?${query.toString()}`)

describe('the video list, against the OpenAPI description', () => {
  it.each<[string, URLSearchParams]>([
    ['the first page, with every filter and the counts', listQuery(everyFilter, { includeCounts: true })],
    ['a next page, from the cursor', listQuery(everyFilter, { cursor: '2026-02-03T04:05:06.000999Z', limit: 1 })],
    ['no filter at all', listQuery({})]
  ])('%s: a documented GET whose query parameters are all declared and valid', (_, query) => {
    const { template, operation, params } = matchOperation(listUrl(query), 'get')
    expect(template).toBe('/accounts/{account_id}/stream')
    const declared = new Map(operation.parameters.map((p) => [`${p.in}:${p.name}`, p]))
    expect(validate(declared.get('path:account_id')?.schema ?? {}, params.account_id)).toEqual([])
    expect([...query.keys()].length).toBeGreaterThanOrEqual(2)
    for (const [name, value] of query) {
      const parameter = declared.get(`query:${name}`)
      expect({ name, declared: parameter !== undefined }).toEqual({ name, declared: true })
      expect(validateQueryValue(parameter?.schema ?? {}, value)).toEqual([])
    }
  })

  it('pages with limit 1–1000 and asc, as declared', () => {
    const { operation } = matchOperation(listUrl(listQuery({})), 'get')
    const schemaOf = (name: string) => operation.parameters.find((p) => p.name === name)?.schema ?? {}
    expect(validateQueryValue(schemaOf('limit'), '1000')).toEqual([])
    expect(validateQueryValue(schemaOf('limit'), '1001')).not.toEqual([])
    expect(validateQueryValue(schemaOf('limit'), '0')).not.toEqual([])
    expect(validateQueryValue(schemaOf('asc'), 'true')).toEqual([])
    expect(validateQueryValue(schemaOf('start'), 'yesterday')).not.toEqual([])
  })

  it('checks each exact filter against the field the video schema declares for it, and leaves search alone', () => {
    interface Schema {
      $ref?: string
      type?: string
      description?: string
      properties?: Record<string, Schema>
    }
    const schemas = spec.components.schemas as Record<string, Schema>
    const video = schemas.stream_videos?.properties ?? {}
    expect(refName(video.creator ?? {})).toBe('stream_creator')
    expect(refName(video.status?.properties?.state ?? {})).toBe('stream_media_state')
    expect(video.liveInput?.type).toBe('string')
    expect(video.meta?.type).toBe('object')
    expect(schemas.stream_video_name?.description).toMatch(/exact string match on the `name` key in the `meta` field/)
    expect(schemas.stream_search?.description).toMatch(/partial word match/)
    // An entry that agrees with every filter passes; one that differs in any checked field does not.
    const entry = {
      uid: 'ea95132c15732412d22c1476fa83f27a',
      created: '2026-01-01T00:00:00Z',
      creator: everyFilter.creator,
      status: { state: everyFilter.status },
      liveInput: everyFilter.liveInputId,
      meta: { name: everyFilter.videoName }
    }
    expect(readVideoPage([entry], everyFilter).contradictions).toEqual([])
    for (const [field, value] of [
      ['creator', 'other'],
      ['status', { state: 'error' }],
      ['liveInput', 'other'],
      ['meta', { name: 'Puppy.mp4' }]
    ] as const) {
      expect(readVideoPage([{ ...entry, [field]: value }], everyFilter).contradictions).toHaveLength(1)
    }
    expect(
      readVideoPage([{ ...entry, meta: { name: 'puppy-x' } }], { search: 'nothing alike' }).contradictions
    ).toEqual([])
  })

  it('offers exactly the spec’s media states for the status filter', () => {
    const states = (spec.components.schemas.stream_media_state as { enum: string[] }).enum
    expect([...MEDIA_STATES]).toEqual(states)
  })
})

describe('the stand-in’s list and downloads answers, against the response schemas', () => {
  const list = (operation: Operation) => operation.responses['200']?.content['application/json'].schema ?? {}
  const get = async (standIn: Awaited<ReturnType<typeof startStandIn>>, path: string) => {
    const transport = createTransport(undefined, { connections: 1, timeoutMs: 5000 })
    try {
      const response = await exchange(transport, {
        origin: standIn.origin,
        path: `/client/v4/accounts/${standIn.accountId}${path}`,
        method: 'GET',
        headers: { authorization: `Bearer ${standIn.token}` }
      })
      return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> }
    } finally {
      await transport.destroy()
    }
  }

  it('answers the list as stream_video_response_collection, with range and total, and the reader takes it whole', async () => {
    const library = makeLibrary(60, { seed: 2, maxShared: 3 })
    const standIn = await startStandIn({ library })
    try {
      const { operation } = matchOperation(listUrl(listQuery({})), 'get')
      for (const query of [
        listQuery({}, { limit: 25, includeCounts: true }),
        listQuery({ creator: 'alice', start: library[10]?.created ?? '' }, { limit: 5 }),
        new URLSearchParams({ type: 'live' })
      ]) {
        const { status, body } = await get(standIn, `/stream?${query.toString()}`)
        expect(status).toBe(200)
        expect(validate(list(operation), body)).toEqual([])
        const page = readVideoPage(body.result)
        expect(page.problems).toEqual([])
        expect(page.videos).toHaveLength(page.entries)
        expect(typeof body.range).toBe('number')
        expect('total' in body).toBe(query.get('include_counts') === 'true')
      }
    } finally {
      await standIn.close()
    }
  })

  it('answers a list it cannot serve as stream_api-response-common-failure', async () => {
    const standIn = await startStandIn({})
    try {
      const { operation } = matchOperation(listUrl(listQuery({})), 'get')
      const { status, body } = await get(standIn, '/stream?limit=5000')
      expect(status).toBe(400)
      expect(validate(operation.responses['4XX']?.content['application/json'].schema ?? {}, body)).toEqual([])
    } finally {
      await standIn.close()
    }
  })

  it('answers GET downloads as stream_downloads_response, with status and percentComplete', async () => {
    const standIn = await startStandIn({
      library: [
        {
          uid: 'ea95132c15732412d22c1476fa83f27a',
          created: '2026-01-01T00:00:00Z',
          downloads: { default: true, audio: { status: 'inprogress', percentComplete: 40 } }
        },
        { uid: 'b2', created: '2026-01-01T00:00:00Z', downloads: { default: false } }
      ]
    })
    try {
      const { template, operation } = matchOperation(
        new URL(`${DEFAULT_BASE_URL}/accounts/${account}/stream/ea95132c15732412d22c1476fa83f27a/downloads`),
        'get'
      )
      expect(template).toBe('/accounts/{account_id}/stream/{identifier}/downloads')
      const both = await get(standIn, '/stream/ea95132c15732412d22c1476fa83f27a/downloads')
      expect(validate(list(operation), both.body)).toEqual([])
      expect(both.body.result).toMatchObject({
        default: { status: 'ready', percentComplete: 100 },
        audio: { status: 'inprogress', percentComplete: 40 }
      })
      const none = await get(standIn, '/stream/b2/downloads')
      expect(validate(list(operation), none.body)).toEqual([])
      expect(none.body.result).toEqual({})
      const missing = await get(standIn, '/stream/nope/downloads')
      expect(missing.status).toBe(404)
      expect(validate(operation.responses['4XX']?.content['application/json'].schema ?? {}, missing.body)).toEqual([])
    } finally {
      await standIn.close()
    }
  })
})
