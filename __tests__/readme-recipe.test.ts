/**
 * README's "Try the CLI against the fake", pasted as written: the sh block is read from README.md
 * itself and run, line for line, by bash in the repository root (a clone), so the README and this
 * test cannot drift, and a line a reader would have to edit (a placeholder, a value printed at
 * run time) fails here.
 */
import { describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { codeBlocks } from '../__fixtures__/markdown.js'

const HEADING = '### Try the CLI against the fake'

/** The sh block after HEADING, as a reader would paste it. */
function recipeOf(readme: string): string {
  const after = readme.split(`\n${HEADING}\n`)[1]
  if (after === undefined) throw new Error(`README has no "${HEADING}" section`)
  const block = codeBlocks(after)[0]
  if (block?.lang !== 'sh') throw new Error(`"${HEADING}" is not followed by an sh block`)
  return block.text
}

/** Runs `script` with bash as a pasted session would (each line in turn, stop at a failure), in a minimal environment. */
function paste(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Nothing of the test's own: no GITHUB_ACTIONS, no LAYERCI_* (the recipe must set what it needs).
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }
  const shell = spawn('bash', ['-e', '-c', script], { cwd: process.cwd(), env })
  let stdout = ''
  let stderr = ''
  shell.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  shell.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const timer = setTimeout(() => shell.kill('SIGKILL'), 50_000)
  return new Promise((resolve) =>
    shell.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  )
}

/** Whether something listens on 127.0.0.1:`port`, asked until it stops or 5 s pass. */
async function stillListening(port: number): Promise<boolean> {
  for (let tries = 0; tries < 50; tries++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (!open) return false
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return true
}

describe("README's recipe: try the CLI against the fake", () => {
  const recipe = recipeOf(readFileSync('README.md', 'utf8'))

  it('is text a reader pastes unchanged: no placeholder, the fake on a stated port with its fixed key', () => {
    expect(recipe).not.toMatch(/…|<[a-z -]+>|\$\(/i)
    expect(recipe).toMatch(/^node dist\/fake\/index\.js --port (\d+) &/m)
    expect(recipe).toMatch(/^kill %1/m)
  })

  it('runs as pasted: the CLI creates a job on the fake, waits for it, exits 0, and the fake is stopped', async () => {
    const port = Number(/--port (\d+)/.exec(recipe)?.[1])
    const run = await paste(recipe)
    expect(run.code).toBe(0)
    expect(run.stderr).toMatch(
      new RegExp(`^LayerCI job 1 SUCCEEDED: http://127\\.0\\.0\\.1:${port}/jobs/github/fake-owner/layerci-example/1$`, 'm')
    )
    // The fake announced what the export line sets: the two agree.
    expect(run.stdout).toContain(`LAYERCI_API_URL=http://127.0.0.1:${port}\nLAYERCI_TOKEN=fake-layerci-key\n`)
    expect(await stillListening(port)).toBe(false)
  }, 60_000)
})

describe('the recipe reader', () => {
  it('refuses a README without the section, or with the wrong block', () => {
    expect(() => recipeOf('# Title\n')).toThrow(/has no "### Try the CLI against the fake" section/)
    expect(() => recipeOf(`# T\n\n${HEADING}\n\n\`\`\`yaml\na: 1\n\`\`\`\n`)).toThrow(/not followed by an sh block/)
  })
})
