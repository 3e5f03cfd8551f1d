/**
 * The entry point the runner starts: catches signals first, then everything else is in run(),
 * which reports its own errors. (The bundle is CommonJS, so no top-level await: bench/RESULTS.md.)
 */
import './runner/early-signals.js'
import { run } from './main.js'

void run()
