/**
 * README's "Try the CLI against the fake", run as written: its three commands are read from
 * README.md itself, so the README and this test cannot drift. The fake command starts, its
 * printed lines become the environment (what the `export` line asks of the reader), and the CLI
 * runs with README's arguments in a clone (the repository root) and must reach the fake and exit 0.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { codeBlocks } from '../__fixtures__/markdown.js'

const HEADING = '### Try the CLI against the fake'

interface Recipe {
  /** The fake command's script and arguments, `node` and the trailing `&` left out. */
  fake: string[]
  /** The variables the `export` line sets, in order. */
  exported: string[]
  /** The CLI's script and arguments. */
  cli: string[]
}

/** The recipe of a README: the code block after HEADING, an `sh` block of three commands. */
function recipeOf(readme: string): Recipe {
  const after = readme.split(`\n${HEADING}\n`)[1]
  if (after === undefined) throw new Error(`README has no "${HEADING}" section`)
  const block = codeBlocks(after)[0]
  if (block?.lang !== 'sh') throw new Error(`"${HEADING}" is not followed by an sh block`)
  const commands = block.text
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '')
  if (commands.length !== 3) throw new Error(`"${HEADING}" shows ${commands.length} commands, not 3: ${JSON.stringify(commands)}`)
  const [start = '', environment = '', run = ''] = commands
  const fake = /^node (dist\/fake\/index\.js(?: [^\s&]+)*) &$/.exec(start)
  const exported = /^export((?: [A-Z][A-Z0-9_]*=\S+)+)$/.exec(environment)
  const cli = /^node (dist\/cli\/index\.js(?: \S+)*)$/.exec(run)
  if (fake === null) throw new Error(`the first command does not start dist/fake/index.js in the background: ${start}`)
  if (exported === null) throw new Error(`the second command does not export the printed variables: ${environment}`)
  if (cli === null) throw new Error(`the third command does not run dist/cli/index.js: ${run}`)
  return {
    fake: (fake[1] ?? '').split(' '),
    exported: (exported[1] ?? '')
      .trim()
      .split(' ')
      .map((assignment) => assignment.split('=')[0] ?? ''),
    cli: (cli[1] ?? '').split(' ')
  }
}

const children: ChildProcessWithoutNullStreams[] = []
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

/** A minimal environment: nothing of the test's own (no GITHUB_ACTIONS, no LAYERCI_*), plus `extra`. */
const environment = (extra: Record<string, string>): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  ...extra
})

function start(args: string[], env: Record<string, string>): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, args, { cwd: process.cwd(), env: environment(env) })
  children.push(child)
  return child
}

/** The `NAME=value` lines the fake prints, once it has printed `count` of them. */
function printed(fake: ChildProcessWithoutNullStreams, count: number): Promise<Array<[string, string]>> {
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    const timer = setTimeout(() => reject(new Error(`the fake printed no ${count} lines in 10 s: ${JSON.stringify(out + err)}`)), 10_000)
    fake.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    fake.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const lines = out.split('\n').slice(0, -1)
      if (lines.length < count) return
      clearTimeout(timer)
      resolve(lines.slice(0, count).map((line) => [line.split('=')[0] ?? '', line.slice(line.indexOf('=') + 1)]))
    })
    fake.on('exit', (code) => reject(new Error(`the fake exited (${code}) before printing its environment: ${err}`)))
  })
}

function finished(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

describe("README's recipe: try the CLI against the fake", () => {
  const recipe = recipeOf(readFileSync('README.md', 'utf8'))

  it('reads three commands: the fake in the background, export its variables, the CLI', () => {
    expect(recipe.fake[0]).toBe('dist/fake/index.js')
    expect(recipe.exported).toEqual(['LAYERCI_API_URL', 'LAYERCI_TOKEN'])
    expect(recipe.cli[0]).toBe('dist/cli/index.js')
  })

  it('runs as written: the fake prints what the export line names, and the CLI reaches the fake and exits 0', async () => {
    const fake = start(recipe.fake, {})
    const lines = await printed(fake, recipe.exported.length)
    expect(lines.map(([name]) => name)).toEqual(recipe.exported)
    const cli = await finished(start(recipe.cli, Object.fromEntries(lines)))
    expect([cli.code, cli.stderr]).toEqual([0, expect.stringMatching(/^LayerCI job 1 SUCCEEDED: https?:\/\/\S+\/1$/m)])
    const stopped = new Promise((resolve) => fake.on('exit', resolve))
    fake.kill('SIGINT')
    expect(await stopped).toBe(0)
  }, 60_000)
})

describe('the recipe reader', () => {
  const readme = (block: string): string => `# Title\n\n${HEADING}\n\nText.\n\n\`\`\`sh\n${block}\n\`\`\`\n\n## Next\n`

  it('takes the commands without their comments', () => {
    expect(
      recipeOf(readme('node dist/fake/index.js --port 0 &   # comment\nexport A_B=… C=…  # comment\nnode dist/cli/index.js --repository r'))
    ).toEqual({ fake: ['dist/fake/index.js', '--port', '0'], exported: ['A_B', 'C'], cli: ['dist/cli/index.js', '--repository', 'r'] })
  })

  it.each([
    ['node dist/fake/index.js &\nnode dist/cli/index.js', /shows 2 commands, not 3/],
    ['node dist/fake/index.js\nexport A=…\nnode dist/cli/index.js', /does not start dist\/fake\/index\.js in the background/],
    ['node dist/fake/index.js &\nA=… node dist/cli/index.js\nnode dist/cli/index.js', /does not export/],
    ['node dist/fake/index.js &\nexport A=…\nnpx layerci-run', /does not run dist\/cli\/index\.js/]
  ])('refuses a recipe it could not run as written: %j', (block, message) => {
    expect(() => recipeOf(readme(block))).toThrow(message)
  })

  it('refuses a README without the section', () => {
    expect(() => recipeOf('# Title\n')).toThrow(/has no "### Try the CLI against the fake" section/)
  })
})
