export interface Source {
  file: string
  text: string
  /** Where the source starts in `file` (1-based); 1 when omitted. */
  line?: number
}
export function markdownWorkflows(markdown: string): Array<{ line: number; text: string }>
export function workflowFiles(dir?: string): string[]
export function lintSources(sources: Source[]): Promise<string[]>
export function documentationFiles(dir?: string): string[]
export function repositorySources(): { workflows: Source[]; examples: Source[] }
