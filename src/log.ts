/**
 * The log both entry points write to: the action through @actions/core, the CLI to stderr.
 * Every message passes through the one output path (text.ts) before it is written.
 */
import type { SafeText } from './text.js'

export interface Log {
  info(message: string): void
  /** A notice annotation in the action. */
  notice(message: string): void
  /** A warning annotation in the action. */
  warning(message: string): void
  /** An error annotation in the action; `title` names it. */
  error(message: string, title?: string): void
  debug(message: string): void
  /** A phase of the log; the action folds it. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
  /** A status change of the job being waited for (the CLI may redraw a line in place). */
  status(message: string): void
}

/** Wraps a log so that nothing written through it can carry the key, split a line or start a command. */
export function safeLog(log: Log, safe: SafeText): Log {
  const line = (text: string): string => safe.line(text)
  return {
    info: (message) => log.info(line(message)),
    notice: (message) => log.notice(line(message)),
    warning: (message) => log.warning(line(message)),
    error: (message, title) => log.error(line(message), title === undefined ? undefined : line(title)),
    debug: (message) => log.debug(line(message)),
    group: (name, fn) => log.group(line(name), fn),
    status: (message) => log.status(line(message))
  }
}
