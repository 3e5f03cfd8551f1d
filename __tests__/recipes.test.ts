/**
 * The README's recipes work as pasted. Every ```yaml block of README.md (but the reference block
 * under "Usage", which docs.test.ts checks against action.yml) is read as a workflow or a list of
 * steps; each step that uses this action runs through dist/index.js as the runner would
 * (dev/run-step.js, which refuses an input action.yml does not declare) against the stand-in API,
 * with a library of videos for the selection recipes. Expressions are evaluated with stand-in
 * values: `secrets.*` and `vars.*` give its token and account, `steps.<id>.outputs.*` the real
 * outputs of a step that ran (or a plausible value for a step outside the recipe, such as an
 * upload), `needs.*.outputs.failed` a JSON array of ids, `matrix.*` the first value of each list,
 * `inputs.*` a dispatch's defaults. A step whose inputs read `github.event_name` runs once per
 * event the workflow is triggered by. Then every `steps.<id>.outputs.<name>` the recipe reads
 * must exist, and be well-formed JSON where the output is JSON, and no `run:` may hold `${{ … }}`.
 * Pacing is off (`requests-per-minute: 0`, after checking the recipe's own value is in range): the
 * stand-in has its quota to itself, and a paced run over a library would take minutes.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parse } from 'yaml'
import { runStep, type StepResult } from '../dev/run-step.js'
import { makeLibrary, startStandIn } from '../dev/stand-in.js'
import { action } from './helpers/action-yml.js'
import { yamlBlocks } from './helpers/readme.js'
import { removeTempDirs, tempDir } from './helpers/temp-dirs.js'

const DAY_MS = 86_400_000
/** 600 videos created over the last 200 days: about 3 a day, so every window of the recipes holds some. */
const HOUR_MS = 3_600_000
/** Where `older-than: 90d` cuts while these tests run (they take minutes, not an hour). */
const NINETY_DAYS_AGO = Date.now() - 90 * DAY_MS
/**
 * 600 videos over the last 200 days, none within an hour of the 90-day line, so that which are
 * older than 90 days cannot change between a test's expectation and the step's own clock.
 */
const LIBRARY = (() => {
  for (let shift = 0; ; shift += HOUR_MS) {
    const library = makeLibrary(600, {
      seed: 11,
      start: new Date(NINETY_DAYS_AGO - 110 * DAY_MS + shift).toISOString(),
      stepMs: Math.floor((200 * DAY_MS) / 600)
    })
    if (library.every((video) => Math.abs(Date.parse(video.created) - NINETY_DAYS_AGO) > HOUR_MS)) return library
  }
})()
/** The video a release workflow just uploaded (`steps.upload.outputs.video-id`). */
const UPLOADED = 'ea95132c15732412d22c1476fa83f27a'
/** The uploaded video and two of the library's with an MP4: what the list and retry recipes name. */
const SOME_IDS = [UPLOADED, ...LIBRARY.filter((video) => video.downloads?.default).map((video) => video.uid)].slice(
  0,
  3
)
const KEY = 'stand-in-global-key-0123'
const EMAIL = 'ops@example.com'
/** Outputs that are JSON arrays. */
const JSON_ARRAYS = new Set(['errors', 'messages', 'results', 'deleted', 'missing', 'failed', 'selected'])

type Value = string | number | boolean | null
interface Step {
  id?: string
  name?: string
  uses?: string
  run?: string
  if?: Value
  with?: Record<string, Value>
  env?: Record<string, Value>
}
interface Job {
  steps: Step[]
  env?: Record<string, Value>
  outputs?: Record<string, Value>
  if?: Value
  strategy?: { matrix?: Record<string, unknown> }
}
interface Workflow {
  on?: unknown
  env?: Record<string, Value>
  jobs: Record<string, Job>
}

/** One run of one action step, for the assertions. */
interface Run {
  step: string
  event: string
  with: Record<string, string>
  result: StepResult
  requests: { method: string; path: string }[]
  emptyFile: boolean
}

interface Context {
  event: string
  inputs: Record<string, Value>
  matrix: Record<string, Value>
  env: Record<string, string>
  outputs: Map<string, Record<string, string>>
  token: string
  accountId: string
  runId: number
}

// ── A small evaluator for the expressions the recipes use ────────────────────────────────────────

/** `${{ … }}` in a value, evaluated; a value that is one expression keeps its type. */
function evaluate(value: Value | undefined, context: Context): Value {
  if (typeof value !== 'string') return value ?? null
  const whole = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/.exec(value)
  if (whole) return expression(whole[1] ?? '', context)
  return value.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, inner: string) => text(expression(inner, context)))
}

/** A value as the runner passes it to an input or a variable. */
function text(value: Value): string {
  return value === null ? '' : String(value)
}

/** GitHub's expression syntax, as far as the recipes use it: `||`, `&&`, `==`, `!=`, `!`, (), literals, contexts. */
function expression(source: string, context: Context): Value {
  const tokens = [
    ...source.matchAll(/\s*(?:(\|\||&&|==|!=|!|\(|\))|'((?:[^']|'')*)'|(\d+(?:\.\d+)?)|([A-Za-z_][\w.-]*))/gy)
  ]
  const consumed = tokens.reduce((length, token) => length + token[0].length, 0)
  if (source.slice(consumed).trim() !== '') throw new Error(`cannot read the expression ${JSON.stringify(source)}`)
  let at = 0
  const peek = (): string | undefined => tokens[at]?.[1]
  const truthy = (value: Value): boolean => value !== false && value !== null && value !== 0 && value !== ''
  const number = (value: Value): number =>
    value === null ? 0 : typeof value === 'boolean' ? Number(value) : Number(value)
  const equal = (a: Value, b: Value): boolean => {
    if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase()
    if (typeof a === typeof b) return a === b
    return number(a) === number(b)
  }
  const or = (): Value => {
    let value = and()
    while (peek() === '||') {
      at++
      const right = and()
      value = truthy(value) ? value : right
    }
    return value
  }
  const and = (): Value => {
    let value = comparison()
    while (peek() === '&&') {
      at++
      const right = comparison()
      value = truthy(value) ? right : value
    }
    return value
  }
  const comparison = (): Value => {
    let value = unary()
    while (peek() === '==' || peek() === '!=') {
      const op = tokens[at++]?.[1]
      const right = unary()
      value = op === '==' ? equal(value, right) : !equal(value, right)
    }
    return value
  }
  const unary = (): Value => {
    if (peek() === '!') {
      at++
      return !truthy(unary())
    }
    return primary()
  }
  const primary = (): Value => {
    const token = tokens[at++]
    if (token === undefined) throw new Error(`the expression ${JSON.stringify(source)} ends too soon`)
    if (token[1] === '(') {
      const value = or()
      if (tokens[at++]?.[1] !== ')') throw new Error(`unbalanced ( in ${JSON.stringify(source)}`)
      return value
    }
    if (token[2] !== undefined) return token[2].replace(/''/g, "'")
    if (token[3] !== undefined) return Number(token[3])
    const name = token[4] ?? ''
    if (name === 'true' || name === 'false') return name === 'true'
    if (name === 'null') return null
    if (tokens[at]?.[1] === '(') {
      if (tokens[at + 1]?.[1] !== ')') throw new Error(`only status functions are known: ${source}`)
      at += 2
      const status: Record<string, boolean> = { always: true, success: true, failure: false, cancelled: false }
      if (!(name in status)) throw new Error(`unknown function ${name}() in ${JSON.stringify(source)}`)
      return status[name] ?? false
    }
    return lookup(name, context)
  }
  const value = or()
  if (at !== tokens.length) throw new Error(`cannot read the expression ${JSON.stringify(source)}`)
  return value
}

/** A context value; anything the test cannot stand in for is an error, so a recipe cannot use it unnoticed. */
function lookup(path: string, context: Context): Value {
  const [root, ...rest] = path.split('.')
  const name = rest.join('.')
  switch (root) {
    case 'secrets':
      if (/TOKEN/.test(name)) return context.token
      if (/API_KEY/.test(name)) return KEY
      break
    case 'vars':
      if (/ACCOUNT_ID/.test(name)) return context.accountId
      if (/EMAIL/.test(name)) return EMAIL
      break
    case 'github':
      if (name === 'event_name') return context.event
      if (name === 'event.pull_request.number') return context.event === 'pull_request' ? 42 : null
      if (name === 'repository') return 'octo/app'
      if (name === 'run_id') return context.runId
      if (name === 'run_attempt') return 1
      break
    case 'inputs':
      return context.inputs[name] ?? null
    case 'matrix':
      if (name in context.matrix) return context.matrix[name] ?? null
      break
    case 'env':
      return context.env[name] ?? ''
    case 'steps': {
      const match = /^([\w-]+)\.outputs\.([\w-]+)$/.exec(name)
      if (!match) break
      const [, id = '', output = ''] = match
      const ran = context.outputs.get(id)
      if (ran) {
        if (!(output in ran))
          throw new Error(`the recipe reads steps.${id}.outputs.${output}, which the action does not set`)
        return ran[output] ?? ''
      }
      // A step outside the recipe (an upload): a plausible value.
      if (/id/.test(output)) return UPLOADED
      break
    }
    case 'needs':
      if (/\.outputs\.failed$/.test(name)) return JSON.stringify(SOME_IDS.slice(1))
      break
  }
  throw new Error(`the test has no stand-in value for ${path}`)
}

// ── Running a recipe ─────────────────────────────────────────────────────────────────────────────

const isAction = (step: Step): boolean => /(^|\/)cloudflare-stream-delete-downloads@/.test(step.uses ?? '')

/** The events a workflow is triggered by (`push` for a list of steps). */
function events(on: unknown): string[] {
  if (typeof on === 'string') return [on]
  if (Array.isArray(on)) return on.map(String)
  if (on && typeof on === 'object') return Object.keys(on)
  return ['push']
}

/** The defaults of a manual dispatch's inputs, typed as the runner types them. */
function dispatchInputs(on: unknown, event: string): Record<string, Value> {
  if (event !== 'workflow_dispatch' || !on || typeof on !== 'object') return {}
  const inputs = (on as { workflow_dispatch?: { inputs?: Record<string, { default?: Value }> } }).workflow_dispatch
    ?.inputs
  return Object.fromEntries(Object.entries(inputs ?? {}).map(([name, input]) => [name, input.default ?? null]))
}

/** The README block as a workflow: a list of steps becomes one job. */
function asWorkflow(block: unknown): Workflow {
  if (Array.isArray(block)) return { jobs: { job: { steps: block as Step[] } } }
  if (block && typeof block === 'object' && 'jobs' in block) return block as Workflow
  throw new Error('a yaml block must be a list of steps or a workflow with jobs')
}

/** What several runs of a workflow share: the stand-in (its library as the runs left it) and the cache. */
interface Shared {
  standIn: Awaited<ReturnType<typeof startStandIn>>
  /** The cache's entries: a folder per key, in the order they were saved. */
  cache: string
}

let runIds = 1000

/**
 * actions/cache/restore and actions/cache/save, emulated by a folder kept between runs: restore
 * copies the newest entry whose key is the step's key or starts with a `restore-keys` prefix; save
 * stores the path under its key, which must be new (a cache entry is never overwritten).
 */
function emulateCache(step: Step, withInputs: Record<string, string>, workspace: string, cache: string | undefined) {
  const uses = step.uses ?? ''
  if (!/^actions\/cache\/(restore|save)@/.test(uses)) return
  expect(uses).toMatch(/@v\d+$/)
  const path = join(workspace, withInputs.path ?? '')
  const key = withInputs.key ?? ''
  expect(key).not.toBe('')
  if (cache === undefined) return
  const entries = existsSync(cache) ? readdirSync(cache).sort() : []
  if (uses.startsWith('actions/cache/save@')) {
    expect(entries.some((entry) => entry.endsWith(`~${key}`))).toBe(false)
    if (existsSync(path))
      cpSync(path, join(cache, `${String(entries.length).padStart(4, '0')}~${key}`), { recursive: true })
    return
  }
  const prefixes = [key, ...(withInputs['restore-keys'] ?? '').split('\n').map((line) => line.trim())].filter(Boolean)
  const hit = [...entries].reverse().find((entry) => prefixes.some((prefix) => entry.split('~')[1]?.startsWith(prefix)))
  if (hit !== undefined) cpSync(join(cache, hit), path, { recursive: true })
}

/** Runs every step of the recipe that uses this action, and checks what the recipe reads of them. */
async function checkRecipe(source: string, options: { emptyFile?: boolean } = {}): Promise<Run[]> {
  const workflow = asWorkflow(parse(source))
  const runs: Run[] = []
  for (const job of Object.values(workflow.jobs)) {
    // Script injection: text from outside must reach a script through `env:`, never inside `run:`.
    for (const step of job.steps) {
      if (step.run !== undefined && step.run.includes('${{')) {
        throw new Error(`a run: step holds an expression (pass it through env:): ${step.run.trim().split('\n')[0]}`)
      }
    }
    const matrix = Object.fromEntries(
      Object.entries(job.strategy?.matrix ?? {}).map(([name, values]) => [
        name,
        (Array.isArray(values) ? (values[0] as Value) : (values as Value)) ?? null
      ])
    )
    const triggers = events(workflow.on)
    const byEvent = job.steps.some(
      (step) => isAction(step) && JSON.stringify(step.with ?? {}).includes('github.event_name')
    )
    for (const event of byEvent ? triggers : triggers.slice(0, 1)) {
      runs.push(...(await runJob(workflow, job, event, matrix, options.emptyFile ?? false)))
    }
  }
  return runs
}

async function runJob(
  workflow: Workflow,
  job: Job,
  event: string,
  matrix: Record<string, Value>,
  emptyFile: boolean,
  shared?: Shared
): Promise<Run[]> {
  const runs: Run[] = []
  const standIn = shared?.standIn ?? (await startStandIn(standInOptions()))
  const workspace = tempDir('recipe-workspace-')
  const runnerTemp = tempDir('recipe-temp-')
  try {
    const context: Context = {
      event,
      inputs: dispatchInputs(workflow.on, event),
      matrix,
      env: {},
      outputs: new Map(),
      token: standIn.token,
      accountId: standIn.accountId,
      runId: runIds++
    }
    const envOf = (...layers: (Record<string, Value> | undefined)[]): Record<string, string> =>
      Object.fromEntries(
        layers.flatMap((layer) =>
          Object.entries(layer ?? {}).map(([name, value]) => [name, text(evaluate(value, context))])
        )
      )
    if (job.if !== undefined) evaluate(bare(job.if), { ...context, env: envOf(workflow.env, job.env) })
    for (const step of job.steps) {
      context.env = envOf(workflow.env, job.env, step.env)
      if (step.if !== undefined) evaluate(bare(step.if), context)
      const withInputs = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([name, value]) => [name, text(evaluate(value, context))])
      )
      if (step.uses?.startsWith('actions/upload-artifact@')) {
        // The artifact recipe uploads the results file: it must be there.
        expect(existsSync(withInputs.path ?? '')).toBe(true)
      }
      emulateCache(step, withInputs, workspace, shared?.cache)
      if (!isAction(step)) continue
      expect(step.uses).toMatch(/@v1$/)
      const rate = withInputs['requests-per-minute']
      if (rate !== undefined) expect(/^\d+$/.test(rate) && Number(rate) <= 6000).toBe(true)
      withInputs['requests-per-minute'] = '0'
      const file = withInputs['video-id-file']
      if (file) {
        mkdirSync(dirname(join(workspace, file)), { recursive: true })
        writeFileSync(join(workspace, file), emptyFile ? '' : `# expired\n${SOME_IDS.join('\n')}\n`)
      }
      const before = standIn.log.length
      const result = await runStep(withInputs, {
        env: {
          ...context.env,
          CLOUDFLARE_API_BASE_URL: standIn.baseUrl,
          GITHUB_WORKSPACE: workspace,
          RUNNER_TEMP: runnerTemp,
          GITHUB_EVENT_NAME: event
        }
      })
      if (step.id) context.outputs.set(step.id, result.outputs)
      runs.push({
        step: step.name ?? step.id ?? step.uses ?? '',
        event,
        with: withInputs,
        result,
        requests: standIn.log.slice(before).map(({ method, path }) => ({ method, path })),
        emptyFile
      })
    }
    // Every output the recipe reads (later steps' env, job outputs, conditions, inputs) exists and is well-formed.
    const read = JSON.stringify(job)
    for (const [, id = '', name = ''] of read.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      const outputs = context.outputs.get(id)
      if (outputs === undefined) continue
      expect({ id, name, set: name in outputs }).toEqual({ id, name, set: true })
      if (JSON_ARRAYS.has(name)) expect(Array.isArray(JSON.parse(outputs[name] ?? ''))).toBe(true)
    }
  } finally {
    if (shared === undefined) await standIn.close()
  }
  return runs
}

function standInOptions(): Parameters<typeof startStandIn>[0] {
  return {
    videos: { [UPLOADED]: { default: true, audio: true } },
    library: LIBRARY,
    key: KEY,
    email: EMAIL,
    quota: 1_000_000
  }
}

/** An `if:` is an expression with or without `${{ }}`. */
function bare(condition: Value): Value {
  return typeof condition === 'string' && !condition.includes('${{') ? `\${{ ${condition} }}` : condition
}

/** The step's log, for a failure message. */
function describeRun(run: Run): string {
  return `${run.step} (${run.event}), with ${JSON.stringify(run.with)}:\n${run.result.stdout}${run.result.stderr}`
}

// ── The recipes ──────────────────────────────────────────────────────────────────────────────────

/** Each yaml block of the README with the heading above it; the reference block under Usage is left out. */
const blocks = yamlBlocks.filter(({ source }) => {
  const steps = asWorkflow(parse(source)).jobs
  const withs = Object.values(steps).flatMap((job) => job.steps.filter(isAction).map((step) => step.with ?? {}))
  return !withs.some((given) => Object.keys(action.inputs).every((name) => name in given))
})

afterEach(removeTempDirs)

describe('README recipes', () => {
  it('are there: the opening step and every recipe', () => {
    expect(blocks.map(({ heading }) => heading)).toEqual([
      'Cloudflare Stream: delete downloads',
      'After a release upload',
      'Scheduled cleanup by age',
      'Ids listed in a file',
      'Retrying what failed',
      'Parallel jobs',
      'A dry run',
      'Keeping every result as an artifact',
      'With the Global API key'
    ])
  })

  it.each(blocks.map(({ heading, source }) => [heading, source]))('%s works as pasted', async (_heading, source) => {
    const runs = await checkRecipe(source)
    expect(runs.length).toBeGreaterThan(0)
    for (const run of runs) {
      if (run.result.code !== 0) throw new Error(`the step failed: ${describeRun(run)}`)
      expect(run.result.outputs.success).toBe('true')
      expect(JSON.parse(run.result.outputs.selected ?? '[]')).not.toEqual([])
      const dryRun = run.with['dry-run'] === 'true'
      const sentDeletes = run.requests.some((request) => request.method === 'DELETE')
      const deletedSome = (JSON.parse(run.result.outputs.deleted ?? '[]') as string[]).length > 0
      // A dry run sends no DELETE; a real one deletes something of what the stand-in holds.
      expect({ dryRun, sentDeletes, deletedSome }).toEqual({ dryRun, sentDeletes: !dryRun, deletedSome: !dryRun })
    }
  })

  it('runs the scheduled cleanup as a dry run on a pull request and on a dispatch, for real on schedule', async () => {
    const source = blocks.find(({ heading }) => heading === 'Scheduled cleanup by age')?.source ?? ''
    const runs = await checkRecipe(source)
    expect(runs.map((run) => [run.event, run.with['dry-run']])).toEqual([
      ['schedule', 'false'],
      ['workflow_dispatch', 'true'],
      ['pull_request', 'true']
    ])
  })

  it('converges over scheduled runs: the checkpoint, kept by the cache, leaves later runs only the list requests', async () => {
    const source = blocks.find(({ heading }) => heading === 'Scheduled cleanup by age')?.source ?? ''
    const workflow = asWorkflow(parse(source))
    const job = Object.values(workflow.jobs)[0] as Job
    const standIn = await startStandIn(standInOptions())
    const cache = tempDir('recipe-cache-')
    const shared: Shared = { standIn, cache }
    try {
      const old = LIBRARY.filter((video) => Date.parse(video.created) < NINETY_DAYS_AGO)
      const newest = new Set(old.slice(-20).map((video) => video.uid))
      const [first] = await runJob(workflow, job, 'schedule', {}, false, shared)
      if (first?.result.code !== 0) throw new Error(`the step failed: ${first ? describeRun(first) : 'no run'}`)
      const selected = JSON.parse(first.result.outputs.selected ?? '[]') as string[]
      // Every video older than 90 days but the 20 newest of them, once.
      expect(new Set(selected)).toEqual(
        new Set(old.filter((video) => !newest.has(video.uid)).map((video) => video.uid))
      )
      expect(first.result.stdout).toContain('Checkpoint: none yet')
      expect(readdirSync(cache)).toHaveLength(1)
      for (let day = 2; day <= 3; day++) {
        const [later] = await runJob(workflow, job, 'schedule', {}, false, shared)
        if (later?.result.code !== 0) throw new Error(`the step failed: ${later ? describeRun(later) : 'no run'}`)
        expect(later.result.stdout).toContain('Checkpoint: resuming from ')
        // Nothing aged in since: only the list is read, nothing is sent for the videos already cleaned.
        expect(later.requests.filter((request) => !request.path.includes('/stream?'))).toEqual([])
        expect(readdirSync(cache)).toHaveLength(day)
      }
    } finally {
      await standIn.close()
    }
  })

  it('gives pull-request dry runs their own concurrency group; the runs that may delete share one and queue', () => {
    const source = blocks.find(({ heading }) => heading === 'Scheduled cleanup by age')?.source ?? ''
    const workflow = parse(source) as Workflow & {
      concurrency: { group: string; 'cancel-in-progress': Value }
    }
    const concurrency = (event: string) => {
      const context: Context = {
        event,
        inputs: {},
        matrix: {},
        env: {},
        outputs: new Map(),
        token: '',
        accountId: '',
        runId: 1
      }
      return {
        group: evaluate(workflow.concurrency.group, context),
        cancels: evaluate(workflow.concurrency['cancel-in-progress'], context)
      }
    }
    const [pullRequest, schedule, dispatch] = ['pull_request', 'schedule', 'workflow_dispatch'].map(concurrency)
    expect(schedule).toEqual({ group: dispatch?.group, cancels: false })
    expect(dispatch?.cancels).toBe(false)
    expect(pullRequest?.group).not.toBe(schedule?.group)
    expect(pullRequest?.cancels).toBe(true)
  })

  it('passes with a notice when the file of ids is empty', async () => {
    const source = blocks.find(({ heading }) => heading === 'Ids listed in a file')?.source ?? ''
    const [run] = await checkRecipe(source, { emptyFile: true })
    expect(run?.result.code).toBe(0)
    expect(run?.result.stdout).toContain('::notice::The list is empty: nothing to do.')
    expect(run?.requests).toEqual([])
  })

  it('fails a recipe with an input action.yml does not declare', async () => {
    const wrong = `- uses: your-org/cloudflare-stream-delete-downloads@v1
  with:
    video-ids: ${UPLOADED}
    api-token: \${{ secrets.CLOUDFLARE_API_TOKEN }}
`
    await expect(checkRecipe(wrong)).rejects.toThrow('action.yml has no input video-ids')
  })

  it('fails a recipe that puts an expression inside run:', async () => {
    const injectable = `- id: delete
  uses: your-org/cloudflare-stream-delete-downloads@v1
  with:
    video-id: ${UPLOADED}
- run: echo "\${{ steps.delete.outputs.result }}"
`
    await expect(checkRecipe(injectable)).rejects.toThrow('a run: step holds an expression')
  })

  it('fails a recipe that reads an output the action does not set', async () => {
    const wrongOutput = `- id: delete
  uses: your-org/cloudflare-stream-delete-downloads@v1
  with:
    video-id: ${UPLOADED}
    account-id: \${{ vars.CLOUDFLARE_ACCOUNT_ID }}
    api-token: \${{ secrets.CLOUDFLARE_API_TOKEN }}
- env:
    GONE: \${{ steps.delete.outputs.removed }}
  run: echo "$GONE"
`
    await expect(checkRecipe(wrongOutput)).rejects.toThrow('steps.delete.outputs.removed')
  })
})
