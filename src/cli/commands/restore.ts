import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ExitCode, InterruptedError, RestoreFailedError, UsageError } from '../../errors';
import type { RestorePlan } from '../../restore/plan';
import { runRestore } from '../../run/restoreRun';
import { validateRegion } from '../../ssm/selection';
import type { CommandContext } from '../context';
import { formatApplied, formatPlan } from '../format';
import { addCommonOptions, addSourceOption, type CommonOptions, checkWritable, integer } from '../options';
import { parsePointInTime, parseSource } from '../sourceOption';

interface RestoreOptions extends CommonOptions {
  from?: string;
  sourceRegion?: string;
  at?: string;
  planFile?: string;
  plan?: string;
  apply?: boolean;
  overwrite?: boolean;
  includeRunnerKeys?: boolean;
  kmsKeyId?: string;
}

export function registerRestore(program: Command, context: CommandContext): void {
  const command = program
    .command('restore')
    .description('plan (default) or --apply a backup back into SSM in --region; never prints values')
    .option(
      '--at <time>',
      'restore the newest backup taken at or before this date (the end of that UTC day) or UTC time ' +
        '(2026-11-29, 2026-11-29T13:00Z, 2026-11-29T22:00+09:00)',
    )
    .option(
      '--source-region <region>',
      "read the backup from this region's bucket (disaster recovery into a new region)",
    )
    .option(
      '--plan-file <path>',
      'write the plan as JSON (names, differing fields, live versions; no values); - for stdout',
    )
    .option(
      '--plan <path>',
      'with --apply: apply this reviewed plan, refusing if the backup or a planned parameter changed since',
    )
    .option('--apply', 'write: create missing parameters (and update changed ones with --overwrite)')
    .option('--overwrite', 'with --apply, also update parameters that differ')
    .option(
      '--include-runner-keys',
      "also restore the backup stack's own keys under /jenkins/<env>/backup/ (skipped by default)",
    )
    .option('--kms-key-id <key>', 'KMS key for SecureStrings whose backed-up key is not usable in the target region')
    .option(
      '--write-rps <n>',
      "write calls per second, each operation (PutParameter's default quota is about 3; 0: no cap)",
      integer(0, 1000),
      3,
    );
  addCommonOptions(addSourceOption(command), {
    regions: 'single',
    summaryFile: true,
    examples: [
      'ssm-backup restore --env dev --region us-west-2 --plan-file plan.json            the plan only',
      'ssm-backup restore --env dev --region us-west-2 --apply --overwrite --plan plan.json',
      'ssm-backup restore --env dev --region eu-west-1 --source-region us-west-2 --at 2026-11-28',
    ],
  }).action(
    context.action(async (options: RestoreOptions) => {
      if (options.overwrite && !options.apply)
        throw new UsageError('--overwrite only means something with --apply (plans always show the updates)');
      if (options.plan && !options.apply) throw new UsageError('--plan applies a reviewed plan: use it with --apply');
      if (options.at && options.from !== 'latest') throw new UsageError('use either --at or --from, not both');
      if (options.at && !parsePointInTime(options.at))
        throw new UsageError(`--at '${options.at}' is not a date or time (2026-11-29, 2026-11-29T13:00Z)`);
      if (options.sourceRegion) validateRegion(options.sourceRegion, '--source-region');
      if (options.planFile) await checkWritable(options.planFile, '--plan-file');
      const reviewedPlan = options.plan ? await readPlan(options.plan) : undefined;
      const { logger, session } = await context.openRegion(options);
      const targetRegion = session.region;
      // The plan JSON may take stdout; the plan for people then goes to stderr.
      const planOut = options.planFile === '-' ? context.stderr : context.stdout;
      const result = await runRestore({
        target: session,
        sourceRegion: options.sourceRegion,
        from: parseSource(reviewedPlan ? reviewedPlan.from : (options.at ?? options.from)),
        apply: Boolean(options.apply),
        overwrite: Boolean(options.overwrite),
        includeRunnerKeys: Boolean(options.includeRunnerKeys),
        reviewedPlan,
        kmsKeyId: options.kmsKeyId,
        signal: context.signal,
        onPlan: async (plan) => {
          context.print('plan', formatPlan(plan, { overwrite: Boolean(options.overwrite) }), planOut);
          await context.writeResult(options.planFile, plan, 'plan');
        },
      });
      const applied = result.applied;
      if (!applied) {
        logger.info({ event: 'plan-only' }, 'plan only: nothing written (add --apply to restore)');
        return ExitCode.Ok;
      }
      const { interrupted, ...written } = applied;
      const counts = {
        created: applied.created.length,
        updated: applied.updated.length,
        skipped: applied.skipped.length,
        failed: applied.failed.length,
        notSent: applied.notSent.length,
      };
      const line = formatApplied(applied);
      if (interrupted)
        logger.warn(
          { event: 'restore-interrupted', signal: interrupted, ...counts },
          `restore into ${targetRegion} INTERRUPTED by ${interrupted}: ${line}, ${counts.notSent} not sent ` +
            '(the writes in flight were waited for and counted by their answers)',
        );
      else logger.info({ event: 'restore-done', ...counts }, `restored into ${targetRegion}: ${line}`);
      if (applied.skipped.length) logger.info({ event: 'skipped' }, `skipped updates: ${applied.skipped.join(', ')}`);
      const api = session.clients.stats.toJSON();
      const status = interrupted ? 'interrupted' : applied.failed.length ? 'failed' : 'ok';
      await context.writeResult(options.summaryFile, { status, plan: result.plan.counts, ...written, api });
      if (interrupted) return new InterruptedError(interrupted).exitCode;
      return applied.failed.length ? context.reportError(new RestoreFailedError(applied.failed)) : ExitCode.Ok;
    }),
  );
}

/** A plan written by `--plan-file`: checked for shape, so a wrong file is a usage error, not a crash. */
async function readPlan(path: string): Promise<RestorePlan> {
  let plan: Partial<RestorePlan>;
  try {
    plan = JSON.parse(await readFile(path, 'utf8')) as Partial<RestorePlan>;
  } catch (error) {
    throw new UsageError(
      `--plan ${path} cannot be read as a plan (${(error as NodeJS.ErrnoException).code ?? 'not JSON'})`,
    );
  }
  if (!plan || !Array.isArray(plan.entries) || typeof plan.from !== 'string' || typeof plan.backupSha256 !== 'string') {
    throw new UsageError(`--plan ${path} is not a plan written by restore --plan-file`);
  }
  return plan as RestorePlan;
}
