/** `npm run demo` must keep working: it runs the committed bundle against the fake, with no install. */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'

describe('npm run demo', () => {
  it('runs the bundled action against the embedded fake and reports SUCCEEDED', () => {
    const result = spawnSync(process.execPath, ['scripts/demo.mjs'], { encoding: 'utf8', timeout: 60_000 })
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/Created LayerCI job 2: http:\/\/127\.0\.0\.1:\d+\/jobs\/github\/octo-org\/layerci-example\/2/)
    expect(result.stdout).toContain('Job 3 (FAILURE), newer than job 2')
    expect(result.stdout).toContain('calculated-status=SUCCEEDED')
    expect(result.stdout).toContain('<h3>LayerCI job 2: SUCCEEDED</h3>')
  })
})
