/** One timer and one listener per signal for every attempt in flight, on a clock the test moves. */
import { getEventListeners } from 'node:events'
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { Deadlines, type Ending, type Timers, type Watched } from '../src/cloudflare/deadlines.js'

/** Timers that fire only when the test moves the clock; each fires when its time has come. */
function manualTimers() {
  let now = 0
  let next = 1
  const pending = new Map<number, { at: number; callback: () => void }>()
  const timers: Timers = {
    now: () => now,
    set: (callback, ms) => {
      const id = next++
      pending.set(id, { at: now + ms, callback })
      return id
    },
    clear: (id) => pending.delete(id as number)
  }
  return {
    timers,
    armed: () => pending.size,
    /** Moves the clock by `ms`, firing what falls due (each at its own time, in order). */
    advance(ms: number) {
      const until = now + ms
      for (;;) {
        const due = [...pending].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0]
        if (due === undefined) break
        pending.delete(due[0])
        now = due[1].at
        due[1].callback()
      }
      now = until
    },
    /** Fires every pending timer now, as a timer that fires a little early would. */
    fireEarly() {
      for (const [id, t] of [...pending]) {
        pending.delete(id)
        t.callback()
      }
    }
  }
}

function attempt(signal: AbortSignal): Watched & { endings: Ending[] } {
  const endings: Ending[] = []
  return { deadline: 0, signal, endings, end: (ending) => endings.push(ending) }
}

const live = new AbortController().signal

describe('Deadlines', () => {
  it('ends an attempt that outlives its timeout, once, and keeps no timer once nothing is watched', () => {
    const clock = manualTimers()
    const deadlines = new Deadlines(300, clock.timers)
    const a = attempt(live)
    deadlines.watch(a)
    expect(clock.armed()).toBe(1)
    clock.advance(299)
    expect(a.endings).toEqual([])
    clock.advance(1)
    expect(a.endings).toEqual(['timeout'])
    expect(deadlines.size).toBe(0)
    expect(clock.armed()).toBe(0)
    clock.advance(1000)
    expect(a.endings).toEqual(['timeout'])
  })

  it('never ends an attempt released in time, and one timer serves attempts started at different times', () => {
    const clock = manualTimers()
    const deadlines = new Deadlines(100, clock.timers)
    const first = attempt(live)
    const second = attempt(live)
    const third = attempt(live)
    deadlines.watch(first)
    clock.advance(40)
    deadlines.watch(second)
    clock.advance(40)
    deadlines.watch(third)
    expect(clock.armed()).toBe(1)
    deadlines.release(first)
    clock.advance(59)
    expect([first.endings, second.endings, third.endings]).toEqual([[], [], []])
    clock.advance(1)
    expect([first.endings, second.endings, third.endings]).toEqual([[], ['timeout'], []])
    deadlines.release(third)
    expect(clock.armed()).toBe(0)
    clock.advance(1000)
    expect(third.endings).toEqual([])
  })

  it('looks again when its timer fires before the deadline', () => {
    const clock = manualTimers()
    const deadlines = new Deadlines(100, clock.timers)
    const a = attempt(live)
    deadlines.watch(a)
    clock.advance(99)
    clock.fireEarly()
    expect(a.endings).toEqual([])
    expect(clock.armed()).toBe(1)
    clock.advance(1)
    expect(a.endings).toEqual(['timeout'])
  })

  it('ends the attempts of a cancelled signal, with one listener on it however many attempts', () => {
    const clock = manualTimers()
    const deadlines = new Deadlines(1000, clock.timers)
    const step = new AbortController()
    const attempts = [attempt(step.signal), attempt(step.signal), attempt(live)]
    for (const a of attempts) deadlines.watch(a)
    deadlines.release(attempts[1] as Watched)
    deadlines.watch(attempt(step.signal))
    expect(getEventListeners(step.signal, 'abort')).toHaveLength(1)
    step.abort()
    expect(attempts.map((a) => a.endings)).toEqual([['cancelled'], [], []])
    expect(deadlines.size).toBe(1)
  })

  it('ends an attempt at once when its signal has already aborted, and watches nothing', () => {
    const clock = manualTimers()
    const deadlines = new Deadlines(1000, clock.timers)
    const step = new AbortController()
    step.abort()
    const a = attempt(step.signal)
    deadlines.watch(a)
    expect(a.endings).toEqual(['cancelled'])
    expect([deadlines.size, clock.armed()]).toEqual([0, 0])
  })

  it('arms one timer when an ending starts the next attempt at once', () => {
    const clock = manualTimers()
    const deadlines = new Deadlines(100, clock.timers)
    const retry = attempt(live)
    const first: Watched = { deadline: 0, signal: live, end: () => deadlines.watch(retry) }
    deadlines.watch(first)
    deadlines.watch(attempt(live))
    clock.advance(100)
    expect(deadlines.size).toBe(1)
    expect(clock.armed()).toBe(1)
    clock.advance(100)
    expect(retry.endings).toEqual(['timeout'])
  })

  it('for any run of starts, answers and waits: ends exactly the attempts that outlive the timeout', () => {
    const step = fc.oneof(
      fc.constant({ kind: 'start' as const }),
      fc.nat({ max: 30 }).map((pick) => ({ kind: 'answer' as const, pick })),
      fc.integer({ min: 1, max: 80 }).map((ms) => ({ kind: 'wait' as const, ms }))
    )
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.array(step, { maxLength: 60 }), (timeoutMs, steps) => {
        const clock = manualTimers()
        const deadlines = new Deadlines(timeoutMs, clock.timers)
        const started: { a: ReturnType<typeof attempt>; at: number; answeredAt?: number }[] = []
        let now = 0
        for (const s of steps) {
          if (s.kind === 'start') {
            const a = attempt(live)
            deadlines.watch(a)
            started.push({ a, at: now })
          } else if (s.kind === 'answer') {
            const open = started.filter((x) => x.answeredAt === undefined && x.a.endings.length === 0)
            const chosen = open[s.pick % Math.max(1, open.length)]
            if (chosen) {
              deadlines.release(chosen.a)
              chosen.answeredAt = now
            }
          } else {
            clock.advance(s.ms)
            now += s.ms
          }
        }
        for (const { a, at, answeredAt } of started) {
          const outlived = (answeredAt ?? now) >= at + timeoutMs
          expect(a.endings).toEqual(outlived ? ['timeout'] : [])
        }
        const open = started.filter((x) => x.answeredAt === undefined && x.a.endings.length === 0).length
        expect(deadlines.size).toBe(open)
        expect(clock.armed()).toBe(open > 0 ? 1 : 0)
      })
    )
  })
})
