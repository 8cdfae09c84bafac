/**
 * What the repository carries: nothing a user or CI does not need, and no file over 1 MB (the
 * mutation run's incremental state, 10 MB, lives in the ignored reports/ folder).
 */
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'

const tracked = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean)

describe('the committed tree', () => {
  it('lists files (the check below is not vacuous)', () => {
    expect(tracked).toContain('package.json')
    expect(tracked.length).toBeGreaterThan(50)
  })

  it('holds no file over 1 MB', () => {
    const large = tracked.filter((path) => {
      try {
        return statSync(path).size > 1024 * 1024
      } catch {
        return false // deleted in the work tree, not yet committed
      }
    })
    expect(large).toEqual([])
  })

  it('keeps the mutation state out of the root, in an ignored folder', () => {
    expect(tracked.filter((path) => path.includes('stryker-incremental'))).toEqual([])
    const config = JSON.parse(readFileSync('stryker.config.json', 'utf8')) as { incrementalFile: string }
    expect(config.incrementalFile).toMatch(/^reports\//)
    const ignored = execFileSync('git', ['check-ignore', config.incrementalFile], { encoding: 'utf8' }).trim()
    expect(ignored).toBe(config.incrementalFile)
  })
})
