import type { Command } from 'commander';
import { ExitCode } from '../../errors';
import { runList } from '../../run/listRun';
import type { CommandContext } from '../context';
import { formatListing } from '../format';
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
      context.print('backup-listed', formatListing(listing));
      return ExitCode.Ok;
    }),
  );
}
