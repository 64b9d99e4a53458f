import type { Command } from 'commander';
import { runBackup } from '../../run/backupRun';
import type { CommandContext } from '../context';
import { formatRunSummary } from '../format';
import { addCommonOptions, type CommonOptions, DEFAULT_CONCURRENCY, encryptionOf, positiveDuration } from '../options';

interface BackupOptions extends CommonOptions {
  dryRun?: boolean;
  kmsKeyId?: string;
  withTags?: boolean;
  /** Milliseconds. */
  finishWithin?: number;
}

export function registerBackup(program: Command, context: CommandContext): void {
  const command = program
    .command('backup', { isDefault: true })
    .description('back up every region in order: resolve bucket, collect, upload, verify, move latest.txt')
    .option('--dry-run', 'list and fetch (proving access and decryption) but upload nothing')
    .option('--kms-key-id <key>', 'encrypt the object with this KMS key (SSE aws:kms) instead of AES256')
    .option('--with-tags', "also back up each parameter's tags (one extra call per parameter)")
    .option(
      '--finish-within <duration>',
      'end each region within this time (such as 9m) if the service allows: when throttling would slow ' +
        'a region past it, send faster than learned (still under --max-rps)',
      positiveDuration,
    );
  addCommonOptions(command, {
    regions: 'backup',
    summaryFile: true,
    examples: [
      'ssm-backup --env dev --dry-run                      list and fetch every region, upload nothing',
      'ssm-backup --env dev                                back up every region of /jenkins/dev/backup/regions',
      'ssm-backup --env dev --region us-west-2 --summary-file s.json --finish-within 9m',
    ],
  }).action(
    context.action(async (options: BackupOptions) => {
      const { logger, common, clientsFor } = await context.open(options);
      context.announceHome(common);
      const listener = context.reporter();
      const result = await runBackup({
        env: common.env,
        homeRegion: common.home?.region,
        regions: common.regions,
        dryRun: Boolean(options.dryRun),
        concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
        withTags: Boolean(options.withTags),
        encryption: encryptionOf(options.kmsKeyId),
        clientsFor,
        listener,
        signal: context.signal,
        ...(common.identity ? { identity: common.identity } : {}),
        ...(options.finishWithin ? { finishWithinMs: options.finishWithin } : {}),
      });
      await context.writeResult(options.summaryFile, result.summary);
      const exitCode = result.failure ? context.reportError(result.failure) : result.exitCode;
      const [head, ...regions] = formatRunSummary(result.summary);
      logger.info({ event: 'run-done', status: result.summary.status }, [`done: ${head}`, ...regions].join('\n'));
      return exitCode;
    }),
  );
}
