/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json', diagnostics: false }]
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  // StrykerJS's sandboxes (copies of the project) hold copies of the tests: never run those.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/.stryker-tmp/'],
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
  collectCoverageFrom: ['src/**/*.ts', '!src/index.ts', '!src/cli.ts'],
  coverageReporters: ['text-summary', 'text'],
  coverageThreshold: { './src/': { lines: 90 } },
  testTimeout: 30000
}
