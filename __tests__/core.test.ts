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
}

/** One poll over the jobs as they are: the queries sent and the conclusion. */
function poll(e: Evidence, jobs: readonly Row[], lie?: (key: string) => Lookup | undefined): PollResult {
  let current = startPoll(e)
  const sent: string[] = []
  for (let step = 0; step < 50; step++) {
    const decision = decide(current)
    if (decision.kind !== 'ask') return { e: endPoll(current, decision), sent, decision }
    sent.push(queryKey(decision.filters) || '(none)')
    current = fold(current, decision.question, decision.filters, answer(jobs, decision.filters, lie))
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
          ? `${known.status}+`
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
      'waiting, STARTING_RUNNERS+'
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
    expect(said(last?.decision ?? { kind: 'unknown-job' })).toBe('done, eliminated SUCCEEDED')
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

  it(`behind a newer job stuck in flight, at most ${PROBES_PER_POLL} reads of the result a poll, in turn`, () => {
    const jobs = [ours('BAD_LAYERFILE'), { id: 11, status: 'RUNNING', branch: 'main' }]
    const results = polls(created('RUNNING'), [jobs, jobs])
    const [first, second] = results
    // The job is hidden from done=true and from its in-flight statuses; the probes rotate.
    const probes = (result: PollResult | undefined): string[] =>
      (result?.sent ?? []).filter(
        (key) =>
          key === 'failed=true' || /^calculated_status=(SUCCEEDED|JOB_ERROR|BAD_LAYERFILE|RUNNER_CANCELLED|RUNNER_ERROR|FAILURE)$/.test(key)
      )
    expect(probes(first).length).toBeLessThanOrEqual(PROBES_PER_POLL)
    expect(said(first?.decision ?? { kind: 'unknown-job' })).toBe('done, read BAD_LAYERFILE')
    expect(second).toBeDefined()
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
