// `npm run demo [scenario]`: the action end to end, with no token and no network. It starts the
// stand-in for Cloudflare's Stream downloads API on 127.0.0.1, runs the bundled dist/index.js
// exactly as the runner would, and shows the log, the outputs and the job summary, then what is
// left on the stand-in. Scenarios: single (default), batch, dry-run, missing, bad-token, throttled.
// DEMO_SCENARIO chooses one too.
import { runStep } from './run-step.js'
import { startStandIn } from './stand-in.js'

/**
 * @typedef {{
 *   about: string,
 *   videos: Record<string, { default?: boolean, audio?: boolean }>,
 *   with: Record<string, string>,
 *   standIn?: Parameters<typeof startStandIn>[0],
 *   token?: string
 * }} Scenario
 */

/** @type {Record<string, Scenario>} */
const scenarios = {
  single: {
    about: 'Delete the MP4 and audio downloads of one video, as a release workflow would after an upload.',
    videos: { ea95132c15732412d22c1476fa83f27a: { default: true, audio: true } },
    with: { 'video-id': 'ea95132c15732412d22c1476fa83f27a', 'download-type': 'all' }
  },
  batch: {
    about: 'A scheduled cleanup over a list of 12 videos, 4 at a time; one id is not on the account.',
    videos: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`batch${String(i).padStart(2, '0')}`, {}])),
    with: {
      'video-id': [...Array.from({ length: 11 }, (_, i) => `batch${String(i).padStart(2, '0')}`), 'gone404'].join('\n')
    }
  },
  'dry-run': {
    about: 'A dry run: reads which downloads exist and shows what a real run would delete; deletes nothing.',
    videos: { ea95132c15732412d22c1476fa83f27a: { default: true, audio: true } },
    with: { 'video-id': 'ea95132c15732412d22c1476fa83f27a', 'dry-run': 'true' }
  },
  missing: {
    about: 'A video that does not exist, with if-missing: fail.',
    videos: {},
    with: { 'video-id': 'a1b2c3d4e5f6', 'if-missing': 'fail' }
  },
  'bad-token': {
    about: 'A token Cloudflare rejects: the step fails and says which permission the token needs.',
    videos: { ea95132c15732412d22c1476fa83f27a: {} },
    with: { 'video-id': 'ea95132c15732412d22c1476fa83f27a' },
    token: 'not-a-valid-token'
  },
  throttled: {
    about: 'Throttling: a 429 with Retry-After and an HTML 502 from the edge, both retried.',
    videos: { thr1: {}, thr2: {} },
    with: { 'video-id': 'thr1 thr2' },
    standIn: {
      faults: [
        { video: 'thr1', fault: '429', retryAfter: '2' },
        { video: 'thr2', fault: 'html502' }
      ]
    }
  }
}

const name = process.argv[2] ?? process.env.DEMO_SCENARIO ?? 'single'
const scenario = scenarios[name]
if (!scenario) {
  console.error(`Unknown scenario ${JSON.stringify(name)}. Try one of: ${Object.keys(scenarios).join(', ')}`)
  process.exit(2)
}

const bold = (/** @type {string} */ text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text)
const heading = (/** @type {string} */ text) =>
  console.log(`\n${bold(`── ${text} ${'─'.repeat(Math.max(0, 70 - text.length))}`)}`)

const standIn = await startStandIn({ videos: scenario.videos, ...scenario.standIn })
try {
  console.log(bold(`Demo "${name}": ${scenario.about}`))
  console.log(
    `Stand-in API on ${standIn.baseUrl} (no network, no real token). Other scenarios: ${Object.keys(scenarios).join(', ')}.`
  )
  const withInputs = {
    'account-id': standIn.accountId,
    'api-token': scenario.token ?? standIn.token,
    'base-url': standIn.baseUrl,
    ...scenario.with
  }
  heading('The step, as a workflow would write it')
  console.log('- uses: ./   # your-org/cloudflare-stream-delete-downloads@v1')
  console.log('  with:')
  for (const [key, value] of Object.entries(withInputs)) {
    const shown =
      key === 'api-token'
        ? '${{ secrets.CLOUDFLARE_API_TOKEN }}'
        : value.includes('\n')
          ? `|\n      ${value.split('\n').join('\n      ')}`
          : value
    console.log(`    ${key}: ${shown}`)
  }

  const result = await runStep(withInputs)
  heading('Log (workflow commands shown as the runner renders them)')
  console.log(render(result.stdout, withInputs['api-token']))
  heading(`Exit code ${result.code}: the step ${result.code === 0 ? 'passed' : 'failed'}`)
  heading('Outputs')
  for (const [key, value] of Object.entries(result.outputs)) {
    console.log(`${key}: ${value.length > 300 ? `${value.slice(0, 300)}… (${value.length} characters)` : value}`)
  }
  heading('Job summary (Markdown)')
  console.log(result.summary.trim())
  heading('What is left on the stand-in')
  const deleted = /** @type {string[]} */ (JSON.parse(result.outputs.deleted ?? '[]'))
  console.log(deleted.length > 0 ? `Deleted: the downloads of ${deleted.join(', ')}.` : 'Nothing was deleted.')
  for (const [id, downloads] of standIn.videos) {
    const left = Object.entries(downloads)
      .filter(([, present]) => present)
      .map(([type]) => type)
    console.log(`  ${id}: ${left.length > 0 ? `still has ${left.join(' and ')}` : 'no downloads left'}`)
  }
  console.log(`  (${standIn.log.length} requests reached the stand-in)`)
} finally {
  await standIn.close()
}

/**
 * Shows workflow commands the way the runner's log does: masks applied, annotations labelled.
 * @param {string} stdout @param {string} token
 */
function render(stdout, token) {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => {
      if (line.startsWith('::add-mask::')) return '(a secret was registered for masking)'
      const masked = line.split(token).join('***')
      const command = /^::(error|warning|notice|group|endgroup)(?: ([^:]*))?::(.*)$/.exec(masked)
      if (!command) return masked
      const [, kind, props, message] = command
      if (kind === 'group') return `▼ ${message}`
      if (kind === 'endgroup') return '▲'
      const title = /title=([^,]*)/.exec(props ?? '')?.[1]
      const decode = (/** @type {string} */ text) =>
        text.replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%0A/g, '\n').replace(/%25/g, '%')
      return `${kind?.toUpperCase()}${title ? ` (${decode(title)})` : ''}: ${decode(message ?? '')}`
    })
    .join('\n')
}
