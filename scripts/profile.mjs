// `node scripts/profile.mjs [runs]`: where the action's start-up goes. Builds an unminified bundle
// (names kept), stages it with action.yml as a runner would, runs it as a workflow does (see
// workflow-run.mjs) under `node --cpu-prof`, and stops it with SIGINT (the runner's cancel) when
// its first request arrives: each profile covers spawn → first request. Prints the functions with
// the most self time, averaged over the runs. Needs `npm ci` (ncc). The benchmark uses it too.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FakeLayerCi, scheduleTo } from '../dist/fake/index.js'
import { runAction } from './runner.mjs'
import { KEY, OWNER, PUSH_ENV, REPO, pushEvent, stageAction, workflowInputs } from './workflow-run.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** An unminified build of the action whose sources are in `tree` (this checkout by default). */
export function buildUnminified(tree = root) {
  const out = join(mkdtempSync(join(tmpdir(), 'layerci-unminified-')), 'dist')
  execFileSync(join(root, 'node_modules', '.bin', 'ncc'), ['build', 'src/index.ts', '-o', out, '-q'], { cwd: tree, stdio: 'inherit' })
  return out
}

/**
 * For a line of an unminified bundle, the module it comes from ("src/redact.ts",
 * "@actions/core/lib/core.js"), read from the markers ncc leaves in front of each module.
 */
function modulesOf(bundle) {
  const starts = []
  readFileSync(bundle, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      const concatenated = /^;\/\/ CONCATENATED MODULE: \.\/(?:node_modules\/)?(.+)$/.exec(line)
      if (concatenated) starts.push([index + 1, concatenated[1]])
      else if (/^\/\*\*\*\/ \d+:$/.test(line)) starts.push([index + 1, 'a bundled dependency'])
    })
  return (line) => starts.findLast(([start]) => start <= line)?.[1]
}

/** Self time in ms a run by function (name and place), over the profiles in `dir`; `bundle` names the modules of its lines. */
export function selfTimes(dir, bundle) {
  const moduleAt = bundle ? modulesOf(bundle) : () => undefined
  const files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))
  const totals = new Map()
  let total = 0
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'))
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
    profile.samples.forEach((id, i) => {
      // A sample's time is the gap to the next one.
      const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000
      const { functionName, url, lineNumber } = nodes.get(id).callFrame
      const module = url.endsWith('/dist/index.js') ? moduleAt(lineNumber + 1) : undefined
      const place = module ? `${module}, bundle line ${lineNumber + 1}` : url ? `${basename(url)}:${lineNumber + 1}` : ''
      const name = `${functionName || '(anonymous)'}${place ? ` (${place})` : ''}`
      totals.set(name, (totals.get(name) ?? 0) + ms)
      total += ms
    })
  }
  const runs = Math.max(1, files.length)
  return { total: total / runs, items: [...totals].map(([name, ms]) => [name, ms / runs]).sort((a, b) => b[1] - a[1]) }
}

/** Profiles `runs` start-ups of the action bundled in `distDir`, staged with this checkout's action.yml. */
export async function profileStartup(distDir, runs) {
  const actionDir = stageAction(root, distDir)
  const profiles = mkdtempSync(join(tmpdir(), 'layerci-profiles-'))
  for (let i = 0; i < runs; i++) {
    const fake = await new FakeLayerCi({ token: KEY, repos: { [REPO]: { owner: OWNER, schedule: scheduleTo('SUCCEEDED', 1000) } } }).start()
    let child
    // The first request is never answered: the run is cancelled as it arrives.
    fake.inject('any', { kind: 'hang' })
    fake.beforeAnswer = () => {
      if (fake.requests.length === 1) child?.kill('SIGINT')
    }
    await runAction({
      actionDir,
      inputs: workflowInputs(root, fake),
      env: PUSH_ENV,
      event: pushEvent(),
      nodeArgs: ['--cpu-prof', '--cpu-prof-interval', '250', '--cpu-prof-dir', profiles],
      onSpawn: (spawned) => (child = spawned)
    })
    await fake.stop()
  }
  return selfTimes(profiles, join(distDir, 'index.js'))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv[2] ?? 5)
  const { total, items } = await profileStartup(buildUnminified(), runs)
  console.log(`Spawn → first request, ${runs} runs under the profiler: ${total.toFixed(1)} ms of samples a run. Self time a run:`)
  for (const [name, ms] of items.slice(0, 15)) console.log(`${ms.toFixed(1).padStart(6)} ms  ${name}`)
}
