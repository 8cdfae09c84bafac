/**
 * The log both entry points write to: the action through @actions/core, the CLI to stderr.
 * Every message passes through the redactor before it is written.
 */
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

/** Wraps a log so that nothing written through it can carry the key. */
export function redactedLog(log: Log, redact: (text: string) => string): Log {
  return {
    info: (message) => log.info(redact(message)),
    notice: (message) => log.notice(redact(message)),
    warning: (message) => log.warning(redact(message)),
    error: (message, title) => log.error(redact(message), title === undefined ? undefined : redact(title)),
    debug: (message) => log.debug(redact(message)),
    group: (name, fn) => log.group(redact(name), fn),
    status: (message) => log.status(redact(message))
  }
}
