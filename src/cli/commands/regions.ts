import type { Command } from 'commander';
import { ExitCode } from '../../errors';
import { resolveRegions } from '../../ssm/regions';
import type { CommandContext } from '../context';
import { addCommonOptions, type CommonOptions } from '../options';

export function registerRegions(program: Command, context: CommandContext): void {
  const command = program.command('regions').description('print the resolved region list as a JSON array on stdout');
  addCommonOptions(command, {
    regions: 'print',
    summaryFile: false,
    pacing: 'none',
    examples: ['ssm-backup regions --env dev                  ["ap-northeast-1","us-west-2"], from the regions key'],
  }).action(
    context.action(async (options: CommonOptions) => {
      const { common, clientsFor } = await context.open(options);
      context.announceHome(common);
      const resolved = await resolveRegions({
        env: common.env,
        homeRegion: common.home?.region,
        explicit: common.regions,
        homeSsm: (home) => clientsFor(home).ssm,
      });
      if (resolved.lookedFor) context.reporter()({ type: 'regions-resolved', ...resolved });
      context.stdout.write(`${JSON.stringify(resolved.regions)}\n`);
      return ExitCode.Ok;
    }),
  );
}
