/**
 * The webappio flavor's tracker (src/search-tracker.ts), one poll at a time, against the fake
 * LayerCI and, for answers the fake never gives, a real loopback server.
 */
import { describe, expect, it } from '@jest/globals'
import { ApiError } from '../src/errors.js'
import { SearchTracker } from '../src/search-tracker.js'
import { MANUAL, startFake } from '../__fixtures__/fake.js'
import { httpServer, type TestServer } from '../__fixtures__/servers.js'
import type { LayerCiClient } from '../src/client.js'
import { testClient } from '../__fixtures__/client.js'

const REPO = 'layerci-example'
const TOKEN = 'fake-layerci-key'

function clientFor(apiUrl: string): LayerCiClient {
  return testClient({ apiUrl, token: TOKEN, repoName: REPO, flavor: 'webappio' }).client
}

async function fakeWebappio() {
  const fake = await startFake({ dialect: 'webappio', token: TOKEN, repos: { [REPO]: { owner: 'o', schedule: MANUAL } } })
  return { fake, client: clientFor(fake.url) }
}

const searches = (requests: Array<{ endpoint: string; query: Record<string, string> }>): string[] =>
  requests.filter((request) => request.endpoint === 'search').map((request) => request.query.search ?? '')

const NO_RUN = '{"status":"error","error":"There are no runs in o/layerci-example matching the given filters."}'

/** A server that answers every search with `answer(terms)`: a JSON job, or a "no runs" error. */
async function searchServer(answer: (terms: string) => Record<string, unknown> | undefined): Promise<TestServer> {
  return httpServer((request, response) => {
    const terms = new URL(request.url ?? '/', 'http://x').searchParams.get('search') ?? ''
    const job = answer(terms)
    response.writeHead(200, { 'Content-Type': 'application/json' })
    response.end(job ? JSON.stringify({ status: 'ok', job }) : NO_RUN)
  })
}

describe('SearchTracker', () => {
  it('a job not found yet: not done, and the obstacle says so', async () => {
    const { fake, client } = await fakeWebappio()
    const tracker = new SearchTracker(client, 3, { repoName: REPO })
    expect(await tracker.check()).toEqual({ done: false })
    expect(tracker.obstacle()).toBe('A search for id:3 matches no run yet.')
    // A job this run created is not looked for elsewhere: one search a poll.
    expect(searches(fake.requests)).toEqual(['id:3'])
    fake.addJob(REPO, { calculated_status: 'RUNNING' })
    fake.addJob(REPO, { calculated_status: 'RUNNING' })
    fake.addJob(REPO, { calculated_status: 'RUNNING' })
    expect(await tracker.check()).toMatchObject({ done: false, job: { id: 3 }, known: { kind: 'read', status: 'RUNNING' } })
    expect(tracker.obstacle()).toBeUndefined()
  })

  it('a job id given by the user: asks for the newest job of the repository, and waits while it is not older', async () => {
    const { fake, client } = await fakeWebappio()
    for (let i = 0; i < 5; i++) fake.addJob(REPO, { calculated_status: 'SUCCEEDED' })
    // Job 5 exists but a search by id does not show it (an index that lags).
    fake.inject('search', { kind: 'body', status: 200, body: NO_RUN }, 100, (request) => request.query.search === 'id:5')
    const tracker = new SearchTracker(client, 5, { repoName: REPO, mustExist: true })
    for (let poll = 0; poll < 3; poll++) expect(await tracker.check()).toEqual({ done: false })
    expect(searches(fake.requests).slice(0, 2)).toEqual(['id:5', `repo:${REPO}`])
  })

  it('a job id given by the user, newer than the newest: fails at the second poll in a row', async () => {
    const { fake, client } = await fakeWebappio()
    for (let i = 0; i < 4; i++) fake.addJob(REPO, { calculated_status: 'SUCCEEDED' })
    const tracker = new SearchTracker(client, 5, { repoName: REPO, mustExist: true })
    expect(await tracker.check()).toEqual({ done: false })
    await expect(tracker.check()).rejects.toThrow(
      new ApiError('LayerCI has no job 5 in layerci-example: the newest job of layerci-example is 4. Check the job id.')
    )
  })

  it('an unclear answer about the newest job is not taken as "older": the count starts again', async () => {
    const { fake, client } = await fakeWebappio()
    fake.addJob(REPO, { calculated_status: 'SUCCEEDED' })
    const tracker = new SearchTracker(client, 5, { repoName: REPO, mustExist: true })
    expect(await tracker.check()).toEqual({ done: false })
    fake.inject('search', { kind: 'body', status: 200, body: '{"status":"error","error":"index busy"}' }, 1, (r) =>
      (r.query.search ?? '').startsWith('repo:')
    )
    expect(await tracker.check()).toEqual({ done: false })
    expect(await tracker.check()).toEqual({ done: false })
    await expect(tracker.check()).rejects.toThrow(ApiError)
  })

  it('an unclear answer about the job itself is not done, and clears the obstacle', async () => {
    const { fake, client } = await fakeWebappio()
    const tracker = new SearchTracker(client, 1, { repoName: REPO })
    await tracker.check()
    expect(tracker.obstacle()).toBeDefined()
    fake.inject('search', { kind: 'body', status: 200, body: '{"status":"error","error":"index busy"}' })
    expect(await tracker.check()).toEqual({ done: false })
    expect(tracker.obstacle()).toBeUndefined()
  })

  it('a search for id:N that answers another job: not taken for it, and the obstacle says so', async () => {
    const server = await searchServer(() => ({ id: 8, calculated_status: 'SUCCEEDED' }))
    try {
      const tracker = new SearchTracker(clientFor(server.origin), 7, { repoName: REPO })
      expect(await tracker.check()).toEqual({ done: false })
      expect(tracker.obstacle()).toBe('A search for id:7 answered with job 8; it is not taken as job 7.')
    } finally {
      await server.close()
    }
  })

  it('an undocumented status is done only when the server counts that very job as done', async () => {
    const server = await searchServer((terms) =>
      terms === 'id:7 done' ? { id: 9, calculated_status: 'SUCCEEDED' } : { id: 7, calculated_status: 'QUEUED' }
    )
    try {
      const tracker = new SearchTracker(clientFor(server.origin), 7, { repoName: REPO })
      expect(await tracker.check()).toMatchObject({ done: false, job: { id: 7 }, known: { kind: 'read', status: 'QUEUED' } })
    } finally {
      await server.close()
    }
  })
})
