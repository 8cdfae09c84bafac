/** Cancel: what is said when the runner interrupts the run, and that the process then ends with 130. */
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { interruptMessage, onInterrupt } from '../src/interrupt.js'
import { RunState } from '../src/report.js'
import { CLI_WORDS } from '../src/cli-main.js'

describe('interruptMessage', () => {
  it('names the job and where to cancel it, when both are known', () => {
    const state = new RunState(0)
    state.jobId = 12
    state.url = 'https://layerci.com/jobs/github/o/r/12'
    expect(interruptMessage(state, 'SIGTERM')).toBe(
      'Interrupted by SIGTERM. LayerCI job 12 keeps running: the LayerCI API has no cancel endpoint. Cancel it at https://layerci.com/jobs/github/o/r/12. "job-id: 12" waits for the same job.'
    )
  })

  it('names the job read from the API, without a URL when none is known', () => {
    const state = new RunState(0)
    state.see({ id: 7, calculated_status: 'RUNNING', status: 'SEE_RUNNERS', raw: {} })
    expect(interruptMessage(state, 'SIGINT')).toBe(
      'Interrupted by SIGINT. LayerCI job 7 keeps running: the LayerCI API has no cancel endpoint. "job-id: 7" waits for the same job.'
    )
  })

  it('says how to go on in the words of the entry point: the CLI names its flag', () => {
    const state = new RunState(0)
    state.jobId = 7
    expect(interruptMessage(state, 'SIGINT', CLI_WORDS)).toMatch(/ --job-id 7 waits for the same job\.$/)
  })

  it('while the create is under way: a job may have been created', () => {
    const state = new RunState(0)
    state.creating = true
    expect(interruptMessage(state, 'SIGINT')).toBe(
      'Interrupted by SIGINT while the job was being created: a LayerCI job may have been created and keeps running.'
    )
  })

  it('before the create: no job was created', () => {
    expect(interruptMessage(new RunState(0), 'SIGINT')).toBe('Interrupted by SIGINT before any LayerCI job was created.')
  })
})

describe('onInterrupt', () => {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
  const before = new Map(signals.map((signal) => [signal, process.listeners(signal)]))
  afterEach(() => {
    // Remove what a test installed: the once-handlers of the signal that was not sent.
    for (const signal of signals) {
      for (const listener of process.listeners(signal)) {
        if (!before.get(signal)?.includes(listener)) process.removeListener(signal, listener)
      }
    }
    jest.restoreAllMocks()
  })

  function exitSpy() {
    return jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never)
  }

  it.each(signals)('on %s: reports once, then exits with 130', (signal) => {
    const exit = exitSpy()
    const reports: string[] = []
    onInterrupt((name) => reports.push(name))
    process.emit(signal, signal)
    expect(reports).toEqual([signal])
    expect(exit).toHaveBeenCalledWith(130)
  })

  it('SIGTERM after SIGINT (the runner sends both) reports only once', () => {
    exitSpy()
    const reports: string[] = []
    onInterrupt((name) => reports.push(name))
    process.emit('SIGINT', 'SIGINT')
    process.emit('SIGTERM', 'SIGTERM')
    expect(reports).toEqual(['SIGINT'])
  })

  it('returns the function that removes its handlers: none is left, and a later signal is not reported', () => {
    const exit = exitSpy()
    const counts = () => signals.map((signal) => process.listenerCount(signal))
    const before = counts()
    const reports: string[] = []
    const remove = onInterrupt((name) => reports.push(name))
    expect(counts()).toEqual(before.map((count) => count + 1))
    remove()
    expect(counts()).toEqual(before)
    // Emitted by hand (a real SIGINT with no handler left would end the test process).
    for (const signal of signals) process.emit(signal, signal)
    expect(reports).toEqual([])
    expect(exit).not.toHaveBeenCalled()
    remove()
    expect(counts()).toEqual(before)
  })

  it('exits with 130 even when the report fails', () => {
    const exit = exitSpy()
    onInterrupt(() => {
      throw new Error('stdout is closed')
    })
    expect(() => process.emit('SIGINT', 'SIGINT')).toThrow('stdout is closed')
    expect(exit).toHaveBeenCalledWith(130)
  })
})
