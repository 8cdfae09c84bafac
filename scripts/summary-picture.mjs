// `node scripts/summary-picture.mjs`: docs/images/job-summary.png, the picture of the job summary
// in the README. Two short runs of the committed dist/index.js against the embedded fake LayerCI
// (as `npm run demo`), one that passes and one that fails; each run's GITHUB_STEP_SUMMARY is put
// on a page styled like GitHub's job summary and photographed by headless Chromium
// (apt-get install chromium). Needs the dev install (workflow-run.mjs reads action.yml with yaml).
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { FakeLayerCi, scheduleTo } from '../dist/fake/index.js'
import { runAction } from './runner.mjs'
import { KEY, OWNER, PUSH_ENV, REPO, pushEvent, workflowInputs } from './workflow-run.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'docs', 'images', 'job-summary.png')
const chromium = process.env.CHROMIUM ?? 'chromium'
const WIDTH = 900

/** Exits non-zero, saying how to install it, unless Chromium runs: checked before any run of the action. */
function checkChromium() {
  const probe = spawnSync(chromium, ['--version'], { encoding: 'utf8' })
  if (probe.error || probe.status !== 0) {
    console.error(`summary-picture: cannot run "${chromium}" (${probe.error?.message ?? `exit ${probe.status}`}).`)
    console.error('Headless Chromium takes the picture: install it with apt-get install chromium (or set CHROMIUM to its path).')
    process.exit(1)
  }
  console.log(`Using ${probe.stdout.trim()}`)
}

/**
 * One run of the committed bundle against a fake whose created job ends `outcome` after `ms`;
 * `flavor` is the API the fake and the action speak (webappio lists the job's runners).
 */
async function summaryOf({ outcome, ms, flavor, firstId }) {
  const fake = await new FakeLayerCi({
    token: KEY,
    dialect: flavor,
    repos: { [REPO]: { owner: OWNER, firstId, schedule: scheduleTo(outcome, ms) } }
  }).start()
  try {
    const result = await runAction({
      actionDir: root,
      inputs: workflowInputs(root, fake, { 'api-flavor': flavor, checkpoint: '', 'succeed-on': 'SUCCEEDED' }),
      env: PUSH_ENV,
      event: pushEvent()
    })
    const status = result.outputs['calculated-status']
    if (status !== outcome || !result.summary.includes('<table>')) {
      console.error(result.stdout + result.stderr)
      throw new Error(`the run ended ${status || 'without a status'} (exit ${result.code}), not ${outcome} with a summary table`)
    }
    return result.summary
  } finally {
    await fake.stop()
  }
}

const CSS = `
  * { box-sizing: border-box; }
  html { background: #ffffff; }
  body {
    margin: 0;
    padding: 16px;
    color: #1f2328;
    font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
  }
  main { display: flex; flex-direction: column; gap: 16px; }
  .card { border: 1px solid #d0d7de; border-radius: 6px; background: #ffffff; }
  .card > h2 { margin: 0; padding: 16px 16px 0; font-size: 16px; font-weight: 600; }
  .body { padding: 8px 16px 16px; }
  .body > :first-child { margin-top: 0; }
  .body > :last-child { margin-bottom: 0; }
  h3 { margin: 16px 0 16px; font-size: 20px; font-weight: 600; line-height: 1.25; }
  h4 { margin: 24px 0 16px; font-size: 16px; font-weight: 600; line-height: 1.25; }
  p { margin: 0 0 16px; }
  a { color: #0969da; text-decoration: none; }
  table { border-collapse: collapse; border-spacing: 0; margin: 0 0 16px; display: block; width: max-content; max-width: 100%; overflow: auto; }
  th, td { border: 1px solid #d0d7de; padding: 6px 13px; }
  th { font-weight: 600; }
  tr { background: #ffffff; border-top: 1px solid #d1d9e0; }
  tr:nth-child(2n) { background: #f6f8fa; }
`

function page(cards) {
  const body = cards.map((card) => `<section class="card"><h2>${card.title}</h2><div class="body">\n${card.summary}\n</div></section>`)
  // The script is for the measuring pass only (--dump-dom): the page's height, in its title.
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>job summary</title><style>${CSS}</style></head>
<body>
<main>
${body.join('\n')}
</main>
<script>document.title = 'height=' + Math.ceil(document.documentElement.getBoundingClientRect().height)</script>
</body></html>
`
}

/** Chromium, headless, with what keeps it from reaching for a network that is not there. */
function runChromium(profile, args) {
  const result = spawnSync(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      '--hide-scrollbars',
      '--force-device-scale-factor=1',
      ...args
    ],
    { encoding: 'utf8', timeout: 120_000 }
  )
  if (result.error || result.status !== 0) {
    throw new Error(`chromium failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stderr}`)
  }
  return result.stdout
}

checkChromium()
console.log('Running dist/index.js against the fake LayerCI: one job that passes, one that fails…')
const [passed, failed] = await Promise.all([
  summaryOf({ outcome: 'SUCCEEDED', ms: 2500, flavor: 'layerci', firstId: 1287 }),
  summaryOf({ outcome: 'FAILURE', ms: 3500, flavor: 'webappio', firstId: 1288 })
])
const work = mkdtempSync(join(tmpdir(), 'layerci-summary-picture-'))
try {
  const html = join(work, 'summary.html')
  writeFileSync(
    html,
    page([
      { title: 'layerci summary', summary: passed },
      { title: 'layerci summary', summary: failed }
    ])
  )
  const url = pathToFileURL(html).href
  const dom = runChromium(join(work, 'profile-measure'), [`--window-size=${WIDTH},2000`, '--dump-dom', url])
  const height = Number(/height=(\d+)/.exec(dom)?.[1])
  if (!(height > 0)) throw new Error('could not measure the page in Chromium')
  mkdirSync(dirname(out), { recursive: true })
  runChromium(join(work, 'profile-shot'), [`--window-size=${WIDTH},${height}`, `--screenshot=${out}`, url])
  console.log(`Wrote ${out}: ${WIDTH}×${height} px, ${statSync(out).size} bytes`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
