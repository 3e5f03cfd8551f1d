/** runAction against the loopback stand-in, through a recording core: what a user would see of one run. */
import { runAction } from '../../src/run.js'
import type { Deps } from '../../src/ports.js'
import { recordingCore, testDeps, type WrittenFiles } from './fakes.js'
import type { StandIn } from './stand-in-client.js'

/** A recording core whose inputs name `standIn`'s account, token and URL, then `inputs`. */
export function standInCore(standIn: StandIn, inputs: Record<string, string>) {
  return recordingCore({
    'account-id': standIn.accountId,
    'api-token': standIn.token,
    'base-url': standIn.baseUrl,
    ...inputs
  })
}

/** One run against `standIn` with the test Deps, `over` replacing some of them; what it recorded. */
export async function runAgainst(
  standIn: StandIn,
  inputs: Record<string, string>,
  over: Partial<Deps> = {},
  written?: WrittenFiles
) {
  const recorder = standInCore(standIn, inputs)
  await runAction(testDeps(recorder.core, over, written))
  return recorder
}
