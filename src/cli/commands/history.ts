import type { Command } from 'commander';
import { ExitCode, NoBackupError, UsageError } from '../../errors';
import { ValueHasher } from '../../history/diff';
import { runHistory } from '../../run/historyRun';
import type { CommandContext } from '../context';
import { formatHistory } from '../format';
import { addCommonOptions, type CommonOptions } from '../options';
import { parsePointInTime } from '../sourceOption';

interface HistoryOptions extends CommonOptions {
  name?: string;
  since?: string;
  showHashes?: boolean;
  json?: boolean;
}

export function registerHistory(program: Command, context: CommandContext): void {
  const command = program
    .command('history')
    .description(
      "one parameter across the region's backups: time, version, last change and who made it, and which " +
        'fields changed; never values',
    )
    .option('--name <name>', 'the parameter (required)')
    .option('--since <date>', 'only backups taken at or after this date or UTC time (2026-11-20, 2026-11-20T13:00Z)')
    .option('--show-hashes', 'show a short keyed hash of the value on each line (HMAC-SHA-256, new key every run)')
    .option('--json', 'print JSON instead of lines');
  addCommonOptions(command, {
    regions: 'single',
    summaryFile: false,
    examples: [
      'ssm-backup history --env dev --region us-west-2 --name /jenkins/dev/db/password',
      'ssm-backup history --env dev --region us-west-2 --name /jenkins/dev/db/password --since 2026-11-20',
    ],
  }).action(
    context.action(async (options: HistoryOptions) => {
      if (!options.name) throw new UsageError('--name is required (the parameter whose history to show)');
      const since = options.since === undefined ? undefined : startOf(options.since);
      const { session } = await context.openRegion(options);
      const report = await runHistory({
        session,
        name: options.name,
        ...(since ? { since } : {}),
        hasher: new ValueHasher(),
      });
      if (options.json) {
        const lines = options.showHashes
          ? report.lines
          : report.lines.map(({ valueHash: _hash, ...line }) => ({
              ...line,
              changes: line.changes?.map((c) => (c.field === 'value' ? { field: 'value' } : c)),
            }));
        context.printJson({ ...report, lines });
      } else {
        context.print('history', formatHistory(report, { showHashes: Boolean(options.showHashes) }));
      }
      // A name no backup ever held is most likely a typo: say so, and fail.
      if (!report.lines.length)
        return context.reportError(
          new NoBackupError(
            `no backup in s3://${report.bucket}${options.since ? ` since ${options.since}` : ''} holds ` +
              `${options.name} (${report.backupsRead} read): check the name (history takes the full name)`,
          ),
        );
      return ExitCode.Ok;
    }),
  );
}

/** A date means from the start of that UTC day; a time is taken as given. */
function startOf(text: string): Date {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const at = parsePointInTime(text);
  if (!at) throw new UsageError(`--since '${text}' is not a date or time (2026-11-20, 2026-11-20T13:00Z)`);
  return day ? new Date(`${text}T00:00:00Z`) : at;
}
