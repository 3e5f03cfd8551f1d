/**
 * A minimal HTTP CONNECT proxy on 127.0.0.1 that records what it was asked to tunnel. `route` maps
 * the requested `host:port` to where it really connects (always loopback in tests); a `refuse`
 * status answers every CONNECT with that status instead.
 */
import { createServer } from 'node:http'
import { connect, type AddressInfo } from 'node:net'

export async function startConnectProxy(route: (target: string) => string = (target) => target, refuse?: number) {
  const tunnels: { target: string; proxyAuthorization?: string }[] = []
  const server = createServer((_req, res) => res.writeHead(405).end())
  server.on('connect', (req, client, head) => {
    tunnels.push({ target: req.url ?? '', proxyAuthorization: req.headers['proxy-authorization'] })
    if (refuse !== undefined) return void client.end(`HTTP/1.1 ${refuse} Refused\r\ncontent-length: 0\r\n\r\n`)
    const [host, port] = route(req.url ?? '').split(':')
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
