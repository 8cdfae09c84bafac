/** The fake LayerCI itself: the filters of ci-jobs.md and the search terms of the later API. */
import { describe, expect, it, jest } from '@jest/globals'
import { startFake } from '../__fixtures__/fake.js'

const REPO = 'layerci-example'

async function get(url: string): Promise<{ status: number; body: { status: string; job?: { id: number }; error?: string } }> {
  const response = await fetch(url)
  return { status: response.status, body: (await response.json()) as { status: string; job?: { id: number }; error?: string } }
}

describe('fake LayerCI', () => {
  it('latest: the newest job matching every filter wins', async () => {
    const fake = await startFake()
    fake.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'master' }) // 1
    fake.addJob(REPO, { calculated_status: 'JOB_ERROR', branch: 'dev' }) // 2
    fake.addJob(REPO, { calculated_status: 'RUNNING', branch: 'master' }) // 3
    fake.addJob(REPO, { calculated_status: 'FAILURE', branch: 'dev' }) // 4
    const latest = async (query: string): Promise<number | undefined> =>
      (await get(`${fake.url}/api/v1/run/${REPO}/latest?${query}&layertoken=${fake.token}`)).body.job?.id
    expect(await latest('x=1')).toBe(4)
    expect(await latest('calculated_status=SUCCEEDED')).toBe(1)
    expect(await latest('branch=master')).toBe(3)
    expect(await latest('status=ERROR')).toBe(2)
    expect(await latest('done=true&branch=master')).toBe(1)
    expect(await latest('failed=true&branch=dev')).toBe(4)
    expect(await latest('failed=true&calculated_status=JOB_ERROR')).toBe(2)
    expect(await latest('calculated_status=BAD_LAYERFILE')).toBeUndefined()
    expect(await latest('done=true')).toBe(4)
    // The owner/repo form of the path from the docs' Python sample.
    expect((await get(`${fake.url}/api/v1/jobs/github/o/${REPO}/latest?done=true&layertoken=${fake.token}`)).body.job?.id).toBe(4)
  })

  it('answers errors as documented: no match, refused key, unknown repository', async () => {
    const fake = await startFake({ noMatchStatus: 404 })
    expect(await get(`${fake.url}/api/v1/run/${REPO}/latest?layertoken=${fake.token}`)).toEqual({
      status: 404,
      body: { status: 'error', error: 'no job found' }
    })
    expect(await get(`${fake.url}/api/v1/run/${REPO}/latest?layertoken=nope`)).toEqual({
      status: 401,
      body: { status: 'error', error: 'invalid API key' }
    })
    expect((await get(`${fake.url}/api/v1/run/other/latest?layertoken=${fake.token}`)).status).toBe(404)
  })

  it('webappio: token parameter, search terms, uuid', async () => {
    const fake = await startFake({ dialect: 'webappio' })
    fake.addJob(REPO, { calculated_status: 'SUCCEEDED', branch: 'main' })
    fake.addJob(REPO, { calculated_status: 'FAILURE', branch: 'dev' })
    const search = async (terms: string): Promise<{ status: string; job?: { id: number; uuid?: string }; error?: string }> =>
      (await get(`${fake.url}/api/v1/run/${REPO}/search?search=${encodeURIComponent(terms)}&token=${fake.token}`)).body
    expect((await search('id:1')).job).toMatchObject({ id: 1, uuid: '00000000-0000-4000-8000-000000000001' })
    expect((await search('status:succeeded')).job?.id).toBe(1)
    expect((await search(`repo:${REPO} failed`)).job?.id).toBe(2)
    expect((await search('branch:main done')).job?.id).toBe(1)
    expect(await search('id:9')).toEqual({ status: 'error', error: `There are no runs in fake-owner/${REPO} matching the given filters.` })
    expect((await get(`${fake.url}/api/v1/run/${REPO}/search?search=id:1&layertoken=${fake.token}`)).status).toBe(401)
  })

  it('runs a schedule on the monotonic clock: a step of the system clock does not end a job early', async () => {
    const fake = await startFake()
    fake.addJob(REPO, {
      schedule: [
        { at: 0, calculated_status: 'RUNNING' },
        { at: 60_000, calculated_status: 'SUCCEEDED' }
      ]
    })
    const wallClock = Date.now()
    const stepped = jest.spyOn(Date, 'now').mockImplementation(() => wallClock + 3_600_000)
    try {
      expect(fake.jobs(REPO)[0]).toMatchObject({ calculated_status: 'RUNNING' })
    } finally {
      stepped.mockRestore()
    }
  })
})
