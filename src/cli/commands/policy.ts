import { type Command, InvalidArgumentError, Option } from 'commander';
import { accountIdOf } from '../../aws/identity';
import { backupKmsAliasName, DEFAULT_PROJECT_NAME, kmsKeyArnRegion } from '../../contract';
import { ConfigurationError, ExitCode, UsageError } from '../../errors';
import { ciPolicy } from '../../policy/ci';
import { DUTIES, type Duty, dutyPolicy } from '../../policy/duties';
import type { CommandContext } from '../context';
import { addCommonOptions, type CommonOptions, type ResolvedCommon } from '../options';
import { DEFAULT_TARGETS_FILE, readTargets } from './targets';

interface PolicyOptions extends CommonOptions {
  duty: Duty | 'ci';
  targetsFile?: string;
  accountId?: string;
  projectName: string;
  kmsKeyArns?: string[];
  kms: boolean;
}

/** `ssm-backup policy`: a duty's IAM policy, filled in for an account, as the stack creates it. */
export function registerPolicy(program: Command, context: CommandContext): void {
  const command = program
    .command('policy')
    .description(
      "print a duty's IAM policy (JSON) for an account: backup (the nightly job), restore, audit (list, verify " +
        "--metadata-only); the same document the Pulumi stack creates. ci: the CI agent's own policy for a " +
        'targets file (sts:AssumeRole on exactly its roles)',
    )
    .addOption(new Option('--duty <duty>', '(required) which duty').choices([...DUTIES, 'ci']).makeOptionMandatory())
    .option('--targets-file <path>', `with --duty ci: the targets file (default ${DEFAULT_TARGETS_FILE})`)
    .option('--account-id <id>', 'the 12-digit account (default: the caller, from STS)', accountId)
    .option(
      '--project-name <name>',
      "the stack's projectName (part of bucket names and the key alias)",
      DEFAULT_PROJECT_NAME,
    )
    .option('--kms-key-arns <list>', "the backup keys' ARNs, comma-separated (default: the stack's key alias)", list)
    .option('--no-kms', 'the buckets use SSE-S3 (AES256), not a KMS key');
  addCommonOptions(command, {
    regions: 'policy',
    summaryFile: false,
    pacing: 'none',
    examples: [
      'ssm-backup policy --duty backup --env dev --regions ap-northeast-1,us-west-2 --account-id 123456789012',
      'ssm-backup policy --duty audit --env prod --no-kms > audit.json',
    ],
  }).action(
    context.action(async (options: PolicyOptions) => {
      if (options.duty === 'ci') {
        context.start(options);
        context.printJson(ciPolicy(await readTargets(options.targetsFile ?? DEFAULT_TARGETS_FILE)));
        return ExitCode.Ok;
      }
      if (options.targetsFile) throw new UsageError('--targets-file goes with --duty ci');
      // Here --account-id is the account to write the policy for, not a check of the caller's.
      const { common, clientsFor } = await context.open({ ...options, accountId: undefined });
      const projectName = options.projectName;
      const account = options.accountId ?? (await callerAccount(common, clientsFor));
      const backupKeys = !options.kms
        ? { arns: [], aliases: [] }
        : options.kmsKeyArns
          ? { arns: options.kmsKeyArns, aliases: [] }
          : { arns: [], aliases: [backupKmsAliasName({ projectName, env: common.env })] };
      const document = dutyPolicy(options.duty, {
        projectName,
        env: common.env,
        accountId: account,
        ...(common.regions ? { regions: common.regions } : {}),
        backupKeys,
      });
      context.printJson(document);
      return ExitCode.Ok;
    }),
  );
}

async function callerAccount(
  common: ResolvedCommon,
  clientsFor: (region: string) => { sts: Parameters<typeof accountIdOf>[0] },
): Promise<string> {
  const region = common.regions?.[0] ?? common.home?.region;
  if (!region)
    throw new ConfigurationError(
      'no account: give --account-id, or a region (--region or a home region) to ask STS in',
    );
  return accountIdOf(clientsFor(region).sts);
}

function accountId(value: string): string {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError('expected a 12-digit AWS account id');
  return value;
}

function list(value: string): string[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => !kmsKeyArnRegion(s)))
    throw new InvalidArgumentError('expected comma-separated KMS key ARNs (arn:aws:kms:REGION:ACCOUNT:key/ID)');
  return items;
}
