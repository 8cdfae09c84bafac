/**
 * What the documentation tests read in markdown: fenced code blocks, headings and their GitHub
 * anchors, and links, with the checker of relative links and `#anchors`.
 */
import { posix } from 'node:path'

export interface CodeBlock {
  /** The fence's info string: `sh`, `yaml`, or empty. */
  lang: string
  text: string
  /** 1-based line of the block's first line of content. */
  line: number
}

export interface Link {
  target: string
  line: number
}

/** Where a link of the documentation leads nowhere. */
export interface BrokenLink {
  file: string
  line: number
  target: string
  reason: string
}

/** The files a checker can see: does a path exist, and what does a markdown file say. */
export interface Tree {
  exists(path: string): boolean
  read(path: string): string
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w-]*)/

/** The markdown's lines with every line of a fenced code block (fences included) blanked. */
function prose(markdown: string): string[] {
  const lines = markdown.split(/\r?\n/)
  let fence: string | undefined
  return lines.map((line) => {
    const match = FENCE.exec(line)
    if (fence === undefined && match !== null) {
      fence = match[1]
      return ''
    }
    if (fence !== undefined) {
      if (new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`).test(line)) fence = undefined
      return ''
    }
    return line
  })
}

/** The fenced code blocks of a markdown text, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = []
  const lines = markdown.split(/\r?\n/)
  for (let index = 0; index < lines.length; index++) {
    const open = FENCE.exec(lines[index] ?? '')
    if (open === null) continue
    const fence = open[1] ?? '```'
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`)
    let end = index + 1
    while (end < lines.length && !close.test(lines[end] ?? '')) end++
    blocks.push({ lang: open[2] ?? '', text: lines.slice(index + 1, end).join('\n'), line: index + 2 })
    index = end
  }
  return blocks
}

/** The text a heading shows: code spans without their backticks, links as their text, no emphasis. */
function headingText(heading: string): string {
  return heading
    .split(/(`[^`]*`)/)
    .map((part) =>
      part.startsWith('`')
        ? part.slice(1, -1)
        : part
            .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
            .replace(/\*+/g, '')
            .replace(/(^|[^\p{L}\p{N}])_+|_+(?=[^\p{L}\p{N}]|$)/gu, '$1')
    )
    .join('')
}

/**
 * The anchors GitHub gives a markdown file's headings: the heading's text in lower case, without
 * punctuation other than `-` and `_`, spaces as `-`; a repeated anchor gets `-1`, `-2`, ...
 */
export function headingAnchors(markdown: string): string[] {
  const seen = new Map<string, number>()
  const anchors: string[] = []
  for (const line of prose(markdown)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line)
    if (heading === null) continue
    const base = headingText(heading[1] ?? '')
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-')
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    anchors.push(count === 0 ? base : `${base}-${count}`)
  }
  return anchors
}

/** The links of a markdown text outside code: inline `[text](target)`, images, and `[ref]: target` definitions. */
export function links(markdown: string): Link[] {
  const found: Link[] = []
  prose(markdown).forEach((line, index) => {
    // Code spans are not links: blank them, keeping the columns.
    const text = line.replace(/`[^`]*`/g, (span) => ' '.repeat(span.length))
    for (const match of text.matchAll(/\]\(\s*<?([^\s)>]+)>?(?:\s+"[^"]*")?\s*\)/g)) found.push({ target: match[1] ?? '', line: index + 1 })
    const definition = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(text)
    if (definition !== null) found.push({ target: definition[1] ?? '', line: index + 1 })
  })
  return found
}

/** Whether a link leaves the repository: a scheme (`https:`, `mailto:`) or a protocol-relative `//`. */
function external(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')
}

/**
 * The relative links of `file` (a path from the repository root, `/`-separated) that lead
 * nowhere: a target that does not exist, or an `#anchor` that no heading of the target has.
 */
export function brokenLinks(file: string, tree: Tree): BrokenLink[] {
  const broken: BrokenLink[] = []
  for (const { target, line } of links(tree.read(file))) {
    if (external(target)) continue
    const hash = target.indexOf('#')
    const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash))
    const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1))
    const resolved = pathPart === '' ? file : posix.normalize(posix.join(posix.dirname(file), pathPart)).replace(/(.)\/$/, '$1')
    const problem = (reason: string): void => void broken.push({ file, line, target, reason })
    if (resolved.startsWith('../') || posix.isAbsolute(resolved)) problem('leads out of the repository')
    else if (!tree.exists(resolved)) problem(`${resolved} does not exist`)
    else if (anchor !== undefined) {
      if (!resolved.endsWith('.md')) problem(`${resolved} is not markdown: it has no anchors`)
      else if (!headingAnchors(tree.read(resolved)).includes(anchor)) problem(`${resolved} has no heading whose anchor is #${anchor}`)
    }
  }
  return broken
}
