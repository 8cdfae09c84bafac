/** The stand-in for undici that the bundle uses (tsconfig.json "paths"): ProxyAgent on demand. */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

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
})
