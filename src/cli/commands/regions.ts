import type { Command } from 'commander';
import { resolveRegions } from '../../ssm/regions';
import { addCommonOptions, resolveCommon, type CommonOptions } from '../options';
import type { CommandContext } from '../context';

export function registerRegions(program: Command, context: CommandContext): void {
  const command = program.command('regions').description('print the resolved region list as a JSON array on stdout');
  addCommonOptions(command, { multiRegion: true }).action(async (options: CommonOptions) => {
    const common = resolveCommon(options);
    context.start(options);
    const clients = context.clientsFor(common.clientSettings)(common.homeRegion);
    const { regions } = await resolveRegions({
      env: common.env,
      homeRegion: common.homeRegion,
      explicit: options.region ?? options.regions,
      homeSsm: clients.ssm,
    });
    context.stdout.write(`${JSON.stringify(regions)}\n`);
  });
}
