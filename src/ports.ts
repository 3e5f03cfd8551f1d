/**
 * The ports: what the run needs from the outside world, as shapes only. This module imports
 * nothing, so the run, the domain modules and the production adapters (main.ts, actions-core.ts,
 * http.ts, signals.ts) can all depend on it while none depends on the others' wiring.
 * Tests pass their own implementations (__tests__/helpers/fakes.ts).
 */

/** The parts of @actions/core the action uses; production: actions-core.ts, tests: a recorder. */
export interface ActionsCore {
  getInput: (name: string) => string
  /** Whether the step's `with:` gave the input at all, even empty (its INPUT_ variable exists). */
  inputGiven: (name: string) => boolean
  setSecret: (secret: string) => void
  setOutput: (name: string, value: string) => void
  setFailed: (message: string) => void
  info: (message: string) => void
  error: (message: string, properties?: { title?: string }) => void
  warning: (message: string, properties?: { title?: string }) => void
  notice: (message: string, properties?: { title?: string }) => void
  startGroup: (name: string) => void
  endGroup: () => void
  /** Appends Markdown to the job summary. */
  writeSummary: (markdown: string) => Promise<void>
}

/** Time, injected so that tests run on a virtual clock. */
export interface Clock {
  now: () => number
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
}

/**
 * Cancellation in two stages, as the runner cancels a step: `stop` (first signal) sends nothing
 * new and cuts waits short; `abort` (after a grace period) gives up on requests in flight.
 */
export interface Cancellation {
  stop: AbortSignal
  abort: AbortSignal
}

/** One HTTP request as the Cloudflare client sends it. */
export interface TransportRequest {
  origin: string
  /** Path and query string. */
  path: string
  method: 'GET' | 'DELETE'
  headers: Record<string, string>
  /** A larger body is not read (and not held): the answer then has no body. */
  maxBodyBytes: number
  /** The step's cancellation: ends the request at once. */
  signal: AbortSignal
}

export interface TransportOptions {
  /** Connections kept to the origin: one per request in flight. */
  connections: number
  /** Limit for one attempt, from connecting to the last byte of the answer. */
  timeoutMs: number
}

/** The server's answer. A 3xx comes back as it is: no redirect is followed. */
export interface TransportResponse {
  kind: 'response'
  status: number
  /** The answer's headers by lowercase name, a repeated one joined by ", ". */
  headers: Readonly<Record<string, string | undefined>>
  /** The body as UTF-8 text, or undefined when it was larger than `maxBodyBytes` (then not read). */
  body: string | undefined
  /** An unread body's size when its `content-length` said it. */
  unreadBytes?: number
}

/** No answer: the connection failed, the attempt timed out, or the step was cancelled. */
export interface TransportFailure {
  kind: 'network'
  /** `ECONNREFUSED`, `TIMEOUT`, `ABORTED`, `UND_ERR_SOCKET`… */
  code: string
  message: string
  /** False only when the request cannot have reached the server (it was never sent). */
  mayHaveReachedServer: boolean
}

/** What the Cloudflare client needs of HTTP: one request at a time, and closing at the end. */
export interface Transport {
  /** Sends `request`; never rejects: whatever happens is an answer or a failure. */
  send: (request: TransportRequest) => Promise<TransportResponse | TransportFailure>
  /** Closes every connection at once. */
  destroy: () => Promise<void>
}

/** The fields of @actions/github's `context` that identify a run (for the User-Agent). */
export interface RunContext {
  serverUrl: string
  runId: number
  runAttempt: number
  workflow: string
  /** `owner/repo`, or '' outside a workflow. */
  repository: string
}

/** A file written a line at a time. */
export interface LineFile {
  /** Appends `line` and a newline, synchronously: once it returns, a killed process leaves the line whole. */
  writeLine: (line: string) => void
  close: () => void
}

/** The checkpoint file (`checkpoint-file`), inside `roots` (after symlinks) or not at all. */
export interface CheckpointFiles {
  /** The file's text, or undefined when it does not exist yet (its missing folders then created); throws when it may not or cannot be read. */
  read: (path: string, roots: readonly string[]) => Promise<string | undefined>
  /** Replaces the file atomically (a new file beside it, then a rename). */
  write: (path: string, text: string, roots: readonly string[]) => Promise<void>
}

/** Everything the run takes from outside; main.ts builds the real one. */
export interface Deps {
  core: ActionsCore
  env: Readonly<Record<string, string | undefined>>
  context: RunContext
  nodeVersion: string
  clock: Clock
  random: () => number
  cancellation: Cancellation
  createTransport: (proxy: URL | undefined, options: TransportOptions) => Transport
  /** Reads a UTF-8 file (`video-id-file`). */
  readFile: (path: string) => Promise<string>
  /** Creates (or empties) a file to write line by line (the results file); throws when it cannot. */
  createLineFile: (path: string) => LineFile
  /** The checkpoint file's reading and writing. */
  checkpointFiles: CheckpointFiles
  /** Where the results file goes: the runner's `RUNNER_TEMP`, else the system's temporary folder. */
  tempDir: string
  /** Called once the run is over (stops listening for signals). */
  dispose?: () => void
}
