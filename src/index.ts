/** The entry point the runner starts. */
import { productionDeps } from './deps.js'
import { run } from './main.js'

const deps = productionDeps()
await run(deps)
deps.cancellation.dispose()
