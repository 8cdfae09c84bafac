/** The stand-in for undici that the bundle uses (tsconfig.json "paths"): ProxyAgent on demand. */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const require = createRequire(import.meta.url)

describe('lazy undici', () => {
  it('gives the real ProxyAgent on first use', () => {
    const lazy = require('../src/lazy-undici.cjs') as { ProxyAgent: unknown }
    const real = require('undici') as { ProxyAgent: unknown }
    expect(lazy.ProxyAgent).toBe(real.ProxyAgent)
  })

  it('is what the bundle resolves "undici" to', () => {
    const tsconfig = JSON.parse(readFileSync('tsconfig.json', 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } }
    expect(tsconfig.compilerOptions.paths.undici).toEqual(['./src/lazy-undici.cjs'])
    // http-client still imports only ProxyAgent from undici: the stand-in provides exactly that.
    const source = readFileSync('node_modules/@actions/http-client/lib/index.js', 'utf8')
    expect(source.match(/from 'undici'/g)).toEqual(["from 'undici'"])
    expect(source).toContain("import { ProxyAgent } from 'undici';")
  })

  it('the bundles hold no undici code: they require dist/undici/ from their own folder on first use', () => {
    for (const bundle of ['dist/index.js', 'dist/cli/index.js']) {
      const source = readFileSync(bundle, 'utf8')
      // Every undici error class is named from this prefix.
      expect([bundle, source.includes('UND_ERR')]).toEqual([bundle, false])
      expect(source).toContain('("./undici/index.js")')
      expect(source).toContain('("../undici/index.js")')
    }
  })

  it('dist/undici/ is undici, CommonJS, found from the action bundle and from the command bundle', () => {
    const real = require('undici') as { ProxyAgent: { name: string }; Agent: unknown }
    for (const [bundle, path] of [
      ['dist/index.js', './undici/index.js'],
      ['dist/cli/index.js', '../undici/index.js']
    ] as const) {
      const fromBundle = createRequire(pathToFileURL(resolve(bundle)))
      const undici = fromBundle(path) as { ProxyAgent: new (uri: string) => object; Agent: unknown }
      expect(undici.ProxyAgent.name).toBe(real.ProxyAgent.name)
      expect(new undici.ProxyAgent('http://127.0.0.1:9')).toBeInstanceOf(undici.ProxyAgent)
      expect(typeof undici.Agent).toBe('function')
    }
    expect(readFileSync('dist/undici/licenses.txt', 'utf8')).toContain('undici')
  })
})
