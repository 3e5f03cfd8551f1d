/**
 * @actions/github reads GITHUB_EVENT_PATH as it loads, and throws on a file that is not JSON: the
 * deletion, which needs nothing of the event, still runs (dist/index.js, as the runner runs it).
 */
import { afterEach, expect, it } from '@jest/globals'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startStandIn } from '../../dev/stand-in.js'
import { runStep } from '../../dev/run-step.js'
import { removeTempDirs, tempDir } from '../helpers/temp-dirs.js'

let close: () => Promise<void> = async () => undefined
afterEach(async () => close())
afterEach(removeTempDirs)

it.each([
  ['not JSON', (path: string) => writeFileSync(path, '{"truncated": ')],
  ['a directory', (path: string) => mkdirSync(path)]
])('deletes all the same when the event file is %s', async (what, make) => {
  const standIn = await startStandIn({ videos: { '0000000000000000000000000000abcd': {} } })
  close = () => standIn.close()
  const event = join(tempDir('event-'), what.replace(' ', '-'))
  make(event)
  const result = await runStep(
    {
      'account-id': standIn.accountId,
      'api-token': standIn.token,
      'base-url': standIn.baseUrl,
      'video-id': '0000000000000000000000000000abcd'
    },
    { env: { GITHUB_EVENT_PATH: event } }
  )
  expect(result.code).toBe(0)
  expect(result.outputs).toMatchObject({ success: 'true', deleted: '["0000000000000000000000000000abcd"]' })
})
