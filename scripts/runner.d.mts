export interface RunActionOptions {
  actionDir: string
  inputs?: Record<string, string>
  event?: unknown
  env?: Record<string, string>
  signal?: NodeJS.Signals
  signalAfterMs?: number
  nodeArgs?: string[]
  onSpawn?: (child: import('node:child_process').ChildProcess) => void
}
export interface RunActionResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  pid: number | undefined
  started: number
  ended: number
  outputs: Record<string, string>
  /** GITHUB_OUTPUT as written, every write of every output. */
  outputFile: string
  summary: string
}
export function readOutputs(text: string): Record<string, string>
export function runAction(options: RunActionOptions): Promise<RunActionResult>
