import type { Command } from 'commander';
import { runBackup } from '../../run/backupRun';
import { addCommonOptions, encryptionOf, resolveCommon, type CommonOptions } from '../options';
import type { CommandContext } from '../context';

interface BackupOptions extends CommonOptions {
  kmsKeyId?: string;
  withTags?: boolean;
}

export function registerBackup(program: Command, context: CommandContext): void {
  const command = program
    .command('backup', { isDefault: true })
    .description('back up every region in order: resolve bucket, collect, upload, verify, move latest.txt')
    .option('--dry-run', 'list and fetch (proving access and decryption) but upload nothing')
    .option('--kms-key-id <key>', 'encrypt the object with this KMS key (SSE aws:kms) instead of AES256')
    .option('--with-tags', 'also back up each parameter\'s tags (one extra call per parameter)');
  addCommonOptions(command, { multiRegion: true }).action(async (options: BackupOptions) => {
    const common = resolveCommon(options);
    const { logger } = context.start(options);
    const result = await runBackup({
      env: common.env,
      homeRegion: common.homeRegion,
      regions: options.region ?? options.regions,
      dryRun: Boolean(options.dryRun),
      concurrency: options.concurrency,
      withTags: Boolean(options.withTags),
      encryption: encryptionOf(options.kmsKeyId),
      clientsFor: context.clientsFor(common.clientSettings),
      listener: context.reporter(),
    });
    await context.writeSummary(options.summaryFile, result.summary);
    if (result.failure) context.reportError(result.failure);
    else logger.info({ event: 'run-done', status: result.summary.status }, `done: ${result.summary.status}`);
    context.exitCode = result.exitCode;
  });
}
