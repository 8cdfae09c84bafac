import type { Log } from '../src/log.js'

/** A log that keeps every line, prefixed with its level. */
export class MemoryLog implements Log {
  readonly lines: string[] = []

  info(message: string): void {
    this.lines.push(`info: ${message}`)
  }
  notice(message: string): void {
    this.lines.push(`notice: ${message}`)
  }
  warning(message: string): void {
    this.lines.push(`warning: ${message}`)
  }
  error(message: string, title?: string): void {
    this.lines.push(`error: ${title ? `[${title}] ` : ''}${message}`)
  }
  debug(message: string): void {
    this.lines.push(`debug: ${message}`)
  }
  status(message: string): void {
    this.lines.push(`status: ${message}`)
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.lines.push(`group: ${name}`)
    return fn()
  }
  text(): string {
    return this.lines.join('\n')
  }
  matching(level: string): string[] {
    return this.lines.filter((line) => line.startsWith(`${level}: `))
  }
}
