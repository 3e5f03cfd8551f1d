// Benchmarks for the action (`npm run bench`): prints a table; not a test, and nothing is asserted.
//   1. Cold start of one deletion: dist/index.js run as the runner runs it, alternating with the
//      bare node:http floor (bench/floor.js); median of per-pair ratios, both medians.
//   2. Peak memory (max RSS) of both.
//   3. A batch of 240 videos, 40 ms server latency, concurrency 8, no rate ceiling: wall time
//      against the ideal (cold start + 240 × 40 ms / 8).
//   4. A paced batch against a small quota: achieved rate as a share of the allowed rate, lockouts.
//   5. Size of dist/index.js.
// Options (environment): BENCH_PAIRS (default 15), BENCH_NODES ("24,20"), BENCH_SKIP ("paced,batch").
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir, cpus } from 'node:os'
import { join } from 'node:path'
import { runStep } from '../dev/run-step.js'
import { startStandIn } from '../dev/stand-in.js'

/** @typedef {{ name: string, bin: string }} Node */
/** @typedef {Awaited<ReturnType<typeof startStandIn>>} StandIn */

const ROOT = new URL('../', import.meta.url).pathname
const DIST = join(ROOT, 'dist/index.js')
const FLOOR = join(ROOT, 'bench/floor.js')
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
async function step(node, script, withInputs) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'))
  const rss = join(dir, 'rss')
  const result = await runStep(withInputs, {
    node: node.bin,
    nodeArgs: ['--require', PROBE],
    script,
    env: { RSS_FILE: rss }
  })
  const kib = Number(readFileSync(rss, 'utf8').trim())
  rmSync(dir, { recursive: true, force: true })
  if (result.code !== 0 || result.outputs.success !== 'true') {
    throw new Error(`${script} exited ${result.code}: ${result.stdout}${result.stderr}`)
  }
  return { ms: result.elapsedMs, kib }
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
  const ids = Array.from({ length: 2 * (PAIRS + 3) }, (_, i) => `cold${i}`)
  const standIn = await startStandIn({ videos: Object.fromEntries(ids.map((id) => [id, {}])) })
  let next = 0
  const pairs = []
  try {
    for (let i = 0; i < PAIRS + 3; i++) {
      const action = await step(node, DIST, inputs(standIn, String(ids[next++])))
      const floor = await step(node, FLOOR, inputs(standIn, String(ids[next++])))
      if (i >= 3) pairs.push({ action, floor }) // the first three warm the disk cache
    }
  } finally {
    await standIn.close()
  }
  return {
    ratio: median(pairs.map((p) => p.action.ms / p.floor.ms)),
    actionMs: median(pairs.map((p) => p.action.ms)),
    floorMs: median(pairs.map((p) => p.floor.ms)),
    actionKiB: median(pairs.map((p) => p.action.kib)),
    floorKiB: median(pairs.map((p) => p.floor.kib))
  }
}

/** @param {Node} node @param {number} coldMs */
async function batch(node, coldMs) {
  const ids = Array.from({ length: 240 }, (_, i) => `batch${i}`)
  const standIn = await startStandIn({ videos: Object.fromEntries(ids.map((id) => [id, {}])), latencyMs: 40 })
  try {
    const { ms } = await step(
      node,
      DIST,
      inputs(standIn, ids.join('\n'), { concurrency: '8', 'requests-per-minute': '0' })
    )
    const ideal = coldMs + (240 * 40) / 8
    return { ms, ideal, ratio: ms / ideal, maxInFlight: standIn.stats.maxInFlight }
  } finally {
    await standIn.close()
  }
}

/**
 * 300 videos against 100 requests per 5 s: three full windows of work.
 * @param {Node} node
 */
async function paced(node) {
  const quota = 100
  const windowMs = 5000
  const ids = Array.from({ length: 300 }, (_, i) => `paced${i}`)
  const standIn = await startStandIn({
    videos: Object.fromEntries(ids.map((id) => [id, {}])),
    quota,
    windowMs,
    latencyMs: 20
  })
  try {
    const { ms } = await step(
      node,
      DIST,
      inputs(standIn, ids.join('\n'), { concurrency: '4', 'requests-per-minute': '0' })
    )
    const first = standIn.log[0]?.at ?? 0
    // Windows are fixed from the stand-in's start; count what was served in each full window.
    const fullWindows = Math.floor(((standIn.log.at(-1)?.at ?? 0) - first) / windowMs)
    const inFull = standIn.log.filter((entry) => entry.at - first < fullWindows * windowMs).length
    return {
      ms,
      lockouts: standIn.stats.lockouts,
      requests: standIn.log.length,
      share: fullWindows > 0 ? inFull / (quota * fullWindows) : NaN,
      overall: standIn.log.length / (ms / windowMs) / quota
    }
  } finally {
    await standIn.close()
  }
}

const size = statSync(DIST).size
console.log(`# Benchmarks (${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()})`)
console.log(`dist/index.js: ${(size / 1024).toFixed(0)} KiB\n`)
console.log(
  '| Node | cold start: action / floor (median ratio) | action ms | floor ms | RSS action MiB | RSS floor MiB | RSS ratio |'
)
console.log('| --- | --- | --- | --- | --- | --- | --- |')
const colds = []
for (const node of nodes()) {
  const c = await coldStart(node)
  colds.push({ node, c })
  console.log(
    `| ${node.name} | ${c.ratio.toFixed(2)} | ${c.actionMs.toFixed(1)} | ${c.floorMs.toFixed(1)} | ` +
      `${(c.actionKiB / 1024).toFixed(1)} | ${(c.floorKiB / 1024).toFixed(1)} | ${(c.actionKiB / c.floorKiB).toFixed(2)} |`
  )
}
if (!SKIP.has('batch')) {
  console.log('\n| Node | batch 240 × 40 ms, concurrency 8: wall ms | ideal ms | ratio | max in flight |')
  console.log('| --- | --- | --- | --- | --- |')
  for (const { node, c } of colds) {
    const b = await batch(node, c.actionMs)
    console.log(
      `| ${node.name} | ${b.ms.toFixed(0)} | ${b.ideal.toFixed(0)} | ${b.ratio.toFixed(3)} | ${b.maxInFlight} |`
    )
  }
}
if (!SKIP.has('paced')) {
  console.log(
    '\n| Node | paced 300 against 100 per 5 s: wall ms | requests | share of allowed rate (full windows) | overall rate / allowed | lockouts |'
  )
  console.log('| --- | --- | --- | --- | --- | --- |')
  const { node } = /** @type {{ node: Node }} */ (colds[0])
  const p = await paced(node)
  console.log(
    `| ${node.name} | ${p.ms.toFixed(0)} | ${p.requests} | ${(p.share * 100).toFixed(1)}% | ${(p.overall * 100).toFixed(1)}% | ${p.lockouts} |`
  )
}
