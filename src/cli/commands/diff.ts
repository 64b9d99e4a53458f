import type { Command } from 'commander';
import { ExitCode } from '../../errors';
import { ValueHasher } from '../../history/diff';
import { type DiffReport, runDiff } from '../../run/diffRun';
import type { CommandContext } from '../context';
import { formatDiff } from '../format';
import { addCommonOptions, type CommonOptions, SOURCE_HELP } from '../options';
import { parseSource } from '../sourceOption';

interface DiffOptions extends CommonOptions {
  from?: string;
  to?: string;
  showHashes?: boolean;
  json?: boolean;
}

const SIDE = SOURCE_HELP;

export function registerDiff(program: Command, context: CommandContext): void {
  const command = program
    .command('diff')
    .description(
      'what changed between two backups, or a backup and live SSM: ADDED / REMOVED / CHANGED by name and ' +
        'field, never values (exit 1 when anything differs)',
    )
    .option('--from <source>', SIDE, 'latest')
    .option('--to <source>', `${SIDE}, or live`, 'live')
    .option(
      '--show-hashes',
      'show a short keyed hash of each changed value (HMAC-SHA-256, new key every run) for correlating lines',
    )
    .option('--json', 'print JSON instead of lines');
  addCommonOptions(command, {
    regions: 'single',
    summaryFile: false,
    examples: [
      'ssm-backup diff --env dev --region us-west-2                        latest backup against live SSM',
      'ssm-backup diff --env dev --region us-west-2 --from 2026-11-28 --to latest',
    ],
  }).action(
    context.action(async (options: DiffOptions) => {
      const from = parseSource(options.from, '--from');
      const to = options.to === 'live' ? ({ kind: 'live' } as const) : parseSource(options.to, '--to');
      const { session } = await context.openRegion(options);
      let report: DiffReport;
      try {
        report = await runDiff({ session, from, to, hasher: new ValueHasher() });
      } catch (error) {
        // As diff(1) does, trouble is 2: a script must never read a failure as "they differ" (1).
        const code = context.reportError(error);
        return code === ExitCode.Failed ? ExitCode.Usage : code;
      }
      if (options.json) context.printJson(options.showHashes ? report : withoutHashes(report));
      else context.print('diff', formatDiff(report, { showHashes: Boolean(options.showHashes) }));
      // Like diff(1): 0 when the two sides are the same, 1 when they differ.
      return report.entries.length ? ExitCode.Failed : ExitCode.Ok;
    }),
  );
}

/** Hashes only when asked for: without --show-hashes not even a keyed hash leaves the process. */
function withoutHashes(report: DiffReport): unknown {
  return {
    ...report,
    entries: report.entries.map((e) => {
      if (e.kind !== 'changed') return { kind: e.kind, name: e.name };
      return { ...e, changes: e.changes.map((c) => (c.field === 'value' ? { field: 'value' } : c)) };
    }),
  };
}
