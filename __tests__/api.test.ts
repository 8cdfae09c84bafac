import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { classifyErrorText, parseAnswer, parseJob } from '../src/api.js'

describe('parseAnswer', () => {
  it('reads a job answer as documented', () => {
    const parsed = parseAnswer(
      JSON.stringify({
        status: 'ok',
        job: { id: 3, status: 'SEE_RUNNERS', calculated_status: 'SUCCEEDED', commit_sha: 'abc', branch: 'master' },
        url: 'https://layerci.com/jobs/x/3'
      })
    )
    expect(parsed).toMatchObject({
      ok: true,
      value: { status: 'ok', url: 'https://layerci.com/jobs/x/3', job: { id: 3, calculated_status: 'SUCCEEDED', branch: 'master' } }
    })
  })

  it('reads ids sent as digit strings, and runners', () => {
    const parsed = parseAnswer(
      JSON.stringify({
        status: 'ok',
        job: { id: '12', calculated_status: 'NEW' },
        runners: [{ id: 'main-1', layerfile_relative_path: 'Layerfile', status: 'FAILURE', was_retried: true }]
      })
    )
    expect(parsed).toMatchObject({
      ok: true,
      value: { job: { id: 12 }, runners: [{ id: 'main-1', layerfile: 'Layerfile', status: 'FAILURE', retried: true }] }
    })
  })

  it('reads error answers', () => {
    expect(parseAnswer('{"status":"error","error":"no job found"}')).toEqual({
      ok: true,
      value: { status: 'error', error: 'no job found' }
    })
  })

  it.each([
    ['<html>502 Bad Gateway</html>', /HTML/],
    ['{"status":"ok","job":{"id":', /not JSON/],
    ['', /empty/],
    ['[1,2]', /not an API answer/],
    ['{"status":"maybe"}', /without "status"/],
    ['{"status":"ok","job":{"id":"x","calculated_status":"NEW"}}', /numeric id/],
    ['{"status":"ok","job":{"id":1}}', /calculated_status/]
  ])('reports %j as not the API', (body, reason) => {
    const parsed = parseAnswer(body)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.reason).toMatch(reason)
  })

  it('property: any body parses or gives a reason, and never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((value) => JSON.stringify({ status: 'ok', job: value }))
        ),
        (body) => {
          const parsed = parseAnswer(body)
          if (parsed.ok) {
            if (parsed.value.status === 'ok' && parsed.value.job) {
              expect(Number.isSafeInteger(parsed.value.job.id)).toBe(true)
              expect(typeof parsed.value.job.calculated_status).toBe('string')
            }
          } else {
            expect(parsed.reason.length).toBeGreaterThan(0)
          }
        }
      ),
      { numRuns: 2000 }
    )
  })
})

describe('classifyErrorText', () => {
  it.each([
    ['invalid API key', 'refused'],
    ['Invalid layertoken', 'refused'],
    ['Unauthorized', 'refused'],
    ['no job found', 'no-match'],
    ['No CI jobs match the given filters', 'no-match'],
    ['There are no runs in acme/web matching the given filters.', 'no-match'],
    ['job not found', 'no-match'],
    ['repository web-app not found', 'unknown-repository'],
    ['Unknown repository', 'unknown-repository'],
    ['something broke', 'other'],
    ['apikey missing', 'refused'],
    ['bad api_key', 'refused'],
    ['wrong API-Key', 'refused'],
    ['token expired', 'refused'],
    ['Unauthorised', 'refused'],
    ['unauthenticated request', 'refused'],
    ['Forbidden', 'refused'],
    ['no permission for this', 'refused'],
    ['missing credential', 'refused'],
    ['bad credentials', 'refused'],
    ['authentication failed', 'refused'],
    ['Access denied', 'refused'],
    ['no  jobs', 'no-match'],
    ['no ci  jobs', 'no-match'],
    ['no run', 'no-match'],
    ['no runs', 'no-match'],
    ['no matching job', 'no-match'],
    ['no matches', 'no-match'],
    ['no result', 'no-match'],
    ['no results', 'no-match'],
    ['nothing  found', 'no-match'],
    ['nothing matched', 'no-match'],
    ['nothing matches', 'no-match'],
    ['jobs matching the given filters: none', 'no-match'],
    ['jobs were not found', 'no-match'],
    ['run was not found', 'no-match'],
    ['repo not found', 'unknown-repository'],
    ['repository is unknown', 'unknown-repository'],
    ['repository does not exist', 'unknown-repository'],
    ["repository doesn't exist", 'unknown-repository'],
    ['repository: no such thing', 'unknown-repository'],
    ['no such repository', 'unknown-repository'],
    ['invalid repo', 'unknown-repository'],
    ['page not found', 'no-match'],
    ['notfound', 'other'],
    ['repository moved. job not found', 'no-match'],
    ['nothingfound', 'other'],
    ['nono jobs', 'other'],
    // A job or run not found, in a text that names the repository, is still no match.
    ['repository web: job not found', 'no-match'],
    ['repository web: job  not found', 'no-match'],
    ['repository web: job not  found', 'no-match'],
    ['repository web: run not found', 'no-match'],
    ['repository web: job was  not found', 'no-match'],
    ['repository web: jobs were  not found', 'no-match'],
    ['repository web: job was not found', 'no-match'],
    ['repository web: jobs were not found', 'no-match'],
    ['unknown  repository', 'unknown-repository']
  ])('%j is %s', (text, kind) => {
    expect(classifyErrorText(text)).toBe(kind)
  })
})

describe('parseJob: the job id', () => {
  it.each<[unknown, number]>([
    [0, 0],
    [12, 12],
    ['12', 12],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]
  ])('reads %j as job %d', (id, expected) => {
    expect(parseJob({ id, calculated_status: 'NEW' })).toMatchObject({ ok: true, value: { id: expected } })
  })

  it.each<[string, unknown]>([
    ['a negative number', -1],
    ['a fraction', 1.5],
    ['past the safe integers', 2 ** 53],
    ['a string with a sign', '-3'],
    ['a string with trailing text', '12abc'],
    ['a string with leading text', 'id12'],
    ['a string with a leading space', ' 12'],
    ['a string with a trailing space', '12 '],
    ['an empty string', ''],
    ['a boolean', true],
    ['null', null]
  ])('rejects %s', (_, id) => {
    expect(parseJob({ id, calculated_status: 'NEW' })).toEqual({ ok: false, reason: 'a job without a numeric id' })
  })

  it('rejects what is not an object', () => {
    for (const value of [null, 'job', 3, [{ id: 1, calculated_status: 'NEW' }]]) {
      expect(parseJob(value)).toEqual({ ok: false, reason: 'a job that is not an object' })
    }
  })

  it('keeps only non-empty string fields, and status "" when there is none', () => {
    const parsed = parseJob({ id: 1, calculated_status: 'NEW', branch: '', commit_sha: 7, uuid: 'u-1' })
    expect(parsed).toEqual({
      ok: true,
      value: {
        id: 1,
        calculated_status: 'NEW',
        status: '',
        uuid: 'u-1',
        raw: { id: 1, calculated_status: 'NEW', branch: '', commit_sha: 7, uuid: 'u-1' }
      }
    })
  })
})

describe('parseAnswer: the parts around the job', () => {
  it('an answer with a null job, an empty url and no runners has none of them', () => {
    expect(parseAnswer('{"status":"ok","job":null,"url":""}')).toEqual({ ok: true, value: { status: 'ok' } })
  })

  it('keeps only the runners it can read, with defaults for what they lack', () => {
    const parsed = parseAnswer(JSON.stringify({ status: 'ok', runners: [{ id: 7 }, 'x', { name: 'no id' }, { id: 'r', status: '' }] }))
    expect(parsed).toEqual({
      ok: true,
      value: {
        status: 'ok',
        runners: [
          { id: '7', layerfile: '', status: 'UNKNOWN', retried: false },
          { id: 'r', layerfile: '', status: 'UNKNOWN', retried: false }
        ]
      }
    })
  })

  it('an error answer keeps its text trimmed, or says none was given', () => {
    expect(parseAnswer('{"status":"error","error":"  busy  "}')).toEqual({ ok: true, value: { status: 'error', error: 'busy' } })
    expect(parseAnswer('{"status":"error","error":"   "}')).toEqual({ ok: true, value: { status: 'error', error: 'no explanation given' } })
    expect(parseAnswer('{"status":"error"}')).toEqual({ ok: true, value: { status: 'error', error: 'no explanation given' } })
  })

  it('names what a body that is not JSON looks like, whatever white space surrounds it', () => {
    expect(parseAnswer('  \n <html>')).toEqual({ ok: false, reason: 'an HTML page, not the API' })
    expect(parseAnswer(' \n\t ')).toEqual({ ok: false, reason: 'an empty body' })
    expect(parseAnswer('x <')).toEqual({ ok: false, reason: 'a body that is not JSON' })
  })
})
