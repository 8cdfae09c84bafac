'use strict'
/* global __non_webpack_require__ */
// Bundling only: tsconfig.json "paths" maps the module name "undici" here (ncc honours "paths").
// @actions/http-client imports ProxyAgent from undici at its top for getAgentDispatcher(), which
// this action never calls. Evaluating undici was most of the cost of every run's start-up (about
// 28 ms), and once it was no longer evaluated, compiling its code with the rest of the bundle was
// the largest item left (see BENCHMARKS.md). So the bundles hold none of it: `npm run bundle`
// bundles undici on its own into dist/undici/, and the real ProxyAgent is required from there on
// its first use only.
function undici() {
  // In a bundle, ncc makes this a require from the bundle's own folder: dist/ for the action, or
  // dist/cli/ for the command.
  if (typeof __non_webpack_require__ === 'function') {
    try {
      return __non_webpack_require__('./undici/index.js')
    } catch (error) {
      if (error.code !== 'MODULE_NOT_FOUND') throw error
      return __non_webpack_require__('../undici/index.js')
    }
  }
  // From the sources (the tests): the package. A name in a variable, so that ncc leaves it out.
  const name = 'undici'
  return require(name)
}

Object.defineProperty(exports, 'ProxyAgent', {
  enumerable: true,
  get: () => undici().ProxyAgent
})
