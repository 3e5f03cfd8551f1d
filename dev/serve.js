// Runs the stand-in on its own, for `uses: ./` in CI and for trying the action by hand:
//   node dev/serve.js [--port 8787 (the default; 0 for any free port)] [--videos <uid>,<uid>] [--quota 1200 --window 300]
//                     [--library 100000 [--seed 1] [--max-shared 3] [--start-inclusive]]
// `--library N` serves a generated library of N videos on the video list (see makeLibrary in
// stand-in.js); `--start-inclusive` makes the list's `start` include the instant it names.
// Prints the base URL, account id and token to use, and the matching `.env` lines for
// `npm run local-action`, then serves until killed.
import { parseArgs } from 'node:util'
import { makeLibrary, startStandIn } from './stand-in.js'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    videos: {
      type: 'string',
      default: 'dd1cafe0000000000000000000000000,dd2cafe0000000000000000000000000,dd3cafe0000000000000000000000000'
    },
    audio: { type: 'boolean', default: true },
    quota: { type: 'string', default: '1200' },
    window: { type: 'string', default: '300' },
    library: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    'max-shared': { type: 'string', default: '1' },
    'start-inclusive': { type: 'boolean', default: false }
  }
})
const library = makeLibrary(Number(values.library), {
  seed: Number(values.seed),
  maxShared: Number(values['max-shared'])
})
const standIn = await startStandIn({
  port: Number(values.port),
  videos: Object.fromEntries(values.videos.split(',').map((id) => [id, { default: true, audio: values.audio }])),
  library,
  startInclusive: values['start-inclusive'],
  quota: Number(values.quota),
  windowMs: Number(values.window) * 1000
})
console.log(`base-url:   ${standIn.baseUrl}`)
console.log(`account-id: ${standIn.accountId}`)
console.log(`api-token:  ${standIn.token}`)
console.log(`videos:     ${values.videos}`)
console.log('\nFor `npm run local-action`, these lines in .env (.env.example has them for the default port):')
console.log(`INPUT_BASE-URL=${standIn.baseUrl}`)
console.log(`INPUT_ACCOUNT-ID=${standIn.accountId}`)
console.log(`INPUT_API-TOKEN=${standIn.token}`)
console.log(`INPUT_VIDEO-ID=${values.videos.split(',').slice(0, 2).join(',')}`)
if (library.length > 0) {
  const first = library[0]?.created
  const last = library[library.length - 1]?.created
  console.log(`library:    ${library.length} videos created ${first} … ${last} (seed ${values.seed})`)
}
const stop = async () => {
  await standIn.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
