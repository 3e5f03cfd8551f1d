/** The entry point the runner starts: everything else is in run(). */
import { run } from './main.js'

await run()
