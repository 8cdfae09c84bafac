// Preloaded with `node --import` in the benchmark's memory runs only: at exit, writes the
// process's peak resident set size (KiB, from the kernel's own accounting) to RSS_PROBE_FILE.
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  if (process.env.RSS_PROBE_FILE) writeFileSync(process.env.RSS_PROBE_FILE, String(process.resourceUsage().maxRSS))
})
