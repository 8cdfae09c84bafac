import { describe, expect, it, jest } from '@jest/globals'
import { InputError } from '../src/errors.js'
import { describeSettings, parseSettings, resolveFlavor, type RawInputs, type SourceDefaults, type Vocabulary } from '../src/settings.js'

const base: RawInputs = { token: 'secret-key-123', repository: 'octo-org/web-app' }
const noDefaults = (): SourceDefaults => ({ origin: 'none' })

function errorOf(raw: RawInputs): string {
  try {
    parseSettings(raw, noDefaults)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

describe('parseSettings', () => {
  it('applies the documented defaults', () => {
    const settings = parseSettings(base, noDefaults)
    expect(settings).toMatchObject({
      token: 'secret-key-123',
      owner: 'octo-org',
      repoName: 'web-app',
      acceptButtons: false,
      wait: true,
      timeoutMs: 3_600_000,
      pollIntervalMs: 10_000,
      apiUrl: 'https://layerci.com',
      flavor: 'layerci'
    })
    expect(settings.ref).toBeUndefined()
    expect(settings.checkpoint).toBeUndefined()
  })

  it('reads every input', () => {
    const settings = parseSettings(
      {
        ...base,
        repository: 'web-app',
        ref: 'abc1234',
        branch: 'release/v1',
        checkpoint: 'deploy',
        'accept-buttons': 'TRUE',
        wait: 'false',
        timeout: '1h30m',
        'poll-interval': '5s',
        'api-url': 'https://proxy.example.com/layer/',
        'api-flavor': 'webappio',
        extra: 'hello world'
      },
      noDefaults
    )
    expect(settings).toMatchObject({
      repoName: 'web-app',
      ref: 'abc1234',
      branch: 'release/v1',
      checkpoint: 'deploy',
      acceptButtons: true,
      wait: false,
      timeoutMs: 5_400_000,
      pollIntervalMs: 5000,
      apiUrl: 'https://proxy.example.com/layer',
      flavor: 'webappio',
      extra: 'hello world'
    })
    expect(settings.owner).toBeUndefined()
  })

  it('uses event defaults only for inputs left empty, and says so', () => {
    const defaults = jest.fn((): SourceDefaults => ({ ref: 'f'.repeat(40), branch: 'feature-x', origin: 'pull_request head' }))
    const settings = parseSettings({ ...base, branch: 'given' }, defaults)
    expect(settings.ref).toBe('f'.repeat(40))
    expect(settings.branch).toBe('given')
    expect(settings.notes).toEqual([{ level: 'info', text: `ref defaults to ${'f'.repeat(40)} (pull_request head)` }])
  })

  it('says where each default came from when ref and branch came from different places', () => {
    const defaults = (): SourceDefaults => ({
      ref: 'a'.repeat(40),
      branch: 'feature-y',
      origin: 'the git checkout for the ref, Buildkite variables for the branch',
      refOrigin: 'the git checkout',
      branchOrigin: 'Buildkite variables'
    })
    expect(parseSettings(base, defaults).notes.map((note) => note.text)).toEqual([
      `ref defaults to ${'a'.repeat(40)} (the git checkout)`,
      'branch defaults to feature-y (Buildkite variables)'
    ])
  })

  it('uses the branch the event gives when only the ref is given, keeping the given ref', () => {
    const defaults = jest.fn((): SourceDefaults => ({ ref: 'f'.repeat(40), branch: 'feature-x', origin: 'pull_request head' }))
    const settings = parseSettings({ ...base, ref: 'a'.repeat(40) }, defaults)
    expect(settings.ref).toBe('a'.repeat(40))
    expect(settings.branch).toBe('feature-x')
    expect(settings.notes).toEqual([{ level: 'info', text: 'branch defaults to feature-x (pull_request head)' }])
  })

  it('does not look up defaults when ref and branch are both given', () => {
    const defaults = jest.fn(noDefaults)
    parseSettings({ ...base, ref: 'a'.repeat(40), branch: 'main' }, defaults)
    expect(defaults).not.toHaveBeenCalled()
  })

  it('says that LayerCI picks its own default only when neither ref nor branch is known', () => {
    expect(parseSettings({ ...base, ref: 'a'.repeat(40) }, noDefaults).notes).toEqual([])
    expect(parseSettings({ ...base, branch: 'main' }, noDefaults).notes).toEqual([])
    expect(parseSettings(base, noDefaults).notes).toEqual([
      {
        level: 'notice',
        text: 'No "ref" or "branch" was given, and none gave none: LayerCI builds its own default, origin/master on the master branch.'
      }
    ])
  })

  it('the debug lines list only the inputs that are set', () => {
    const lines = describeSettings(parseSettings({ ...base, repository: 'web-app' }, noDefaults))
    const keys = lines.map((line) => line.slice(0, line.indexOf(':')))
    for (const unset of ['owner', 'ref', 'branch', 'checkpoint', 'extra', 'jobId']) expect(keys).not.toContain(unset)
    const all = describeSettings(
      parseSettings({ ...base, ref: 'a'.repeat(40), branch: 'main', checkpoint: 'deploy', extra: 'x=1', 'job-id': '7' }, noDefaults)
    )
    const allKeys = all.map((line) => line.slice(0, line.indexOf(':')))
    for (const set of ['owner', 'ref', 'branch', 'checkpoint', 'extra', 'jobId']) expect(allKeys).toContain(set)
  })

  it('quotes a succeed-on status as given, not upper-cased', () => {
    expect(errorOf({ ...base, 'succeed-on': 'SUCCEEDED, Sucess' })).toMatch(/^Input "succeed-on" "Sucess" is not a documented status\./)
  })

  it('quotes a value as given, even one that looks like an input name between guillemets', () => {
    expect(errorOf({ ...base, repository: 'o/«token»' })).toBe(
      'Input "repository" has an invalid name "«token»"; use owner/name or name (GitLab: group/subgroup/name), each part of letters, digits, "-", "_" and ".", up to 100 characters, not starting with "-" and not "." or ".." (e.g. octo-org/web-app)'
    )
  })

  it('waiting for an existing job, looks up only the default branch, to look for the job there first', () => {
    const defaults = jest.fn(() => ({ ref: 'abc1234', branch: 'main', origin: 'push event' }))
    const settings = parseSettings({ ...base, 'job-id': '42' }, defaults)
    expect(settings).toMatchObject({ jobId: 42, branch: 'main' })
    expect(settings.ref).toBeUndefined()
    expect(settings.notes).toContainEqual({ level: 'info', text: 'job 42 is looked for on branch main first (push event)' })
    const given = jest.fn(noDefaults)
    expect(parseSettings({ ...base, 'job-id': '42', branch: 'dev' }, given).branch).toBe('dev')
    expect(given).not.toHaveBeenCalled()
  })

  it.each<[RawInputs, RegExp]>([
    [{ ...base, token: '' }, /Input "token" is required/],
    [{ ...base, token: 'two words' }, /Input "token" contains white space/],
    [{ ...base, repository: '' }, /Input "repository" is required/],
    [{ ...base, repository: 'a//c' }, /Input "repository" has an invalid owner ""/],
    [{ ...base, repository: 'octo/..' }, /Input "repository" has an invalid name/],
    [{ ...base, repository: 'octo/we b' }, /Input "repository" has an invalid name/],
    [{ ...base, repository: 'octo/%2e%2e' }, /Input "repository" has an invalid name/],
    [{ ...base, repository: '-bad/web' }, /Input "repository" has an invalid owner/],
    [{ ...base, ref: 'a b' }, /Input "ref" "a b" is not a commit SHA or ref/],
    [{ ...base, branch: 'main..x' }, /Input "branch" .* is not a branch name/],
    [{ ...base, branch: '-x' }, /Input "branch" .* is not a branch name/],
    [{ ...base, checkpoint: 'two words' }, /Input "checkpoint" .* CHECKPOINT name/],
    [{ ...base, 'accept-buttons': 'yes' }, /Input "accept-buttons" must be true or false, not "yes"/],
    [{ ...base, wait: '1' }, /Input "wait" must be true or false/],
    [{ ...base, 'job-id': '0' }, /Input "job-id" must be a positive whole number/],
    [{ ...base, 'job-id': '12abc' }, /Input "job-id" must be a positive whole number/],
    [
      { ...base, 'job-id': '12', wait: 'false' },
      /Input "job-id" cannot be used with "wait: false": an existing job can only be waited for/
    ],
    [{ ...base, timeout: 'soon' }, /Input "timeout" "soon" is not a duration; use .*90s, 15m, 1h30m/],
    [{ ...base, timeout: '0' }, /Input "timeout" must be at least 1s/],
    [{ ...base, 'poll-interval': '0s' }, /Input "poll-interval" must be at least 1s/],
    [{ ...base, 'api-url': 'layerci.com' }, /Input "api-url" "layerci.com" is not a URL/],
    [{ ...base, 'api-url': 'ftp://layerci.com' }, /Input "api-url" must use http or https/],
    [{ ...base, 'api-url': 'https://u:p@layerci.com' }, /Input "api-url" must not carry a user name or password/],
    [{ ...base, 'api-url': 'https://layerci.com/?x=1' }, /Input "api-url" must not carry a query/],
    [{ ...base, 'api-flavor': 'gitlab' }, /Input "api-flavor" must be auto, layerci or webappio/]
  ])('rejects bad input %#: %s', (raw, message) => {
    expect(errorOf(raw)).toMatch(message)
  })

  it('never puts the key in an error message', () => {
    const message = errorOf({ token: 'zq9-key with spaces', repository: 'x' })
    expect(message).not.toContain('zq9')
  })

  it('names inputs in the words of the entry point: the CLI names its flags, also inside a message', () => {
    const cli: Vocabulary = { name: (input) => `--${input}`, subject: (input) => `--${input}`, setting: () => '--no-wait' }
    const error = (() => {
      try {
        parseSettings({ ...base, 'job-id': '12', wait: 'false' }, noDefaults, cli)
      } catch (caught) {
        return caught
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toBe('--job-id cannot be used with --no-wait: an existing job can only be waited for')
  })

  it.each([
    [
      '10m',
      '5m',
      [
        {
          level: 'warning',
          text: '"poll-interval" (10m00s) is not shorter than "timeout" (5m00s): the job is polled once more just before the timeout, however long the interval.'
        }
      ]
    ],
    ['5m', '5m', [{ level: 'warning', text: expect.stringContaining('"poll-interval" (5m00s) is not shorter than "timeout" (5m00s)') }]],
    ['4m59s', '5m', []]
  ])('poll-interval %s with timeout %s is accepted, with a warning when not shorter', (interval, timeout, notes) => {
    const settings = parseSettings({ ...base, 'poll-interval': interval, timeout, 'job-id': '7' }, noDefaults)
    expect(settings.notes).toEqual(notes)
  })

  it.each<[string, string[]]>([
    ['', ['SUCCEEDED']],
    ['SUCCEEDED', ['SUCCEEDED']],
    ['succeeded, Runner_Cancelled', ['SUCCEEDED', 'RUNNER_CANCELLED']],
    ['FAILURE\nSUCCEEDED\n', ['FAILURE', 'SUCCEEDED']],
    ['SUCCEEDED,SUCCEEDED', ['SUCCEEDED']]
  ])('succeed-on %j passes on %j', (value, statuses) => {
    expect(parseSettings({ ...base, 'succeed-on': value }, noDefaults).succeedOn).toEqual(statuses)
  })

  it.each([
    ['RUNNING', /Input "succeed-on" cannot list RUNNING: the wait ends only when the job is done/],
    ['new', /Input "succeed-on" cannot list NEW/],
    [
      'SUCCEEDED, SKIPPED',
      /Input "succeed-on" "SKIPPED" is not a documented status. Use the calculated statuses a finished job can have, .*: SUCCEEDED, FAILURE, JOB_ERROR, BAD_LAYERFILE, RUNNER_CANCELLED, RUNNER_ERROR/
    ]
  ])('succeed-on %j is refused, naming the input and what it accepts', (value, message) => {
    expect(errorOf({ ...base, 'succeed-on': value })).toMatch(message)
  })

  it('says which statuses pass when the policy is not the default', () => {
    const notes = parseSettings({ ...base, 'succeed-on': 'SUCCEEDED,RUNNER_CANCELLED', 'job-id': '3' }, noDefaults).notes
    expect(notes).toEqual([{ level: 'info', text: 'The step passes when the job ends SUCCEEDED or RUNNER_CANCELLED ("succeed-on").' }])
    expect(parseSettings({ ...base, 'succeed-on': 'succeeded', 'job-id': '3' }, noDefaults).notes).toEqual([])
  })

  it('sends a branch given as a full ref as its name, with a notice', () => {
    const settings = parseSettings({ ...base, branch: 'refs/heads/feature/x', ref: 'abc1234' }, noDefaults)
    expect(settings.branch).toBe('feature/x')
    expect(settings.notes).toEqual([
      { level: 'notice', text: '"branch" "refs/heads/feature/x" is a full ref: LayerCI is sent the branch name "feature/x".' }
    ])
  })

  it('says plainly what LayerCI builds when no ref and no branch come from anywhere', () => {
    expect(parseSettings(base, noDefaults).notes).toEqual([
      {
        level: 'notice',
        text: 'No "ref" or "branch" was given, and none gave none: LayerCI builds its own default, origin/master on the master branch.'
      }
    ])
  })

  it('keeps a hint about api-flavor for messages only when auto chose it', () => {
    expect(parseSettings({ ...base, 'api-url': 'https://ci.example.com' }, noDefaults).flavorHint).toBe(
      '"api-flavor" is auto, which chose layerci for ci.example.com: if this server speaks the webappio API, set "api-flavor: webappio".'
    )
    expect(parseSettings({ ...base, 'api-url': 'https://api.webapp.io' }, noDefaults).flavorHint).toMatch(
      /chose webappio for api.webapp.io: .*"api-flavor: layerci"/
    )
    expect(parseSettings({ ...base, 'api-flavor': 'layerci' }, noDefaults).flavorHint).toBeUndefined()
  })

  it('describes settings for debug lines without the key', () => {
    const lines = describeSettings(parseSettings(base, noDefaults))
    expect(lines).toContain('token: (14 characters, masked)')
    expect(lines.join('\n')).not.toContain('secret-key-123')
    expect(lines).toContain('repoName: "web-app"')
  })
})

describe('parseSettings: job-id', () => {
  it.each(['1', '9', '10', '42', '1234567', '100000000000000', '999999999999999'])(
    'accepts job id %s (any length up to 15 digits)',
    (id) => {
      expect(parseSettings({ ...base, 'job-id': id }, noDefaults).jobId).toBe(Number(id))
    }
  )

  it.each(['0', '01', '-1', '1.5', '1e3', ' 1 2', 'x1', '1000000000000000', '9'.repeat(16)])('refuses job id %j', (id) => {
    expect(errorOf({ ...base, 'job-id': id })).toBe(`Input "job-id" must be a positive whole number (a LayerCI job id), not "${id.trim()}"`)
  })
})

describe('parseSettings: what each input accepts, at its edges', () => {
  it.each(['true', 'True', 'TRUE'])('%s is true', (value) => {
    expect(parseSettings({ ...base, 'accept-buttons': value, wait: value }, noDefaults)).toMatchObject({ acceptButtons: true, wait: true })
  })

  it.each(['false', 'False', 'FALSE'])('%s is false', (value) => {
    expect(parseSettings({ ...base, 'accept-buttons': value, wait: value }, noDefaults)).toMatchObject({
      acceptButtons: false,
      wait: false
    })
  })

  it('takes the key without the white space around it (a secret stored with a trailing newline)', () => {
    expect(parseSettings({ ...base, token: '  secret-key-123\n' }, noDefaults).token).toBe('secret-key-123')
  })

  it.each([
    ['white space only', ' \n ', 'Input "token" is required: the LayerCI API key, e.g. token: ${{ secrets.LAYERCI_TOKEN }}'],
    [
      'a control character',
      'abc\u0007def',
      'Input "token" contains white space or control characters; check the secret holds only the API key'
    ],
    ['a tab inside', 'abc\tdef', 'Input "token" contains white space or control characters; check the secret holds only the API key'],
    ['3 characters', ' abc ', 'Input "token" is shorter than 4 characters: it is not a LayerCI API key'],
    [
      'a character outside printable ASCII (which no redaction could follow through every encoding)',
      'Zq8-café-Secret-Key-42',
      'Input "token" contains a character that is not printable ASCII; a LayerCI API key is plain ASCII: check the secret holds only the API key'
    ],
    [
      'a non-breaking space',
      'abc\u00a0def',
      'Input "token" contains white space or control characters; check the secret holds only the API key'
    ],
    ['a DEL', 'abc\u007fdef', 'Input "token" contains white space or control characters; check the secret holds only the API key']
  ])('refuses a key with %s', (_, token, message) => {
    expect(errorOf({ ...base, token })).toBe(message)
  })

  it('accepts a key of every printable ASCII character', () => {
    const all = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('')
    expect(parseSettings({ ...base, token: all }, noDefaults).token).toBe(all)
  })

  it('accepts a key of 4 characters', () => {
    expect(parseSettings({ ...base, token: 'abcd' }, noDefaults).token).toBe('abcd')
  })

  it('reads inputs without the white space around them', () => {
    const settings = parseSettings(
      { ...base, repository: ' octo/web \n', timeout: ' 5m ', 'api-flavor': ' webappio ', ref: ' abc1234 ', checkpoint: ' deploy ' },
      noDefaults
    )
    expect(settings).toMatchObject({
      owner: 'octo',
      repoName: 'web',
      timeoutMs: 300_000,
      flavor: 'webappio',
      ref: 'abc1234',
      checkpoint: 'deploy'
    })
  })

  it.each([
    ['an owner of 39 characters', `a${'b'.repeat(38)}/web`],
    ['an owner with a dash', 'octo-org/web'],
    ['a name of 100 characters', `octo/${'n'.repeat(100)}`],
    ['a name with dots, dashes and underscores', 'octo/web.app_v2-x'],
    ['a name of one character', 'x'],
    ['a name starting with a dot', 'octo/.github'],
    ['an owner of 40 characters (a GitLab group)', `a${'b'.repeat(39)}/web`],
    ['an owner with a dot or an underscore (GitLab)', 'my_group.x/web-app'],
    ['nested GitLab groups', 'acme/platform.team/web-app']
  ])('accepts a repository with %s', (_, repository) => {
    expect(() => parseSettings({ ...base, repository }, noDefaults)).not.toThrow()
  })

  it.each([
    ['an owner of 101 characters', `a${'b'.repeat(100)}/web`, 'has an invalid owner'],
    ['an owner starting with a dash', '-octo/web', 'has an invalid owner'],
    ['an owner ".."', '../web', 'has an invalid owner'],
    ['an empty owner', '/web', 'has an invalid owner'],
    ['an empty group between two', 'acme//web', 'has an invalid owner'],
    ['a name of 101 characters', `octo/${'n'.repeat(101)}`, 'has an invalid name'],
    ['an empty name', 'octo/', 'has an invalid name'],
    ['a name "."', '.', 'has an invalid name'],
    ['a name ".."', 'octo/..', 'has an invalid name'],
    ['a name with a slash-like character', 'octo/web\\app', 'has an invalid name']
  ])('refuses a repository with %s', (_, repository, what) => {
    expect(errorOf({ ...base, repository })).toContain(`Input "repository" ${what}`)
  })

  it('a GitLab path: the API uses its last part, job URLs the groups before it', () => {
    expect(parseSettings({ ...base, repository: 'acme/platform.team/web-app' }, noDefaults)).toMatchObject({
      owner: 'acme/platform.team',
      repoName: 'web-app'
    })
    expect(parseSettings({ ...base, repository: 'my_group/web-app' }, noDefaults)).toMatchObject({ owner: 'my_group', repoName: 'web-app' })
  })

  it('extra is trimmed, in the action and the CLI alike: one rule', () => {
    expect(parseSettings({ ...base, extra: '  deploy=eu\n' }, noDefaults).extra).toBe('deploy=eu')
    expect(parseSettings({ ...base, extra: ' \n ' }, noDefaults).extra).toBeUndefined()
  })

  it('names what a repository may be', () => {
    expect(errorOf({ ...base, repository: 'octo/we b' })).toBe(
      'Input "repository" has an invalid name "we b"; use owner/name or name (GitLab: group/subgroup/name), each part of letters, digits, "-", "_" and ".", up to 100 characters, not starting with "-" and not "." or ".." (e.g. octo-org/web-app)'
    )
  })

  it.each([' ', '\t', '\u0001', '~', '^', ':', '?', '*', '[', '\\', '..'])('refuses a ref or branch holding %j', (bad) => {
    expect(errorOf({ ...base, ref: `a${bad}b` })).toContain('Input "ref" ')
    expect(errorOf({ ...base, ref: 'abc1234', branch: `a${bad}b` })).toContain('Input "branch" ')
  })

  it('refuses a branch starting with "-" or ending with "/", and says what a branch may hold', () => {
    expect(errorOf({ ...base, ref: 'abc1234', branch: 'feature/' })).toBe(
      'Input "branch" "feature/" is not a branch name (no spaces, "..", "~^:?*[\\", leading "-" or trailing "/")'
    )
    expect(errorOf({ ...base, ref: '-abc' })).toContain('Input "ref" "-abc" is not a commit SHA or ref')
  })

  it('accepts refs and branches with slashes, dots, dashes and @ inside, up to 255 characters', () => {
    const settings = parseSettings({ ...base, ref: 'v1.2.3-rc@x', branch: 'feature/a.b-c' }, noDefaults)
    expect(settings).toMatchObject({ ref: 'v1.2.3-rc@x', branch: 'feature/a.b-c' })
    expect(parseSettings({ ...base, ref: 'r'.repeat(255), branch: 'b'.repeat(255) }, noDefaults).ref).toBe('r'.repeat(255))
  })

  it('refuses a ref or branch longer than 255 characters', () => {
    expect(errorOf({ ...base, ref: 'r'.repeat(256) })).toBe('Input "ref" is longer than 255 characters; it must be a commit SHA or ref')
    expect(errorOf({ ...base, ref: 'abc1234', branch: 'b'.repeat(256) })).toBe(
      'Input "branch" is longer than 255 characters; it must be a branch name'
    )
  })

  it('a branch "refs/heads/" alone is not a full ref: it is refused as it is', () => {
    expect(errorOf({ ...base, ref: 'abc1234', branch: 'refs/heads/' })).toContain('Input "branch" "refs/heads/" is not a branch name')
  })

  it('accepts a checkpoint of 128 characters, refuses 129', () => {
    expect(parseSettings({ ...base, checkpoint: 'c'.repeat(128) }, noDefaults).checkpoint).toBe('c'.repeat(128))
    expect(errorOf({ ...base, checkpoint: 'c'.repeat(129) })).toBe(
      `Input "checkpoint" "${'c'.repeat(129)}" is not a CHECKPOINT name (up to 128 characters, no spaces)`
    )
    expect(errorOf({ ...base, checkpoint: 'a\u0001b' })).toContain('is not a CHECKPOINT name')
  })

  it('accepts extra up to 64 KiB, inner spaces kept, and refuses more', () => {
    const most = `x${' x'.repeat(32767)}x`
    expect(most).toHaveLength(65536)
    expect(parseSettings({ ...base, extra: most }, noDefaults).extra === most).toBe(true)
    expect(errorOf({ ...base, extra: 'x'.repeat(65537) })).toBe('Input "extra" is longer than 64 KiB')
  })

  it('accepts a timeout and a poll interval of exactly 1s', () => {
    expect(parseSettings({ ...base, timeout: '1s', 'poll-interval': '1s' }, noDefaults)).toMatchObject({
      timeoutMs: 1000,
      pollIntervalMs: 1000
    })
  })

  it('names the minimum and the value given', () => {
    expect(errorOf({ ...base, 'poll-interval': '0' })).toBe('Input "poll-interval" must be at least 1s, not "0"')
  })

  it('removes every trailing slash of api-url, keeps its path prefix', () => {
    expect(parseSettings({ ...base, 'api-url': 'http://layer.example.com:8080/a/b//' }, noDefaults).apiUrl).toBe(
      'http://layer.example.com:8080/a/b'
    )
  })

  it('names the input that carries the key when api-url carries credentials', () => {
    expect(errorOf({ ...base, 'api-url': 'https://user@layerci.com' })).toBe(
      'Input "api-url" must not carry a user name or password; pass the key as "token"'
    )
    expect(errorOf({ ...base, 'api-url': 'https://:pw@layerci.com' })).toContain('must not carry a user name or password')
    expect(errorOf({ ...base, 'api-url': 'https://layerci.com/#x' })).toContain('must not carry a query or fragment')
  })

  it('refuses api-url schemes other than http and https, saying which', () => {
    expect(errorOf({ ...base, 'api-url': 'file:///etc' })).toBe(
      'Input "api-url" must use http or https; use an http(s) base URL such as https://layerci.com (a path prefix is allowed)'
    )
    expect(parseSettings({ ...base, 'api-url': 'http://x.test' }, noDefaults).apiUrl).toBe('http://x.test')
  })

  it('succeed-on: separators and blanks only mean the default', () => {
    expect(parseSettings({ ...base, 'succeed-on': ' , \n ,' }, noDefaults).succeedOn).toEqual(['SUCCEEDED'])
  })

  it('describes settings without the notes and the hint', () => {
    const settings = parseSettings({ ...base, 'api-url': 'https://ci.example.com' }, noDefaults)
    expect(settings.notes.length).toBeGreaterThan(0)
    expect(settings.flavorHint).toBeDefined()
    const lines = describeSettings(settings)
    expect(lines.some((line) => line.startsWith('notes') || line.startsWith('flavorHint'))).toBe(false)
    expect(lines).toContain('timeoutMs: 3600000')
  })
})

describe('resolveFlavor', () => {
  it.each([
    ['', 'https://webapp.io', 'webappio'],
    ['auto', 'https://api.webapp.io/x', 'webappio'],
    ['auto', 'https://webapp.io./', 'webappio'],
    ['auto', 'https://api.webapp.io.:443/', 'webappio'],
    ['auto', 'https://notwebapp.io', 'layerci'],
    ['auto', 'https://layerci.com', 'layerci'],
    ['layerci', 'https://webapp.io', 'layerci'],
    ['WEBAPPIO', 'https://layerci.com', 'webappio']
  ])('%j with %s is %s', (value, url, flavor) => {
    expect(resolveFlavor(value, url)).toBe(flavor)
  })
})
