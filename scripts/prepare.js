// npm runs this after `npm install` / `npm ci` in the repository (never for an installed tarball,
// which carries dist/). It builds dist/ when the compiler is there; an install without the dev
// dependencies has none, and must not fail for that: it says how to get a runnable tree.
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  if (!existsSync(join(__dirname, '..', 'dist', 'cli', 'main.js')))
    console.error(
      'ssm-backup: dev dependencies omitted, so dist/ was not built. Build, then prune ' +
        '(npm ci && npm prune --omit=dev), or install the packed tarball (npm install --omit=dev ./pkg.tgz).',
    );
  process.exit(0);
}
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd: join(__dirname, '..') });
