// `npm run bench`: what the action costs its users, measured in one run, side by side with a
// baseline. Writes the same figures to BENCHMARKS.md. Needs `npm ci` (to build the reference bundle).
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { FakeLayerCi, scheduleTo } from '../dist/fake/index.js'
import { runAction } from './runner.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const RUNS = Number(process.env.BENCH_RUNS ?? 15)
const REPO = 'layerci-example'
const probe = join(root, 'scripts', 'rss-probe.mjs')
const work = mkdtempSync(join(tmpdir(), 'layerci-bench-'))

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const ms = (value) => `${value.toFixed(1)} ms`
const mb = (kib) => `${(kib / 1024).toFixed(1)} MB`

function fakeServer(schedule = scheduleTo('SUCCEEDED', 1000)) {
  return new FakeLayerCi({ repos: { [REPO]: { owner: 'octo-org', schedule } } }).start()
}

const env = {
  GITHUB_EVENT_NAME: 'push',
  GITHUB_SHA: 'c0ffee0000000000000000000000000000000001',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_REPOSITORY: `octo-org/${REPO}`
}
const inputsFor = (fake, extra = {}) => ({
  token: fake.token,
  repository: `octo-org/${REPO}`,
  'api-url': fake.url,
  'poll-interval': '1s',
  timeout: '5m',
  wait: 'true',
  'accept-buttons': 'false',
  ...extra
})

/** Spawns `args` with node and resolves when it exits; `fake` records when its first request arrived. */
function spawnNode(args, extraEnv = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...extraEnv }, stdio: 'ignore' })
    child.on('close', resolve)
  })
}

async function firstRequest(fake, start) {
  const before = fake.requests.length
  const started = performance.now()
  await start()
  const first = fake.requests[before]
  return first ? first.at - started : NaN
}

// A reference: the naive bundle of the required packages that sends one request (what the goal
// is measured against as the floor those packages set).
function buildReference() {
  const dir = join(work, 'reference')
  // The entry lives under node_modules/.cache so that its imports resolve to this project's packages.
  const source = join(root, 'node_modules', '.cache', 'layerci-bench')
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

async function startup() {
  const fake = await fakeServer()
  const url = `${fake.url}/api/v1/run/${REPO}/latest?layertoken=${fake.token}`
  const bare = ['-e', "require('node:http').get(process.env.URL, (r) => r.resume())"]
  const reference = buildReference()
  const figures = { action: [], bare: [], reference: [] }
  for (let i = 0; i < RUNS + 1; i++) {
    const pair = [
      ['bare', () => spawnNode(bare, { URL: url })],
      ['action', () => runAction({ actionDir: root, inputs: inputsFor(fake, { wait: 'false' }), env })],
      ...(reference ? [['reference', () => spawnNode([reference], { URL: url, INPUT_TOKEN: fake.token })]] : [])
    ]
    if (i % 2) pair.reverse()
    for (const [name, start] of pair) {
      const value = await firstRequest(fake, start)
      if (i > 0) figures[name].push(value) // the first round warms the file cache
    }
  }
  const rss = { action: [], bare: [] }
  for (let i = 0; i < 5; i++) {
    const file = join(work, `rss-${i}`)
    await spawnNode(['--import', probe, ...bare], { URL: url, RSS_PROBE_FILE: file })
    rss.bare.push(Number(readFileSync(file, 'utf8')))
    const result = await runAction({
      actionDir: root,
      inputs: inputsFor(fake),
      env: { ...env, RSS_PROBE_FILE: file },
      nodeArgs: ['--import', probe]
    })
    if (result.code !== 0) throw new Error(`the action failed in the memory run:\n${result.stdout}`)
    rss.action.push(Number(readFileSync(file, 'utf8')))
  }
  await fake.stop()
  return { figures, rss, hasReference: reference !== undefined }
}

function bundleSizes() {
  const files = []
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else files.push(path)
    }
  }
  walk(join(root, 'dist'))
  const action = readFileSync(join(root, 'dist', 'index.js'))
  return {
    actionBytes: action.length,
    actionGzip: gzipSync(action).length,
    totalBytes: files.reduce((sum, file) => sum + statSync(file).size, 0),
    files: files.length
  }
}

async function detection(seconds) {
  const fake = await fakeServer(scheduleTo('SUCCEEDED', seconds * 1000))
  const result = await runAction({ actionDir: root, inputs: inputsFor(fake), env })
  const create = fake.requests.find((r) => r.endpoint === 'create')
  const polls = fake.requests.filter((r) => r.endpoint === 'latest' && r.at > create.at)
  await fake.stop()
  if (result.code !== 0) throw new Error(`the ${seconds}s job did not pass:\n${result.stdout}`)
  return { seconds, lag: result.ended - (create.at + seconds * 1000), gets: polls.length, polls: Math.ceil(seconds) }
}

/** Polls are bursts of requests after each sleep: grouped by gaps of more than half a second. */
function bursts(requests) {
  const groups = []
  for (const request of requests) {
    const last = groups[groups.length - 1]
    if (last && request.at - last[last.length - 1].at < 500) last.push(request)
    else groups.push([request])
  }
  return groups
}

/** Ours runs 6 s; someone's newer job on the same branch starts at 1 s and ends `newer` at 2 s. */
async function identification(newer) {
  const fake = await fakeServer(scheduleTo('SUCCEEDED', 6000))
  setTimeout(() => fake.addJob(REPO, { branch: 'main', schedule: scheduleTo(newer, 1000) }), 1000)
  const result = await runAction({ actionDir: root, inputs: inputsFor(fake), env })
  const create = fake.requests.find((r) => r.endpoint === 'create')
  const gets = fake.requests.filter((r) => r.endpoint === 'latest' && r.at > create.at)
  const polls = bursts(gets)
  await fake.stop()
  if (result.code !== 0) throw new Error(`the identification run (newer ${newer}) did not pass:\n${result.stdout}`)
  const byElimination = result.stdout.includes('was established by elimination')
  return {
    newer,
    gets: gets.length,
    polls: polls.length,
    perPoll: polls.map((poll) => poll.length),
    lag: result.ended - (create.at + 6000),
    byElimination
  }
}

const started = new Date()
console.log(`Benchmark: ${RUNS} paired runs; Node ${process.version}; ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'})\n`)
const { figures, rss, hasReference } = await startup()
const sizes = bundleSizes()
const lags = []
for (const seconds of [2, 10, 30]) lags.push(await detection(seconds))
const idents = [await identification('FAILURE'), await identification('SUCCEEDED')]

const actionStart = median(figures.action)
const bareStart = median(figures.bare)
const ratios = figures.action.map((value, i) => value / figures.bare[i])
const ratio = median(ratios)
const refStart = hasReference ? median(figures.reference) : NaN
const refRatio = hasReference ? median(figures.reference.map((value, i) => value / figures.bare[i])) : NaN
const rssAction = median(rss.action)
const rssBare = median(rss.bare)

const rows = [
  ['Figure', 'This action', 'Baseline', 'Ratio / goal'],
  [
    'Spawn → first API request (median)',
    ms(actionStart),
    `${ms(bareStart)} (bare node, one request)`,
    `${ratio.toFixed(2)}× (median of paired ratios); goal ≤ 2.3×`
  ],
  ...(hasReference
    ? [
        [
          'Reference: naive minified ncc bundle of @actions/core + @actions/http-client, one request',
          ms(refStart),
          ms(bareStart),
          `${refRatio.toFixed(2)}× (undici evaluated at start-up)`
        ]
      ]
    : []),
  ['Peak RSS (median of 5)', `${mb(rssAction)} (whole run)`, `${mb(rssBare)} (bare node, one request)`, 'goal ≤ 60 MB'],
  [
    'dist/index.js',
    `${(sizes.actionBytes / 1024).toFixed(0)} KiB (${(sizes.actionGzip / 1024).toFixed(0)} KiB gzip)`,
    '',
    `dist/ total ${(sizes.totalBytes / 1024).toFixed(0)} KiB in ${sizes.files} files`
  ],
  ...lags.map((lag) => [
    `Job of ${lag.seconds} s at 1 s polling`,
    `lag ${ms(lag.lag)}, ${lag.gets} GETs`,
    `${lag.polls} polls due in ${lag.seconds} s`,
    `${(lag.gets / Math.max(1, lag.polls)).toFixed(2)} GET/poll (NEW → STARTING_RUNNERS → RUNNING read live); goal lag ≤ 1000 ms, 1 GET/poll`
  ]),
  ...idents.map((ident) => [
    `Newer job on the branch ends ${ident.newer} first; ours SUCCEEDED at 6 s`,
    `${ident.gets} GETs in ${ident.polls} polls, lag ${ms(ident.lag)}${ident.byElimination ? ', by elimination' : ''}`,
    `per poll: ${ident.perPoll.join(' ')}`,
    `${(ident.gets / ident.polls).toFixed(2)} GET/poll; goal: result within 2 polls`
  ])
]

const goals = [
  ['first request ≤ 2.3× bare node', ratio <= 2.3],
  ['peak RSS ≤ 60 MB', rssAction / 1024 <= 60],
  ['detection lag ≤ one poll interval', lags.every((lag) => lag.lag <= 1000)],
  ['one GET a poll without interference', lags.every((lag) => lag.gets <= lag.polls + 1 && lag.gets >= lag.polls - 1)],
  ['a hidden job reported within two polls', idents.every((ident) => ident.lag <= 2000)]
]

const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)))
for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column])).join('  '))
console.log('')
for (const [goal, met] of goals) console.log(`${met ? 'met    ' : 'NOT MET'}  ${goal}`)

const markdown = [
  '# Benchmarks',
  '',
  `Measured by \`npm run bench\` on ${started.toISOString().slice(0, 10)}: Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${RUNS} paired runs.`,
  'Start-up is spawn → first request received by the fake LayerCI, against a bare `node` process sending one request to the same server.',
  'Peak RSS is the kernel-reported maximum resident set size of the whole process (`process.resourceUsage().maxRSS` at exit).',
  'GETs are counted from the create on; each run also sends one GET before the create (the newest job, to recognize a create whose answer is lost).',
  '',
  ...rows.map((row, i) => `| ${row.join(' | ')} |${i === 0 ? `\n|${row.map(() => ' --- |').join('')}` : ''}`),
  '',
  ...goals.map(([goal, met]) => `- ${met ? 'met' : '**not met**'}: ${goal}`),
  ''
].join('\n')
writeFileSync(join(root, 'BENCHMARKS.md'), markdown)
console.log('\nWritten to BENCHMARKS.md')
if (!existsSync(join(root, 'node_modules'))) console.log('(node_modules missing: the reference bundle was skipped)')
