// `npm run demo`: the bundled action against the embedded fake LayerCI, as a GitHub runner runs
// it. Needs no install: it uses only dist/ (committed) and Node's built-ins.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FakeLayerCi, scheduleTo } from '../dist/fake/index.js'
import { runAction } from './runner.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const repo = 'layerci-example'
const fake = await new FakeLayerCi({ repos: { [repo]: { owner: 'octo-org', schedule: scheduleTo('SUCCEEDED', 4000) } } }).start()
// Jobs of the same repository that are not ours: an older finished one, and a newer one (someone
// else's push to main) that finishes before ours: the action must not take its result for ours.
fake.addJob(repo, { calculated_status: 'SUCCEEDED', branch: 'main' })
const newer = setTimeout(() => fake.addJob(repo, { calculated_status: 'FAILURE', branch: 'main', commit_sha: '9'.repeat(40) }), 1500)

console.log(`Fake LayerCI listening at ${fake.url}; running dist/index.js as a runner would (push to main)\n`)
console.log('──── action log ────')
const result = await runAction({
  actionDir: root,
  inputs: {
    token: fake.token,
    repository: `octo-org/${repo}`,
    'api-url': fake.url,
    'poll-interval': '1s',
    timeout: '2m',
    'accept-buttons': 'false',
    wait: 'true'
  },
  env: {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_SHA: 'c0ffee0000000000000000000000000000000001',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REPOSITORY: `octo-org/${repo}`
  },
  event: { ref: 'refs/heads/main', repository: { default_branch: 'main' } }
})
clearTimeout(newer)
await fake.stop()
// A runner shows ::debug:: lines only with debug logging on; so does the demo (--debug).
const showDebug = process.argv.includes('--debug')
const log = (result.stdout + result.stderr).split('\n').filter((line) => showDebug || !line.startsWith('::debug::'))
console.log(log.join('\n'))
if (!showDebug) console.log('(::debug:: lines hidden, as on a runner without debug logging: npm run demo -- --debug shows them)')
console.log('\n──── outputs ────')
for (const [name, value] of Object.entries(result.outputs)) console.log(`${name}=${value}`)
console.log('\n──── step summary (GITHUB_STEP_SUMMARY) ────')
console.log(result.summary)
const passed = result.code === 0 && result.outputs['calculated-status'] === 'SUCCEEDED'
console.log(passed ? '\nDemo passed: the action created job 2 and reported it SUCCEEDED.' : `\nDemo FAILED (exit ${result.code})`)
process.exit(passed ? 0 : 1)
