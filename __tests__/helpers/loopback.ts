/**
 * Servers on 127.0.0.1 for the tests that start the bundled action, and the inputs that point a run
 * at one. Each server, and every connection it accepted, is closed by {@link closeServers}
 * (`afterEach(closeServers)`), so no test leaves a socket open whatever the server did to it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Server, Socket } from 'node:net'

export const ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353'
export const TOKEN = 'loopback-test-token'

/** The inputs of a run against the loopback API on `port`, with no retries, then `over`. */
export const inputs = (port: number, over: Record<string, string> = {}): Record<string, string> => ({
  'account-id': ACCOUNT,
  'api-token': TOKEN,
  'base-url': `http://127.0.0.1:${port}/client/v4`,
  'max-retries': '0',
  ...over
})

const servers: Server[] = []
const sockets = new Set<Socket>()

/** Starts `server` on a free loopback port, and returns the port. */
export async function serve(server: Server): Promise<number> {
  server.on('connection', (socket: Socket) => sockets.add(socket))
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

/** A loopback API that answers every request with `handle`; `hits` lists what it was asked. */
export async function listen(
  handle: (req: IncomingMessage, res: ServerResponse) => void
): Promise<{ port: number; hits: string[] }> {
  const hits: string[] = []
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`)
    handle(req, res)
  })
  return { port: await serve(server), hits }
}

/** Destroys every connection, then closes every server. */
export async function closeServers(): Promise<void> {
  for (const socket of sockets) socket.destroy()
  sockets.clear()
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))))
}
