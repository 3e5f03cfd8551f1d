/** Test doubles passed in through Deps: a clock that never waits, and a recording @actions/core. */
import { checkpointFiles } from '../../src/runner/checkpoint-io.js'
import { readFile } from 'node:fs/promises'
import { createTransport } from '../../src/runner/http.js'
import type { ActionsCore, Cancellation, Clock, Deps, Transport, TransportRequest } from '../../src/ports.js'

/** Where every virtual clock starts: a fixed instant, so no test depends on the machine's clock. */
export const VIRTUAL_EPOCH = Date.parse('2026-06-01T00:00:00Z')

/**
 * A purely virtual clock: `now` moves only when the run sleeps, by exactly what it asked for, and a
 * sleep returns at once. Real time spent on I/O never shows, so no test depends on how fast the
 * machine is. Each wait is recorded.
 */
export function fastClock(start = VIRTUAL_EPOCH): Clock & { sleeps: number[] } {
  let now = start
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) return
      sleeps.push(ms)
      now += ms
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
}

/** The real clock, for tests whose server keeps real time (quota windows). */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      signal?.addEventListener('abort', done, { once: true })
    })
}

export function neverCancelled(): Cancellation {
  return { stop: new AbortController().signal, abort: new AbortController().signal }
}

export type CoreCall = [method: string, ...args: unknown[]]

/** An ActionsCore that reads inputs from a map and records every call, in order. */
export function recordingCore(inputs: Record<string, string>) {
  const calls: CoreCall[] = []
  const outputs: Record<string, string> = {}
  let summary = ''
  let failed: string | undefined
  const record =
    (method: string) =>
    (...args: unknown[]): void => {
      calls.push([method, ...args])
    }
  const core: ActionsCore = {
    getInput: (name) => (inputs[name] ?? '').trim(),
    inputGiven: (name) => name in inputs,
    setSecret: record('setSecret'),
    setOutput: (name, value) => {
      calls.push(['setOutput', name, value])
      outputs[name] = value
    },
    setFailed: (message) => {
      calls.push(['setFailed', message])
      failed = message
    },
    info: record('info'),
    error: record('error'),
    warning: record('warning'),
    notice: record('notice'),
    startGroup: record('startGroup'),
    endGroup: record('endGroup'),
    writeSummary: async (markdown) => {
      summary += markdown
    }
  }
  return {
    core,
    calls,
    outputs,
    get summary() {
      return summary
    },
    get failed() {
      return failed
    },
    /** The messages of one kind of call. */
    said: (method: string) => calls.filter(([m]) => m === method).map(([, message]) => message as string)
  }
}

/** Files the run wrote through `createLineFile`, by path: their text so far. */
export type WrittenFiles = Map<string, string>

export function testDeps(core: ActionsCore, over: Partial<Deps> = {}, written: WrittenFiles = new Map()): Deps {
  return {
    core,
    env: {},
    context: { serverUrl: 'https://github.com', runId: 42, runAttempt: 1, workflow: 'Release', repository: 'octo/app' },
    nodeVersion: 'v20.0.0',
    clock: fastClock(),
    random: () => 0.5,
    cancellation: neverCancelled(),
    // The real transport, always direct: tests reach only the loopback stand-in.
    createTransport: (_proxy, options) => createTransport(undefined, options),
    readFile: (path) => readFile(path, 'utf8'),
    createLineFile: (path) => {
      written.set(path, '')
      return {
        writeLine: (line) => void written.set(path, `${written.get(path) ?? ''}${line}\n`),
        close: () => undefined
      }
    },
    checkpointFiles,
    tempDir: '/runner/temp',
    ...over
  }
}

/** One request through a transport, as the client sends it: the answer's status and whole body. */
export async function exchange(
  transport: Transport,
  request: Omit<TransportRequest, 'maxBodyBytes' | 'signal'>
): Promise<{ statusCode: number; body: string }> {
  const reply = await transport.send({
    maxBodyBytes: 64 * 1024 * 1024,
    signal: new AbortController().signal,
    ...request
  })
  if (reply.kind === 'network') throw new Error(`${reply.code}: ${reply.message}`)
  return { statusCode: reply.status, body: reply.body ?? '' }
}
