import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The tool's name and version, read once from package.json (one directory above both `src/` and
 * `dist/`), for the document, the summary, `--version` and the SDK user agent.
 */
const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };

/**
 * The name is the command's, whatever scope the package is published under (`@jenkins-infra/...`):
 * documents written before the scope say `ssm-backup`, and a user agent token takes no `@` or `/`.
 */
export const TOOL: { readonly name: string; readonly version: string } = Object.freeze({
  name: 'ssm-backup',
  version: manifest.version,
});
