import type { Command } from 'commander';
import { count } from '../../count';
import { ExitCode } from '../../errors';
import { runList } from '../../run/listRun';
import type { CommandContext } from '../context';
import { formatBytes } from '../format';
import { addCommonOptions, type CommonOptions } from '../options';

interface ListOptions extends CommonOptions {
  json?: boolean;
}

export function registerList(program: Command, context: CommandContext): void {
  const command = program
    .command('list')
    .description("list the backups in a region's bucket, newest first; * marks the one latest.txt points at")
    .option('--json', 'print JSON instead of a table');
  addCommonOptions(command, {
    regions: 'single',
    summaryFile: false,
    pacing: 'concurrency',
    examples: ['ssm-backup list --env dev --region us-west-2', 'ssm-backup list --env dev --region us-west-2 --json'],
  }).action(
    context.action(async (options: ListOptions) => {
      const { session } = await context.openRegion(options);
      const listing = await runList(session);
      if (options.json) {
        context.printJson(listing);
        return ExitCode.Ok;
      }
      const lines = [`s3://${listing.bucket} (${count(listing.backups.length, 'backup')})`];
      for (const row of listing.backups) {
        const mark = row.key === listing.latest ? '*' : ' ';
        const time = row.lastModified?.toISOString().replace('.000Z', 'Z') ?? '-';
        const parameters = row.parameterCount === undefined ? '- parameters' : count(row.parameterCount, 'parameter');
        lines.push(`${mark} ${row.key}  ${time}  ${formatBytes(row.size).padStart(10)}  ${parameters}`);
      }
      if (listing.latest && !listing.backups.some((r) => r.key === listing.latest))
        lines.push(`! latest.txt points at ${listing.latest}, which is not in the bucket`);
      context.print('backup-listed', lines);
      return ExitCode.Ok;
    }),
  );
}
