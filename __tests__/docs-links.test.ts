/**
 * Every relative link and `#anchor` of README.md and docs/*.md leads somewhere: the file exists,
 * and the anchor is the GitHub anchor of one of its headings. Every docs/ page is linked from the
 * README, and the links to this repository's files that the CLI prints exist too.
 */
import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import { brokenLinks, headingAnchors, links, type Tree } from '../__fixtures__/markdown.js'
import { HELP } from '../src/cli-main.js'
import { documentationFiles } from '../scripts/lint-workflows.mjs'

const repository: Tree = { exists: (path) => existsSync(path), read: (path) => readFileSync(path, 'utf8') }

/** A tree of files held in memory, for the checker's own tests. */
function memory(files: Record<string, string>): Tree {
  return {
    exists: (path) => path in files || Object.keys(files).some((file) => file.startsWith(`${path}/`)),
    read: (path) => {
      const text = files[path]
      if (text === undefined) throw new Error(`no ${path}`)
      return text
    }
  }
}

describe('the link checker', () => {
  it('gives headings the anchors GitHub gives them', () => {
    const markdown = [
      '# The command line: `layerci-run`',
      '## When to use it, and avoiding a duplicate job',
      '## Set-up: permissions, requirements, proxies, forks',
      '### Trigger now, await later',
      '## `API_EXTRA` and _emphasis_ and **bold**',
      '## Exit codes',
      '## Exit codes',
      '```sh',
      '# a comment in code is no heading',
      '```',
      '#not a heading'
    ].join('\n')
    expect(headingAnchors(markdown)).toEqual([
      'the-command-line-layerci-run',
      'when-to-use-it-and-avoiding-a-duplicate-job',
      'set-up-permissions-requirements-proxies-forks',
      'trigger-now-await-later',
      'api_extra-and-emphasis-and-bold',
      'exit-codes',
      'exit-codes-1'
    ])
  })

  it('finds inline links, images and definitions, but not links inside code', () => {
    const markdown = [
      'See [a](a.md), ![logo](img/logo.png "Logo") and [b][ref].',
      '`[not](code.md)`',
      '```md',
      '[not](fenced.md)',
      '```',
      '[ref]: docs/b.md#part'
    ].join('\n')
    expect(links(markdown)).toEqual([
      { target: 'a.md', line: 1 },
      { target: 'img/logo.png', line: 1 },
      { target: 'docs/b.md#part', line: 6 }
    ])
  })

  it('reports a missing file, a missing anchor (here or there), an anchor into a file that is not markdown, and a way out', () => {
    const tree = memory({
      'README.md': [
        '# Title',
        '## Usage',
        '[ok](docs/a.md#first) [ok](#usage) [ok](https://example.com/#x) [ok](docs/) [ok](LICENSE)',
        '[missing](docs/nope.md) [anchor](docs/a.md#nope) [here](#nope) [text](LICENSE#x) [out](../x.md)'
      ].join('\n'),
      'docs/a.md': '# First\n[back](../README.md#usage) [wrong](../README.md#title-1)',
      LICENSE: 'MIT'
    })
    expect(brokenLinks('README.md', tree)).toEqual([
      { file: 'README.md', line: 4, target: 'docs/nope.md', reason: 'docs/nope.md does not exist' },
      { file: 'README.md', line: 4, target: 'docs/a.md#nope', reason: 'docs/a.md has no heading whose anchor is #nope' },
      { file: 'README.md', line: 4, target: '#nope', reason: 'README.md has no heading whose anchor is #nope' },
      { file: 'README.md', line: 4, target: 'LICENSE#x', reason: 'LICENSE is not markdown: it has no anchors' },
      { file: 'README.md', line: 4, target: '../x.md', reason: 'leads out of the repository' }
    ])
    expect(brokenLinks('docs/a.md', tree)).toEqual([
      { file: 'docs/a.md', line: 2, target: '../README.md#title-1', reason: 'README.md has no heading whose anchor is #title-1' }
    ])
  })
})

describe('the documentation', () => {
  const files = documentationFiles()

  it.each(files)('%s: every relative link and anchor leads somewhere', (file) => {
    expect(brokenLinks(file, repository)).toEqual([])
  })

  it('has a README link to every page of docs/', () => {
    const linked = new Set(links(readFileSync('README.md', 'utf8')).map((link) => link.target.split('#')[0]))
    expect(files.filter((file) => file.startsWith('docs/') && !linked.has(file))).toEqual([])
  })

  it("the CLI's --help links to a page of this repository that exists", () => {
    const urls = [...HELP.matchAll(/https:\/\/github\.com\/layerci\/layerci-action\/blob\/main\/(\S+)/g)].map((match) => match[1] ?? '')
    expect(urls).toEqual(['docs/cli.md'])
    for (const path of urls) expect(existsSync(path)).toBe(true)
  })
})
