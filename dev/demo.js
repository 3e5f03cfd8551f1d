// `npm run demo [scenario]`: the action end to end, with no token and no network. It starts the
// stand-in for Cloudflare's Stream downloads API on 127.0.0.1, runs the bundled dist/index.js
// exactly as the runner would, and shows the log, the outputs and the job summary, then what is
// left on the stand-in. Scenarios: single (default), batch, dry-run, missing, bad-token, throttled,
// plan (a cleanup by age over a library of 2,500 videos: a dry run, then the real run), cleanup (the
// daily scheduled cleanup with a checkpoint and a time limit, three runs over a library that ages).
// DEMO_SCENARIO chooses one too.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runStep } from './run-step.js'
import { makeLibrary, startStandIn } from './stand-in.js'

const DAY_MS = 86_400_000
/** The cleanup scenario's library: 2,500 videos created over the last 180 days, oldest first. */
const LIBRARY_SIZE = 2500
const LIBRARY_DAYS = 180
/** The scheduled cleanup: a backlog of 60 videos 100 to 160 days old, 8 more turning 90 days old each day. */
const BACKLOG = 60
const AGED_A_DAY = 8

/**
 * @typedef {{
 *   about: string,
 *   videos: Record<string, { default?: boolean, audio?: boolean }>,
 *   with: Record<string, string>,
 *   standInOnly?: Record<string, string>,
 *   standIn?: Parameters<typeof startStandIn>[0],
 *   token?: string,
 *   then?: { about: string, with: Record<string, string> },
 *   runs?: number
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
      `The daily scheduled cleanup that finishes by itself: a backlog of ${BACKLOG} videos older than 90 days, ` +
      'the 5 newest of them kept, a checkpoint file kept between runs, and a time limit too short for the whole ' +
      `backlog (the stand-in answers in 200 ms, 2 at a time). Three daily runs; each day ${AGED_A_DAY} more videos ` +
      'turn 90 days old.',
    videos: {},
    with: {
      'created-before': '90d',
      'keep-latest': '5',
      'checkpoint-file': '.cleanup/checkpoint.json',
      'time-limit': '5s',
      concurrency: '2',
      'max-videos': '100'
    },
    // The stand-in has the quota to itself: its latency, not a rate limit, is what the time limit meets.
    standInOnly: { 'requests-per-minute': '0' },
    standIn: {
      library: makeLibrary(BACKLOG, {
        seed: 11,
        start: new Date(Date.now() - 160 * DAY_MS).toISOString(),
        stepMs: DAY_MS / 2
      }),
      quota: 1_000_000,
      latencyMs: 200
    },
    runs: 3
  },
  plan: {
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
  if (scenario.runs !== undefined) await showRuns(scenario.runs, withInputs, standInOnly)
  else await showSteps(scenario, withInputs, standInOnly)
} finally {
  await standIn.close()
}

/**
 * The scenario's step (and its `then`), then what is left on the stand-in.
 * @param {Scenario} scenario @param {Record<string, string>} withInputs @param {Record<string, string>} standInOnly
 */
async function showSteps(scenario, withInputs, standInOnly) {
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
}

/**
 * Runs one step and shows it: the step as a workflow against Cloudflare would write it, what the
 * demo gives the stand-in instead, the log, the exit code, the outputs, the summary.
 * @param {Record<string, string>} withInputs @param {Record<string, string>} standInOnly
 */
async function showStep(withInputs, standInOnly) {
  showWorkflowStep(withInputs, standInOnly)
  const token = standInOnly['api-token'] ?? ''
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

/**
 * The scheduled job run `runs` times, a day apart for the library: the checkpoint file stays in a
 * folder of its own between runs (what the cache steps do in a workflow). Each run shows what it
 * did and where its checkpoint stands.
 * @param {number} runs @param {Record<string, string>} withInputs @param {Record<string, string>} standInOnly
 */
async function showRuns(runs, withInputs, standInOnly) {
  showWorkflowStep(withInputs, standInOnly)
  const token = standInOnly['api-token'] ?? ''
  const workspace = mkdtempSync(join(tmpdir(), 'demo-workspace-'))
  console.log(`\nThe checkpoint file is kept in ${workspace} between runs (the cache steps' part in a workflow).`)
  try {
    for (let run = 1; run <= runs; run++) {
      if (run > 1) {
        // The wall clock moves seconds between runs, not a day: the videos that age in are added
        // instead, each day's in a one-day window just past the threshold and newer than the last's.
        const aged = makeLibrary(AGED_A_DAY, {
          seed: 100 + run,
          start: new Date(Date.now() - (90 + runs - run + 1) * DAY_MS).toISOString(),
          stepMs: DAY_MS / (2 * AGED_A_DAY)
        })
        standIn.addLibrary(aged)
        console.log(`\nA day passes: ${aged.length} more videos turn 90 days old.`)
      }
      heading(`Run ${run} of ${runs}`)
      const result = await runStep({ ...withInputs, ...standInOnly }, { env: { GITHUB_WORKSPACE: workspace } })
      const log = render(result.stdout, token).split('\n')
      // What a user reads first: where the run started, what it chose, how it ended, where it stopped.
      for (const line of log) {
        if (/^(Checkpoint|The filters select|NOTICE|WARNING|ERROR)/.test(line)) console.log(`  ${line}`)
      }
      const kept = Number(/the (\d+) newest kept/.exec(result.stdout)?.[1] ?? 0)
      const { outputs } = result
      console.log(
        `Run ${run}: exit code ${result.code}; ${count(outputs.deleted)} deleted, ${count(outputs.missing)} ` +
          `with nothing to delete, ${count(outputs.postponed)} postponed, ${kept} kept, ${count(outputs.failed)} failed; ` +
          `complete: ${outputs.complete}.`
      )
    }
  } finally {
    rmSync(workspace, { recursive: true, force: true })
  }
  heading('What is left on the stand-in')
  const withDownloads = standIn.library.filter((video) => standIn.videos.get(video.uid)?.default).length
  console.log(
    `${withDownloads} of ${standIn.library.length} videos still have their MP4 download: the 5 kept, and any` +
      ' postponed by the last run.'
  )
  console.log(`  (${standIn.log.length} requests reached the stand-in)`)
}

/**
 * The step as a workflow against Cloudflare would write it, and what the demo gives the stand-in instead.
 * @param {Record<string, string>} withInputs @param {Record<string, string>} standInOnly
 */
function showWorkflowStep(withInputs, standInOnly) {
  heading('The step, as a workflow against Cloudflare would write it')
  console.log('- uses: your-org/cloudflare-stream-delete-downloads@v1')
  console.log('  with:')
  const againstCloudflare = {
    'account-id': '${{ vars.CLOUDFLARE_ACCOUNT_ID }}',
    'api-token': '${{ secrets.CLOUDFLARE_API_TOKEN }}',
    ...withInputs
  }
  for (const [key, value] of Object.entries(againstCloudflare)) console.log(`    ${key}: ${yamlValue(value)}`)
  const defaults = Object.entries({ concurrency: 4, 'requests-per-minute': 200 }).filter(
    ([key]) => !(key in withInputs)
  )
  if (defaults.length > 0) {
    console.log(
      `    # ${defaults.map(([key]) => key).join(' and ')}: the default${defaults.length > 1 ? 's' : ''}` +
        ` (${defaults.map(([, value]) => value).join(', ')}); the quota is shared.`
    )
  }
  console.log('\nFor the stand-in only, never against Cloudflare, the demo gives instead:')
  for (const [key, value] of Object.entries(standInOnly)) {
    const shown = key !== 'api-token' ? yamlValue(value) : value === standIn.token ? "(the stand-in's token)" : value
    console.log(`    ${key}: ${shown}`)
  }
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
