/** scripts/changelog-entry.mjs: the release notes the release workflow publishes. */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { changelogEntry, parseTag, releaseNotes } from '../scripts/changelog-entry.mjs'

const CHANGELOG = `# Changelog

Intro text.

## [Unreleased]

- Not yet.

## [1.2.0] - 2026-12-01

### Added
- Two.

### Fixed
- Three.

## 1.1.0

- One.
## [1.0.0] - 2026-11-27

- First.

[1.2.0]: https://github.com/layerci/layerci-action/compare/v1.1.0...v1.2.0
[1.0.0]: https://github.com/layerci/layerci-action/releases/tag/v1.0.0
`

describe('changelogEntry', () => {
  it('is the text between the version heading and the next one, without blank edges', () => {
    expect(changelogEntry(CHANGELOG, '1.2.0')).toBe('### Added\n- Two.\n\n### Fixed\n- Three.\n')
    expect(changelogEntry(CHANGELOG, '1.1.0')).toBe('- One.\n')
  })

  it('the last entry ends before the footer of link definitions', () => {
    expect(changelogEntry(CHANGELOG, '1.0.0')).toBe('- First.\n')
  })

  it('matches the whole version: 1.2.0 is not 1.2.0-rc.1 nor 11.2.0', () => {
    const text = '## [11.2.0]\n- a\n## 1.2.0-rc.1\n- b\n## v1.2.0 (2026-12-01)\n- c\n'
    expect(changelogEntry(text, '1.2.0')).toBe('- c\n')
    expect(changelogEntry(text, '1.2.0-rc.1')).toBe('- b\n')
  })

  it.each<[string, string, RegExp]>([
    [CHANGELOG, '1.3.0', /has no entry for 1\.3\.0/],
    ['## [1.3.0]\n\n## [1.2.0]\n- x\n', '1.3.0', /entry for 1\.3\.0 is empty/],
    ['## 1.3.0\n- a\n## 1.3.0\n- b\n', '1.3.0', /has 2 entries for 1\.3\.0/],
    ['- 1.3.0 fixed things\n', '1.3.0', /has no entry/]
  ])('fails when the entry is missing, empty or doubled (%#)', (text, version, message) => {
    expect(() => changelogEntry(text, version)).toThrow(message)
  })

  it("this repository's CHANGELOG.md has an entry for package.json's version", () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    expect(changelogEntry(readFileSync('CHANGELOG.md', 'utf8'), version).length).toBeGreaterThan(20)
  })
})

describe('parseTag', () => {
  it.each([
    ['v1.2.3', { version: '1.2.3', major: 1, prerelease: false }],
    ['v10.0.0', { version: '10.0.0', major: 10, prerelease: false }],
    ['v2.0.0-rc.1', { version: '2.0.0-rc.1', major: 2, prerelease: true }]
  ])('%s', (tag, expected) => {
    expect(parseTag(tag)).toEqual(expected)
  })

  it.each(['1.2.3', 'v1.2', 'v1.2.3.4', 'v01.2.3', 'v1.2.3-', 'v1', 'refs/tags/v1.2.3'])('rejects %s', (tag) => {
    expect(() => parseTag(tag)).toThrow(/is not a release tag/)
  })
})

describe('releaseNotes', () => {
  it("requires the tag to name package.json's version", () => {
    expect(releaseNotes('v1.2.0', { changelog: CHANGELOG, packageVersion: '1.2.0' })).toContain('- Two.')
    expect(() => releaseNotes('v1.2.0', { changelog: CHANGELOG, packageVersion: '1.1.0' })).toThrow(
      /tag v1\.2\.0 is not package\.json's version \(1\.1\.0\)/
    )
  })
})

describe('node scripts/changelog-entry.mjs TAG', () => {
  const run = (tag: string, env: Record<string, string> = {}) =>
    spawnSync(process.execPath, ['scripts/changelog-entry.mjs', tag], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', ...env }
    })

  it("prints the notes of package.json's version", () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    const result = run(`v${version}`)
    expect(result.status).toBe(0)
    expect(result.stdout).toBe(changelogEntry(readFileSync('CHANGELOG.md', 'utf8'), version))
  })

  it('fails with one line, an error annotation inside GitHub Actions', () => {
    const result = run('v0.0.1', { GITHUB_ACTIONS: 'true' })
    expect(result.status).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^::error::tag v0\.0\.1 is not package\.json's version \([^)]+\): .*\n$/)
  })
})
