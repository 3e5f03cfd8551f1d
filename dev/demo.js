// `npm run demo [scenario]`: the action end to end, with no token and no network. It starts the
// stand-in for Cloudflare's Stream downloads API on 127.0.0.1, runs the bundled dist/index.js
// exactly as the runner would, and shows the log, the outputs and the job summary, then what is
// left on the stand-in. Scenarios: single (default), batch, dry-run, missing, bad-token, throttled,
// cleanup (a scheduled cleanup by age over a library of 2,500 videos: a dry run, then the real run).
// DEMO_SCENARIO chooses one too.
import { runStep } from './run-step.js'
import { makeLibrary, startStandIn } from './stand-in.js'

const DAY_MS = 86_400_000
/** The cleanup scenario's library: 2,500 videos created over the last 180 days, oldest first. */
const LIBRARY_SIZE = 2500
const LIBRARY_DAYS = 180

/**
 * @typedef {{
 *   about: string,
 *   videos: Record<string, { default?: boolean, audio?: boolean }>,
 *   with: Record<string, string>,
 *   standInOnly?: Record<string, string>,
 *   standIn?: Parameters<typeof startStandIn>[0],
 *   token?: string,
 *   then?: { about: string, with: Record<string, string> }
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
    videos: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`ba7c${String(i).padStart(28, '0')}`, {}])),
    with: {
      'video-id': [
        ...Array.from({ length: 11 }, (_, i) => `ba7c${String(i).padStart(28, '0')}`),
        '00000000000000000000000000000404'
      ].join('\n')
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
    with: { 'video-id': '00000000000000000000a1b2c3d4e5f6', 'if-missing': 'fail' }
  },
  'bad-token': {
    about: 'A token Cloudflare rejects: the step fails and says which permission the token needs.',
    videos: { ea95132c15732412d22c1476fa83f27a: {} },
    with: { 'video-id': 'ea95132c15732412d22c1476fa83f27a' },
    token: 'not-a-valid-token'
  },
  cleanup: {
    about:
      'A scheduled cleanup by age over a library of 2,500 videos: the downloads of videos older than 90 days, ' +
      'keeping the 20 newest of them. First a dry run (the plan), then the real run.',
    videos: {},
    with: {
      'created-before': '90d',
      'keep-latest': '20',
      'max-videos': '5000',
      'download-type': 'all',
      'dry-run': 'true'
    },
    // The stand-in has the quota to itself; a real account shares 1,200 requests per 5 minutes.
    standInOnly: { concurrency: '16', 'requests-per-minute': '0' },
    standIn: {
      library: makeLibrary(LIBRARY_SIZE, {
        seed: 7,
        start: new Date(Date.now() - LIBRARY_DAYS * DAY_MS).toISOString(),
        stepMs: Math.floor((LIBRARY_DAYS * DAY_MS) / LIBRARY_SIZE)
      }),
      quota: 1_000_000
    },
    then: {
      about: 'The same step without dry-run: the real run deletes what the dry run planned.',
      with: { 'dry-run': 'false' }
    }
  },
  throttled: {
    about: 'Throttling: a 429 with Retry-After and an HTML 502 from the edge, both retried.',
    videos: { '00000000000000000000000000000429': {}, '00000000000000000000000000000502': {} },
    with: { 'video-id': '00000000000000000000000000000429 00000000000000000000000000000502' },
    standIn: {
      faults: [
        { video: '00000000000000000000000000000429', fault: '429', retryAfter: '2' },
        { video: '00000000000000000000000000000502', fault: 'html502' }
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

/** Lines of a job summary shown at most. */
const SUMMARY_LINES = 40

const standIn = await startStandIn({ videos: scenario.videos, ...scenario.standIn })
try {
  console.log(bold(`Demo "${name}": ${scenario.about}`))
  console.log(
    `Stand-in API on ${standIn.baseUrl} (no network, no real token). Other scenarios: ${Object.keys(scenarios).join(', ')}.`
  )
  const withInputs = { ...scenario.with }
  /** What only the stand-in may be given: its address, account and token, and any pace it allows. */
  const standInOnly = {
    'account-id': standIn.accountId,
    'api-token': scenario.token ?? standIn.token,
    'base-url': standIn.baseUrl,
    ...scenario.standInOnly
  }
  if (standIn.library.length > 0) {
    const first = standIn.library[0]?.created.slice(0, 10)
    const last = standIn.library[standIn.library.length - 1]?.created.slice(0, 10)
    console.log(`The stand-in's library: ${standIn.library.length} videos created ${first} … ${last}.`)
  }
  const first = await showStep(withInputs, standInOnly)
  let last = first
  if (scenario.then) {
    console.log(`\n${bold(scenario.then.about)}`)
    last = await showStep({ ...withInputs, ...scenario.then.with }, standInOnly)
    const planned = first.outputs.selected ?? '[]'
    const planSize = count(first.outputs.selected) - count(first.outputs.missing) - count(first.outputs.failed)
    const done = count(last.outputs.deleted)
    console.log(
      `\nThe dry run planned ${planSize} videos with downloads; the real run deleted the downloads of ${done}` +
        ` (the same ${planned === last.outputs.selected ? 'selection' : 'filters, a different selection'}).`
    )
  }
  heading('What is left on the stand-in')
  const deleted = /** @type {string[]} */ (JSON.parse(last.outputs.deleted ?? '[]'))
  if (standIn.library.length > 0) {
    const withDownloads = [...standIn.videos.values()].filter((d) => d.default || d.audio).length
    console.log(
      `Deleted: the downloads of ${deleted.length} videos. ${withDownloads} of ${standIn.videos.size} videos still have downloads` +
        ' (the newer ones, the 20 kept, and any whose download was never made).'
    )
  } else {
    console.log(deleted.length > 0 ? `Deleted: the downloads of ${deleted.join(', ')}.` : 'Nothing was deleted.')
    for (const [id, downloads] of standIn.videos) {
      const left = Object.entries(downloads)
        .filter(([, present]) => present)
        .map(([type]) => type)
      console.log(`  ${id}: ${left.length > 0 ? `still has ${left.join(' and ')}` : 'no downloads left'}`)
    }
  }
  console.log(`  (${standIn.log.length} requests reached the stand-in)`)
} finally {
  await standIn.close()
}

/**
 * Runs one step and shows it: the step as a workflow against Cloudflare would write it, what the
 * demo gives the stand-in instead, the log, the exit code, the outputs, the summary.
 * @param {Record<string, string>} withInputs @param {Record<string, string>} standInOnly
 */
async function showStep(withInputs, standInOnly) {
  heading('The step, as a workflow against Cloudflare would write it')
  console.log('- uses: your-org/cloudflare-stream-delete-downloads@v1')
  console.log('  with:')
  const againstCloudflare = {
    'account-id': '${{ vars.CLOUDFLARE_ACCOUNT_ID }}',
    'api-token': '${{ secrets.CLOUDFLARE_API_TOKEN }}',
    ...withInputs
  }
  for (const [key, value] of Object.entries(againstCloudflare)) console.log(`    ${key}: ${yamlValue(value)}`)
  console.log('    # concurrency and requests-per-minute: their defaults (4, 200); the quota is shared.')
  const token = standInOnly['api-token'] ?? ''
  console.log('\nFor the stand-in only, never against Cloudflare, the demo gives instead:')
  for (const [key, value] of Object.entries(standInOnly)) {
    const shown = key !== 'api-token' ? yamlValue(value) : value === standIn.token ? "(the stand-in's token)" : value
    console.log(`    ${key}: ${shown}`)
  }
  const result = await runStep({ ...withInputs, ...standInOnly })
  heading('Log (workflow commands shown as the runner renders them)')
  console.log(render(result.stdout, token))
  heading(`Exit code ${result.code}: the step ${result.code === 0 ? 'passed' : 'failed'}`)
  heading('Outputs')
  for (const [key, value] of Object.entries(result.outputs)) {
    console.log(`${key}: ${value.length > 300 ? `${value.slice(0, 300)}… (${value.length} characters)` : value}`)
  }
  heading('Job summary (Markdown)')
  const lines = result.summary.trim().split('\n')
  console.log(lines.slice(0, SUMMARY_LINES).join('\n'))
  if (lines.length > SUMMARY_LINES) console.log(`… and ${lines.length - SUMMARY_LINES} more lines`)
  return result
}

/** A value as a workflow's `with:` would write it. @param {string} value */
function yamlValue(value) {
  if (value.includes('\n')) return `|\n      ${value.split('\n').join('\n      ')}`
  return /^[0-9]|^(true|false)$/.test(value) ? `'${value}'` : value
}

/** How many entries a JSON array output has. @param {string | undefined} json */
function count(json) {
  return /** @type {unknown[]} */ (JSON.parse(json ?? '[]')).length
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
