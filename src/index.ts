/** The entry point the runner starts: everything else is in run(), which reports its own errors. */
import { run } from './main.js'

void run()
