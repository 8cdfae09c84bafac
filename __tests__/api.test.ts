import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { classifyErrorText, parseAnswer } from '../src/api.js'

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
    ['something broke', 'other']
  ])('%j is %s', (text, kind) => {
    expect(classifyErrorText(text)).toBe(kind)
  })
})
