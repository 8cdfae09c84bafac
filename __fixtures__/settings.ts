import type { Settings } from '../src/settings.js'

export const TOKEN = 'fake-layerci-key'

export function settingsFor(apiUrl: string, overrides: Partial<Settings> = {}): Settings {
  return {
    token: TOKEN,
    owner: 'fake-owner',
    repoName: 'layerci-example',
    ref: 'abcdef1234567890abcdef1234567890abcdef12',
    branch: 'main',
    acceptButtons: false,
    wait: true,
    timeoutMs: 60_000,
    pollIntervalMs: 1000,
    apiUrl,
    flavor: 'layerci',
    notes: [],
    succeedOn: ['SUCCEEDED'],
    ...overrides
  }
}
