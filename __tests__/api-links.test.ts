/** A url or uuid from the server is used only when it is what it claims. */
import { describe, expect, it } from '@jest/globals'
import { parseAnswer, type Answer } from '../src/api.js'
import { runEngine } from '../src/engine.js'
import { RunState } from '../src/report.js'
import { HttpClientTransport } from '../src/transport.js'
import { FakeClock } from '../__fixtures__/clock.js'
import { MemoryLog } from '../__fixtures__/log.js'
import { startFake } from '../__fixtures__/fake.js'
import { settingsFor } from '../__fixtures__/settings.js'

function answer(body: unknown): Answer & { status: 'ok' } {
  const parsed = parseAnswer(JSON.stringify(body))
  if (!parsed.ok || parsed.value.status !== 'ok') throw new Error('not an ok answer')
  return parsed.value
}

describe('links and ids from the server', () => {
  it.each(['https://layerci.com/jobs/github/o/r/3', 'http://127.0.0.1:8080/jobs/3'])('keeps the http(s) link %s', (url) => {
    expect(answer({ status: 'ok', url }).url).toBe(url)
  })

  it.each(['javascript:alert(1)', 'file:///etc/passwd', 'not a url', 'data:text/html,x'])('drops the link %j', (url) => {
    expect(answer({ status: 'ok', url }).url).toBeUndefined()
  })

  it('a link cannot carry a line break into a message', () => {
    expect(answer({ status: 'ok', url: 'https://layerci.com/jobs/3\n::error::x' }).url).toBe('https://layerci.com/jobs/3::error::x')
  })

  it.each(['00000000-0000-4000-8000-000000000001', 'abc_DEF-12'])('keeps the uuid %s', (uuid) => {
    expect(answer({ status: 'ok', job: { id: 1, calculated_status: 'NEW', uuid } }).job?.uuid).toBe(uuid)
  })

  it.each(['..', '../x', 'a/b', 'a%2Fb', '.', '-x', 'a b', 'x'.repeat(129)])(
    'drops the uuid %j: it could change a request path',
    (uuid) => {
      expect(answer({ status: 'ok', job: { id: 1, calculated_status: 'NEW', uuid } }).job?.uuid).toBeUndefined()
    }
  )

  it('so the runners request of a job whose uuid is ".." is never sent, to any path', async () => {
    const fake = await startFake({ dialect: 'webappio', repos: { 'layerci-example': { owner: 'o' } } })
    fake.inject('search', {
      kind: 'body',
      body: JSON.stringify({ status: 'ok', job: { id: 1, calculated_status: 'SUCCEEDED', uuid: '..' } })
    })
    const state = new RunState(Date.now())
    const verdict = await runEngine({
      settings: settingsFor(fake.url, { token: fake.token, flavor: 'webappio', jobId: 1 }),
      log: new MemoryLog(),
      clock: new FakeClock(),
      transport: new HttpClientTransport('test'),
      state,
      onUpdate: () => undefined
    })
    expect(verdict).toBe('passed')
    expect(fake.requests.map((r) => r.path)).toEqual(['/api/v1/run/layerci-example/search'])
  })
})
