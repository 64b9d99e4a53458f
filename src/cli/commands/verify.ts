import type { Command } from 'commander';
import { ExitCode } from '../../errors';
import { runVerify } from '../../run/verifyRun';
import type { CommandContext } from '../context';
import { formatVerifyFailures, formatVerifyReport, formatVerifyVerdict } from '../format';
import { addCommonOptions, addSourceOption, type CommonOptions, duration } from '../options';
import { parseSource } from '../sourceOption';

interface VerifyOptions extends CommonOptions {
  from?: string;
  metadataOnly?: boolean;
  againstLive?: boolean;
  strict?: boolean;
  maxAge?: number;
  json?: boolean;
}

export function registerVerify(program: Command, context: CommandContext): void {
  const command = program
    .command('verify')
    .description(
      'check a stored backup (checksum, parse, count, environment); optionally drift against live SSM and ' +
        'the age of the newest backup',
    )
    .option(
      '--against-live',
      'report drift against SSM now: missing, extra, changed (by name, never values); missing and changed fail',
    )
    .option('--strict', 'with --against-live, parameters created since the backup (extra) fail too')
    .option(
      '--metadata-only',
      "check S3's record of the object (SHA-256, count, encryption) and --max-age without reading it: the audit duty",
    )
    .option('--json', 'print the report and the verdict as one JSON document instead of lines')
    .option('--max-age <duration>', 'also fail when the newest backup is older than this (e.g. 26h)', duration);
  addCommonOptions(addSourceOption(command), {
    regions: 'single',
    summaryFile: true,
    examples: [
      'ssm-backup verify --env dev --region us-west-2 --against-live --max-age 26h',
      'ssm-backup verify --env dev --region us-west-2 --metadata-only --max-age 26h     the audit duty',
    ],
  }).action(
    context.action(async (options: VerifyOptions) => {
      const { logger, session } = await context.openRegion(options);
      const report = await runVerify({
        session,
        from: parseSource(options.from),
        metadataOnly: Boolean(options.metadataOnly),
        againstLive: Boolean(options.againstLive),
        strict: Boolean(options.strict),
        maxAgeMs: options.maxAge,
      });
      const problems = formatVerifyFailures(report, session.region);
      const verdict = formatVerifyVerdict(report, problems);
      // The details and the verdict go to one stream (stdout), as lines or as one JSON document.
      if (options.json) context.printJson({ verdict: problems.length ? 'failed' : 'ok', problems, ...report });
      else context.print('verify', [...formatVerifyReport(report), verdict]);
      await context.writeResult(options.summaryFile, report);
      for (const problem of problems) logger.error({ event: 'verify-problem' }, problem);
      return problems.length ? ExitCode.Failed : ExitCode.Ok;
    }),
  );
}
