// The release notes of a tag: CHANGELOG.md's entry for its version, after checking that the tag
// names package.json's version. Used by .github/workflows/release.yml:
//
//   node scripts/changelog-entry.mjs v1.2.3 > notes.md
//
// prints the entry's text (without its heading) on stdout; exits 1 with one line on stderr when
// the tag is not vX.Y.Z[-pre], is not package.json's version, or CHANGELOG.md has no entry for it.
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/
/** `## [1.2.3] - 2026-11-27`, `## 1.2.3`, `## v1.2.3 (2026-11-27)`: the version, then a space or the end. */
const HEADING = /^##\s+\[?v?([^\]\s]+)\]?(?:\s|$)/
/** A link reference definition of keep-a-changelog's footer, `[1.2.3]: https://...`. */
const LINK_DEFINITION = /^\[[^\]]+\]:\s/

/** The version a release tag names: `v1.2.3` → `{ version: '1.2.3', major: 1, prerelease: false }`. */
export function parseTag(tag) {
  const match = SEMVER.exec(tag.replace(/^v/, ''))
  if (!tag.startsWith('v') || match === null) throw new Error(`"${tag}" is not a release tag like v1.2.3 or v1.2.3-rc.1`)
  return { version: tag.slice(1), major: Number(match[1]), prerelease: match[4] !== undefined }
}

/** The text of `version`'s entry in a changelog, without its heading and without surrounding blank lines. */
export function changelogEntry(markdown, version) {
  const lines = markdown.split(/\r?\n/)
  const starts = lines.flatMap((line, index) => (HEADING.exec(line)?.[1] === version ? [index] : []))
  if (starts.length === 0) throw new Error(`CHANGELOG.md has no entry for ${version} (a "## [${version}] - YYYY-MM-DD" heading)`)
  if (starts.length > 1) throw new Error(`CHANGELOG.md has ${starts.length} entries for ${version}`)
  const start = starts[0] + 1
  let end = lines.findIndex((line, index) => index >= start && /^##?\s/.test(line))
  if (end === -1) end = lines.length
  const body = lines.slice(start, end)
  while (body.length > 0 && (body.at(-1).trim() === '' || LINK_DEFINITION.test(body.at(-1)))) body.pop()
  while (body.length > 0 && body[0].trim() === '') body.shift()
  if (body.length === 0) throw new Error(`CHANGELOG.md's entry for ${version} is empty`)
  return body.join('\n') + '\n'
}

/** The release notes for `tag`, checked against package.json's version. */
export function releaseNotes(tag, { changelog, packageVersion }) {
  const { version } = parseTag(tag)
  if (version !== packageVersion) {
    throw new Error(`tag ${tag} is not package.json's version (${packageVersion}): bump "version" in package.json, then tag`)
  }
  return changelogEntry(changelog, version)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const tag = process.argv[2] ?? ''
  try {
    const changelog = readFileSync('CHANGELOG.md', 'utf8')
    const { version: packageVersion } = JSON.parse(readFileSync('package.json', 'utf8'))
    process.stdout.write(releaseNotes(tag, { changelog, packageVersion }))
  } catch (error) {
    const prefix = process.env.GITHUB_ACTIONS === 'true' ? '::error::' : 'changelog-entry: error: '
    process.stderr.write(`${prefix}${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  }
}
