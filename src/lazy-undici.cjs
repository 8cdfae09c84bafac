'use strict'
// Bundling only: tsconfig.json "paths" maps the module name "undici" here (ncc honours "paths").
// @actions/http-client imports ProxyAgent from undici at its top for getAgentDispatcher(), which
// this action never calls, and evaluating undici is most of the cost of every run's start-up
// (about 28 ms, see BENCHMARKS.md). The real undici is required on first use of ProxyAgent only.
Object.defineProperty(exports, 'ProxyAgent', {
  enumerable: true,
  get: () => require('../node_modules/undici/index.js').ProxyAgent
})
