// Part of `npm run bundle`: undici bundled on its own into dist/undici/ (CommonJS, with its
// licence), where src/lazy-undici.cjs requires it from on first use of ProxyAgent. The action's
// and the command's bundles then hold no undici code, which every run would compile.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'dist', 'undici')
execFileSync(
  join(root, 'node_modules', '.bin', 'ncc'),
  ['build', 'node_modules/undici/index.js', '-o', out, '--minify', '--license', 'licenses.txt', '-q'],
  {
    cwd: root,
    stdio: 'inherit'
  }
)
// dist/package.json makes dist/ an ES module scope: this bundle is CommonJS.
writeFileSync(join(out, 'package.json'), '{"type":"commonjs"}\n')
