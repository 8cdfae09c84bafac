import { afterAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as coreFake from '../__fixtures__/core.js'
import { FakeClock } from '../__fixtures__/clock.js'
import { MANUAL, startFake } from '../__fixtures__/fake.js'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../__fixtures__/temp.js'

jest.unstable_mockModule('@actions/core', () => coreFake)
const { run } = await import('../src/main.js')

const REPO = 'layerci-example'
const defaults = () => ({ ref: 'abcdef1234567890abcdef1234567890abcdef12', branch: 'main', origin: 'push event' })

beforeEach(() => {
  coreFake.reset()
  process.exitCode = undefined
  process.env.GITHUB_STEP_SUMMARY = '/dev/null'
})

// The exit code a test's run set is not left to the next test file of this worker.
afterAll(() => {
  process.exitCode = undefined
})

async function setup(extra: Record<string, string> = {}) {
  const fake = await startFake({ repos: { [REPO]: { owner: 'octo', schedule: MANUAL } } })
  coreFake.setInputs({
    token: fake.token,
    repository: `octo/${REPO}`,
    'api-url': fake.url,
    timeout: '5m',
    'poll-interval': '10s',
    ...extra
  })
  const clock = new FakeClock()
  return { fake, clock }
}

describe('run (the action)', () => {
  it('masks the key first, sets outputs, writes the summary, and passes on SUCCEEDED', async () => {
    const { fake, clock } = await setup()
    clock.onSleep = (index) => {
      if (index === 2) fake.setStatus(REPO, 1, 'SUCCEEDED')
    }
    await run({ clock, defaults })
    expect(process.exitCode).toBeUndefined()
    expect(coreFake.printed[0]).toBe(`::add-mask::${fake.token}`)
    expect(Object.fromEntries(coreFake.outputs)).toMatchObject({
      'job-id': '1',
      'job-url': `${fake.url}/jobs/github/octo/${REPO}/1`,
      status: 'SEE_RUNNERS',
      'calculated-status': 'SUCCEEDED',
      'commit-sha': 'abcdef1234567890abcdef1234567890abcdef12',
      branch: 'main'
    })
    expect(JSON.parse(coreFake.outputs.get('job') ?? '{}')).toMatchObject({ id: 1, calculated_status: 'SUCCEEDED' })
    expect(coreFake.summaryWrites).toHaveLength(1)
    expect(coreFake.summaryWrites[0]).toContain('LayerCI job 1: SUCCEEDED')
    expect(coreFake.summaryWrites[0]).toContain(`<a href=\\"${fake.url}/jobs/github/octo/${REPO}/1\\">1</a>`)
    expect(coreFake.printed).toContain('ref defaults to abcdef1234567890abcdef1234567890abcdef12 (push event)')
    expect(coreFake.printed.filter((line) => line.startsWith('::error'))).toHaveLength(0)
    expect(coreFake.printed.slice(1).join('\n')).not.toContain(fake.token)
  })

  it('a failed job: one ::error:: annotation naming job, status and URL; outputs and summary still set', async () => {
    const { fake, clock } = await setup()
    clock.onSleep = () => fake.setStatus(REPO, 1, 'FAILURE')
    await run({ clock, defaults })
    expect(process.exitCode).toBe(1)
    const errors = coreFake.printed.filter((line) => line.startsWith('::error'))
    expect(errors).toEqual([`::error title=LayerCI job 1: FAILURE::LayerCI job 1 finished FAILURE: ${fake.url}/jobs/github/octo/${REPO}/1`])
    expect(coreFake.outputs.get('calculated-status')).toBe('FAILURE')
    expect(coreFake.summaryWrites[0]).toContain('LayerCI job 1: FAILURE')
  })

  it('a result established by elimination: calculated-status carries it, job holds what was read, the summary says how', async () => {
    const { fake, clock } = await setup()
    clock.onSleep = (index) => {
      if (index === 1) {
        fake.setStatus(REPO, 1, 'RUNNING')
        fake.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
      }
      if (index === 3) fake.setStatus(REPO, 1, 'SUCCEEDED')
    }
    await run({ clock, defaults })
    expect(process.exitCode).toBeUndefined()
    expect(coreFake.outputs.get('calculated-status')).toBe('SUCCEEDED')
    // The job output tells the same story: the result, how it was established, no stale internal status.
    expect(JSON.parse(coreFake.outputs.get('job') ?? '{}')).toMatchObject({
      id: 1,
      calculated_status: 'SUCCEEDED',
      status: null,
      established: 'elimination',
      hidden_by: [2],
      outcome: 'passed'
    })
    expect(coreFake.outputs.get('status')).toBe('')
    expect(coreFake.summaryWrites[0]).toContain('LayerCI job 1: SUCCEEDED')
    expect(coreFake.summaryWrites[0]).toContain(
      '<p>The result of job 1, SUCCEEDED, was established by elimination: newer jobs (2 (SUCCEEDED)) hid it from the filters that would show it'
    )
    expect(coreFake.printed).toContain(
      'The result of job 1, SUCCEEDED, was established by elimination: newer jobs (2 (SUCCEEDED)) hid it from the filters that would show it, and the API answered that it matches none of the other documented statuses.'
    )
  })

  it('a poll-interval not shorter than the timeout is a warning naming both inputs, and the job is still polled', async () => {
    const { fake, clock } = await setup({ 'poll-interval': '10m', timeout: '1m' })
    clock.onSleep = () => fake.setStatus(REPO, 1, 'SUCCEEDED')
    await run({ clock, defaults })
    expect(process.exitCode).toBeUndefined()
    expect(coreFake.printed.filter((line) => line.startsWith('::warning'))).toEqual([
      '::warning::"poll-interval" (10m00s) is not shorter than "timeout" (1m00s): the job is polled once more just before the timeout, however long the interval.'
    ])
    expect(clock.sleeps).toEqual([59_000])
  })

  it('bad input fails before any request, naming the input', async () => {
    const { fake, clock } = await setup({ timeout: 'forever' })
    await run({ clock, defaults })
    expect(process.exitCode).toBe(1)
    expect(coreFake.printed.filter((line) => line.startsWith('::error'))).toEqual([
      '::error title=LayerCI: not started (bad input)::Input "timeout" "forever" is not a duration; use a whole number of seconds (90) or hours/minutes/seconds such as 90s, 15m, 1h30m'
    ])
    expect(fake.requests).toHaveLength(0)
    // The summary says what happened, even with no job: not started, and why.
    expect(coreFake.summaryWrites).toHaveLength(1)
    expect(coreFake.summaryWrites[0]).toContain('# LayerCI: not started (bad input)')
    expect(coreFake.summaryWrites[0]).toContain('Input &quot;timeout&quot; &quot;forever&quot; is not a duration')
  })

  it('a refused key: one clear error line, no create, no key anywhere', async () => {
    const { fake, clock } = await setup()
    coreFake.setInputs({ ...coreFake.inputs, token: 'not-the-key-0042' })
    await run({ clock, defaults })
    expect(process.exitCode).toBe(1)
    const errors = coreFake.printed.filter((line) => line.startsWith('::error'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/The LayerCI API key was refused \(HTTP 401/)
    expect(fake.count('create')).toBe(0)
    expect(coreFake.printed.slice(1).join('\n')).not.toContain('not-the-key-0042')
  })

  it('skips the summary with a debug line where GITHUB_STEP_SUMMARY is unset', async () => {
    const { clock } = await setup({ wait: 'false' })
    delete process.env.GITHUB_STEP_SUMMARY
    await run({ clock, defaults })
    expect(coreFake.summaryWrites).toHaveLength(0)
    expect(coreFake.printed).toContain('::debug::GITHUB_STEP_SUMMARY is not set: no job summary written')
    expect(coreFake.outputs.get('job-id')).toBe('1')
  })
})

describe('run (the action), webappio flavor', () => {
  it('adds a runners table to the summary and sets job-uuid', async () => {
    const fake = await startFake({ dialect: 'webappio', repos: { [REPO]: { owner: 'octo', schedule: MANUAL } } })
    coreFake.setInputs({ token: fake.token, repository: `octo/${REPO}`, 'api-url': fake.url, 'api-flavor': 'webappio' })
    const clock = new FakeClock()
    clock.onSleep = () => fake.setStatus(REPO, 1, 'SUCCEEDED')
    await run({ clock, defaults })
    expect(process.exitCode).toBeUndefined()
    expect(coreFake.outputs.get('job-uuid')).toBe('00000000-0000-4000-8000-000000000001')
    expect(coreFake.summaryWrites[0]).toContain('# Runners')
    expect(coreFake.summaryWrites[0]).toContain('"main-layerfile-1","Layerfile","SUCCESS","no"')
  })
})

describe('run (the action), redaction of outputs and summary', () => {
  it('never writes the key into an output or the summary, even when the API echoes it', async () => {
    const fake = await startFake({ repos: { [REPO]: { owner: 'octo', schedule: MANUAL } } })
    // Without an owner, the job URL is the one the create answer gave: here, one that echoes the key.
    coreFake.setInputs({ token: fake.token, repository: REPO, 'api-url': fake.url, wait: 'false' })
    const clock = new FakeClock()
    fake.inject('create', {
      kind: 'body',
      status: 200,
      body: JSON.stringify({
        status: 'ok',
        job: { id: 1, calculated_status: 'NEW', branch: fake.token },
        url: `https://x/?layertoken=${fake.token}`
      })
    })
    await run({ clock, defaults })
    expect(process.exitCode).toBeUndefined()
    expect(coreFake.outputs.get('job-url')).toBe('https://x/?layertoken=***')
    const written = [...coreFake.outputs.values(), ...coreFake.summaryWrites].join('\n')
    expect(written).toContain('***')
    expect(written).not.toContain(fake.token)
  })
})

describe('run (the action), talking to people', () => {
  it.each([
    [
      'fork',
      /GitHub does not pass secrets to workflows run for a pull request from a fork.*if: github.event.pull_request.head.repo.full_name == github.repository/
    ],
    ['dependabot', /GitHub passes only Dependabot secrets to runs that Dependabot triggers.*if: github.actor != 'dependabot\[bot\]'/]
  ] as const)('an empty token where GitHub withholds secrets (%s) says why and how to skip the step', async (withheld, message) => {
    const { fake, clock } = await setup({ token: '' })
    await run({ clock, defaults, secretsWithheld: () => withheld })
    expect(process.exitCode).toBe(1)
    const errors = coreFake.printed.filter((line) => line.startsWith('::error'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(message)
    expect(fake.requests).toHaveLength(0)
  })

  it('an empty token elsewhere is simply required', async () => {
    const { clock } = await setup({ token: '' })
    await run({ clock, defaults, secretsWithheld: () => undefined })
    expect(coreFake.printed.filter((line) => line.startsWith('::error'))).toEqual([
      '::error title=LayerCI: not started (bad input)::Input "token" is required: the LayerCI API key, e.g. token: ${{ secrets.LAYERCI_TOKEN }}'
    ])
  })

  it('a status listed in succeed-on passes, and the log and the summary say it was counted as success', async () => {
    const { fake, clock } = await setup({ 'succeed-on': 'SUCCEEDED\nrunner_cancelled' })
    clock.onSleep = () => fake.setStatus(REPO, 1, 'RUNNER_CANCELLED')
    await run({ clock, defaults })
    expect(process.exitCode).toBeUndefined()
    expect(coreFake.printed).toContain('The step passes when the job ends SUCCEEDED or RUNNER_CANCELLED ("succeed-on").')
    expect(coreFake.printed).toContain('::notice::RUNNER_CANCELLED counted as success by "succeed-on".')
    expect(coreFake.summaryWrites[0]).toContain('LayerCI job 1: RUNNER_CANCELLED')
    expect(coreFake.summaryWrites[0]).toContain('<p>RUNNER_CANCELLED counted as success by &quot;succeed-on&quot;.</p>')
  })

  it('a status outside succeed-on fails the step as before', async () => {
    const { fake, clock } = await setup({ 'succeed-on': 'RUNNER_CANCELLED' })
    clock.onSleep = () => fake.setStatus(REPO, 1, 'SUCCEEDED')
    await run({ clock, defaults })
    expect(process.exitCode).toBe(1)
    expect(coreFake.printed.filter((line) => line.startsWith('::error'))).toEqual([
      `::error title=LayerCI job 1: SUCCEEDED::LayerCI job 1 finished SUCCEEDED: ${fake.url}/jobs/github/octo/${REPO}/1`
    ])
  })

  it('registers every form of the key that could be printed with ::add-mask::, before anything else', async () => {
    const { clock } = await setup({ wait: 'false' })
    const key = `k&y'"\\!x 2`
    coreFake.setInputs({ ...coreFake.inputs, token: `${key}\n` })
    await run({ clock, defaults })
    const masks = coreFake.printed.filter((line) => line.startsWith('::add-mask::')).map((line) => line.slice('::add-mask::'.length))
    expect(coreFake.printed.slice(0, masks.length).every((line) => line.startsWith('::add-mask::'))).toBe(true)
    for (const form of [
      `${key}\n`,
      key,
      encodeURIComponent(key),
      new URLSearchParams([['k', key]]).toString().slice(2),
      JSON.stringify(key).slice(1, -1),
      'k&amp;y&#39;&quot;\\!x 2'
    ])
      expect(masks).toContain(form)
  })
})

describe('run (the action), the runner files', () => {
  it.each(['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY'])(
    '%s that cannot be written fails the step before any job exists, naming it',
    async (variable) => {
      const { fake, clock } = await setup()
      const path = join(tempDir('runner-'), 'missing-dir', 'file')
      const saved = process.env[variable]
      process.env[variable] = path
      try {
        await run({ clock, defaults })
      } finally {
        if (saved === undefined) Reflect.deleteProperty(process.env, variable)
        else process.env[variable] = saved
      }
      expect(process.exitCode).toBe(1)
      expect(coreFake.printed.filter((line) => line.startsWith('::error'))).toEqual([
        expect.stringContaining(
          `::error title=LayerCI: not started (bad input)::${variable} names ${path}, which cannot be written (ENOENT)`
        )
      ])
      expect(fake.requests).toHaveLength(0)
    }
  )

  it('an event payload that is not JSON fails the step naming the file, before any request', async () => {
    const { fake, clock } = await setup()
    const path = join(tempDir('runner-'), 'event.json')
    writeFileSync(path, '<html>')
    process.env.GITHUB_EVENT_PATH = path
    try {
      await run({ clock, defaults })
    } finally {
      delete process.env.GITHUB_EVENT_PATH
    }
    expect(coreFake.printed.filter((line) => line.startsWith('::error'))).toEqual([
      expect.stringContaining(
        `::error title=LayerCI: not started (bad input)::GITHUB_EVENT_PATH names ${path}, which is not a JSON event payload`
      )
    ])
    expect(fake.requests).toHaveLength(0)
  })

  it('an output that fails once the job exists costs a warning, never the wait', async () => {
    const { fake, clock } = await setup()
    clock.onSleep = () => fake.setStatus(REPO, 1, 'SUCCEEDED')
    coreFake.setOutput.mockImplementationOnce(() => {
      throw new Error('ENOSPC: no space left on device')
    })
    await run({ clock, defaults })
    expect(process.exitCode).toBeUndefined()
    expect(coreFake.printed.filter((line) => line.startsWith('::warning'))).toEqual([
      "::warning::Could not write the step's outputs: ENOSPC: no space left on device"
    ])
    expect(coreFake.outputs.get('calculated-status')).toBe('SUCCEEDED')
  })
})

describe('run (the action), "wait: false" and outputs that cannot be written', () => {
  it('the job id is the result: the step fails, naming the job, so no later step creates a second one', async () => {
    const { fake, clock } = await setup({ wait: 'false' })
    coreFake.setOutput.mockImplementation(() => {
      throw new Error('ENOSPC: no space left on device')
    })
    try {
      await run({ clock, defaults })
    } finally {
      coreFake.setOutput.mockImplementation((name, value) => void coreFake.outputs.set(name, String(value)))
    }
    expect(process.exitCode).toBe(1)
    expect(fake.count('create')).toBe(1)
    expect(coreFake.printed.filter((line) => line.startsWith('::error'))).toEqual([
      expect.stringMatching(
        /^::error title=LayerCI job 1: result unknown \(outputs not written\)::Created LayerCI job 1( \(http[^)]*\))?, but the step's outputs could not be written \(ENOSPC: no space left on device\): later steps cannot read its job-id\.$/
      )
    ])
  })

  it('an output that failed once and was written later does not fail the step', async () => {
    const { clock } = await setup({ wait: 'false' })
    coreFake.setOutput.mockImplementationOnce(() => {
      throw new Error('EAGAIN: try again')
    })
    await run({ clock, defaults })
    expect(process.exitCode).toBeUndefined()
    expect(coreFake.outputs.get('job-id')).toBe('1')
  })
})

describe('run (the action), the job summary is HTML', () => {
  it('escapes HTML that the API put in a string: it is shown as text, never rendered', async () => {
    // Without an owner, the job URL is the one the create answer gave.
    const { fake, clock } = await setup({ wait: 'false', repository: REPO })
    fake.inject('create', {
      kind: 'body',
      status: 200,
      body: JSON.stringify({
        status: 'ok',
        job: { id: 1, calculated_status: 'NEW<img src=x onerror=alert(1)>', status: '<b>NEW</b>', branch: '<script>x</script>' },
        url: 'https://layerci.com/jobs/1"><script>alert(1)</script>'
      })
    })
    await run({ clock, defaults })
    const summary = coreFake.summaryWrites[0] ?? ''
    expect(summary).toContain('&lt;script&gt;x&lt;/script&gt;')
    expect(summary).toContain('NEW&lt;img src=x onerror=alert(1)&gt;')
    expect(summary).toContain('<a href=\\"https://layerci.com/jobs/1&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\\">1</a>')
    expect(summary).not.toMatch(/<(script|img)\b/)
  })
})

describe('run (the action), how it ends', () => {
  it('passes with one info line naming the job, its status and URL; each output is written once per value', async () => {
    const { fake, clock } = await setup()
    coreFake.setOutput.mockClear()
    clock.onSleep = (index) => {
      if (index === 1) fake.setStatus(REPO, 1, 'RUNNING')
      if (index === 3) fake.setStatus(REPO, 1, 'SUCCEEDED')
    }
    await run({ clock, defaults })
    expect(coreFake.printed).toContain(`LayerCI job 1 SUCCEEDED: ${fake.url}/jobs/github/octo/${REPO}/1`)
    const names = coreFake.setOutput.mock.calls.map(([name]) => name)
    expect(names.filter((name) => name === 'job-id')).toHaveLength(1)
    expect(names.filter((name) => name === 'calculated-status')).toHaveLength(3)
  })

  it('a status that keeps changing for an hour: at most 16 writes of the outputs, then the final ones; job once', async () => {
    const fake = await startFake({ undocumentedInFlight: ['QUEUED'], repos: { [REPO]: { owner: 'octo', schedule: MANUAL } } })
    coreFake.setInputs({ token: fake.token, repository: `octo/${REPO}`, 'api-url': fake.url, timeout: '1h', 'poll-interval': '10s' })
    const clock = new FakeClock()
    // A server whose job flips between two in-flight statuses at every poll, then ends.
    clock.onSleep = (index) => fake.setStatus(REPO, 1, index >= 300 ? 'SUCCEEDED' : index % 2 === 0 ? 'QUEUED' : 'RUNNING')
    coreFake.setOutput.mockClear()
    await run({ clock, defaults })
    expect(process.exitCode).toBeUndefined()
    const names = coreFake.setOutput.mock.calls.map(([name]) => name)
    expect(names.filter((name) => name === 'job')).toHaveLength(1)
    expect(names.filter((name) => name === 'job-id')).toHaveLength(1)
    // 16 interim writes, then the end's.
    expect(names.filter((name) => name === 'calculated-status')).toHaveLength(17)
    expect(coreFake.outputs.get('calculated-status')).toBe('SUCCEEDED')
  })

  it('wait: false says it does not wait, and the summary says the job was created', async () => {
    const { clock } = await setup({ wait: 'false' })
    await run({ clock, defaults })
    expect(process.exitCode).toBeUndefined()
    expect(coreFake.printed).toContain('Not waiting for job 1 ("wait: false").')
    expect(coreFake.summaryWrites[0]).toContain('# LayerCI job 1: created')
  })

  it('a timeout: the summary says the result is unknown because it timed out', async () => {
    const { clock } = await setup({ timeout: '30s' })
    await run({ clock, defaults })
    expect(process.exitCode).toBe(1)
    expect(coreFake.summaryWrites[0]).toContain('# LayerCI job 1: result unknown (timed out)')
    expect(coreFake.printed.filter((line) => line.startsWith('::error'))).toEqual([
      expect.stringMatching(
        /^::error title=LayerCI job 1: result unknown \(timed out\)::Timed out after 30s waiting for LayerCI job 1 \(last status seen: NEW, [^)]*\)\. It is not cancelled \(the API has no cancel endpoint\); "job-id: 1" waits for the same job\.$/
      )
    ])
  })

  it('a refused key once the job exists: the summary says the result is unknown and why, never "failed"; the outputs known are set', async () => {
    const { fake, clock } = await setup()
    clock.onSleep = () =>
      fake.inject('latest', { kind: 'body', status: 401, body: JSON.stringify({ status: 'error', error: 'invalid API key' }) }, 100)
    await run({ clock, defaults })
    expect(process.exitCode).toBe(1)
    expect(coreFake.summaryWrites[0]).toContain('# LayerCI job 1: result unknown (API key refused)')
    expect(coreFake.summaryWrites[0]).not.toContain('failed')
    expect(coreFake.outputs.get('job-id')).toBe('1')
  })

  it("an error that is not the run's own is reported by its message, its stack only at debug level", async () => {
    const { clock } = await setup()
    await run({
      clock,
      defaults: () => {
        throw new Error('the event cannot be read')
      }
    })
    expect(process.exitCode).toBe(1)
    expect(coreFake.printed.filter((line) => line.startsWith('::error'))).toEqual([
      '::error title=LayerCI: not started (LayerCI error)::the event cannot be read'
    ])
    expect(coreFake.printed.some((line) => line.startsWith('::debug::Error: the event cannot be read\\n    at '))).toBe(true)
  })

  it("the run's own errors print no stack", async () => {
    const { clock } = await setup({ timeout: 'forever' })
    await run({ clock, defaults })
    expect(coreFake.printed.filter((line) => line.startsWith('::debug::') && line.includes('    at '))).toEqual([])
  })

  it('outputs that keep failing cost one warning in all', async () => {
    const { fake, clock } = await setup()
    clock.onSleep = () => fake.setStatus(REPO, 1, 'SUCCEEDED')
    coreFake.setOutput.mockImplementation(() => {
      throw new Error('ENOSPC: no space left on device')
    })
    try {
      await run({ clock, defaults })
    } finally {
      coreFake.setOutput.mockImplementation((name, value) => void coreFake.outputs.set(name, String(value)))
    }
    expect(process.exitCode).toBeUndefined()
    expect(coreFake.printed.filter((line) => line.startsWith('::warning'))).toEqual([
      "::warning::Could not write the step's outputs: ENOSPC: no space left on device"
    ])
  })

  it('a summary that cannot be written costs a warning, never the result', async () => {
    const { fake, clock } = await setup()
    clock.onSleep = () => fake.setStatus(REPO, 1, 'SUCCEEDED')
    coreFake.summary.write.mockImplementationOnce(() => Promise.reject(new Error('EACCES: permission denied')))
    await run({ clock, defaults })
    expect(process.exitCode).toBeUndefined()
    expect(coreFake.printed.filter((line) => line.startsWith('::warning'))).toEqual([
      '::warning::Could not write the job summary: EACCES: permission denied'
    ])
  })

  it('the summary: a level-3 heading, the table with its header row, and the runners under a level-4 heading', async () => {
    const fake = await startFake({ dialect: 'webappio', repos: { [REPO]: { owner: 'octo', schedule: MANUAL } } })
    coreFake.setInputs({ token: fake.token, repository: `octo/${REPO}`, 'api-url': fake.url, 'api-flavor': 'webappio' })
    const clock = new FakeClock()
    clock.onSleep = () => fake.setStatus(REPO, 1, 'SUCCEEDED')
    coreFake.summary.addHeading.mockClear()
    await run({ clock, defaults })
    expect(coreFake.summary.addHeading.mock.calls).toEqual([
      ['LayerCI job 1: SUCCEEDED', 3],
      ['Runners', 4]
    ])
    expect(coreFake.summaryWrites[0]).toContain(
      `[[{"data":"Job","header":true},{"data":"Result","header":true},{"data":"Branch","header":true},{"data":"Commit","header":true},{"data":"Duration","header":true}],["<a href=\\"${fake.url}/jobs/github/octo/layerci-example/1\\">1</a>","SUCCEEDED: every runner succeeded","main","abcdef123456","`
    )
    expect(coreFake.summaryWrites[0]).toContain('[[{"data":"Runner","header":true},')
  })

  it('a key given with a trailing newline is masked trimmed, and redacted from every line', async () => {
    const { fake, clock } = await setup({ wait: 'false' })
    coreFake.setInputs({ ...coreFake.inputs, token: `${fake.token}\n` })
    fake.inject('create', {
      kind: 'body',
      status: 200,
      body: JSON.stringify({ status: 'ok', job: { id: 1, calculated_status: 'NEW', branch: `b-${fake.token}` } })
    })
    await run({ clock, defaults })
    expect(process.exitCode).toBeUndefined()
    const masks = coreFake.printed.filter((line) => line.startsWith('::add-mask::'))
    expect(masks).toContain(`::add-mask::${fake.token}`)
    expect(coreFake.outputs.get('branch')).toBe('b-***')
  })
})

describe('run (the action), what a plain run says', () => {
  it('a plain success: the status lines are in the log, and the summary carries no notes', async () => {
    const { fake, clock } = await setup()
    clock.onSleep = (index) => {
      if (index === 1) fake.setStatus(REPO, 1, 'RUNNING')
      if (index === 2) fake.setStatus(REPO, 1, 'SUCCEEDED')
    }
    await run({ clock, defaults })
    expect(process.exitCode).toBeUndefined()
    expect(coreFake.printed).toContain('Job 1: RUNNING after 10s')
    expect(coreFake.printed).toContain('Job 1: SUCCEEDED after 20s')
    expect(coreFake.summaryWrites[0]).toContain('LayerCI job 1: SUCCEEDED')
    expect(coreFake.summaryWrites[0]).not.toContain('<p>')
    expect(coreFake.printed.filter((line) => line.startsWith('::notice'))).toEqual([])
  })

  it('a key given where the event says secrets are withheld (pull_request_target, a repository secret) is used', async () => {
    const { fake, clock } = await setup({ wait: 'false' })
    await run({ clock, defaults, secretsWithheld: () => 'fork' })
    expect(process.exitCode).toBeUndefined()
    expect(coreFake.outputs.get('job-id')).toBe('1')
    expect(fake.count('create')).toBe(1)
  })

  it('leaves no signal handler behind once it has ended, passed or failed', async () => {
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
    const counts = () => signals.map((signal) => process.listenerCount(signal))
    const before = counts()
    const { fake, clock } = await setup()
    clock.onSleep = () => fake.setStatus(REPO, 1, 'SUCCEEDED')
    await run({ clock, defaults })
    expect(process.exitCode).toBeUndefined()
    expect(counts()).toEqual(before)
    coreFake.setInputs({ token: fake.token, repository: `octo/${REPO}`, 'api-url': fake.url, timeout: 'forever' })
    await run({ clock, defaults })
    expect(process.exitCode).toBe(1)
    expect(counts()).toEqual(before)
  })

  it('an empty key registers no mask: nothing empty is handed to ::add-mask::', async () => {
    const { clock } = await setup({ token: '' })
    await run({ clock, defaults, secretsWithheld: () => undefined })
    expect(coreFake.printed.filter((line) => line.startsWith('::add-mask::'))).toEqual([])
  })
})
