/**
 * The decision core (evidence.ts) as pure functions, table by table: a poll is `startPoll`, then
 * `decide` and `fold` in turn until `decide` concludes, then `endPoll`. The answers come from a
 * list of jobs through `matches` (the page's definitions, written once); no HTTP, no clock. Each
 * row gives the jobs, the queries one poll sends, in order, and what it concludes.
 */
import { describe, expect, it } from '@jest/globals'
import type { Job } from '../src/api.js'
import type { Lookup } from '../src/client.js'
import {
  decide,
  endPoll,
  fold,
  initialEvidence,
  MAX_GETS_PER_POLL,
  PROBES_PER_POLL,
  startPoll,
  type Decision,
  type Evidence,
  type Note,
  type Start
} from '../src/evidence.js'
import { matches, queryKey, type Filters } from '../src/filters.js'

interface Row {
  id: number
  status: string
  branch?: string
  commit?: string
}

const job = ({ id, status, branch, commit }: Row): Job => ({
  id,
  calculated_status: status,
  status: '',
  ...(branch === undefined ? {} : { branch }),
  ...(commit === undefined ? {} : { commit_sha: commit }),
  raw: { id, calculated_status: status, ...(branch === undefined ? {} : { branch }) }
})

/** The newest job matching `filters`, as `latest` answers; `lie` may replace the answer to one query. */
function answer(jobs: readonly Row[], filters: Filters, lie?: (key: string) => Lookup | undefined): Lookup {
  const told = lie?.(queryKey(filters))
  if (told) return told
  const newest = jobs
    .filter((row) => matches({ calculated_status: row.status, ...(row.branch === undefined ? {} : { branch: row.branch }) }, filters))
    .sort((a, b) => b.id - a.id)[0]
  return newest ? { kind: 'job', job: job(newest) } : { kind: 'none' }
}

interface PollResult {
  e: Evidence
  sent: string[]
  decision: Decision
  /** What the poll's steps noted for the log, in order. */
  notes: Note[]
}

/** One poll over the jobs as they are: the queries sent and the conclusion. */
function poll(e: Evidence, jobs: readonly Row[], lie?: (key: string) => Lookup | undefined): PollResult {
  let current = startPoll(e)
  const sent: string[] = []
  const notes: Note[] = []
  for (let step = 0; step < 50; step++) {
    const decision = decide(current)
    if (decision.kind !== 'ask') {
      const ended = endPoll(current, decision)
      return { e: ended, sent, decision, notes: [...notes, ...ended.news] }
    }
    sent.push(queryKey(decision.filters) || '(none)')
    current = fold(current, decision.question, decision.filters, answer(jobs, decision.filters, lie))
    notes.push(...current.news)
  }
  throw new Error(`no conclusion after 50 steps: ${sent.join(' ; ')}`)
}

/** Polls in turn, each over its own list of jobs. */
function polls(start: Start, lists: ReadonlyArray<readonly Row[]>): PollResult[] {
  let e = initialEvidence(start)
  const results: PollResult[] = []
  for (const jobs of lists) {
    const result = poll(e, jobs)
    results.push(result)
    e = result.e
  }
  return results
}

const created = (status = 'NEW', branch = 'main'): Start => ({ jobId: 10, created: job({ id: 10, status, branch, commit: 'abc' }) })
const ours = (status: string, branch = 'main'): Row => ({ id: 10, status, branch, commit: 'abc' })

/** What a conclusion says, in short: a read or established status, a lower bound, or a failure. */
function said(decision: Decision): string {
  if (decision.kind === 'unknown-job') return `unknown-job${decision.newest ? ` (newest ${decision.newest.id})` : ''}`
  if (decision.kind === 'never-shown') return `never-shown by ${decision.hiders.map((hider) => hider.id).join(',')}`
  if (decision.kind === 'ask') return 'ask'
  const known = decision.check.known
  const what =
    known === undefined
      ? 'nothing'
      : known.kind === 'finished'
        ? `finished: ${known.candidates.join('|')}`
        : known.kind === 'passed'
          ? `${known.status}+ (past ${known.left})`
          : known.kind === 'eliminated'
            ? `eliminated ${known.status} (hidden by ${known.hiddenBy.map((job) => job.id).join(',')})`
            : `${known.kind} ${known.status}`
  return `${decision.check.done ? 'done' : 'waiting'}, ${what}`
}

describe('one poll: the queries, in order, and the conclusion', () => {
  it.each<[string, Start, Row[], string[], string]>([
    [
      'a created job, alone: one narrowed read, which verifies the branch',
      created(),
      [ours('RUNNING')],
      ['branch=main'],
      'waiting, read RUNNING'
    ],
    ['a created job that finished, alone: one read', created(), [ours('FAILURE')], ['branch=main'], 'done, read FAILURE'],
    [
      'not on the branch the create answered (a server that records none): read repository-wide',
      created('NEW'),
      [{ ...ours('RUNNING'), branch: '' }],
      ['branch=main', '(none)'],
      'waiting, read RUNNING'
    ],
    [
      'a job id alone: read repository-wide (no narrowing yet)',
      { jobId: 10, mustExist: true },
      [ours('SUCCEEDED')],
      ['(none)'],
      'done, read SUCCEEDED'
    ],
    [
      'a job id with a branch: through the branch first',
      { jobId: 10, mustExist: true, branch: 'main' },
      [ours('SUCCEEDED')],
      ['branch=main'],
      'done, read SUCCEEDED'
    ],
    [
      'a job id newer than every job: nothing shown yet, no result',
      { jobId: 10, mustExist: true },
      [{ id: 9, status: 'SUCCEEDED', branch: 'main' }],
      ['(none)'],
      'waiting, nothing'
    ],
    [
      'hidden by a newer job in flight on the branch, ours still NEW: its status as last read is asked through the branch first',
      created('NEW'),
      [ours('NEW'), { id: 11, status: 'RUNNING', branch: 'main' }],
      ['branch=main', 'done=true', 'branch=main&calculated_status=NEW'],
      'waiting, read NEW'
    ],
    [
      'hidden, ours moved on: NEW (its status as last read) narrowed first, then wide, where a "no match" counts; known past NEW',
      created('NEW'),
      [ours('RUNNING'), { id: 11, status: 'STARTING_RUNNERS', branch: 'main' }],
      ['branch=main', 'done=true', 'branch=main&calculated_status=NEW', 'calculated_status=NEW'],
      'waiting, STARTING_RUNNERS+ (past NEW)'
    ],
    [
      'hidden by a newer finished job with another result: its status as last read narrowed first, the rest wide; excluded in life order, then read through its result',
      created('RUNNING'),
      [ours('FAILURE'), { id: 11, status: 'SUCCEEDED', branch: 'main' }],
      [
        'branch=main',
        'done=true',
        'branch=main&done=true',
        'branch=main&calculated_status=RUNNING',
        'calculated_status=RUNNING',
        'calculated_status=NEW',
        'calculated_status=STARTING_RUNNERS',
        'calculated_status=RUNNING',
        'failed=true'
      ],
      'done, read FAILURE'
    ]
  ])('%s', (_name, start, jobs, sent, conclusion) => {
    const [result] = polls(start, [jobs])
    expect(result?.sent).toEqual(sent)
    expect(said(result?.decision ?? { kind: 'unknown-job' })).toBe(conclusion)
  })
})

describe('elimination, across polls', () => {
  it('a finished job behind a newer job with its own result is established once every other status is excluded', () => {
    const jobs = [ours('SUCCEEDED'), { id: 11, status: 'SUCCEEDED', branch: 'main' }]
    const results = polls(created('RUNNING'), [jobs, jobs])
    const last = results.at(-1)
    expect(said(last?.decision ?? { kind: 'unknown-job' })).toBe('done, eliminated SUCCEEDED (hidden by 11)')
    // The concluding poll checked STARTING_RUNNERS and RUNNING last: a runner retried meanwhile is seen.
    expect(last?.sent.slice(-2)).toEqual(['calculated_status=STARTING_RUNNERS', 'calculated_status=RUNNING'])
    for (const result of results) expect(result.sent.length).toBeLessThanOrEqual(MAX_GETS_PER_POLL)
  })

  it('a runner retried between the exclusions: the job read back in flight is not given a status it never had', () => {
    const first = [ours('SUCCEEDED'), { id: 11, status: 'SUCCEEDED', branch: 'main' }]
    const retried = [ours('RUNNING'), { id: 11, status: 'SUCCEEDED', branch: 'main' }]
    const results = polls(created('RUNNING'), [first, retried])
    const last = results.at(-1)?.decision
    expect(last?.kind).toBe('end')
    expect(said(last ?? { kind: 'unknown-job' })).toMatch(/^waiting/)
  })

  it('two finished statuses hidden for good (newer SUCCEEDED and FAILURE jobs): one rotating query a poll, never a conclusion', () => {
    const jobs = [ours('FAILURE'), { id: 11, status: 'SUCCEEDED', branch: 'main' }, { id: 12, status: 'FAILURE', branch: 'main' }]
    const results = polls(created('RUNNING'), [jobs, jobs, jobs, jobs, jobs])
    // Once both are known to hide the job for good, each poll asks one query, each time another one.
    const readOnly = results.slice(2).map((result) => result.sent)
    for (const sent of readOnly) expect(sent).toHaveLength(1)
    expect(new Set(readOnly.map((sent) => sent[0])).size).toBe(readOnly.length)
    for (const result of results) expect(said(result.decision)).not.toMatch(/^done/)
    expect(said(results.at(-1)?.decision ?? { kind: 'unknown-job' })).toBe('waiting, finished: SUCCEEDED|FAILURE')
  })

  it('behind a newer job in flight, a job that has finished is read through done=true, in the first poll', () => {
    const jobs = [ours('BAD_LAYERFILE'), { id: 11, status: 'RUNNING', branch: 'main' }]
    const [first] = polls(created('RUNNING'), [jobs])
    expect(first?.sent).toEqual(['branch=main', 'done=true'])
    expect(said(first?.decision ?? { kind: 'unknown-job' })).toBe('done, read BAD_LAYERFILE')
  })
})

describe('premises fail locally, or end elimination', () => {
  it('an answer on another branch for branch=main: that narrowing is dropped, elimination goes on', () => {
    const e = initialEvidence(created('RUNNING'))
    const result = poll(e, [ours('RUNNING')], (key) =>
      key === 'branch=main' ? { kind: 'job', job: job({ id: 12, status: 'SUCCEEDED', branch: 'dev' }) } : undefined
    )
    expect(result.e.narrowing).toBeUndefined()
    expect(result.e.dropped).toEqual(['main'])
    expect(result.notes.filter((note) => note.kind === 'not-honoured')).toHaveLength(1)
    expect(result.e.unsound).toBeUndefined()
    expect(said(result.decision)).toBe('waiting, read RUNNING')
  })

  it('an answer that breaks a documented definition (done=true answered by a RUNNING job) ends elimination for the run', () => {
    const jobs = [ours('RUNNING'), { id: 11, status: 'SUCCEEDED', branch: 'main' }]
    const result = poll(initialEvidence(created('RUNNING')), jobs, (key) =>
      key === 'done=true' ? { kind: 'job', job: job({ id: 12, status: 'RUNNING', branch: 'main' }) } : undefined
    )
    expect(result.e.unsound).toMatchObject({ kind: 'breaks', broken: 'done=true' })
  })

  it('a status the page does not name, read on our job: finished only when the server counts it done', () => {
    const counted = poll(initialEvidence(created('RUNNING')), [ours('PAUSED')])
    expect(counted.sent).toEqual(['branch=main', 'branch=main&done=true'])
    expect(said(counted.decision)).toBe('done, read PAUSED')
    expect(counted.e.unsound).toMatchObject({ kind: 'undocumented' })
    const notDone = poll(initialEvidence(created('RUNNING')), [ours('PAUSED')], (key) =>
      key === 'branch=main&done=true' ? { kind: 'none' } : undefined
    )
    expect(said(notDone.decision)).toBe('waiting, read PAUSED')
  })

  it('a job id the repository never reaches fails at the second poll in a row; a created job not before the third', () => {
    const older = [{ id: 9, status: 'SUCCEEDED', branch: 'main' }]
    const given = polls({ jobId: 10, mustExist: true }, [older, older])
    expect(given.map((result) => said(result.decision))).toEqual(['waiting, nothing', 'unknown-job (newest 9)'])
  })

  it('a job id that newer finished jobs hide from every query, for good: never shown, no result', () => {
    const jobs = [ours('SUCCEEDED'), { id: 11, status: 'SUCCEEDED', branch: 'main' }, { id: 12, status: 'FAILURE', branch: 'main' }]
    const results = polls({ jobId: 10, mustExist: true }, [jobs, jobs, jobs])
    const kinds = results.map((result) => result.decision.kind)
    expect(kinds).not.toContain('ask')
    for (const result of results) expect(said(result.decision)).not.toMatch(/^done/)
  })
})

describe('purity', () => {
  it('fold and decide change nothing they are given: the same evidence gives the same answer twice', () => {
    const e = startPoll(initialEvidence(created('NEW')))
    const frozen = JSON.stringify(e)
    const first = decide(e)
    expect(decide(e)).toEqual(first)
    if (first.kind !== 'ask') throw new Error('expected a query')
    fold(e, first.question, first.filters, { kind: 'none' })
    expect(JSON.stringify(e)).toBe(frozen)
  })
})

/** Polls in turn, each over its own list of jobs, with an optional lie per poll. */
function told(
  start: Start,
  lists: ReadonlyArray<readonly Row[]>,
  lies: ReadonlyArray<((key: string) => Lookup | undefined) | undefined> = []
): PollResult[] {
  let e = initialEvidence(start)
  return lists.map((jobs, index) => {
    const result = poll(e, jobs, lies[index])
    e = result.e
    return result
  })
}

const newer = (id: number, status: string, branch?: string): Row => ({ id, status, ...(branch === undefined ? {} : { branch }) })
const lookup = (row: Row): Lookup => ({ kind: 'job', job: job(row) })
/** The queries and the conclusion of each poll, in short. */
const story = (results: readonly PollResult[]): string[] =>
  results.map((result) => `${result.sent.join(' ; ')} => ${said(result.decision)}`)

describe('one rule, one row: the queries of each poll and what it concludes', () => {
  it('a job id given with a branch: that branch is not taken as verified before the job is read through it', () => {
    const results = told({ jobId: 10, mustExist: true, branch: 'main' }, [[ours('SUCCEEDED'), newer(11, 'RUNNING', 'main')]])
    // done=true is asked repository-wide first: through an unverified branch a "no match" proves nothing.
    expect(story(results)).toEqual(['branch=main ; done=true => done, read SUCCEEDED'])
  })

  it('a wide form hidden by a job of another branch, the narrowed form without a match: hidden, not excluded, and not asked again', () => {
    const results = told(created('RUNNING'), [[ours('RUNNING'), newer(11, 'NEW', 'main'), newer(12, 'FAILURE', 'dev')]])
    expect(story(results)).toEqual([
      'branch=main ; done=true ; branch=main&done=true ; branch=main&calculated_status=RUNNING => waiting, read RUNNING'
    ])
    expect(results[0]?.e.narrowing).toEqual({ branch: 'main', verified: true })
  })

  it('behind a newer failed job and a newer job in flight: each poll reads at most three result queries, in turn, skipping those answered for good', () => {
    const jobs = [ours('RUNNER_ERROR'), newer(11, 'FAILURE', 'main'), newer(12, 'RUNNING', 'main')]
    const results = told(created('RUNNING'), [jobs, jobs, jobs])
    expect(story(results)).toEqual([
      'branch=main ; done=true ; branch=main&done=true ; branch=main&calculated_status=RUNNING ; failed=true ; branch=main&failed=true ; calculated_status=SUCCEEDED ; calculated_status=RUNNER_CANCELLED => waiting, read RUNNING',
      'branch=main&calculated_status=RUNNING ; calculated_status=SUCCEEDED ; calculated_status=FAILURE ; branch=main&calculated_status=FAILURE ; calculated_status=JOB_ERROR => waiting, read RUNNING',
      'branch=main&calculated_status=RUNNING ; calculated_status=RUNNER_CANCELLED ; calculated_status=RUNNER_ERROR => done, read RUNNER_ERROR'
    ])
    expect(results[0]?.e.hidden).toEqual({ phase: 'in-flight', candidates: [] })
    expect(results[1]?.e.probeCursor).toBe(PROBES_PER_POLL)
  })

  it('a job id read once: an answer with its id but another commit is another job, and elimination ends', () => {
    const other = (key: string): Lookup | undefined =>
      key === 'branch=main' ? lookup({ id: 10, status: 'RUNNING', branch: 'main', commit: 'def' }) : undefined
    const results = told({ jobId: 10, mustExist: true }, [[ours('RUNNING')], [ours('RUNNING')]], [undefined, other])
    expect(results[0]?.e.identity).toEqual({ commit: 'abc' })
    expect(results[1]?.e.unsound).toMatchObject({ kind: 'other-job', differs: 'commit def, not abc' })
  })

  it('a job read in an earlier stage than it reached: elimination ends, saying what it had reached', () => {
    const [back] = told(created('RUNNING'), [[ours('NEW')]])
    expect(back?.e.unsound).toMatchObject({ kind: 'moved-back', reached: 'reached RUNNING' })
    const [, retried] = told(created('RUNNING'), [[ours('FAILURE')], [ours('RUNNING')]])
    expect(retried?.e.unsound).toMatchObject({ kind: 'moved-back', reached: 'finished' })
  })

  it('a "no match" wide, where a newer finished job seen through the branch matches: the answers contradict each other', () => {
    const [result] = told(
      created('RUNNING'),
      [[ours('RUNNING'), newer(11, 'SUCCEEDED', 'main')]],
      [(key) => (key === 'done=true' ? { kind: 'none' } : undefined)]
    )
    expect(result?.e.unsound).toMatchObject({ kind: 'contradiction', filters: { done: 'true' } })
  })

  it('answers that break `done` and `failed` are named by the filter they break; a breaking answer blocks nothing for good', () => {
    const breaks = (key: string): Lookup | undefined => (key === 'done=true' ? lookup(newer(12, 'RUNNING', 'main')) : undefined)
    const jobs = [ours('RUNNING'), newer(11, 'SUCCEEDED', 'main')]
    const results = told(created('RUNNING'), [jobs, jobs], [breaks])
    expect(results[0]?.e.unsound).toMatchObject({ kind: 'breaks', broken: 'done=true' })
    // done=true is asked again: job 12 answered it against its definition, which says nothing of later answers.
    expect(results[1]?.sent[0]).toBe('done=true')
    const failed = (key: string): Lookup | undefined => (key === 'failed=true' ? lookup(newer(12, 'SUCCEEDED', 'main')) : undefined)
    const [wrong] = told(created('RUNNING'), [[ours('RUNNING'), newer(11, 'SUCCEEDED', 'main'), newer(13, 'RUNNING', 'main')]], [failed])
    expect(wrong?.e.unsound).toMatchObject({ kind: 'breaks', broken: 'failed=true' })
  })

  it('once elimination has ended, a "no match" for done=true is not followed by exclusions of the in-flight statuses', () => {
    const paused = (key: string): Lookup | undefined => (key === 'branch=main' ? lookup(newer(11, 'PAUSED', 'main')) : undefined)
    const results = told(created('RUNNING'), [[ours('RUNNING'), newer(11, 'NEW', 'main')]], [paused])
    expect(story(results)).toEqual(['branch=main ; done=true => waiting, read RUNNING'])
    expect(results[0]?.e.unsound).toMatchObject({ kind: 'undocumented' })
  })

  it('a job id never shown: what was excluded of it is not claimed as known', () => {
    const results = told({ jobId: 10, mustExist: true }, [[newer(11, 'RUNNING', 'main')]])
    expect(story(results)).toEqual(['(none) ; done=true ; calculated_status=RUNNING ; calculated_status=NEW => waiting, nothing'])
  })

  it('a job id never read, hidden from its status as RUNNING: its status as NEW is asked too', () => {
    const results = told({ jobId: 10, mustExist: true }, [[ours('NEW'), newer(11, 'NEW', 'main')]])
    expect(story(results)).toEqual(['(none) ; done=true ; calculated_status=RUNNING ; calculated_status=NEW => waiting, nothing'])
  })

  it('what hides the job is said when it changes, and cleared once the job is read', () => {
    const hidden = [ours('RUNNING'), newer(11, 'SUCCEEDED', 'main'), newer(12, 'RUNNING', 'main')]
    const clear = [ours('RUNNING'), newer(11, 'SUCCEEDED', 'main'), newer(12, 'SUCCEEDED', 'main')]
    const results = told(created('RUNNING'), [hidden, hidden, clear])
    expect(results.map((result) => result.e.news.map((note) => note.kind))).toEqual([['still-hidden'], [], []])
    expect(results.map((result) => result.e.hidden?.phase)).toEqual(['in-flight', 'in-flight', undefined])
  })

  it('an unclear answer to a result query ends the poll: nothing more is asked', () => {
    const jobs = [ours('RUNNING'), newer(11, 'SUCCEEDED', 'main'), newer(12, 'RUNNING', 'main')]
    const results = told(
      created('RUNNING'),
      [jobs],
      [(key) => (key === 'failed=true' ? { kind: 'unclear', problem: 'Poll: the request timed out' } : undefined)]
    )
    expect(story(results)).toEqual([
      'branch=main ; done=true ; branch=main&done=true ; branch=main&calculated_status=RUNNING ; failed=true => waiting, read RUNNING'
    ])
  })

  it('finished behind a newer job with its result: the first poll runs out of requests (nothing concluded, nothing said hidden), the next one concludes', () => {
    const jobs = [ours('SUCCEEDED'), newer(11, 'SUCCEEDED', 'main')]
    const results = told(created('RUNNING'), [jobs, jobs])
    expect(story(results)).toEqual([
      'branch=main ; done=true ; branch=main&done=true ; branch=main&calculated_status=RUNNING ; calculated_status=RUNNING ; calculated_status=NEW ; calculated_status=STARTING_RUNNERS ; calculated_status=RUNNING ; failed=true ; calculated_status=SUCCEEDED => waiting, finished: SUCCEEDED|RUNNER_CANCELLED',
      // Known finished: done=true is not asked again.
      'calculated_status=NEW ; calculated_status=STARTING_RUNNERS ; calculated_status=RUNNING ; failed=true ; branch=main&calculated_status=SUCCEEDED ; calculated_status=RUNNER_CANCELLED ; calculated_status=STARTING_RUNNERS ; calculated_status=RUNNING => done, eliminated SUCCEEDED (hidden by 11)'
    ])
    expect(results[0]?.e.hidden).toBeUndefined()
  })

  it('known finished, then hidden by a newer job in flight: no finished status is excluded by a read of the result', () => {
    const jobs = [ours('SUCCEEDED'), newer(11, 'SUCCEEDED', 'main')]
    const results = told(created('RUNNING'), [jobs, [...jobs, newer(12, 'NEW', 'main')]])
    expect(story(results)[1]).toBe(
      'calculated_status=NEW ; branch=main&calculated_status=NEW ; failed=true ; branch=main&calculated_status=SUCCEEDED ; calculated_status=RUNNER_CANCELLED => waiting, finished: SUCCEEDED|FAILURE|JOB_ERROR|BAD_LAYERFILE|RUNNER_CANCELLED|RUNNER_ERROR'
    )
  })

  it('a job moving back to RUNNING while its statuses were asked: the last check sees it, and no status is concluded', () => {
    const jobs = [ours('SUCCEEDED'), newer(11, 'SUCCEEDED', 'main')]
    let asked = 0
    const retried = (key: string): Lookup | undefined =>
      key === 'calculated_status=RUNNING' && ++asked === 2 ? lookup(newer(13, 'RUNNING', 'main')) : undefined
    const results = told(created('RUNNING'), [jobs, jobs], [undefined, retried])
    expect(story(results)[1]).toBe(
      'calculated_status=NEW ; calculated_status=STARTING_RUNNERS ; calculated_status=RUNNING ; failed=true ; branch=main&calculated_status=SUCCEEDED ; calculated_status=RUNNER_CANCELLED ; calculated_status=STARTING_RUNNERS ; calculated_status=RUNNING ; branch=main&calculated_status=RUNNING => waiting, finished: SUCCEEDED'
    )
  })

  it('SUCCEEDED and JOB_ERROR both hidden by newer jobs: two candidates, no conclusion; then one rotating read a poll', () => {
    const jobs = [ours('SUCCEEDED'), newer(11, 'JOB_ERROR', 'main'), newer(12, 'SUCCEEDED', 'main')]
    const results = told(created('RUNNING'), [jobs, jobs, jobs, jobs])
    expect(story(results).slice(1)).toEqual([
      'calculated_status=NEW ; calculated_status=STARTING_RUNNERS ; calculated_status=RUNNING ; calculated_status=SUCCEEDED ; branch=main&calculated_status=SUCCEEDED ; calculated_status=FAILURE ; calculated_status=JOB_ERROR ; calculated_status=FAILURE => waiting, finished: SUCCEEDED|JOB_ERROR',
      'calculated_status=BAD_LAYERFILE => waiting, finished: SUCCEEDED|JOB_ERROR',
      'calculated_status=RUNNER_CANCELLED => waiting, finished: SUCCEEDED|JOB_ERROR'
    ])
    expect(results[1]?.e.hidden).toEqual({ phase: 'finished', candidates: ['SUCCEEDED', 'JOB_ERROR'] })
  })

  it('created on main but recorded without a branch, read repository-wide: the narrowing follows the job to no branch', () => {
    const jobs = [{ ...ours('RUNNING'), branch: '' }, newer(11, 'NEW', 'main')]
    const results = told(created('NEW'), [jobs, jobs])
    expect(story(results)).toEqual([
      'branch=main ; done=true ; branch=main&calculated_status=NEW ; calculated_status=RUNNING => waiting, read RUNNING',
      'branch= => waiting, read RUNNING'
    ])
    expect(results.map((result) => result.e.narrowing)).toEqual([
      { branch: '', verified: false },
      { branch: '', verified: true }
    ])
  })

  it('a job created in one repository, answered under its id from another: another job, and elimination ends', () => {
    const inRepository = (repository: string): Job => ({ ...job(ours('RUNNING')), repository_name: repository })
    const [result] = told(
      { jobId: 10, created: inRepository('acme/app') },
      [[ours('RUNNING')]],
      [(key) => (key === 'branch=main' ? { kind: 'job', job: inRepository('acme/other') } : undefined)]
    )
    expect(result?.e.unsound).toMatchObject({ kind: 'other-job', differs: 'repository acme/other, not acme/app' })
  })

  it('a created job the repository never reaches fails at the third poll in a row, not before', () => {
    const older = [newer(9, 'SUCCEEDED', 'main')]
    const results = told(created('NEW'), [older, older, older])
    expect(story(results)).toEqual([
      'branch=main ; (none) => waiting, read NEW',
      '(none) => waiting, read NEW',
      '(none) => unknown-job (newest 9)'
    ])
    expect(results[0]?.notes).toEqual([{ kind: 'not-there', branch: 'main', newest: job(older[0] ?? ours('NEW')) }])
  })

  it('a "no match" through a verified branch, where a newer finished job was seen on that branch: a contradiction', () => {
    const none = (key: string): Lookup | undefined => (key === 'branch=main&done=true' ? { kind: 'none' } : undefined)
    const results = told(created('RUNNING'), [[ours('RUNNING')], [ours('RUNNING'), newer(11, 'SUCCEEDED', 'main')]], [undefined, none])
    expect(results[1]?.e.unsound).toMatchObject({ kind: 'contradiction', filters: { done: 'true', branch: 'main' } })
    // The same when the newer job was first seen repository-wide, then on the branch (a job id, read later on main).
    const jobs = [ours('RUNNING'), newer(11, 'SUCCEEDED', 'main')]
    const given = told({ jobId: 10, mustExist: true }, [jobs, jobs], [undefined, none])
    expect(story(given)[0]).toBe(
      '(none) ; done=true ; calculated_status=NEW ; calculated_status=STARTING_RUNNERS ; calculated_status=RUNNING => waiting, read RUNNING'
    )
    expect(given[1]?.e.unsound).toMatchObject({ kind: 'contradiction', filters: { done: 'true', branch: 'main' } })
  })

  it("the branch's newest job older than ours, after the job was read there: the narrowing is dropped and the job looked for everywhere", () => {
    const moved = [{ ...ours('RUNNING'), branch: '' }, newer(9, 'SUCCEEDED', 'main')]
    const results = told(created('RUNNING'), [[ours('RUNNING')], moved])
    expect(story(results)[1]).toBe('branch=main ; (none) => waiting, read RUNNING')
    expect(results[1]?.e.dropped).toEqual(['main'])
    expect(results[1]?.e.narrowing).toEqual({ branch: '', verified: false })
  })

  it('its status as last read: no match through the unverified branch, hidden repository-wide by a job of another branch: hidden, and the next status is asked', () => {
    const results = told(created('NEW'), [[ours('RUNNING'), newer(11, 'STARTING_RUNNERS', 'main'), newer(12, 'NEW', 'dev')]])
    expect(story(results)).toEqual([
      'branch=main ; done=true ; branch=main&calculated_status=NEW ; calculated_status=NEW ; calculated_status=RUNNING => waiting, read RUNNING'
    ])
  })

  it('done=true answered for good repository-wide by a job of another branch: the next poll asks it through the branch only', () => {
    const jobs = [ours('RUNNING'), newer(11, 'RUNNING', 'main'), newer(12, 'FAILURE', 'dev')]
    const results = told(created('RUNNING'), [jobs, jobs])
    expect(story(results)[1]).toBe(
      'branch=main&done=true ; branch=main&calculated_status=RUNNING ; branch=main&failed=true ; calculated_status=SUCCEEDED ; calculated_status=RUNNER_CANCELLED => waiting, read RUNNING'
    )
  })

  it('established through a verified branch: hidden by the newer jobs of that branch, not by those seen elsewhere', () => {
    const finished = [ours('SUCCEEDED'), newer(11, 'SUCCEEDED', 'main'), newer(12, 'FAILURE', 'dev')]
    const results = told(created('RUNNING'), [[ours('RUNNING'), newer(11, 'NEW', 'main'), newer(12, 'FAILURE', 'dev')], finished])
    expect(story(results)[1]).toBe(
      'branch=main&done=true ; branch=main&calculated_status=RUNNING ; branch=main&calculated_status=NEW ; branch=main&calculated_status=STARTING_RUNNERS ; branch=main&calculated_status=RUNNING ; branch=main&failed=true ; branch=main&calculated_status=SUCCEEDED ; branch=main&calculated_status=RUNNER_CANCELLED ; branch=main&calculated_status=STARTING_RUNNERS ; branch=main&calculated_status=RUNNING => done, eliminated SUCCEEDED (hidden by 11)'
    )
  })

  it('in flight behind a newer job, uncontended by done=true: one more query for NEW or STARTING_RUNNERS, none for RUNNING', () => {
    const running = told(created('RUNNING'), [[ours('RUNNING'), newer(11, 'RUNNING', 'main')]])
    expect(story(running)).toEqual(['branch=main ; done=true => waiting, read RUNNING'])
    const starting = told(created('STARTING_RUNNERS'), [[ours('STARTING_RUNNERS'), newer(11, 'RUNNING', 'main')]])
    expect(story(starting)).toEqual([
      'branch=main ; done=true ; branch=main&calculated_status=STARTING_RUNNERS => waiting, read STARTING_RUNNERS'
    ])
    // Once elimination has ended, not even that: a result comes only from a read.
    const paused = (key: string): Lookup | undefined => (key === 'branch=main' ? lookup(newer(11, 'PAUSED', 'main')) : undefined)
    const unsound = told(created('NEW'), [[ours('NEW'), newer(11, 'NEW', 'main')]], [paused])
    expect(story(unsound)).toEqual(['branch=main ; done=true => waiting, read NEW'])
    expect(unsound[0]?.e.unsound).toMatchObject({ kind: 'undocumented' })
  })
})
