/**
 * What the runner reads from the action's stdout, for any text from the network: every line the
 * adapter writes is one line with no control character, and none starts a workflow command other
 * than the one the action meant to write.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { actionsCore } from '../src/runner/actions-core.js'
import { requestLine, retryLine } from '../src/report/log-lines.js'
import { describeErrors } from '../src/cloudflare/messages.js'
import type { RequestRecord } from '../src/types.js'
import { runnerCommands } from './helpers/runner-commands.js'

/** Runs `write` with stdout captured. */
function captured(write: () => void): string {
  const written: string[] = []
  const original = process.stdout.write.bind(process.stdout)
  process.stdout.write = (chunk: string | Uint8Array) => (written.push(String(chunk)), true)
  try {
    write()
  } finally {
    process.stdout.write = original
  }
  return written.join('')
}

const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc
    .array(
      fc.constantFrom(
        '\n',
        '\r',
        '\u2028',
        '\u0085',
        '\u001b[2K',
        '::error::x',
        '::add-mask::y',
        '::stop-commands::z',
        'ok',
        '%0A',
        '##[add-mask]ok',
        '##[stop-commands]zz',
        '#',
        '[',
        ':',
        ' ',
        '\u00a0',
        '\u200b',
        '\u202e'
      ),
      {
        maxLength: 16
      }
    )
    .map((parts) => parts.join(''))
)

describe('the log, for any text from the network', () => {
  it('property: one line each, no control character, no command of the server’s making', () => {
    const core = actionsCore()
    fc.assert(
      fc.property(hostile, hostile, (message, ray) => {
        const record: RequestRecord = {
          download_type: 'default',
          outcome: 'failed',
          status_code: 403,
          result: null,
          errors: [{ code: 10000, message, documentation_url: message }],
          messages: [],
          ray_id: ray,
          attempts: 2,
          answer_lost: false
        }
        const stdout = captured(() => {
          core.info(requestLine('vid1', record))
          core.info(retryLine('vid1', 'default', 1, 500, message))
          core.warning(`HTTP 403${describeErrors(record.errors, ': ')}`, { title: message })
        })
        const lines = stdout.split('\n').slice(0, -1)
        expect(lines).toHaveLength(3)
        // eslint-disable-next-line no-control-regex -- looking for control characters is the point
        for (const line of lines) expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/)
        expect(lines[0]?.startsWith('vid1 default: failed')).toBe(true)
        expect(lines[1]?.startsWith('vid1 default: ')).toBe(true)
        expect(lines[2]).toMatch(/^::warning( title=[^:]*| )?::HTTP 403/)
        // As the runner reads them: the action's one warning, and no `##[` anywhere.
        expect(runnerCommands(stdout)).toEqual(['warning'])
        expect(stdout).not.toContain('##[')
      }),
      { numRuns: 500 }
    )
  })

  it('property: info, group names and annotations, for any whole line, start no command of their own', () => {
    const core = actionsCore()
    fc.assert(
      fc.property(hostile, (text) => {
        const stdout = captured(() => {
          core.info(text)
          core.startGroup(text)
          core.endGroup()
          core.error(text, { title: text })
        })
        expect(runnerCommands(stdout)).toEqual(['group', 'endgroup', 'error'])
        expect(stdout).not.toContain('##[')
      }),
      { numRuns: 500 }
    )
  })
})
