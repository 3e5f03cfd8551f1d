// Benchmarks for the action (`npm run bench`): prints a table; not a test, and nothing is asserted.
//   1. Cold start of one deletion: dist/index.js run as the runner runs it, in turn with three floors
//      that send the same DELETE: bench/floor.js (node:http, an ES module, whose `import` of
//      node:http evaluates every export of it), bench/floor.cjs (node:http, CommonJS, the lean
//      floor) and bench/floor-public.js bundled by ncc (the plainest action on the same stack:
//      undici's request(), @actions/core, @actions/github); medians of the per-run ratios, and of each.
//   2. Peak memory (max RSS) of the three.
//   3. Batches of 10 and 100 videos (40 ms latency, concurrency 4) in turn with bench/plain.cjs,
//      the same requests sent with nothing but node:http: median ratio of wall times.
//   4. Batches of 240 videos at concurrency 8 and 1,000 at concurrency 32 (40 ms latency, no rate
//      ceiling): wall time against the ideal (cold start + n × 40 ms / concurrency), for the action
//      and for the public-stack floor (each against its own cold start).
//   5. Paced batches against a quota, one job and two sharing the token: the share of the allowed
//      rate counted from the start of the first window to the start of the last (gaps included).
//   6. A selection: 10,000 videos listed (10 pages) and deleted at 40 ms, concurrency 8, against the ideal.
//   7. Scale: 10,000 and 100,000 ids from a file with download-type all (and 100,000 of which none
//      has a download, as most of a selection): wall time, CPU per request, peak RSS, and the size
//      of the outputs, the log, the summary and the results file; and the public-stack floor's
//      time, CPU and peak RSS on the same 100,000.
//   8. Size of dist/index.js.
// Options (environment): BENCH_PAIRS (default 15), BENCH_NODES ("24,20"),
// BENCH_SKIP ("plain,batch,selection,scale,paced,paced-large"), BENCH_DIST (another dist/index.js to measure).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir, cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { runStep } from '../dev/run-step.js'
import { makeLibrary, startStandIn } from '../dev/stand-in.js'

/** @typedef {{ name: string, bin: string }} Node */
/** @typedef {Awaited<ReturnType<typeof startStandIn>>} StandIn */

const ROOT = new URL('../', import.meta.url).pathname
const DIST = process.env.BENCH_DIST ?? join(ROOT, 'dist/index.js')
const FLOOR = join(ROOT, 'bench/floor.js')
const LEAN_FLOOR = join(ROOT, 'bench/floor.cjs')
const PLAIN = join(ROOT, 'bench/plain.cjs')
/** bench/floor-public.js, bundled as the action is (ncc) into a folder of its own. */
const PUBLIC_FLOOR = join(mkdtempSync(join(tmpdir(), 'floor-public-')), 'index.js')
const PROBE = join(ROOT, 'bench/rss-probe.cjs')
const PAIRS = Number(process.env.BENCH_PAIRS ?? 15)
const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean))

/** @param {number[]} values */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? Number(sorted[mid]) : (Number(sorted[mid - 1]) + Number(sorted[mid])) / 2
}

function nodes() {
  const wanted = (process.env.BENCH_NODES ?? '24,20').split(',')
  /** @type {Node[]} */
  const list = []
  for (const major of wanted) {
    if (major === '24') {
      const bin = execFileSync(join(ROOT, 'scripts/node24.sh'), { encoding: 'utf8' }).trim()
      list.push({ name: `Node ${execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()}`, bin })
    } else if (process.version.startsWith(`v${major}.`)) {
      list.push({ name: `Node ${process.version}`, bin: process.execPath })
    }
  }
  return list
}

/**
 * One step as the runner runs it, with the peak-RSS probe preloaded: wall time (ms) and peak RSS (KiB).
 * @param {Node} node @param {string} script @param {Record<string, string>} withInputs
 */
async function step(node, script, withInputs, env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'))
  const rss = join(dir, 'rss')
  const result = await runStep(withInputs, {
    node: node.bin,
    nodeArgs: ['--require', PROBE],
    script,
    env: { RSS_FILE: rss, ...env }
  })
  const [kib, cpuMs] = readFileSync(rss, 'utf8').trim().split(' ').map(Number)
  rmSync(dir, { recursive: true, force: true })
  if (result.code !== 0 || result.outputs.success !== 'true') {
    throw new Error(`${script} exited ${result.code}: ${result.stdout.slice(0, 4000)}${result.stderr}`)
  }
  return { ms: result.elapsedMs, kib: Number(kib), cpuMs: Number(cpuMs), result }
}

/**
 * The step's `with:` (the floor reads only what it needs).
 * @param {StandIn} standIn @param {string} videoId @param {Record<string, string>} [extra]
 */
function inputs(standIn, videoId, extra = {}) {
  return {
    'video-id': videoId,
    'account-id': standIn.accountId,
    'api-token': standIn.token,
    'base-url': standIn.baseUrl,
    ...extra
  }
}

/** @param {Node} node */
async function coldStart(node) {
  const ids = Array.from({ length: 4 * (PAIRS + 3) }, (_, i) => `c01d${i.toString(16).padStart(28, '0')}`)
  const standIn = await startStandIn({ videos: Object.fromEntries(ids.map((id) => [id, {}])) })
  let next = 0
  const runs = []
  try {
    for (let i = 0; i < PAIRS + 3; i++) {
      const action = await step(node, DIST, inputs(standIn, String(ids[next++])))
      const floor = await step(node, FLOOR, inputs(standIn, String(ids[next++])))
      const lean = await step(node, LEAN_FLOOR, inputs(standIn, String(ids[next++])))
      const stack = await step(node, PUBLIC_FLOOR, inputs(standIn, String(ids[next++])))
      if (i >= 3) runs.push({ action, floor, lean, stack }) // the first three warm the disk cache
    }
  } finally {
    await standIn.close()
  }
  return {
    ratio: median(runs.map((p) => p.action.ms / p.floor.ms)),
    leanRatio: median(runs.map((p) => p.action.ms / p.lean.ms)),
    stackRatio: median(runs.map((p) => p.action.ms / p.stack.ms)),
    stackMs: median(runs.map((p) => p.stack.ms)),
    stackKiB: median(runs.map((p) => p.stack.kib)),
    actionMs: median(runs.map((p) => p.action.ms)),
    floorMs: median(runs.map((p) => p.floor.ms)),
    leanMs: median(runs.map((p) => p.lean.ms)),
    actionKiB: median(runs.map((p) => p.action.kib)),
    floorKiB: median(runs.map((p) => p.floor.kib)),
    leanKiB: median(runs.map((p) => p.lean.kib))
  }
}

/**
 * The action and bench/plain.cjs in turn on the same batch: median ratio of wall times.
 * @param {Node} node @param {number} count @param {number} concurrency
 */
async function againstPlain(node, count, concurrency) {
  const rounds = Math.max(5, Math.ceil(PAIRS / 2))
  const ids = Array.from({ length: 2 * (rounds + 1) * count }, (_, i) => `a1a1${i.toString(16).padStart(28, '0')}`)
  const standIn = await startStandIn({ videos: Object.fromEntries(ids.map((id) => [id, {}])), latencyMs: 40 })
  let next = 0
  const batchOf = () => ids.slice(next, (next += count)).join('\n')
  const with_ = { concurrency: String(concurrency), 'requests-per-minute': '0' }
  const runs = []
  try {
    for (let i = 0; i < rounds + 1; i++) {
      const action = await step(node, DIST, inputs(standIn, batchOf(), with_))
      const plain = await step(node, PLAIN, inputs(standIn, batchOf(), with_))
      if (i >= 1) runs.push({ action, plain })
    }
  } finally {
    await standIn.close()
  }
  return {
    ratio: median(runs.map((r) => r.action.ms / r.plain.ms)),
    actionMs: median(runs.map((r) => r.action.ms)),
    plainMs: median(runs.map((r) => r.plain.ms)),
    actionKiB: median(runs.map((r) => r.action.kib)),
    plainKiB: median(runs.map((r) => r.plain.kib))
  }
}

/**
 * `script` (the action, or the public-stack floor) on a batch at 40 ms latency, against the ideal
 * (its own cold start + n × 40 ms / concurrency).
 * @param {Node} node @param {string} script @param {number} coldMs @param {number} count @param {number} concurrency
 */
async function batch(node, script, coldMs, count, concurrency) {
  const ids = Array.from({ length: count }, (_, i) => `ba7c${i.toString(16).padStart(28, '0')}`)
  const standIn = await startStandIn({ videos: Object.fromEntries(ids.map((id) => [id, {}])), latencyMs: 40 })
  try {
    const { ms } = await step(
      node,
      script,
      inputs(standIn, ids.join('\n'), { concurrency: String(concurrency), 'requests-per-minute': '0' })
    )
    const ideal = coldMs + (count * 40) / concurrency
    return { ms, ideal, ratio: ms / ideal, maxInFlight: standIn.stats.maxInFlight }
  } finally {
    await standIn.close()
  }
}

/**
 * A selection from a library of `count` videos (10 pages of the list), every one with a default
 * download, deleted at 40 ms latency: wall time against the ideal (cold start + pages × 40 ms +
 * n × 40 ms / concurrency).
 * @param {Node} node @param {number} coldMs @param {number} count @param {number} concurrency
 */
async function selection(node, coldMs, count, concurrency) {
  const library = makeLibrary(count, { start: '2024-01-01T00:00:00Z' }).map((video) => ({
    ...video,
    downloads: { default: true }
  }))
  const standIn = await startStandIn({ library, latencyMs: 40, quota: 1_000_000 })
  try {
    const { ms } = await step(node, DIST, {
      'account-id': standIn.accountId,
      'api-token': standIn.token,
      'base-url': standIn.baseUrl,
      'created-before': '2026-01-01T00:00:00Z',
      'max-videos': '0',
      concurrency: String(concurrency),
      'requests-per-minute': '0'
    })
    const pages = standIn.log.filter((entry) => entry.method === 'GET').length
    const ideal = coldMs + pages * 40 + (count * 40) / concurrency
    return { ms, ideal, pages, ratio: ms / ideal }
  } finally {
    await standIn.close()
  }
}

/**
 * `count` ids from a file with `download-type: all`, no latency: every video has both downloads,
 * or (`downloads` false) none has any, so that every request is a 404. Wall time, CPU per request,
 * peak RSS, the size of the outputs, the log and the summary.
 * @param {Node} node @param {number} count @param {boolean} downloads
 */
async function scale(node, count, downloads = true, script = DIST) {
  const ids = Array.from({ length: count }, (_, i) => i.toString(16).padStart(32, '0'))
  const standIn = await startStandIn({
    videos: downloads ? Object.fromEntries(ids.map((id) => [id, { default: true, audio: true }])) : {},
    quota: 10_000_000
  })
  const dir = mkdtempSync(join(tmpdir(), 'bench-scale-'))
  writeFileSync(join(dir, 'ids.txt'), `${ids.join('\n')}\n`)
  try {
    const { ms, kib, cpuMs, result } = await step(
      node,
      script,
      {
        'account-id': standIn.accountId,
        'api-token': standIn.token,
        'base-url': standIn.baseUrl,
        'video-id-file': 'ids.txt',
        'download-type': 'all',
        'max-videos': '0',
        concurrency: '32',
        'requests-per-minute': '0'
      },
      { GITHUB_WORKSPACE: dir, RUNNER_TEMP: dir }
    )
    const cpuUsPerRequest = (cpuMs * 1000) / (2 * count)
    // The floor writes no results file and no report: its time, CPU and memory are the figures.
    if (script !== DIST) return { ms, kib, cpuUsPerRequest }
    const outputs = Object.values(result.outputs).reduce((sum, value) => sum + Buffer.byteLength(value), 0)
    // The results file is JSON Lines: one whole record a line, every video once.
    const file = result.outputs['results-file'] ?? ''
    const lines = readFileSync(file, 'utf8').split('\n')
    if (
      lines.pop() !== '' ||
      lines.length !== count ||
      new Set(lines.map((l) => JSON.parse(l).video_id)).size !== count
    ) {
      throw new Error(`${file}: not ${count} records, one a line`)
    }
    return {
      ms,
      kib,
      cpuUsPerRequest,
      outputsKiB: outputs / 1024,
      logKiB: Buffer.byteLength(result.stdout) / 1024,
      summaryKiB: Buffer.byteLength(result.summary) / 1024,
      resultsFileMiB: statSync(file).size / 1024 / 1024
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await standIn.close()
  }
}

/**
 * A batch against a quota (three windows' worth or more), by one job or by two sharing the token.
 * The stand-in starts a window at the first request after the last one ended, as a fixed window
 * does for a client that waits for it; the window starts are found in its log the same way. The
 * steady share counts every request from the start of the first window to the start of the last
 * against quota × the time between them, so time lost between windows counts as lost.
 * @param {Node} node @param {{ quota: number, windowMs: number, count: number, jobs: number, concurrency: number }} p
 */
async function paced(node, { quota, windowMs, count, jobs, concurrency }) {
  const ids = Array.from({ length: count }, (_, i) => `face${i.toString(16).padStart(28, '0')}`)
  const standIn = await startStandIn({
    videos: Object.fromEntries(ids.map((id) => [id, {}])),
    quota,
    windowMs,
    latencyMs: 20
  })
  try {
    const per = Math.ceil(count / jobs)
    const started = Date.now()
    await Promise.all(
      Array.from({ length: jobs }, (_, j) =>
        step(
          node,
          DIST,
          inputs(standIn, ids.slice(j * per, (j + 1) * per).join('\n'), {
            concurrency: String(concurrency),
            'requests-per-minute': '0',
            'max-videos': '0'
          })
        )
      )
    )
    const ms = Date.now() - started
    const starts = []
    for (const { at } of standIn.log) if (starts.length === 0 || at - Number(starts.at(-1)) >= windowMs) starts.push(at)
    const first = Number(starts[0])
    const last = Number(starts.at(-1))
    const steady = standIn.log.filter((entry) => entry.at < last).length
    return {
      ms,
      lockouts: standIn.stats.lockouts,
      requests: standIn.log.length,
      windows: starts.length,
      gapMs: starts.length > 1 ? (last - first) / (starts.length - 1) - windowMs : NaN,
      share: starts.length > 1 ? steady / ((quota * (last - first)) / windowMs) : NaN
    }
  } finally {
    await standIn.close()
  }
}

execFileSync(process.execPath, [
  join(ROOT, 'node_modules/.bin/ncc'),
  'build',
  join(ROOT, 'bench/floor-public.js'),
  '-o',
  dirname(PUBLIC_FLOOR),
  '--quiet'
])
const size = statSync(DIST).size
console.log(`# Benchmarks (${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()})`)
console.log(`dist/index.js: ${(size / 1024).toFixed(0)} KiB\n`)
console.log(
  '| Node | cold start: action / public-stack floor | action / lean floor | action / ESM floor | action ms | ' +
    'public-stack floor ms | lean floor ms | ESM floor ms | RSS action MiB | RSS public-stack / lean / ESM floor MiB | ' +
    'RSS action / lean floor |'
)
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
const colds = []
for (const node of nodes()) {
  const c = await coldStart(node)
  colds.push({ node, c })
  console.log(
    `| ${node.name} | ${c.stackRatio.toFixed(2)} | ${c.leanRatio.toFixed(2)} | ${c.ratio.toFixed(2)} | ` +
      `${c.actionMs.toFixed(1)} | ${c.stackMs.toFixed(1)} | ${c.leanMs.toFixed(1)} | ${c.floorMs.toFixed(1)} | ` +
      `${(c.actionKiB / 1024).toFixed(1)} | ${(c.stackKiB / 1024).toFixed(1)} / ${(c.leanKiB / 1024).toFixed(1)} / ` +
      `${(c.floorKiB / 1024).toFixed(1)} | ${(c.actionKiB / c.leanKiB).toFixed(2)} |`
  )
}
if (!SKIP.has('plain')) {
  console.log(
    '\n| Node | batch (40 ms, concurrency 4) | action ms | plain node:http ms | ratio | RSS action / plain MiB |'
  )
  console.log('| --- | --- | --- | --- | --- | --- |')
  for (const { node } of colds) {
    for (const count of [10, 100]) {
      const b = await againstPlain(node, count, 4)
      console.log(
        `| ${node.name} | ${count} videos | ${b.actionMs.toFixed(0)} | ${b.plainMs.toFixed(0)} | ${b.ratio.toFixed(3)} | ` +
          `${(b.actionKiB / 1024).toFixed(1)} / ${(b.plainKiB / 1024).toFixed(1)} |`
      )
    }
  }
}
if (!SKIP.has('batch')) {
  console.log('\n| Node | batch (40 ms latency) | wall ms | ideal ms | ratio | max in flight |')
  console.log('| --- | --- | --- | --- | --- | --- |')
  for (const { node, c } of colds) {
    for (const [count, concurrency] of [
      [240, 8],
      [1000, 32]
    ]) {
      for (const [what, script, coldMs] of /** @type {const} */ ([
        ['action', DIST, c.actionMs],
        ['public-stack floor', PUBLIC_FLOOR, c.stackMs]
      ])) {
        const b = await batch(node, script, coldMs, Number(count), Number(concurrency))
        console.log(
          `| ${node.name} | ${count} × concurrency ${concurrency}, ${what} | ${b.ms.toFixed(0)} | ${b.ideal.toFixed(0)} | ` +
            `${b.ratio.toFixed(3)} | ${b.maxInFlight} |`
        )
      }
    }
  }
}
if (!SKIP.has('selection')) {
  console.log('\n| Node | selection: list and delete (40 ms latency) | wall ms | ideal ms | list pages | ratio |')
  console.log('| --- | --- | --- | --- | --- | --- |')
  const { node, c } = /** @type {{ node: Node, c: { actionMs: number } }} */ (colds[0])
  const s = await selection(node, c.actionMs, 10_000, 8)
  console.log(
    `| ${node.name} | 10,000 videos, concurrency 8 | ${s.ms.toFixed(0)} | ${s.ideal.toFixed(0)} | ${s.pages} | ${s.ratio.toFixed(3)} |`
  )
}
if (!SKIP.has('scale')) {
  console.log(
    '\n| Node | ids from a file, download-type all, concurrency 32 | wall s | CPU µs per request | peak RSS MiB | outputs KiB | log KiB | summary KiB | results file MiB |'
  )
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
  const { node } = /** @type {{ node: Node }} */ (colds[0])
  for (const [count, downloads] of /** @type {const} */ ([
    [10_000, true],
    [100_000, true],
    [100_000, false]
  ])) {
    const r = await scale(node, count, downloads)
    const what = `${count.toLocaleString('en-US')} videos${downloads ? '' : ', none with downloads'}`
    console.log(
      `| ${node.name} | ${what} | ${(r.ms / 1000).toFixed(1)} | ${r.cpuUsPerRequest.toFixed(0)} | ` +
        `${(r.kib / 1024).toFixed(1)} | ${r.outputsKiB?.toFixed(0)} | ${r.logKiB?.toFixed(0)} | ${r.summaryKiB?.toFixed(0)} | ${r.resultsFileMiB?.toFixed(1)} |`
    )
  }
  // The same 100,000 through the public-stack floor: what the stack alone costs at this scale.
  const f = await scale(node, 100_000, true, PUBLIC_FLOOR)
  console.log(
    `| ${node.name} | 100,000 videos, public-stack floor | ${(f.ms / 1000).toFixed(1)} | ${f.cpuUsPerRequest.toFixed(0)} | ` +
      `${(f.kib / 1024).toFixed(1)} | – | – | – | – |`
  )
}
if (!SKIP.has('paced')) {
  console.log(
    '\n| Node | paced (concurrency 4 per job) | wall ms | requests | windows | mean gap between windows ms | steady share of the allowed rate | lockouts |'
  )
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |')
  const { node } = /** @type {{ node: Node }} */ (colds[0])
  const cases = [
    { name: '300 against 100 per 5 s, one job', quota: 100, windowMs: 5000, count: 300, jobs: 1, concurrency: 4 },
    { name: '300 against 100 per 5 s, two jobs', quota: 100, windowMs: 5000, count: 300, jobs: 2, concurrency: 4 }
  ]
  if (!SKIP.has('paced-large')) {
    cases.push({
      name: '3,000 against 1,200 per 30 s, one job',
      quota: 1200,
      windowMs: 30_000,
      count: 3000,
      jobs: 1,
      concurrency: 4
    })
  }
  for (const { name, ...p } of cases) {
    const r = await paced(node, p)
    console.log(
      `| ${node.name} | ${name} | ${r.ms.toFixed(0)} | ${r.requests} | ${r.windows} | ${r.gapMs.toFixed(0)} | ` +
        `${(r.share * 100).toFixed(1)}% | ${r.lockouts} |`
    )
  }
}
rmSync(dirname(PUBLIC_FLOOR), { recursive: true, force: true })
