/** What the run reports: outputs, the job summary, the runners that get an annotation. */
import { describe, expect, it } from '@jest/globals'
import type { Job, Runner } from '../src/api.js'
import { makeRedactor } from '../src/redact.js'
import { ApiError, InputError, JobFailedError, WaitTimeoutError, type Reason } from '../src/errors.js'
import {
  eliminationNote,
  endingTitle,
  endingWords,
  failedRunners,
  jobReport,
  jobUrl,
  outputsOf,
  RunState,
  summaryModel
} from '../src/report.js'
import { MEANING } from '../src/status.js'
import { makeSafeText } from '../src/text.js'

const KEY = 'report-key-0042'
const safe = makeSafeText(makeRedactor([KEY]))
const STARTED = Date.UTC(2026, 0, 1)

function jobOf(fields: Partial<Job> & { id: number }): Job {
  const { id, calculated_status = 'SUCCEEDED', status = 'SEE_RUNNERS', ...rest } = fields
  const job: Job = { id, calculated_status, status, raw: {}, ...rest }
  job.raw = { ...job, raw: undefined }
  return job
}

function stateWith(job?: Job, fields: Partial<RunState> = {}): RunState {
  const state = new RunState(STARTED)
  if (job) state.see(job)
  return Object.assign(state, fields)
}

describe('jobUrl: one rule, from the API URL in use', () => {
  it('builds the dashboard URL from the API URL, the owner and the name, encoded', () => {
    expect(jobUrl({ apiUrl: 'https://layerci.com', owner: 'octo org', repoName: 'web#app' }, 12)).toBe(
      'https://layerci.com/jobs/github/octo%20org/web%23app/12'
    )
    expect(jobUrl({ apiUrl: 'http://127.0.0.1:8080/prefix', owner: 'o', repoName: 'r' }, 6)).toBe(
      'http://127.0.0.1:8080/prefix/jobs/github/o/r/6'
    )
  })

  it('whatever URL the create answer gave, when the owner is known', () => {
    expect(jobUrl({ apiUrl: 'http://127.0.0.1:8080', owner: 'o', repoName: 'r' }, 6, 'https://layerci.com/jobs/github/o/r/6')).toBe(
      'http://127.0.0.1:8080/jobs/github/o/r/6'
    )
  })

  it('keeps the slashes of a GitLab group path', () => {
    expect(jobUrl({ apiUrl: 'https://layerci.com', owner: 'acme/platform.team', repoName: 'web-app' }, 3)).toBe(
      'https://layerci.com/jobs/github/acme/platform.team/web-app/3'
    )
  })

  it('without an owner: the URL the create answer gave, or none', () => {
    expect(jobUrl({ apiUrl: 'https://layerci.com', repoName: 'web' }, 12)).toBeUndefined()
    expect(jobUrl({ apiUrl: 'https://layerci.com', owner: '', repoName: 'web' }, 12)).toBeUndefined()
    expect(jobUrl({ apiUrl: 'https://layerci.com', repoName: 'web' }, 12, 'https://layerci.com/jobs/x/web/12')).toBe(
      'https://layerci.com/jobs/x/web/12'
    )
  })
})

describe('outputsOf', () => {
  it('before any job is known: no outputs at all', () => {
    expect(outputsOf(new RunState(STARTED), safe)).toEqual({})
  })

  it('a job id given, nothing read yet: the id and the URL; statuses empty, as not known', () => {
    const state = stateWith(undefined, { jobId: 7, url: 'https://layerci.com/jobs/github/o/r/7' })
    expect(outputsOf(state, safe)).toEqual({
      'job-id': '7',
      'job-url': 'https://layerci.com/jobs/github/o/r/7',
      status: '',
      'calculated-status': ''
    })
  })

  it('a job read: every field it has, each through the output path', () => {
    const job = jobOf({
      id: 9,
      calculated_status: 'FAILURE',
      status: 'SEE_RUNNERS',
      uuid: 'u-1',
      commit_sha: 'c'.repeat(40),
      branch: `main-${KEY}`
    })
    const state = stateWith(job, { url: `https://x/?layertoken=${KEY}` })
    const interim = {
      'job-id': '9',
      'job-url': 'https://x/?layertoken=***',
      'job-uuid': 'u-1',
      status: 'SEE_RUNNERS',
      'calculated-status': 'FAILURE',
      'commit-sha': 'c'.repeat(40),
      branch: 'main-***'
    }
    expect(outputsOf(state, safe)).toEqual(interim)
    const out = outputsOf(state, safe, true)
    expect(out).toEqual({ ...interim, job: safe.json(jobReport(state)) })
    expect(JSON.parse(out.job ?? '')).toMatchObject({ id: 9, calculated_status: 'FAILURE', status: 'SEE_RUNNERS', established: 'read' })
  })

  it('a key made of digits that the server gives back as the job id or a number in the job never reaches an output', () => {
    const digits = makeSafeText(makeRedactor(['31415926535897']))
    const job = jobOf({ id: 31415926535897, build_number: 31415926535897 } as Partial<Job> & { id: number })
    const out = outputsOf(stateWith(job), digits, true)
    expect(out['job-id']).toBe('***')
    expect(out.job).not.toContain('31415926535897')
    expect(JSON.parse(out.job ?? '')).toMatchObject({ id: '***', build_number: '***' })
  })

  it('fields the job lacks are left out; an empty status is empty', () => {
    const out = outputsOf(stateWith(jobOf({ id: 3, status: '' })), safe, true)
    expect(Object.keys(out).sort()).toEqual(['calculated-status', 'job', 'job-id', 'status'])
    expect(out.status).toBe('')
  })

  it('the job output only with the final outputs: it is written once', () => {
    const state = stateWith(jobOf({ id: 3 }))
    expect(outputsOf(state, safe)).not.toHaveProperty('job')
    expect(outputsOf(state, safe, true)).toHaveProperty('job')
  })

  it('calculated-status carries a status established by elimination, not the one last read; status is then empty', () => {
    const state = stateWith(jobOf({ id: 3, calculated_status: 'RUNNING' }))
    state.known = { kind: 'eliminated', status: 'SUCCEEDED', hiddenBy: [jobOf({ id: 4 })] }
    const out = outputsOf(state, safe, true)
    expect(out['calculated-status']).toBe('SUCCEEDED')
    expect(out.status).toBe('')
    expect(JSON.parse(out.job ?? '')).toMatchObject({
      id: 3,
      calculated_status: 'SUCCEEDED',
      status: null,
      established: 'elimination',
      hidden_by: [4]
    })
  })

  it('a job known to have moved on from what was read, or to have finished with a result not known: no status claimed', () => {
    const state = stateWith(jobOf({ id: 3, calculated_status: 'NEW', status: 'NEW' }))
    state.known = { kind: 'passed', status: 'STARTING_RUNNERS', left: 'NEW' }
    expect(outputsOf(state, safe)).toMatchObject({ status: '', 'calculated-status': '' })
    state.known = { kind: 'finished', candidates: ['SUCCEEDED', 'FAILURE'] }
    state.end({ error: new WaitTimeoutError(`Timed out waiting for job 3 (${KEY})`) })
    const out = outputsOf(state, safe, true)
    expect(out).toMatchObject({ status: '', 'calculated-status': '' })
    expect(JSON.parse(out.job ?? '')).toMatchObject({
      calculated_status: null,
      status: null,
      established: null,
      outcome: 'result-unknown',
      reason: 'timed-out',
      error: 'Timed out waiting for job 3 (***)'
    })
  })

  it('neutralises server text: a status cannot start a workflow command', () => {
    const out = outputsOf(stateWith(jobOf({ id: 3, calculated_status: 'X\n::error::y' })), safe)
    expect(out['calculated-status']).toBe('X\\n::error::y')
  })
})

/** A state whose run ended: with a verdict, or with an error. */
function ended(state: RunState, ending: Parameters<RunState['end']>[0] = { verdict: 'passed' }): RunState {
  state.end(ending)
  return state
}

describe('the ending: one code, one phrase, one title for every output', () => {
  const failed = new JobFailedError('LayerCI job 4 finished FAILURE')
  it.each<[string, () => RunState, string, string, Reason | undefined]>([
    ['passed', () => ended(stateWith(jobOf({ id: 4 }))), 'passed', 'LayerCI job 4: SUCCEEDED', undefined],
    [
      'failed, with its status',
      () => ended(stateWith(jobOf({ id: 4, calculated_status: 'FAILURE' })), { error: failed }),
      'failed',
      'LayerCI job 4: FAILURE',
      undefined
    ],
    [
      'created, no wait',
      () => ended(stateWith(jobOf({ id: 4, calculated_status: 'NEW' })), { verdict: 'created' }),
      'created',
      'LayerCI job 4: created',
      undefined
    ],
    [
      'a timeout with a job',
      () => ended(stateWith(undefined, { jobId: 4 }), { error: new WaitTimeoutError('t') }),
      'result-unknown',
      'LayerCI job 4: result unknown (timed out)',
      'timed-out'
    ],
    [
      'a job hidden by newer jobs',
      () => ended(stateWith(undefined, { jobId: 4 }), { error: new WaitTimeoutError('t', 'hidden') }),
      'result-unknown',
      'LayerCI job 4: result unknown (hidden by newer jobs)',
      'hidden'
    ],
    [
      'a job the API never showed',
      () => ended(stateWith(undefined, { jobId: 4 }), { error: new ApiError('n', 'never-shown') }),
      'result-unknown',
      'LayerCI job 4: result unknown (never shown by the API)',
      'never-shown'
    ],
    [
      'a create answer lost: a job may exist',
      () => ended(new RunState(STARTED), { error: new WaitTimeoutError('t', 'create-answer-lost') }),
      'result-unknown',
      'LayerCI: result unknown (create answer lost)',
      'create-answer-lost'
    ],
    [
      'bad input',
      () => ended(new RunState(STARTED), { error: new InputError('i') }),
      'not-started',
      'LayerCI: not started (bad input)',
      'bad-input'
    ],
    [
      'a refused key',
      () => ended(new RunState(STARTED), { error: new ApiError('k', 'refused-key') }),
      'not-started',
      'LayerCI: not started (API key refused)',
      'refused-key'
    ],
    [
      'a create that timed out with no job made',
      () => ended(new RunState(STARTED), { error: new WaitTimeoutError('t') }),
      'not-started',
      'LayerCI: not started (timed out)',
      'timed-out'
    ],
    [
      'anything unforeseen',
      () => ended(new RunState(STARTED), { error: new Error('x') }),
      'not-started',
      'LayerCI: not started (LayerCI error)',
      'api-error'
    ],
    [
      'interrupted',
      () => ended(stateWith(undefined, { jobId: 4 }), { interrupted: 'Interrupted by SIGINT.' }),
      'interrupted',
      'LayerCI job 4: interrupted',
      'interrupted'
    ]
  ])('%s', (_name, make, outcome, title, reason) => {
    const state = make()
    expect({ outcome: state.outcome, reason: state.reason, title: endingTitle(state) }).toEqual({ outcome, reason, title })
    const report = jobReport(state)
    expect(report.outcome).toBe(outcome)
    expect(report.reason).toBe(reason)
    // The message comes with the reason, never without one (a result needs no excuse).
    expect('error' in report).toBe(reason !== undefined)
  })

  it('an error after a result was ended with clears nothing it should not: a new ending replaces the old', () => {
    const state = ended(stateWith(undefined, { jobId: 4 }), { error: new WaitTimeoutError('t') })
    state.end({ interrupted: 'Interrupted by SIGTERM.' })
    expect(jobReport(state)).toMatchObject({ outcome: 'interrupted', reason: 'interrupted', error: 'Interrupted by SIGTERM.' })
  })

  it('before the end: still running', () => {
    expect(endingWords(stateWith(jobOf({ id: 4, calculated_status: 'RUNNING' })))).toBe('running')
  })
})

describe('summaryModel', () => {
  it('a table row for the job: its link, the result with what it means, branch, short commit and the duration', () => {
    const job = jobOf({ id: 4, calculated_status: 'SUCCEEDED', commit_sha: 'abcdef1234567890', branch: 'main' })
    const model = summaryModel(ended(stateWith(job, { url: 'https://layerci.com/jobs/4' })), STARTED + 95_000, safe)
    expect(model.heading).toBe('LayerCI job 4: SUCCEEDED')
    expect(model.rows).toEqual([
      ['Job', 'Result', 'Branch', 'Commit', 'Duration'],
      ['<a href="https://layerci.com/jobs/4">4</a>', 'SUCCEEDED: every runner succeeded', 'main', 'abcdef123456', '1m35s']
    ])
    expect(model.notes).toEqual([])
    expect(model.runners).toBeUndefined()
  })

  it.each(Object.entries(MEANING))('says what %s means', (status, meaning) => {
    const model = summaryModel(stateWith(jobOf({ id: 1, calculated_status: status })), STARTED, safe)
    expect(model.rows[1]?.[1]).toBe(`${status}: ${meaning}`)
  })

  it('a status the page does not name is shown as it is, with no meaning made up (nor one from Object.prototype)', () => {
    for (const status of ['PAUSED', 'constructor', 'toString']) {
      expect(summaryModel(stateWith(jobOf({ id: 1, calculated_status: status })), STARTED, safe).rows[1]?.[1]).toBe(status)
    }
  })

  it('escapes HTML in every text from the API, after redacting the key', () => {
    const job = jobOf({
      id: 5,
      calculated_status: '<img src=x onerror=alert(1)>',
      status: '"quoted" & <b>',
      branch: `<script>${KEY}</script>`,
      commit_sha: '<i>abc</i>&<u>x</u>'
    })
    const state = ended(stateWith(job, { url: 'https://x/"><script>alert(1)</script>' }), { error: new JobFailedError('f') })
    const model = summaryModel(state, STARTED, safe, ['a <note> & more'])
    expect(model.heading).toBe('LayerCI job 5: &lt;img src=x onerror=alert(1)&gt;')
    expect(model.rows[1]).toEqual([
      '<a href="https://x/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">5</a>',
      '&lt;img src=x onerror=alert(1)&gt;',
      '&lt;script&gt;***&lt;/script&gt;',
      '&lt;i&gt;abc&lt;/i&gt;&amp;&lt;',
      '0s'
    ])
    expect(model.notes).toEqual(['a &lt;note&gt; &amp; more'])
  })

  it('without a job read: the id alone, "unknown" and dashes; the heading says why there is no result', () => {
    const model = summaryModel(ended(stateWith(undefined, { jobId: 8 }), { error: new WaitTimeoutError('t') }), STARTED + 1000, safe)
    expect(model.heading).toBe('LayerCI job 8: result unknown (timed out)')
    expect(model.rows[1]).toEqual(['8', 'unknown', '-', '-', '1s'])
  })

  it('what is known short of the result: a lower bound, or finished with one of some statuses', () => {
    const state = stateWith(undefined, { jobId: 8, known: { kind: 'finished', candidates: ['SUCCEEDED', 'FAILURE'] } })
    expect(summaryModel(state, STARTED, safe).rows[1]?.[1]).toBe('finished: SUCCEEDED or FAILURE (newer jobs hide which)')
  })

  it('without any id: an empty cell', () => {
    const model = summaryModel(new RunState(STARTED), STARTED, safe)
    expect(model.rows[1]?.[0]).toBe('')
  })

  it('says how a status established by elimination was established, after the notes', () => {
    const hider = jobOf({ id: 11, calculated_status: 'SUCCEEDED' })
    const state = stateWith(jobOf({ id: 10, calculated_status: 'RUNNING' }), {
      known: { kind: 'eliminated', status: 'FAILURE', hiddenBy: [hider] }
    })
    const model = summaryModel(state, STARTED, safe, ['first'])
    expect(model.rows[1]?.[1]).toBe('FAILURE: a runner failed')
    expect(model.notes).toEqual([
      'first',
      'The result of job 10, FAILURE, was established by elimination: newer jobs (11 (SUCCEEDED)) hid it from the filters that would show it, and the API answered that it matches none of the other documented statuses.'
    ])
  })

  it('names the job by its id when it was never read (a job id hidden from the first poll)', () => {
    const hider = jobOf({ id: 11, calculated_status: 'SUCCEEDED' })
    const state = stateWith(undefined, { jobId: 10, known: { kind: 'eliminated', status: 'SUCCEEDED', hiddenBy: [hider] } })
    const model = summaryModel(state, STARTED, safe)
    expect(model.notes).toEqual([expect.stringMatching(/^The result of job 10, SUCCEEDED, was established by elimination/)])
  })

  it('a runners table, escaped, with a dash for an unknown Layerfile', () => {
    const runners: Runner[] = [
      { id: 'main-1', layerfile: 'Layerfile', status: 'SUCCESS', retried: false },
      { id: '<r2>', layerfile: '', status: 'FAILURE', retried: true }
    ]
    const model = summaryModel(stateWith(jobOf({ id: 1 }), { runners }), STARTED, safe)
    expect(model.runners).toEqual([
      ['Runner', 'Layerfile', 'Status', 'Retried'],
      ['main-1', 'Layerfile', 'SUCCESS', 'no'],
      ['&lt;r2&gt;', '-', 'FAILURE', 'yes']
    ])
  })

  it('no runners table for an empty list', () => {
    expect(summaryModel(stateWith(jobOf({ id: 1 }), { runners: [] }), STARTED, safe).runners).toBeUndefined()
  })
})

describe('eliminationNote', () => {
  it('names the job, the status and each newer job with its status', () => {
    expect(
      eliminationNote(3, 'SUCCEEDED', [jobOf({ id: 4, calculated_status: 'SUCCEEDED' }), jobOf({ id: 6, calculated_status: 'FAILURE' })])
    ).toBe(
      'The result of job 3, SUCCEEDED, was established by elimination: newer jobs (4 (SUCCEEDED), 6 (FAILURE)) hid it from the filters that would show it, and the API answered that it matches none of the other documented statuses.'
    )
    expect(eliminationNote(undefined, 'FAILURE', [])).toMatch(/^The result of job \?, FAILURE,/)
  })
})

describe('failedRunners', () => {
  it('runners still in progress (NEW, RUNNING, WAITING_PARENTS) and successful ones get no failure annotation', () => {
    const runner = (status: string): Runner => ({ id: status.toLowerCase(), layerfile: 'Layerfile', status, retried: false })
    const all = ['SUCCESS', 'NEW', 'RUNNING', 'WAITING_PARENTS', 'FAILURE', 'ERROR', 'CANCELLED', 'TIMEOUT'].map(runner)
    expect(failedRunners(all).map((r) => r.status)).toEqual(['FAILURE', 'ERROR', 'CANCELLED', 'TIMEOUT'])
  })

  it('a runner retried away gets none: its failure does not stand (its retry is a runner of its own)', () => {
    const runners: Runner[] = [
      { id: 'main-layerfile-1', layerfile: 'Layerfile', status: 'FAILURE', retried: true },
      { id: 'main-layerfile-2', layerfile: 'Layerfile', status: 'SUCCESS', retried: false },
      { id: 'e2e-3', layerfile: 'e2e/Layerfile', status: 'ERROR', retried: false }
    ]
    expect(failedRunners(runners).map((r) => r.id)).toEqual(['e2e-3'])
  })
})
