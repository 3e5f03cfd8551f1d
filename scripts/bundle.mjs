// `npm run bundle`: builds dist/ from src/index.ts with ncc, as CommonJS, fails on anything the
// bundler could not resolve, then trims what a run never executes. The reasons and the figures:
// bench/RESULTS.md ("Start-up").
//
// The trims edit ncc's module table (`/***/ <id>:` entries, found by a line of each file's source)
// and each one fails the build when its module is not found exactly once, so an undici update that
// changes these files stops here, not at a runner's start-up.
// @ts-expect-error ncc publishes no types
import ncc from '@vercel/ncc'
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const OUT = join(ROOT, 'dist')
/** V8's default --wasm-tiering-budget in Node 24 (`node --v8-options`). */
const V8_TIERING_BUDGET = 13_000_000
/** @param {string} path */
const undiciFile = (path) =>
  readFileSync(join(dirname(createRequire(import.meta.url).resolve('undici/package.json')), path), 'utf8')

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`bundle: ${message}`)
  process.exit(1)
}

const built = await ncc(join(ROOT, 'src/index.ts'), { esm: false, license: 'licenses.txt', quiet: true })

// ncc exits 0 when a module cannot be resolved and leaves a require of `@@notfound.js?<path>` that
// throws at start-up: a moved deep import (src/runner/http.ts, src/toolkit.ts, src/deps.ts) must fail here.
const missing = [...new Set(built.code.match(/@@notfound\.js\?[^'"`\s)]*/g) ?? [])]
if (missing.length > 0) fail(`unresolved modules:\n  ${missing.map((m) => m.slice(14)).join('\n  ')}`)

// --- ncc's module table ---------------------------------------------------------------------
const TABLE_START = 'var __webpack_modules__ = ({\n'
const TABLE_END = '\n/******/ \t});\n'
const start = built.code.indexOf(TABLE_START) + TABLE_START.length
const end = built.code.indexOf(TABLE_END, start)
if (start < TABLE_START.length || end < 0) fail("ncc's output has no module table where expected")
const head = built.code.slice(0, start)
const tail = built.code.slice(end)
/** @type {Map<string, string>} id → the module's function expression */
const modules = new Map()
for (const chunk of built.code.slice(start, end).split(/\n(?=\/\*\*\*\/ \d+:\n)/)) {
  if (chunk.trim() === '') continue
  const match = /^\/\*\*\*\/ (\d+):\n([\s\S]*?)(?:,\s*)?$/.exec(chunk.trim())
  const [, id, text] = match ?? fail(`unexpected module table entry: ${chunk.slice(0, 80)}`)
  modules.set(String(id), String(text).replace(/\n\n\/\*\*\*\/ \}\)$/, '\n/***/ })'))
}

/** The id of the one module whose source contains `marker`. @param {string} what @param {string} marker */
function moduleWith(what, marker) {
  const ids = [...modules].filter(([, text]) => text.includes(marker)).map(([id]) => id)
  if (ids.length !== 1) fail(`${what}: expected one module containing ${JSON.stringify(marker)}, found ${ids.length}`)
  return /** @type {string} */ (ids[0])
}
/** @param {string} source */
const body = (source) => `((module, __unused_webpack_exports, __nccwpck_require__) => {\n${source}\n/***/ })`
/** A marker for an llhttp build: the end of its base64 string. @param {string} file */
const wasmMarker = (file) => {
  const text = undiciFile(file)
  const at = text.lastIndexOf("', 'base64')")
  return text.slice(at - 200, at)
}

// 1. One llhttp build. undici compiles the SIMD build and falls back to the plain one only if that
//    compile fails, which no Node this action runs on does; both ship as base64 (~2 × 60 KB).
const simd = moduleWith('llhttp_simd-wasm.js', wasmMarker('lib/llhttp/llhttp_simd-wasm.js'))
const plain = moduleWith('llhttp-wasm.js', wasmMarker('lib/llhttp/llhttp-wasm.js'))
modules.set(plain, body(`module.exports = __nccwpck_require__(${simd})`))

// 1b. No optimizing recompile of llhttp. V8 compiles WebAssembly with its baseline compiler, and
//    recompiles a function with its optimizing one in the background once it has run enough
//    (llhttp's parser after a few answers: ~75 ms of a second core and ~20 MiB), and the process
//    waits for that compile before it exits. The answers this action parses are a few hundred
//    bytes, for which the baseline code is fast enough. V8 reads the budget that triggers the
//    recompile when it creates the module, so it is raised for that one compile, synchronous, and
//    put back at once: a V8 flag that differs from its default for longer would make Node compile
//    every built-in module it loads afterwards without its code cache (~13 ms at start-up).
//    `--liftoff-only` and `--no-wasm-tier-up` have no effect once V8 is running.
const h1 = moduleWith('client-h1.js', 'async function lazyllhttp ()')
const COMPILE = `mod = await WebAssembly.compile(__nccwpck_require__(${simd}))`
const h1Text = /** @type {string} */ (modules.get(h1))
if (h1Text.split(COMPILE).length !== 2) fail(`client-h1.js: expected one ${COMPILE}`)
modules.set(
  h1,
  h1Text.replace(
    COMPILE,
    `mod = compileBaselineOnly(__nccwpck_require__(${simd}))` +
      ' // scripts/bundle.mjs\n    function compileBaselineOnly (bytes) {\n' +
      '      const { setFlagsFromString } = require("node:v8")\n' +
      "      setFlagsFromString('--wasm-tiering-budget=2000000000')\n" +
      '      try {\n        return new WebAssembly.Module(bytes)\n      } finally {\n' +
      `        setFlagsFromString('--wasm-tiering-budget=${V8_TIERING_BUDGET}')\n      }\n    }`
  )
)

// 2. No HTTP/2. client-h2.js requires node:http2 (and with it tls, crypto, fs/promises) when it
//    loads, ~18 ms and ~9 MiB, and client.js calls it only for a connection whose TLS handshake
//    chose h2, which undici offers only with `allowH2: true`: src/runner/http.ts never sets it. Its module
//    becomes a function that fails the connection, should that ever change.
const h2 = moduleWith('client-h2.js', 'h2ExperimentalWarned')
const clientSource = undiciFile('lib/dispatcher/client.js')
if (
  !clientSource.includes("const connectH2 = require('./client-h2.js')") ||
  clientSource.split('connectH2(').length !== 2 ||
  !clientSource.includes("socket.alpnProtocol === 'h2'\n        ? await connectH2(client, socket)")
) {
  fail('client.js no longer uses client-h2.js the way this build expects')
}
modules.set(
  h2,
  body(
    'module.exports = function connectH2 () {\n' +
      '  throw new Error("HTTP/2 is not bundled: the action never offers h2 (scripts/bundle.mjs)")\n}'
  )
)

// 3. No fetch. client-h1.js and client-h2.js load web/fetch/body.js (and with it most of undici's
//    fetch) only to send a FormData body; this action's requests have no body.
const fetchBody = moduleWith('web/fetch/body.js', 'function extractBody (object, keepalive = false)')
modules.set(
  fetchBody,
  body(
    'module.exports = { extractBody () { throw new Error("undici fetch bodies are not bundled (scripts/bundle.mjs)") } }'
  )
)

// 3b. node:assert on demand. undici calls assert(value) on its hot paths; loading node:assert
//    at start-up costs ~3.5 ms (it sets up colours, which opens process.stderr). The real module
//    is loaded only to throw a failed assertion, or for any of its other functions.
const ASSERT = 'module.exports = require("node:assert");'
const assertId = moduleWith('node:assert', ASSERT)
modules.set(
  assertId,
  body(
    'const real = () => require("node:assert")\n' +
      'function assert (value, message) {\n  if (!value) real()(value, message)\n}\n' +
      "for (const name of ['ok', 'equal', 'notEqual', 'strictEqual', 'notStrictEqual', 'deepEqual', 'deepStrictEqual', 'notDeepStrictEqual', 'fail', 'throws', 'rejects', 'match', 'ifError', 'AssertionError', 'strict']) {\n" +
      '  Object.defineProperty(assert, name, { get: () => real()[name], enumerable: true })\n}\n' +
      'module.exports = assert'
  )
)

// 3c. node:http on demand. undici's core/util.js loads it for one identity check in destroy()
//    (is the stream an IncomingMessage?), and dispatcher/client.js for http.maxHeaderSize when no
//    maxHeaderSize is given (src/runner/http.ts gives one). Loading it costs ~1.3 ms of every start-up;
//    no IncomingMessage can exist before node:http is loaded, so loading it at that check changes
//    nothing.
const httpId = moduleWith('node:http', 'module.exports = require("node:http");')
/** Replaces `from` by `to` in module `id`, which must hold `from` exactly once. @param {string} id @param {string} from @param {string} to */
function edit(id, from, to) {
  const text = /** @type {string} */ (modules.get(id))
  if (text.split(from).length !== 2) fail(`module ${id}: expected one ${JSON.stringify(from)}`)
  modules.set(
    id,
    text.replace(from, () => to)
  )
}
const util = moduleWith('core/util.js', `const { IncomingMessage } = __nccwpck_require__(${httpId})`)
edit(util, `const { IncomingMessage } = __nccwpck_require__(${httpId})`, '')
edit(util, '.constructor === IncomingMessage)', `.constructor === __nccwpck_require__(${httpId}).IncomingMessage)`)
if (/** @type {string} */ (modules.get(util)).split('IncomingMessage').length !== 2) {
  fail('core/util.js uses IncomingMessage somewhere this build does not expect')
}
const client = moduleWith('dispatcher/client.js', `const http = __nccwpck_require__(${httpId})`)
if ((undiciFile('lib/dispatcher/client.js').match(/\bhttp\./g) ?? []).length !== 1) {
  fail('dispatcher/client.js uses node:http for more than maxHeaderSize')
}
edit(
  client,
  `const http = __nccwpck_require__(${httpId})`,
  `const http = { get maxHeaderSize () { return __nccwpck_require__(${httpId}).maxHeaderSize } }`
)

// 4. Drop every module nothing reachable requires any more.
/** @param {string} text */
const refs = (text) => [...text.matchAll(/__nccwpck_require__\((\d+)\)/g)].map((m) => String(m[1]))
const reachable = new Set()
const queue = refs(head + tail)
while (queue.length > 0) {
  const id = /** @type {string} */ (queue.pop())
  if (reachable.has(id) || !modules.has(id)) continue
  reachable.add(id)
  queue.push(...refs(/** @type {string} */ (modules.get(id))))
}
const kept = [...modules].filter(([id]) => reachable.has(id))
let code = head + kept.map(([id, text]) => `/***/ ${id}:\n${text}`).join(',\n\n') + tail

// 5. node:crypto on demand: @actions/core's file-command.js imports it for randomUUID() in
//    prepareKeyValueMessage, which this action does not call (src/runner/actions-core.ts draws its own
//    delimiter); loading node:crypto at start-up costs ~5 ms.
const CRYPTO = 'const external_crypto_namespaceObject = require("crypto");'
if (code.split(CRYPTO).length !== 2) fail('expected one top-level require("crypto") from @actions/core')
code = code.replace(
  CRYPTO,
  'const external_crypto_namespaceObject = { randomUUID: () => require("crypto").randomUUID() };'
)

rmSync(OUT, { recursive: true, force: true })
mkdirSync(OUT)
writeFileSync(join(OUT, 'index.js'), code)
for (const [name, asset] of Object.entries(built.assets)) writeFileSync(join(OUT, name), asset.source)
// The bundle is CommonJS, under a project whose package.json says "module".
writeFileSync(join(OUT, 'package.json'), '{\n  "type": "commonjs"\n}\n')
console.log(
  `bundle: dist/ (${readdirSync(OUT).join(', ')}); index.js ${(code.length / 1024).toFixed(0)} KiB, ` +
    `${kept.length} of ${modules.size} modules (ncc: ${(built.code.length / 1024).toFixed(0)} KiB)`
)
