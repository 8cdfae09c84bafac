/**
 * The version of this package. package.json holds the only copy: the bundler inlines it at build
 * time, so a release bumps package.json alone.
 */
import pkg from '../package.json' with { type: 'json' }

export const VERSION: string = pkg.version
