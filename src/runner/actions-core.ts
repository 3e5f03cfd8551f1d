/**
 * The ActionsCore port on @actions/core, with one guard of its own: every line written is one line,
 * without controls, bounded, and never starts a workflow command of its own.
 */
import * as core from '@actions/core'
import type { ActionsCore } from '../ports.js'
import { safeText } from '../safe-text.js'

/** No line the action writes is longer: a runner's log stays readable whatever an answer held. */
export const MAX_LINE = 4000

/**
 * Every line this adapter writes is one line, without controls, bounded, and never starts a workflow
 * command of its own: the last guard behind the report's own neutralising (safe-text.ts).
 */
export function safeLine(message: string): string {
  return safeText(message, MAX_LINE)
}

const title = (properties: { title?: string } = {}): core.AnnotationProperties =>
  properties.title === undefined ? {} : { title: safeText(properties.title, 200) }

/** @actions/core's functions, reading the inputs and files the runner gives in `process.env`. */
export function actionsCore(): ActionsCore {
  return {
    getInput: (name) => core.getInput(name),
    // The variable @actions/core's getInput reads.
    inputGiven: (name) => process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] !== undefined,
    setSecret: (secret) => core.setSecret(secret),
    setOutput: (name, value) => core.setOutput(name, value),
    setFailed: (message) => core.setFailed(safeLine(message)),
    info: (message) => core.info(safeLine(message)),
    error: (message, properties) => core.error(safeLine(message), title(properties)),
    warning: (message, properties) => core.warning(safeLine(message), title(properties)),
    notice: (message, properties) => core.notice(safeLine(message), title(properties)),
    startGroup: (name) => core.startGroup(safeLine(name)),
    endGroup: () => core.endGroup(),
    // core.summary throws without GITHUB_STEP_SUMMARY: outside a runner there is simply no summary.
    writeSummary: async (markdown) => {
      if (process.env.GITHUB_STEP_SUMMARY) await core.summary.emptyBuffer().addRaw(markdown).write()
    }
  }
}
