/**
 * The entry point the runner starts: catches signals first, then everything else is in run(),
 * which reports its own errors.
 */
import './runner/early-signals.js'
import { run } from './main.js'

await run()
