/**
 * The @actions/core functions this action calls, assembled from @actions/core's own command
 * modules rather than its index, by file path: see bench/RESULTS.md ("Start-up"). Each function
 * below is the one-line body of its namesake in @actions/core 3's lib/core.js; a test checks that
 * both print the same bytes.
 */
import { EOL } from 'node:os'
import { issue, issueCommand } from '../node_modules/@actions/core/lib/command.js'
import { issueFileCommand, prepareKeyValueMessage } from '../node_modules/@actions/core/lib/file-command.js'
import { summary } from '../node_modules/@actions/core/lib/summary.js'
import { toCommandProperties } from '../node_modules/@actions/core/lib/utils.js'
import type { ActionsCore } from './ports.js'
import { safeText } from './safe-text.js'

/** No line the action writes is longer: a runner's log stays readable whatever an answer held. */
export const MAX_LINE = 4000

/**
 * Every line this adapter writes is one line, without controls, bounded, and never starts a workflow
 * command of its own: the last guard behind the report's own neutralising (safe-text.ts).
 */
export function safeLine(message: string): string {
  const line = safeText(message, MAX_LINE)
  return line.startsWith('::') ? ` ${line}` : line
}

type Annotate = ActionsCore['error']

const annotation =
  (command: 'error' | 'warning' | 'notice'): Annotate =>
  (message, properties = {}) =>
    issueCommand(
      command,
      toCommandProperties(properties.title === undefined ? {} : { title: safeText(properties.title, 200) }),
      safeLine(message)
    )

/** The variable the runner passes an input in, as @actions/core's getInput reads it. */
const inputVariable = (name: string): string => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`

export function actionsCore(env: Readonly<Record<string, string | undefined>>): ActionsCore {
  const error = annotation('error')
  return {
    getInput: (name) => (env[inputVariable(name)] || '').trim(),
    inputGiven: (name) => env[inputVariable(name)] !== undefined,
    setSecret: (secret) => issueCommand('add-mask', {}, secret),
    setOutput: (name, value) => {
      if (env.GITHUB_OUTPUT) return issueFileCommand('OUTPUT', prepareKeyValueMessage(name, value))
      process.stdout.write(EOL)
      issueCommand('set-output', { name }, value)
    },
    setFailed: (message) => {
      process.exitCode = 1
      error(message)
    },
    info: (message) => void process.stdout.write(safeLine(message) + EOL),
    error,
    warning: annotation('warning'),
    notice: annotation('notice'),
    startGroup: (name) => issue('group', safeLine(name)),
    endGroup: () => issue('endgroup'),
    writeSummary: async (markdown) => {
      // core.summary throws without the file; outside a runner there is simply no summary.
      if (!env.GITHUB_STEP_SUMMARY) return
      await summary.addRaw(markdown).write()
    }
  }
}
