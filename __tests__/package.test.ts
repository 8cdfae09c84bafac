/**
 * The npm package `layerci-run`: what `npm pack` puts in it, and what installing it adds — the
 * committed bundles and nothing else, with no dependency fetched, so it installs offline.
 */
import { beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { documentationFiles } from '../scripts/lint-workflows.mjs'
import { tempDir } from '../__fixtures__/temp.js'

interface PackageJson {
  name: string
  version: string
  bin: Record<string, string>
  files: string[]
  engines: { node: string }
  dependencies?: Record<string, string>
  devDependencies: Record<string, string>
  repository: { type: string; url: string }
  homepage: string
  bugs: { url: string }
  keywords: string[]
  allowScripts?: Record<string, boolean>
}

interface PackResult {
  name: string
  version: string
  filename: string
  unpackedSize: number
  files: Array<{ path: string; size: number }>
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as PackageJson

/** What the package is made of: the bundles (undici on its own, loaded only if used), action.yml, the readme and the licenses. */
const PACKED = [
  'LICENSE',
  'README.md',
  'action.yml',
  'dist/cli/index.js',
  'dist/cli/package.json',
  'dist/index.js',
  'dist/licenses.txt',
  'dist/package.json',
  'dist/undici/index.js',
  'dist/undici/licenses.txt',
  'dist/undici/package.json',
  'package.json'
]

/** Every file below `dir`, as paths relative to it, with their total size. */
function walk(dir: string): { files: string[]; bytes: number } {
  const files: string[] = []
  let bytes = 0
  const visit = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name)
      if (entry.isDirectory()) visit(full)
      else {
        files.push(relative(dir, full))
        bytes += statSync(full).size
      }
    }
  }
  visit(dir)
  return { files: files.sort(), bytes }
}

describe('package.json', () => {
  it('is named like its command, and its only command is layerci-run', () => {
    expect(pkg.name).toBe('layerci-run')
    expect(pkg.bin).toEqual({ 'layerci-run': 'dist/cli/index.js' })
  })

  it('has no runtime dependencies: ncc bundles @actions/* into dist/', () => {
    expect(pkg.dependencies ?? {}).toEqual({})
    for (const name of ['@actions/core', '@actions/github', '@actions/http-client']) expect(pkg.devDependencies[name]).toBeDefined()
  })

  it('says the bundles need Node 20 or later', () => {
    expect(pkg.engines).toEqual({ node: '>=20' })
  })

  it('names its repository, layerci/layerci-action, everywhere: README, docs/ and their examples', () => {
    const slug = /^git\+https:\/\/github\.com\/([\w.-]+\/[\w.-]+)\.git$/.exec(pkg.repository.url)?.[1]
    expect(slug).toBe('layerci/layerci-action')
    expect(pkg.repository.type).toBe('git')
    expect(pkg.homepage).toBe(`https://github.com/${slug ?? ''}#readme`)
    expect(pkg.bugs).toEqual({ url: `https://github.com/${slug ?? ''}/issues` })
    expect(pkg.keywords).toEqual(expect.arrayContaining(['layerci', 'github-actions', 'cli']))
    // In the code blocks of README.md and docs/*.md, every repository named in a `uses:` or a GitHub URL is this one.
    const code = documentationFiles()
      .map((file) => readFileSync(file, 'utf8'))
      .flatMap((markdown) => markdown.split(/^```.*$/m).filter((_, index) => index % 2 === 1))
      .join('\n')
    const named = [...code.matchAll(/github\.com\/([\w.-]+\/[\w.-]+)|uses: ([\w.-]+\/[\w.-]+)@/g)].map((match) => match[1] ?? match[2])
    expect(named.length).toBeGreaterThanOrEqual(5)
    expect(new Set(named)).toEqual(new Set([slug]))
    // No page asks the reader to substitute a name of their own.
    for (const file of documentationFiles())
      expect([file, readFileSync(file, 'utf8')]).not.toEqual([file, expect.stringMatching(/stands for/)])
  })

  it("denies @parcel/watcher's install script (npm 11 asks): it builds from source only when asked", () => {
    // The only dependency with an install script (jest -> jest-haste-map, which loads it only for
    // --watch). The native binding comes prebuilt in an optional dependency; the script runs
    // node-gyp only when npm_config_build_from_source is true. Should the script change, look again.
    expect(pkg.allowScripts).toEqual({ '@parcel/watcher': false })
    const watcher = JSON.parse(readFileSync('node_modules/@parcel/watcher/package.json', 'utf8')) as { scripts: Record<string, string> }
    const lifecycle = ['preinstall', 'install', 'postinstall', 'prepare'].filter((name) => watcher.scripts[name] !== undefined)
    expect(lifecycle).toEqual(['install'])
    expect(watcher.scripts.install).toBe('node scripts/build-from-source.js')
    expect(readFileSync('node_modules/@parcel/watcher/scripts/build-from-source.js', 'utf8')).toMatch(
      /if \(process\.env\.npm_config_build_from_source === 'true'\) \{\s*build\(\);\s*\}/
    )
  })

  it('installs from its lockfile without a warning: every package admits the Node version of engines (npm checks it offline)', () => {
    // @actions/github -> @octokit/request asks for content-type ^3, which wants Node 22; the
    // override takes 2.1.0 (Node 18), whose parse() gives the same type and parameters Octokit reads.
    const dryRun = spawnSync('npm', ['ci', '--dry-run', '--offline', '--no-audit', '--no-fund'], { encoding: 'utf8', timeout: 60_000 })
    expect(dryRun.status).toBe(0)
    expect(`${dryRun.stdout}${dryRun.stderr}`).not.toMatch(/npm warn|EBADENGINE/i)
  })

  it('holds the only copy of the version: src/version.ts has no version literal', () => {
    expect(readFileSync('src/version.ts', 'utf8')).not.toMatch(/\d+\.\d+\.\d+/)
  })
})

describe('the CLI bundle', () => {
  it("--version prints package.json's version (the bundle inlines it at build time)", () => {
    const out = execFileSync(process.execPath, [resolve('dist/cli/index.js'), '--version'], { encoding: 'utf8', cwd: tmpdir() })
    expect(out).toBe(`layerci-run ${pkg.version}\n`)
  })
})

describe('npm pack, then npm install -g of the tarball', () => {
  const work = tempDir('layerci-pack-')
  const prefix = join(work, 'prefix')
  let packed: PackResult
  let install: ReturnType<typeof spawnSync>

  beforeAll(() => {
    const npm = (args: string[]) =>
      spawnSync('npm', args, {
        encoding: 'utf8',
        // Its own empty cache and --offline: an install that needed anything from a registry fails.
        env: { ...process.env, npm_config_cache: join(work, 'cache'), npm_config_update_notifier: 'false' },
        timeout: 120_000
      })
    const pack = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work])
    expect(pack.status).toBe(0)
    packed = (JSON.parse(pack.stdout) as [PackResult])[0]
    install = npm(['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(work, packed.filename)])
  }, 180_000)

  it('packs the bundles, action.yml, README and LICENSE, nothing else', () => {
    expect(packed.name).toBe('layerci-run')
    expect(packed.version).toBe(pkg.version)
    expect(packed.files.map((file) => file.path).sort()).toEqual(PACKED)
  })

  it('installs offline, without a warning (no engine mismatch, nothing deprecated)', () => {
    expect(install.status).toBe(0)
    expect(String(install.stderr)).not.toMatch(/warn|EBADENGINE/i)
    expect(String(install.stdout)).toMatch(/added 1 package/)
  })

  it('adds only the packed files: no node_modules, the bytes of the tarball', () => {
    const installed = walk(join(prefix, 'lib', 'node_modules', 'layerci-run'))
    expect(installed.files).toEqual(PACKED)
    expect(installed.bytes).toBe(packed.unpackedSize)
    expect(installed.bytes).toBeLessThan(1_200_000)
    expect(walk(join(prefix, 'lib', 'node_modules')).files).toHaveLength(PACKED.length)
  })

  it('the installed layerci-run prints its version and its help', () => {
    const bin = join(prefix, 'bin', 'layerci-run')
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8', cwd: work })
    expect(version.status).toBe(0)
    expect(version.stdout).toBe(`layerci-run ${pkg.version}\n`)
    const help = spawnSync(bin, ['--help'], { encoding: 'utf8', cwd: work })
    expect(help.status).toBe(0)
    expect(help.stdout).toMatch(/^Usage: layerci-run/)
    expect(help.stdout).toContain('LAYERCI_TOKEN')
    expect(help.stdout).toContain('LAYERCI_API_URL')
    expect(help.stdout).toContain(`https://github.com/layerci/layerci-action/blob/main/docs/cli.md`)
  })
})
