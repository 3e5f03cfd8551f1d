import { describe, expect, it } from '@jest/globals'
import { userAgent } from '../src/cloudflare/user-agent.js'

const run = { serverUrl: 'https://github.com', runId: 42, runAttempt: 1, workflow: 'Release', repository: 'octo/app' }

describe('userAgent', () => {
  it('names the action, its version and the workflow run that sent the request', () => {
    expect(userAgent(run, 'v24.1.0')).toBe(
      'cloudflare-stream-delete-downloads/1.0.0 (https://github.com/octo/app/actions/runs/42; workflow: Release; node v24.1.0)'
    )
  })

  it('points to the attempt when the run was re-run', () => {
    expect(userAgent({ ...run, runAttempt: 3 }, 'v24')).toContain('/actions/runs/42/attempts/3;')
  })

  it('keeps only what a header may carry from the workflow name', () => {
    expect(userAgent({ ...run, workflow: 'Nettoyage (été)\r\nX: y' }, 'v24')).toContain(
      'workflow: Nettoyage ?t???X: y;'
    )
  })

  it('names no repository, run or workflow when told not to (user-agent-details: false)', () => {
    expect(userAgent(undefined, 'v24.1.0')).toBe('cloudflare-stream-delete-downloads/1.0.0 (node v24.1.0)')
  })

  it('leaves out what is unknown outside a workflow', () => {
    expect(userAgent({ serverUrl: '', runId: 0, runAttempt: 0, workflow: '', repository: '' }, 'v20.0.0')).toBe(
      'cloudflare-stream-delete-downloads/1.0.0 (node v20.0.0)'
    )
  })
})
