// The check after `ncc build` (`npm run bundle`): reads dist/index.js, writes nothing, and fails when
// ncc left a module it could not resolve. ncc exits 0 then and leaves, in place of the module, a
// require that throws only when a runner starts the action: `eval("require")("<name>")` in an ES
// module bundle (`@@notfound.js?<name>` in older CommonJS ones).
import { readFileSync } from 'node:fs'

const code = readFileSync(new URL('../dist/index.js', import.meta.url), 'utf8')
const unresolved = [...code.matchAll(/eval\("require"\)\("([^"]*)"\)|@@notfound\.js\?([^'"`\s)]*)/g)].map(
  (match) => match[1] ?? match[2]
)
if (unresolved.length > 0) {
  console.error(`dist/index.js: ncc could not resolve:\n  ${[...new Set(unresolved)].join('\n  ')}`)
  process.exit(1)
}
