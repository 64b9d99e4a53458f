import type { Command } from 'commander';
import { parseSource } from '../../backup/source';
import { RestoreFailedError } from '../../errors';
import { formatPlan } from '../../restore/plan';
import { runRestore } from '../../run/restoreRun';
import { validateRegion } from '../../ssm/selection';
import { addCommonOptions, addSourceOption, integer, resolveCommon, type CommonOptions } from '../options';
import type { CommandContext } from '../context';

interface RestoreOptions extends CommonOptions {
  from?: string;
  sourceRegion?: string;
  planFile?: string;
  apply?: boolean;
  overwrite?: boolean;
  kmsKeyId?: string;
  writeRps: number;
}

export function registerRestore(program: Command, context: CommandContext): void {
  const command = program
    .command('restore')
    .description('plan (default) or --apply a backup back into SSM in --region; never prints values')
    .option('--source-region <region>', "read the backup from this region's bucket (disaster recovery into a new region)")
    .option('--plan-file <path>', 'write the plan as JSON (names and differing fields only)')
    .option('--apply', 'write: create missing parameters (and update changed ones with --overwrite)')
    .option('--overwrite', 'with --apply, also update parameters that differ')
    .option('--kms-key-id <key>', 'KMS key for SecureStrings whose backed-up key is not usable in the target region')
    .option('--write-rps <n>', 'PutParameter calls per second (its default quota is about 3)', integer(1, 1000), 3);
  addCommonOptions(addSourceOption(command), { multiRegion: false }).action(async (options: RestoreOptions) => {
    const common = resolveCommon(options);
    if (options.sourceRegion) validateRegion(options.sourceRegion, '--source-region');
    const { logger } = context.start(options);
    const targetRegion = options.region ?? common.homeRegion;
    const result = await runRestore({
      env: common.env,
      homeRegion: common.homeRegion,
      targetRegion,
      sourceRegion: options.sourceRegion,
      from: parseSource(options.from),
      apply: Boolean(options.apply),
      overwrite: Boolean(options.overwrite),
      kmsKeyId: options.kmsKeyId,
      concurrency: options.concurrency,
      writesPerSecond: options.writeRps,
      clientsFor: context.clientsFor(common.clientSettings),
      listener: context.reporter(),
      onPlan: async (plan) => {
        for (const line of formatPlan(plan, { overwrite: Boolean(options.overwrite) })) context.stdout.write(`${line}\n`);
        await context.writeSummary(options.planFile, plan, 'plan');
      },
    });
    const applied = result.applied;
    if (!applied) {
      logger.info({ event: 'plan-only' }, 'plan only: nothing written (add --apply to restore)');
      return;
    }
    logger.info(
      { event: 'restore-done', created: applied.created.length, updated: applied.updated.length, skipped: applied.skipped.length, failed: applied.failed.length },
      `restored into ${targetRegion}: ${applied.created.length} created, ${applied.updated.length} updated, ${applied.skipped.length} updates skipped (no --overwrite), ${applied.failed.length} failed`,
    );
    if (applied.skipped.length) logger.info({ event: 'skipped' }, `skipped updates: ${applied.skipped.join(', ')}`);
    const api = context.clientsFor(common.clientSettings)(targetRegion).stats.toJSON();
    await context.writeSummary(options.summaryFile, { plan: result.plan.counts, ...applied, api });
    if (applied.failed.length) context.reportError(new RestoreFailedError(applied.failed));
  });
}
