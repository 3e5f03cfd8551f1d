/** The loopback stand-in with a real client and transport in front of it, for the integration tests. */
import { CloudflareClient } from '../../src/cloudflare/client.js'
import { createTransport } from '../../src/runner/http.js'
import type { Transport } from '../../src/ports.js'
import type { Auth } from '../../src/types.js'
import { startStandIn } from '../../dev/stand-in.js'

export type StandIn = Awaited<ReturnType<typeof startStandIn>>

export interface StandInClient {
  standIn: StandIn
  client: CloudflareClient
  transport: Transport
  /** Closes the transport, then the stand-in. */
  close: () => Promise<void>
}

/**
 * Starts a stand-in with `options` and a client for it: the stand-in's own token unless `auth`
 * (or a wrong `token`) is given, one attempt limited to `timeoutMs`.
 */
export async function standInClient(
  options: Parameters<typeof startStandIn>[0] & {
    timeoutMs?: number
    token?: string
    auth?: Auth
    connections?: number
  } = {}
): Promise<StandInClient> {
  const { timeoutMs = 5000, token, auth, connections = 32, ...standInOptions } = options
  const standIn = await startStandIn(standInOptions)
  const transport = createTransport(undefined, { connections, timeoutMs })
  const client = new CloudflareClient({
    baseUrl: standIn.baseUrl,
    accountId: standIn.accountId,
    auth: auth ?? { kind: 'token', token: token ?? standIn.token },
    userAgent: 'test-agent/1.0',
    transport
  })
  const pair: StandInClient = {
    standIn,
    client,
    transport,
    close: async () => {
      open.delete(pair)
      await transport.destroy()
      await standIn.close()
    }
  }
  open.add(pair)
  return pair
}

const open = new Set<StandInClient>()

/** Closes every stand-in and client still open: a test file's `afterEach`. */
export async function closeStandInClients(): Promise<void> {
  await Promise.all([...open].map((pair) => pair.close()))
}
