/**
 * Every video's record from the batch to the report, held compactly. A 100,000-video run keeps
 * all of them until the end, and as objects that is five or six of them a video, ~450 bytes
 * (bench/RESULTS.md). Here a request takes a few bytes in typed arrays: its outcome, status,
 * attempts and ray id, and the index of what the answer said (a short text result, the errors and
 * the messages), which the store holds once for every request that said the same. A run says few
 * different things: `"ok"` for every deletion that went well, the same "not found" for every
 * video without downloads (most of a selection). A video with anything else (a result that is not
 * text, more than 256 different sayings, an odd number) is kept as its objects. The report
 * gets each record rebuilt as it walks them, equal to what was stored, key order included; the
 * results file gets each one's JSON written from here, without rebuilding it (writeJson).
 */
import {
  type CloudflareMessage,
  type DownloadType,
  type RequestOutcome,
  type RequestRecord,
  type VideoList,
  type VideoRecord
} from '../types.js'
import { DigestBuilder, OUTCOMES } from './digest.js'
import type { JsonBytes } from './json-bytes.js'

/** A video's code: 0 not stored yet, 1–5 an outcome (OUTCOMES[code − 1]) held compactly, WHOLE kept as objects. */
const WHOLE = 255
/** Each outcome as JSON. */
const OUTCOME_JSON = OUTCOMES.map((outcome) => JSON.stringify(outcome))

/** A request's flags: its outcome's index (3 bits), then: */
const ANSWER_LOST = 8
const HAS_RAY = 16

/** Different sayings held at most (one byte a request indexes them); past that, videos are kept whole. */
const MAX_SAYINGS = 256
/** Results held as text only up to this length: anything longer is not the plain `"ok"`. */
const MAX_RESULT_LENGTH = 200

/** What an answer said: the part of a request's record that many requests share. */
interface Saying {
  result: string | null
  errors: readonly CloudflareMessage[]
  messages: readonly CloudflareMessage[]
  /** `,"result":…,"errors":…,"messages":…` as JSON.stringify writes them in a record. */
  json: string
}
/** Ray ids are packed as Latin-1 bytes (as HTTP headers are read); a longer or wider one keeps its video whole. */
const MAX_RAY_LENGTH = 0xffff
/** Ray id bytes at most: where they start is a 32-bit offset. */
const MAX_RAY_BYTES = 0xffffffff
/** Bytes reserved for the ray ids at first, per request (a Cloudflare ray id is 20 characters). */
const RAY_BYTES_GUESS = 24

export class RecordStore implements VideoList {
  readonly length: number
  private readonly perVideo: number
  private readonly videoCodes: Uint8Array
  private readonly whole = new Map<number, VideoRecord>()
  // Per request, at video index × perVideo + its position in the download types:
  private readonly flags: Uint8Array
  /** The status code + 1; 0 for none. */
  private readonly statuses: Uint16Array
  private readonly attempts: Uint8Array
  /** Index into `sayings`. */
  private readonly sayingCodes: Uint8Array
  private readonly rayStarts: Uint32Array
  private readonly rayLengths: Uint16Array
  private rays: Buffer
  private raysEnd = 0
  private readonly sayings: Saying[] = []
  private readonly sayingIndex = new Map<string, number>()
  /** The start of each request's JSON, by its position in the download types. */
  private readonly requestHeads: readonly string[]
  /** What the report needs to know of every video, gathered as they are stored (digest.ts). */
  private readonly digest: DigestBuilder

  /** Room for one record per id, each with one request per download type, in that order. */
  constructor(
    private readonly videoIds: readonly string[],
    private readonly types: readonly DownloadType[]
  ) {
    this.length = videoIds.length
    this.perVideo = types.length
    const requests = this.length * this.perVideo
    this.videoCodes = new Uint8Array(this.length)
    this.flags = new Uint8Array(requests)
    this.statuses = new Uint16Array(requests)
    this.attempts = new Uint8Array(requests)
    this.sayingCodes = new Uint8Array(requests)
    this.rayStarts = new Uint32Array(requests)
    this.rayLengths = new Uint16Array(requests)
    this.rays = Buffer.allocUnsafeSlow(Math.max(64, requests * RAY_BYTES_GUESS))
    this.digest = new DigestBuilder(this.length)
    this.digest.attach(this)
    this.requestHeads = types.map((type) => `{"download_type":${JSON.stringify(type)},"outcome":`)
  }

  /** Stores the record of the video at `index` (its id `videoIds[index]`), once. */
  set(index: number, video: VideoRecord): void {
    if (this.videoCodes[index] !== 0) throw new Error(`The record of video ${index} is already stored`)
    this.digest.add(index, video)
    const keys = this.compactKeys(index, video)
    if (keys === undefined) {
      this.videoCodes[index] = WHOLE
      this.whole.set(index, video)
      return
    }
    const first = index * this.perVideo
    video.requests.forEach((request, position) => {
      const at = first + position
      let flags = OUTCOMES.indexOf(request.outcome)
      if (request.answer_lost) flags |= ANSWER_LOST
      if (request.ray_id !== null) {
        flags |= HAS_RAY
        this.rayStarts[at] = this.packRay(request.ray_id)
        this.rayLengths[at] = request.ray_id.length
      }
      this.flags[at] = flags
      this.statuses[at] = request.status_code === null ? 0 : request.status_code + 1
      this.attempts[at] = request.attempts
      this.sayingCodes[at] = this.sayingCode(request, keys[position] as string)
    })
    this.videoCodes[index] = OUTCOMES.indexOf(video.outcome) + 1
  }

  /** The record of the video at `index`, rebuilt; `undefined` if none was stored there. */
  at(index: number): VideoRecord | undefined {
    const code = this.videoCodes[index]
    if (code === undefined || code === 0) return undefined
    if (code === WHOLE) return this.whole.get(index)
    const requests = new Array<RequestRecord>(this.perVideo)
    const first = index * this.perVideo
    for (let position = 0; position < this.perVideo; position++) {
      requests[position] = this.request(first + position, this.types[position] as DownloadType)
    }
    return { video_id: this.videoIds[index] as string, outcome: OUTCOMES[code - 1] as RequestOutcome, requests }
  }

  /**
   * Writes the record of the video at `index` as `${JSON.stringify(this.at(index))}` would, without
   * rebuilding it: the results file, every video of the run (report/results-file.ts).
   */
  writeJson(index: number, out: JsonBytes): void {
    const code = this.videoCodes[index] ?? 0
    if (code === 0 || code === WHOLE) {
      out.json(this.at(index))
      return
    }
    // The same keys in the same order as request() and at() build them (and outcome.ts before).
    out.text('{"video_id":')
    out.string(this.videoIds[index] as string)
    out.text(',"outcome":')
    out.text(OUTCOME_JSON[code - 1] as string)
    out.text(',"requests":[')
    const first = index * this.perVideo
    for (let position = 0; position < this.perVideo; position++) {
      if (position > 0) out.text(',')
      this.writeRequestJson(first + position, position, out)
    }
    out.text(']}')
  }

  *[Symbol.iterator](): Iterator<VideoRecord> {
    for (let index = 0; index < this.length; index++) yield this.at(index) as VideoRecord
  }

  /**
   * When every part of the video fits the compact form, the keys of what its requests said;
   * otherwise undefined, and it is kept as it is.
   */
  private compactKeys(index: number, video: VideoRecord): string[] | undefined {
    if (video.video_id !== this.videoIds[index] || video.requests.length !== this.perVideo) return undefined
    const rayBytes = video.requests.reduce((sum, request) => sum + (request.ray_id?.length ?? 0), 0)
    if (this.raysEnd + rayBytes > MAX_RAY_BYTES) return undefined
    const each = video.requests.every(
      (request, position) =>
        request.download_type === this.types[position] &&
        (request.status_code === null || isWhole(request.status_code, 0xfffe)) &&
        isWhole(request.attempts, 0xff) &&
        (request.ray_id === null || packable(request.ray_id)) &&
        (request.result === null ||
          (typeof request.result === 'string' && request.result.length <= MAX_RESULT_LENGTH)) &&
        request.errors.every(exactInJson) &&
        request.messages.every(exactInJson)
    )
    if (!each) return undefined
    const keys = video.requests.map(sayingKey)
    // Room for whatever new they say?
    const unheard = new Set(keys.filter((key) => !this.sayingIndex.has(key)))
    return this.sayings.length + unheard.size <= MAX_SAYINGS ? keys : undefined
  }

  private request(at: number, type: DownloadType): RequestRecord {
    const flags = this.flags[at] as number
    const status = this.statuses[at] as number
    const start = this.rayStarts[at] as number
    const saying = this.sayings[this.sayingCodes[at] as number] as Saying
    // The same keys in the same order as outcome.ts builds them: the results file is their JSON.
    return {
      download_type: type,
      outcome: OUTCOMES[flags & 7] as RequestOutcome,
      status_code: status === 0 ? null : status - 1,
      result: saying.result,
      errors: saying.errors,
      messages: saying.messages,
      ray_id: flags & HAS_RAY ? this.rays.toString('latin1', start, start + (this.rayLengths[at] as number)) : null,
      attempts: this.attempts[at] as number,
      answer_lost: (flags & ANSWER_LOST) !== 0
    }
  }

  private writeRequestJson(at: number, position: number, out: JsonBytes): void {
    const flags = this.flags[at] as number
    const status = this.statuses[at] as number
    out.text(this.requestHeads[position] as string)
    out.text(OUTCOME_JSON[flags & 7] as string)
    out.text(',"status_code":')
    if (status === 0) out.text('null')
    else out.integer(status - 1)
    out.text((this.sayings[this.sayingCodes[at] as number] as Saying).json)
    out.text(',"ray_id":')
    if (flags & HAS_RAY) {
      const start = this.rayStarts[at] as number
      out.latin1String(this.rays, start, start + (this.rayLengths[at] as number))
    } else out.text('null')
    out.text(',"attempts":')
    out.integer(this.attempts[at] as number)
    out.text(flags & ANSWER_LOST ? ',"answer_lost":true}' : ',"answer_lost":false}')
  }

  private sayingCode(request: RequestRecord, key: string): number {
    let code = this.sayingIndex.get(key)
    if (code === undefined) {
      const { errors, messages } = request
      const result = request.result as string | null
      const json = `,"result":${JSON.stringify(result)},"errors":${JSON.stringify(errors)},"messages":${JSON.stringify(messages)}`
      code = this.sayings.push({ result, errors, messages, json }) - 1
      this.sayingIndex.set(key, code)
    }
    return code
  }

  /** Appends a ray id's bytes, growing the buffer when full; returns where they start. */
  private packRay(ray: string): number {
    if (this.raysEnd + ray.length > this.rays.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(2 * this.rays.length, this.raysEnd + ray.length))
      this.rays.copy(grown, 0, 0, this.raysEnd)
      this.rays = grown
    }
    const start = this.raysEnd
    this.raysEnd += this.rays.write(ray, start, 'latin1')
    return start
  }
}

/**
 * Requests that say the same share one key: their JSON, cheaply for the common case of a text
 * result or none with no errors or messages.
 */
function sayingKey(request: RequestRecord): string {
  const { result, errors, messages } = request
  if (errors.length === 0 && messages.length === 0) return result === null ? 'n' : `s${result as string}`
  return `j${JSON.stringify([result, errors, messages])}`
}

/**
 * An entry of `errors` or `messages` that its JSON gives back exactly (not a code of −0, which
 * JSON writes as 0), so that requests with the same JSON may share one.
 */
function exactInJson(message: CloudflareMessage): boolean {
  return !Object.is(message.code, -0)
}

function isWhole(value: number, max: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= max
}

/** A ray id that Latin-1 bytes hold exactly. */
function packable(ray: string): boolean {
  // eslint-disable-next-line no-control-regex
  return ray.length <= MAX_RAY_LENGTH && !/[^\u0000-\u00ff]/.test(ray)
}
