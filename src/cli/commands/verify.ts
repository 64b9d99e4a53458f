import type { Command } from 'commander';
import { parseSource } from '../../backup/source';
import { ExitCode } from '../../errors';
import { runVerify } from '../../run/verifyRun';
import { addCommonOptions, addSourceOption, duration, resolveCommon, type CommonOptions } from '../options';
import type { CommandContext } from '../context';

interface VerifyOptions extends CommonOptions {
  from?: string;
  againstLive?: boolean;
  maxAge?: number;
}

export function registerVerify(program: Command, context: CommandContext): void {
  const command = program
    .command('verify')
    .description('check a stored backup (checksum, parse, count, environment); optionally drift against live SSM and the age of the newest backup')
    .option('--against-live', 'report drift against SSM now: missing, extra, changed (by name, never values)')
    .option('--max-age <duration>', 'also fail when the newest backup is older than this (e.g. 26h)', duration);
  addCommonOptions(addSourceOption(command), { multiRegion: false }).action(async (options: VerifyOptions) => {
    const common = resolveCommon(options);
    const { logger } = context.start(options);
    const region = options.region ?? common.homeRegion;
    const report = await runVerify({
      env: common.env,
      homeRegion: common.homeRegion,
      region,
      from: parseSource(options.from),
      againstLive: Boolean(options.againstLive),
      maxAgeMs: options.maxAge,
      concurrency: options.concurrency,
      clientsFor: context.clientsFor(common.clientSettings),
    });
    const out = context.stdout;
    out.write(`${report.origin}: ${report.parameterCount} parameters, ${report.bytes} bytes, sha256 ${report.sha256} (S3 checksum ${report.checksum}), taken ${report.backupTime}\n`);
    if (report.age) out.write(`newest backup ${report.age.newestKey}: ${report.age.hours} h old (at most ${report.age.maxHours} h)\n`);
    if (report.drift) {
      for (const name of report.drift.missing) out.write(`  MISSING   ${name} (in the backup, not in SSM)\n`);
      for (const name of report.drift.extra) out.write(`  EXTRA     ${name} (in SSM, not in the backup)\n`);
      for (const c of report.drift.changed) out.write(`  CHANGED   ${c.name} (${c.differences.join(', ')})\n`);
    }
    await context.writeSummary(options.summaryFile, report);
    if (report.problems.length) {
      for (const problem of report.problems) logger.error({ event: 'verify-problem' }, problem);
      context.exitCode = ExitCode.Failed;
    } else {
      logger.info({ event: 'verified' }, `${report.origin} checks out${report.drift ? ', no drift' : ''}`);
    }
  });
}
