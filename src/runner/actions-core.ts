/**
 * The @actions/core functions this action calls, assembled from @actions/core's own command
 * modules rather than its index, by file path: see bench/RESULTS.md ("Start-up"). Each function
 * below is the one-line body of its namesake in @actions/core 3's lib/core.js, but for two that
 * write files (an output's delimiter, the summary; reasons below); a test checks that both print
 * and write the same bytes.
 */
import { appendFileSync } from 'node:fs'
import { EOL } from 'node:os'
import { issue, issueCommand } from '../../node_modules/@actions/core/lib/command.js'
import { issueFileCommand } from '../../node_modules/@actions/core/lib/file-command.js'
import { toCommandProperties } from '../../node_modules/@actions/core/lib/utils.js'
import type { ActionsCore } from '../ports.js'
import { safeText } from '../safe-text.js'

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

/**
 * A `GITHUB_OUTPUT` heredoc delimiter that occurs nowhere in `text`. @actions/core draws a random
 * UUID from node:crypto (whose loading costs a run over plain HTTP ~5 ms) and throws when the text
 * holds it; here another one is drawn instead. Either way no value can end its own output and
 * start another, and here that holds whether or not the delimiter could be guessed.
 */
export function delimiterFor(text: string, random: () => number = Math.random): string {
  const part = (): string =>
    Math.floor(random() * 2 ** 52)
      .toString(16)
      .padStart(13, '0')
  for (;;) {
    const delimiter = `ghadelimiter_${part()}${part()}`
    if (!text.includes(delimiter)) return delimiter
  }
}

/** @actions/core's prepareKeyValueMessage, with a delimiter from {@link delimiterFor}. */
function keyValueMessage(name: string, value: string): string {
  const delimiter = delimiterFor(`${name}${EOL}${value}`)
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}`
}

/** The variable the runner passes an input in, as @actions/core's getInput reads it. */
const inputVariable = (name: string): string => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`

export function actionsCore(env: Readonly<Record<string, string | undefined>>): ActionsCore {
  const error = annotation('error')
  return {
    getInput: (name) => (env[inputVariable(name)] || '').trim(),
    inputGiven: (name) => env[inputVariable(name)] !== undefined,
    setSecret: (secret) => issueCommand('add-mask', {}, secret),
    setOutput: (name, value) => {
      if (env.GITHUB_OUTPUT) return issueFileCommand('OUTPUT', keyValueMessage(name, value))
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
    // What core.summary.addRaw(markdown).write() appends, without the node:fs/promises it loads
    // when imported (~1 ms of every run's start-up). Outside a runner there is simply no summary.
    writeSummary: (markdown) =>
      new Promise((resolve) => {
        if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, markdown)
        resolve()
      })
  }
}
