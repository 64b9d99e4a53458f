/**
 * The mutation score per folder of src/ and of the core, from StrykerJS's JSON report
 * (reports/mutation/mutation.json, written by `npm run test:mutation`). Exits 1 when the core's score
 * is under the config's `break`. `npm run test:mutation` mutates the core only, and Stryker's own `break`
 * fails it; after a run over all of src/ (`--mutate 'src/**\/*.ts'`) this tells the core apart.
 * Usage: npx tsx scripts/mutation-scores.ts [report.json] [--survivors FOLDER]
 */
import { readFileSync } from 'node:fs';

/** stryker.config.json says once what the core is and what its score must not fall under. */
const config = JSON.parse(readFileSync('stryker.config.json', 'utf8')) as {
  mutate: string[];
  thresholds: { break: number };
};
const CORE_BREAK = config.thresholds.break;
/** The core's folders and files: `src/ssm/**\/*.ts` -> `src/ssm/`. */
const CORE = config.mutate.map((glob) => glob.replace(/\*\*\/\*\.ts$/, ''));

interface Mutant {
  id: string;
  status: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number } };
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}

const args = process.argv.slice(2);
const survivorsOf = args.includes('--survivors') ? args[args.indexOf('--survivors') + 1] : undefined;
const path =
  args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--survivors') ?? 'reports/mutation/mutation.json';
const report = JSON.parse(readFileSync(path, 'utf8')) as Report;

interface Tally {
  detected: number;
  undetected: number;
}
const tally = () => ({ detected: 0, undetected: 0 });
const score = (t: Tally) => (t.detected + t.undetected ? (100 * t.detected) / (t.detected + t.undetected) : 100);

const folders = new Map<string, Tally>();
const core = tally();
const all = tally();
const root = process.cwd().replace(/\/?$/, '/');
for (const [file, { mutants }] of Object.entries(report.files)) {
  const relative = file.startsWith(root) ? file.slice(root.length) : file;
  const folder = relative.split('/').slice(0, -1).join('/') || '.';
  const inCore = CORE.some((c) => relative.startsWith(c));
  const byFolder = folders.get(folder) ?? tally();
  folders.set(folder, byFolder);
  for (const m of mutants) {
    // Stryker's score: killed and timed out are detected; survived and not covered are not.
    const kind = ['Killed', 'Timeout'].includes(m.status)
      ? 'detected'
      : ['Survived', 'NoCoverage'].includes(m.status)
        ? 'undetected'
        : undefined;
    if (!kind) continue;
    for (const t of [byFolder, all, ...(inCore ? [core] : [])]) t[kind]++;
    if (survivorsOf && kind === 'undetected' && relative.startsWith(survivorsOf))
      console.log(
        `${relative}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName} ${JSON.stringify(m.replacement ?? '')}`,
      );
  }
}
const row = (name: string, t: Tally) =>
  `${name.padEnd(28)} ${score(t).toFixed(1).padStart(6)}%  ${String(t.detected).padStart(5)} detected  ${String(t.undetected).padStart(4)} undetected`;
for (const [folder, t] of [...folders.entries()].sort()) console.log(row(folder, t));
console.log(row('core', core));
console.log(row('all of src/', all));
if (score(core) < CORE_BREAK) {
  console.error(`the core's mutation score ${score(core).toFixed(1)}% is under ${CORE_BREAK}%`);
  process.exit(1);
}
