/**
 * The entry point the runner starts: catches signals first, then everything else is in run(),
 * which reports its own errors. Once the report is written the process ends with its exit code,
 * whatever sockets remain: one stuck connecting (a TLS handshake, a proxy's CONNECT that never
 * completes) would otherwise keep it alive until the runner kills it.
 */
import './runner/early-signals.js'
import { endProcess, run } from './main.js'

await run()
await endProcess()
