/** What the run reports: outputs, the job summary, the runners that get an annotation. */
import { describe, expect, it } from '@jest/globals'
import type { Job, Runner } from '../src/api.js'
import { makeRedactor } from '../src/redact.js'
import { eliminationNote, failedRunners, jobPageUrl, outputsOf, RunState, summaryModel } from '../src/report.js'
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

describe('jobPageUrl', () => {
  it('builds the dashboard URL from the owner and the name, encoded', () => {
    expect(jobPageUrl({ apiUrl: 'https://layerci.com', owner: 'octo org', repoName: 'web#app' }, 12)).toBe(
      'https://layerci.com/jobs/github/octo%20org/web%23app/12'
    )
  })

  it('gives none without an owner', () => {
    expect(jobPageUrl({ apiUrl: 'https://layerci.com', repoName: 'web' }, 12)).toBeUndefined()
    expect(jobPageUrl({ apiUrl: 'https://layerci.com', owner: '', repoName: 'web' }, 12)).toBeUndefined()
  })
})

describe('outputsOf', () => {
  it('before any job is known: no outputs at all', () => {
    expect(outputsOf(new RunState(STARTED), safe)).toEqual({})
  })

  it('a job id given, nothing read yet: the id and the URL only', () => {
    const state = stateWith(undefined, { jobId: 7, url: 'https://layerci.com/jobs/github/o/r/7' })
    expect(outputsOf(state, safe)).toEqual({ 'job-id': '7', 'job-url': 'https://layerci.com/jobs/github/o/r/7' })
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
    const out = outputsOf(stateWith(job, { url: `https://x/?layertoken=${KEY}` }), safe)
    expect(out).toEqual({
      'job-id': '9',
      'job-url': 'https://x/?layertoken=***',
      'job-uuid': 'u-1',
      status: 'SEE_RUNNERS',
      'calculated-status': 'FAILURE',
      'commit-sha': 'c'.repeat(40),
      branch: 'main-***',
      job: safe.json(job.raw)
    })
  })

  it('a key made of digits that the server gives back as the job id or a number in the job never reaches an output', () => {
    const digits = makeSafeText(makeRedactor(['31415926535897']))
    const job = jobOf({ id: 31415926535897, build_number: 31415926535897 } as Partial<Job> & { id: number })
    const out = outputsOf(stateWith(job), digits)
    expect(out['job-id']).toBe('***')
    expect(out.job).not.toContain('31415926535897')
    expect(JSON.parse(out.job ?? '')).toMatchObject({ id: '***', build_number: '***' })
  })

  it('fields the job lacks are left out', () => {
    const out = outputsOf(stateWith(jobOf({ id: 3, status: '' })), safe)
    expect(Object.keys(out).sort()).toEqual(['calculated-status', 'job', 'job-id'])
  })

  it('calculated-status carries a status established by elimination, not the one last read', () => {
    const state = stateWith(jobOf({ id: 3, calculated_status: 'RUNNING' }))
    state.calculatedStatus = 'SUCCEEDED'
    expect(outputsOf(state, safe)['calculated-status']).toBe('SUCCEEDED')
  })

  it('neutralises server text: a status cannot start a workflow command', () => {
    const out = outputsOf(stateWith(jobOf({ id: 3, calculated_status: 'X\n::error::y' })), safe)
    expect(out['calculated-status']).toBe('X\\n::error::y')
  })
})

describe('summaryModel', () => {
  it('a table row for the job: its link, statuses, branch, short commit and the duration', () => {
    const job = jobOf({ id: 4, calculated_status: 'SUCCEEDED', commit_sha: 'abcdef1234567890', branch: 'main' })
    const model = summaryModel(stateWith(job, { url: 'https://layerci.com/jobs/4' }), 'SUCCEEDED', STARTED + 95_000, safe)
    expect(model.heading).toBe('LayerCI job 4: SUCCEEDED')
    expect(model.rows).toEqual([
      ['Job', 'Calculated status', 'Status', 'Branch', 'Commit', 'Duration'],
      ['<a href="https://layerci.com/jobs/4">4</a>', 'SUCCEEDED', 'SEE_RUNNERS', 'main', 'abcdef123456', '1m35s']
    ])
    expect(model.notes).toEqual([])
    expect(model.runners).toBeUndefined()
  })

  it('escapes HTML in every text from the API, after redacting the key', () => {
    const job = jobOf({
      id: 5,
      calculated_status: '<img src=x onerror=alert(1)>',
      status: '"quoted" & <b>',
      branch: `<script>${KEY}</script>`,
      commit_sha: '<i>abc</i>&<u>x</u>'
    })
    const model = summaryModel(stateWith(job, { url: 'https://x/"><script>alert(1)</script>' }), "it's <done>", STARTED, safe, [
      'a <note> & more'
    ])
    expect(model.heading).toBe('LayerCI job 5: it&#39;s &lt;done&gt;')
    expect(model.rows[1]).toEqual([
      '<a href="https://x/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">5</a>',
      '&lt;img src=x onerror=alert(1)&gt;',
      '&quot;quoted&quot; &amp; &lt;b&gt;',
      '&lt;script&gt;***&lt;/script&gt;',
      '&lt;i&gt;abc&lt;/i&gt;&amp;&lt;',
      '0s'
    ])
    expect(model.notes).toEqual(['a &lt;note&gt; &amp; more'])
  })

  it('without a job read: the id alone, "unknown" and dashes', () => {
    const model = summaryModel(stateWith(undefined, { jobId: 8 }), 'timed out', STARTED + 1000, safe)
    expect(model.rows[1]).toEqual(['8', 'unknown', '-', '-', '-', '1s'])
  })

  it('without any id: an empty cell', () => {
    const model = summaryModel(new RunState(STARTED), 'failed', STARTED, safe)
    expect(model.heading).toBe('LayerCI job : failed')
    expect(model.rows[1]?.[0]).toBe('')
  })

  it('a job with an empty status shows a dash', () => {
    const model = summaryModel(stateWith(jobOf({ id: 2, status: '' })), 'SUCCEEDED', STARTED, safe)
    expect(model.rows[1]?.[2]).toBe('-')
  })

  it('says how a status established by elimination was established, after the notes', () => {
    const hider = jobOf({ id: 11, calculated_status: 'SUCCEEDED' })
    const state = stateWith(jobOf({ id: 10, calculated_status: 'RUNNING' }), { calculatedStatus: 'FAILURE', hiddenBy: [hider] })
    const model = summaryModel(state, 'FAILURE', STARTED, safe, ['first'])
    expect(model.rows[1]?.[1]).toBe('FAILURE')
    expect(model.notes).toEqual([
      'first',
      'The result of job 10, FAILURE, was established by elimination: newer jobs (11 (SUCCEEDED)) hid it from the filters that would show it, and the API answered that it matches none of the other documented statuses.'
    ])
  })

  it('names the job by its id when it was never read (a job id hidden from the first poll)', () => {
    const hider = jobOf({ id: 11, calculated_status: 'SUCCEEDED' })
    const state = stateWith(undefined, { jobId: 10, calculatedStatus: 'SUCCEEDED', hiddenBy: [hider] })
    const model = summaryModel(state, 'SUCCEEDED', STARTED, safe)
    expect(model.notes).toEqual([expect.stringMatching(/^The result of job 10, SUCCEEDED, was established by elimination/)])
  })

  it('a runners table, escaped, with a dash for an unknown Layerfile', () => {
    const runners: Runner[] = [
      { id: 'main-1', layerfile: 'Layerfile', status: 'SUCCESS', retried: false },
      { id: '<r2>', layerfile: '', status: 'FAILURE', retried: true }
    ]
    const model = summaryModel(stateWith(jobOf({ id: 1 }), { runners }), 'FAILURE', STARTED, safe)
    expect(model.runners).toEqual([
      ['Runner', 'Layerfile', 'Status', 'Retried'],
      ['main-1', 'Layerfile', 'SUCCESS', 'no'],
      ['&lt;r2&gt;', '-', 'FAILURE', 'yes']
    ])
  })

  it('no runners table for an empty list', () => {
    expect(summaryModel(stateWith(jobOf({ id: 1 }), { runners: [] }), 'SUCCEEDED', STARTED, safe).runners).toBeUndefined()
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
})
