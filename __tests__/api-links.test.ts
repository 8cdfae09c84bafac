/** A url or uuid from the server is used only when it is what it claims. */
import { describe, expect, it } from '@jest/globals'
import { classifyErrorText, parseAnswer, type Answer } from '../src/api.js'
import { runEngine } from '../src/engine.js'
import { RunState } from '../src/report.js'
import { HttpClientTransport } from '../src/transport.js'
import { neutralize } from '../src/text.js'
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

  it('a link is kept as the server wrote it (a parser would re-encode the key); the output path escapes its line break', () => {
    const url = answer({ status: 'ok', url: 'https://layerci.com/jobs/"q"/3\n::error::x' }).url ?? ''
    expect(url).toBe('https://layerci.com/jobs/"q"/3\n::error::x')
    expect(neutralize(url)).toBe('https://layerci.com/jobs/"q"/3\\n::error::x')
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

describe('answers that are not what they seem', () => {
  it('a byte-order mark before the JSON is not a reason to call it something else', () => {
    expect(parseAnswer('\ufeff{"status":"ok","job":{"id":2,"calculated_status":"NEW"}}')).toMatchObject({
      ok: true,
      value: { job: { id: 2 } }
    })
  })

  it('JSON nested deeper than any job is not the API answer (printing it would overflow the stack)', () => {
    const deep = `{"status":"ok","job":{"id":1,"calculated_status":"NEW","x":${'['.repeat(100)}${']'.repeat(100)}}}`
    expect(parseAnswer(deep)).toEqual({ ok: false, reason: 'JSON nested deeper than 64 levels' })
    const huge = `{"status":"ok","job":{"id":1,"calculated_status":"NEW","x":${'['.repeat(200_000)}${']'.repeat(200_000)}}}`
    expect(parseAnswer(huge).ok).toBe(false)
  })

  it.each([
    ['There are no runs in acme/token-service matching the given filters.', []],
    ['There are no runs in permission-labs/auth-credentials matching the given filters.', []],
    ['no job found for api-key-rotator', ['api-key-rotator']],
    ['no runs in acme/token-service', ['acme/token-service', 'acme', 'token-service']]
  ] as const)('"%s" is "no match", whatever the repository is called', (text, names) => {
    expect(classifyErrorText(text, names)).toBe('no-match')
  })

  it('a refusal naming the key is still a refusal', () => {
    expect(classifyErrorText('invalid API key for acme/token-service', ['acme/token-service', 'acme', 'token-service'])).toBe('refused')
    expect(classifyErrorText('Invalid token')).toBe('refused')
  })

  it('through the client: the documented "no runs" text for a repository named like a key is no match, not a refused key', async () => {
    const fake = await startFake({ dialect: 'webappio', repos: { 'token-service': { owner: 'acme' } } })
    const state = new RunState(Date.now())
    const clock = new FakeClock()
    clock.onSleep = () => void fake.addJob('token-service', { calculated_status: 'SUCCEEDED' })
    const verdict = await runEngine({
      settings: settingsFor(fake.url, { token: fake.token, flavor: 'webappio', repoName: 'token-service', owner: 'acme', jobId: 1 }),
      log: new MemoryLog(),
      clock,
      transport: new HttpClientTransport('test'),
      state,
      onUpdate: () => undefined
    })
    expect(verdict).toBe('passed')
  })
})
