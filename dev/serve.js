// Runs the stand-in on its own, for `uses: ./` in CI and for trying the action by hand:
//   node dev/serve.js [--port 8787] [--videos vid1,vid2] [--quota 1200 --window 300]
// Prints the base URL, account id and token to use, then serves until killed.
import { parseArgs } from 'node:util'
import { startStandIn } from './stand-in.js'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    videos: { type: 'string', default: 'dd1cafe0,dd2cafe0,dd3cafe0' },
    audio: { type: 'boolean', default: true },
    quota: { type: 'string', default: '1200' },
    window: { type: 'string', default: '300' }
  }
})
const standIn = await startStandIn({
  port: Number(values.port),
  videos: Object.fromEntries(values.videos.split(',').map((id) => [id, { default: true, audio: values.audio }])),
  quota: Number(values.quota),
  windowMs: Number(values.window) * 1000
})
console.log(`base-url:   ${standIn.baseUrl}`)
console.log(`account-id: ${standIn.accountId}`)
console.log(`api-token:  ${standIn.token}`)
console.log(`videos:     ${values.videos}`)
const stop = async () => {
  await standIn.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
