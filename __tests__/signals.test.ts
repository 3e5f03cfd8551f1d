import { describe, expect, it } from '@jest/globals'
import { EventEmitter } from 'node:events'
import { DEADLINE_MS, GRACE_MS, exitWhenFlushed, watchSignals } from '../src/runner/signals.js'
import { Writable } from 'node:stream'

/** Timers that run only when the test says so. */
function manualTimers() {
  let now = 0
  const pending: { at: number; run: () => void; id: number }[] = []
  let nextId = 1
  return {
    setTimeout: ((run: () => void, ms: number) => {
      const id = nextId++
      pending.push({ at: now + ms, run, id })
      return { unref: () => undefined, id } as unknown as ReturnType<typeof setTimeout>
    }) as unknown as typeof setTimeout,
    clearTimeout: ((timer: { id: number }) => {
      const index = pending.findIndex((entry) => entry.id === timer.id)
      if (index >= 0) pending.splice(index, 1)
    }) as unknown as typeof clearTimeout,
    advance(ms: number) {
      now += ms
      for (const entry of pending.filter((e) => e.at <= now)) {
        pending.splice(pending.indexOf(entry), 1)
        entry.run()
      }
    }
  }
}

/** watchSignals on a stand-in process and manual timers, recording what it said and each exit. */
function watched(early?: () => 'SIGINT' | 'SIGTERM') {
  const process = new EventEmitter()
  const timers = manualTimers()
  const said: string[] = []
  const exits: (number | undefined)[] = []
  const watch = watchSignals(
    process,
    (signal) => said.push(signal),
    (code) => exits.push(code),
    timers,
    early
  )
  return { process, timers, said, exits, watch }
}

describe('watchSignals', () => {
  it('stops at the first signal, aborts requests in flight after the grace period, and exits at the deadline', () => {
    const { process, timers, said, exits, watch } = watched()
    expect([watch.stop.aborted, watch.abort.aborted]).toEqual([false, false])
    process.emit('SIGINT')
    expect(said).toEqual(['SIGINT'])
    expect([watch.stop.aborted, watch.abort.aborted]).toEqual([true, false])
    timers.advance(GRACE_MS)
    expect(watch.abort.aborted).toBe(true)
    process.emit('SIGTERM')
    expect(said).toEqual(['SIGINT'])
    timers.advance(DEADLINE_MS - GRACE_MS)
    expect(exits).toEqual([1])
  })

  it('reacts to SIGTERM alone too', () => {
    const { process, watch } = watched()
    process.emit('SIGTERM')
    expect(watch.stop.aborted).toBe(true)
  })

  it('cancels its timers once the run is over', () => {
    const { process, timers, exits, watch } = watched()
    process.emit('SIGINT')
    watch.dispose()
    timers.advance(DEADLINE_MS)
    expect(exits).toEqual([])
  })

  it('keeps listening after the first signal, and after the run, so no signal kills the process by the signal', () => {
    const { process, said, exits, watch } = watched()
    process.emit('SIGINT')
    expect(process.listenerCount('SIGINT')).toBe(1)
    expect(process.listenerCount('SIGTERM')).toBe(1)
    watch.dispose()
    // Still there (Node's default handler would end the process by the signal): a signal after the
    // report ends the process with the exit code the report set (exit() without a code).
    expect(process.listenerCount('SIGINT') + process.listenerCount('SIGTERM')).toBe(2)
    expect(exits).toEqual([])
    process.emit('SIGTERM')
    expect(said).toEqual(['SIGINT'])
    expect(exits).toEqual([undefined])
  })

  it.each(['SIGINT', 'SIGTERM'] as const)('acts at once on a %s that arrived while the action was loading', (early) => {
    const { said, watch } = watched(() => early)
    expect(said).toEqual([early])
    expect(watch.stop.aborted).toBe(true)
  })
})

describe('exitWhenFlushed', () => {
  it('ends the process, with the exit code set so far, only once stdout and stderr have taken every write', async () => {
    const events: string[] = []
    const slow = (name: string) =>
      new Writable({
        highWaterMark: 1,
        write: (chunk: Buffer, _encoding, done) => {
          // A write is taken only when its callback runs, a turn of the event loop later.
          setImmediate(() => {
            events.push(`${name} took ${chunk.length}`)
            done()
          })
        }
      })
    const stdout = slow('stdout')
    const stderr = slow('stderr')
    stdout.write('outputs and summary\n')
    stdout.write('last line\n')
    stderr.write('x\n')
    await exitWhenFlushed({ stdout, stderr, exit: (code) => events.push(`exit ${String(code)}`) })
    expect(events.at(-1)).toBe('exit undefined')
    expect(events.filter((e) => e.startsWith('exit'))).toHaveLength(1)
    // (The empty writes are exitWhenFlushed's own markers.)
    expect(events.filter((e) => e.includes('took') && !e.endsWith(' 0')).sort()).toEqual([
      'stderr took 2',
      'stdout took 10',
      'stdout took 20'
    ])
  })
})
