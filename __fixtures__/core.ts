import { jest } from '@jest/globals'
import type * as core from '@actions/core'

/** Typed stand-ins for the @actions/core functions the action uses; they record what they get. */
export const printed: string[] = []
export const outputs = new Map<string, string>()
export let inputs: Record<string, string> = {}

export function setInputs(values: Record<string, string>): void {
  inputs = values
}

export function reset(): void {
  printed.length = 0
  outputs.clear()
  summaryWrites.length = 0
}

export const summaryWrites: string[] = []
let summaryBuffer = ''

export const summary = {
  addHeading: jest.fn((text: string) => {
    summaryBuffer += `# ${text}\n`
    return summary
  }),
  addRaw: jest.fn((text: string) => {
    summaryBuffer += `${text}\n`
    return summary
  }),
  addTable: jest.fn((rows: unknown[]) => {
    summaryBuffer += `${JSON.stringify(rows)}\n`
    return summary
  }),
  write: jest.fn(() => {
    summaryWrites.push(summaryBuffer)
    summaryBuffer = ''
    return Promise.resolve(summary)
  })
}

export const getInput = jest.fn<typeof core.getInput>((name) => inputs[name] ?? '')
export const setSecret = jest.fn<typeof core.setSecret>((secret) => void printed.push(`::add-mask::${secret}`))
export const setOutput = jest.fn<typeof core.setOutput>((name, value) => void outputs.set(name, String(value)))
export const info = jest.fn<typeof core.info>((message) => void printed.push(message))
export const debug = jest.fn<typeof core.debug>((message) => void printed.push(`::debug::${message}`))
export const notice = jest.fn<typeof core.notice>((message) => void printed.push(`::notice::${String(message)}`))
export const warning = jest.fn<typeof core.warning>((message) => void printed.push(`::warning::${String(message)}`))
export const error = jest.fn<typeof core.error>(
  (message, properties) => void printed.push(`::error title=${properties?.title ?? ''}::${String(message)}`)
)
export const group = jest.fn(async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
  printed.push(`::group::${name}`)
  try {
    return await fn()
  } finally {
    printed.push('::endgroup::')
  }
})
