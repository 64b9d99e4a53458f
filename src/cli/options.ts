import { constants } from 'node:fs';
import { access, mkdir, realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { AssumedRole, defaultSessionName, roleAccount } from '../aws/assumedRole';
import { type ClientSettings, createRegionClients, DEFAULT_REQUEST_TIMEOUT_SECONDS } from '../aws/clients';
import { errorCodeOf, isAwsError } from '../aws/errorKinds';
import { findHomeRegion, type HomeRegion } from '../aws/homeRegion';
import { accountIdOf } from '../aws/identity';
import type { Encryption } from '../backup/store';
import { ConfigurationError, UsageError } from '../errors';
import { parseRegionList } from '../ssm/regions';
import { validateEnvironment, validateRegion } from '../ssm/selection';
import { LOG_LEVELS, type LogFormat } from './logger';

/** The options every command shares (README, "The runner"). */
export interface CommonOptions {
  env?: string;
  region?: string;
  regions?: string;
  homeRegion?: string;
  profile?: string;
  /** Absent on the commands that make a call or two (`regions`, `policy`): they have no such option. */
  concurrency?: number;
  maxRps?: number;
  /** restore's `--write-rps`; absent on the commands that write no parameter. */
  writeRps?: number;
  requestTimeout: number;
  summaryFile?: string;
  roleArn?: string;
  externalId?: string;
  roleSessionName?: string;
  /** The target's account: the credentials (assumed or not) must be in it. */
  accountId?: string;
  endpointUrl?: string;
  logLevel: string;
  logFormat: LogFormat;
}

/**
 * An empty or blank value is never "not given" (`--at ''` must not mean the newest backup): every
 * option that takes a value refuses one, in its parser, before any other parser sees it (`Number('')`
 * is 0) and before any AWS call. Applied to every command once the program is built.
 */
export function refuseBlankValues(program: Command): void {
  for (const command of [program, ...program.commands]) {
    for (const option of command.options) {
      if (!option.required && !option.optional) continue;
      const parse = option.parseArg;
      option.argParser((value: string, previous: unknown) => {
        if (value.trim() === '') throw new InvalidArgumentError('it must not be empty');
        return parse ? parse(value, previous) : value;
      });
    }
  }
}

export function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

/** What `--from` (and diff's `--to`) accept, said once for every command that reads a backup. */
export const SOURCE_HELP =
  'latest (what latest.txt names), an object key (YYYY-MM-DD/ssm-backup-ENV-...json, as list shows), a date ' +
  'or UTC time (the newest backup taken at or before it: 2026-11-29, 2026-11-29T13:00Z), or file:PATH';

/** `--from` for the commands that read a backup (verify, restore). */
export function addSourceOption(command: Command): Command {
  return command.option('--from <source>', SOURCE_HELP, 'latest');
}

export const DEFAULT_CONCURRENCY = 4;
const DEFAULT_MAX_RPS = 20;

/** How a command uses regions: backs them up, prints the list, or works in one. */
export type RegionUse = 'backup' | 'print' | 'single' | 'policy';

const REGION_HELP: Record<RegionUse, [string, string?]> = {
  backup: [
    'back up this region only',
    'comma-separated regions to back up, in order (default: the regions key in SSM)',
  ],
  print: ['print this region (no SSM read)', 'print these comma-separated regions, checked (no SSM read)'],
  single: ['the region to work in (default: the home region)'],
  policy: ['scope the policy to this region', 'scope the policy to these comma-separated regions (default: all, *)'],
};

/**
 * The options every command shares; each command gets only those it uses: `pacing` (--concurrency,
 * --max-rps) for the commands that make many calls, `concurrency` alone for list's HEADs.
 */
export function addCommonOptions(
  command: Command,
  use: { regions: RegionUse; summaryFile: boolean; pacing?: 'full' | 'concurrency' | 'none'; examples?: string[] },
): Command {
  const [regionHelp, regionsHelp] = REGION_HELP[use.regions];
  const pacing = use.pacing ?? 'full';
  command.option('--env <name>', '(required) environment: parameters whose name contains /<name>/');
  command.option('--region <region>', regionHelp);
  if (regionsHelp) command.option('--regions <list>', regionsHelp);
  if (use.summaryFile)
    command.option('--summary-file <path>', 'write the machine-readable result (JSON, no values) here');
  command
    .option(
      '--home-region <region>',
      "region holding the regions key; first of all, before AWS_REGION, AWS_DEFAULT_REGION and the profile's region",
    )
    .option('--profile <name>', 'AWS profile for credentials and region (default: AWS_PROFILE)')
    .option('--role-arn <arn>', "assume this role (the target account's backup role) before any other call")
    .option('--external-id <id>', 'the external id the role trust asks for (with --role-arn)')
    .option('--role-session-name <name>', 'with --role-arn (default: ssm-backup-<env>-<BUILD_TAG or cli>)');
  if (use.regions !== 'policy')
    command.option('--account-id <id>', "the target's account: refuse (exit 2) credentials of any other");
  if (pacing !== 'none')
    command.option('--concurrency <n>', 'requests in flight per region', integer(1, 64), DEFAULT_CONCURRENCY);
  if (pacing === 'full')
    command.option(
      '--max-rps <n>',
      "cap on each operation's requests per second in a region (0: none); under it the rate is learned from throttling",
      integer(0, 1000),
      DEFAULT_MAX_RPS,
    );
  if (use.examples?.length)
    command.addHelpText('after', `\nExamples:\n${use.examples.map((e) => `  ${e}`).join('\n')}\n`);
  command
    .option(
      '--request-timeout <seconds>',
      'deadline for each AWS request to be answered (then it is retried)',
      integer(1, 600),
      DEFAULT_REQUEST_TIMEOUT_SECONDS,
    )
    .option('--endpoint-url <url>', 'AWS endpoint override (also AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>)');
  return addLogOptions(command);
}

/** `--log-level` and `--log-format`: every command has them, those that call no AWS too. */
export function addLogOptions(command: Command): Command {
  return command
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'))
    .addOption(
      new Option('--log-format <format>', 'pretty lines or JSON (pino)').choices(['pretty', 'json']).default('pretty'),
    );
}

export interface ResolvedCommon {
  env: string;
  /** Who the run is: the assumed role and its account (never the credentials), or the caller's checked account. */
  identity?: { roleArn?: string; sessionName?: string; account: string };
  /** Absent when nothing sets one; the commands that need it say so. */
  home?: HomeRegion;
  /** `--region r` or `--regions a,b`, parsed. */
  regions?: string[];
  clientSettings: ClientSettings;
}

/** Checks every shared option before any AWS call, so a usage error never follows a write. */
export async function resolveCommon(
  options: CommonOptions,
  environment: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<ResolvedCommon> {
  const env = validateEnvironment(options.env, '--env');
  if (options.region && options.regions) throw new UsageError('use either --region or --regions, not both');
  const regions = options.region
    ? [validateRegion(options.region, '--region')]
    : options.regions
      ? parseRegionList(options.regions, '--regions')
      : undefined;
  if (options.homeRegion) validateRegion(options.homeRegion, '--home-region');
  if (options.endpointUrl && !/^https?:\/\/[^\s/]+/.test(options.endpointUrl)) {
    throw new UsageError(`--endpoint-url '${options.endpointUrl}' is not an http(s) URL`);
  }
  if (options.summaryFile) await checkWritable(options.summaryFile, '--summary-file');
  if (options.roleArn && !roleAccount(options.roleArn))
    throw new UsageError(`--role-arn '${options.roleArn}' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)`);
  if ((options.externalId || options.roleSessionName) && !options.roleArn)
    throw new UsageError('--external-id and --role-session-name go with --role-arn');
  if (options.roleSessionName && !/^[\w+=,.@-]{2,64}$/.test(options.roleSessionName))
    throw new UsageError(
      `--role-session-name '${options.roleSessionName}' must be 2-64 of letters, digits and +=,.@_-`,
    );
  if (options.accountId !== undefined && !/^\d{12}$/.test(options.accountId))
    throw new UsageError(`--account-id '${options.accountId}' is not a 12-digit AWS account id`);
  const home = await findHomeRegion({ option: options.homeRegion, profile: options.profile, env: environment });
  const clientSettings: ClientSettings = {
    endpointUrl: options.endpointUrl,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    maxRps: options.maxRps ?? DEFAULT_MAX_RPS,
    ...(options.writeRps ? { maxWriteRps: options.writeRps } : {}),
    requestTimeoutSeconds: options.requestTimeout,
    ...(options.profile ? { profile: options.profile } : {}),
    ...(signal ? { signal } : {}),
  };
  const resolved: ResolvedCommon = {
    env,
    ...(home ? { home } : {}),
    ...(regions ? { regions } : {}),
    clientSettings,
  };
  return options.roleArn || options.accountId ? withIdentity(resolved, options, environment) : resolved;
}

/**
 * `--role-arn`: the role is assumed (STS, in the home or first region) before any other call, and the
 * clients sign with its credentials, renewed before they expire. With `--account-id` the session's
 * account (from AssumeRole's answer, or GetCallerIdentity without a role) must be that one: exit 2
 * before anything is listed.
 */
async function withIdentity(
  resolved: ResolvedCommon,
  options: CommonOptions,
  environment: NodeJS.ProcessEnv,
): Promise<ResolvedCommon> {
  const stsRegion = resolved.home?.region ?? resolved.regions?.[0] ?? 'us-east-1';
  const base = createRegionClients(stsRegion, resolved.clientSettings);
  let identity: NonNullable<ResolvedCommon['identity']>;
  let credentials: ClientSettings['credentials'];
  if (options.roleArn) {
    const sessionName = options.roleSessionName ?? defaultSessionName(resolved.env, environment);
    const role = new AssumedRole(
      { roleArn: options.roleArn, sessionName, ...(options.externalId ? { externalId: options.externalId } : {}) },
      () => base.sts,
    );
    await role.provider().catch((error: unknown) => {
      // A role the caller may not assume is the setup's to fix (its trust, the agent's policy): exit 2.
      if (isAwsError(error, 'AccessDenied', 'AccessDeniedException', 'InvalidClientTokenId', 'ValidationError'))
        throw new ConfigurationError(
          `cannot assume ${options.roleArn} (${errorCodeOf(error)}): check the role's trust policy names this ` +
            "caller (and the external id), and that the caller's policy allows sts:AssumeRole on it",
        );
      throw error;
    });
    identity = { roleArn: options.roleArn, sessionName, account: role.account ?? 'unknown' };
    credentials = role.provider;
  } else identity = { account: await accountIdOf(base.sts) };
  if (options.accountId && identity.account !== options.accountId)
    throw new ConfigurationError(
      `the credentials are in account ${identity.account}${options.roleArn ? ` (${options.roleArn})` : ''}, not ` +
        `the target's ${options.accountId}: nothing was listed or written`,
    );
  return {
    ...resolved,
    identity,
    clientSettings: { ...resolved.clientSettings, ...(credentials ? { credentials } : {}) },
  };
}

/** The one region a single-region command works in: `--region`, else the home region. */
export function singleRegion(common: ResolvedCommon): string {
  const region = common.regions?.[0] ?? common.home?.region;
  if (!region)
    throw new ConfigurationError(
      'no region: give --region, or set a home region (--home-region, AWS_REGION, AWS_DEFAULT_REGION or the ' +
        "profile's region)",
    );
  return region;
}

/**
 * A result file must be writable before any work starts: a good backup must not end in an error
 * because its summary could not be written (exit 2, naming the path, before anything is written).
 */
export async function checkWritable(path: string, option: string): Promise<void> {
  if (path === '-') return;
  const target = resolve(path);
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory()) throw new UsageError(`${option} ${path} is a directory; give a file path`);
  // The nearest folder that exists, found by walking up the path's own names (never a tree).
  let folder = dirname(target);
  let found = await stat(folder).catch(() => undefined);
  while (!found && dirname(folder) !== folder) {
    folder = dirname(folder);
    found = await stat(folder).catch(() => undefined);
  }
  if (found && !found.isDirectory()) throw new UsageError(`${option} ${path} cannot be written: ${folder} is a file`);
  // /proc and /sys are the kernel's, not files: a recursive mkdir there spins for ever.
  const real = await realpath(folder).catch(() => folder);
  if (/^\/(proc|sys)(\/|$)/.test(real))
    throw new UsageError(`${option} ${path} cannot be written: ${real} is a kernel file system, not a folder`);
  try {
    await access(existing ? target : folder, constants.W_OK);
    if (folder !== dirname(target)) await mkdir(dirname(target), { recursive: true });
  } catch (error) {
    throw new UsageError(`${option} ${path} cannot be written (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export function encryptionOf(kmsKeyId: string | undefined): Encryption {
  return kmsKeyId ? { kind: 'aws:kms', keyId: kmsKeyId } : { kind: 'AES256' };
}

export const DURATION_UNITS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `26h`, `90m`, `2d`, `3600s` to milliseconds. */
export function duration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhd])$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('expected a duration such as 26h, 90m or 2d');
  return Number(m[1]) * DURATION_UNITS[m[2] as keyof typeof DURATION_UNITS];
}

/** A duration of at least a second (the runner's pace cannot plan for less). */
export function positiveDuration(value: string): number {
  const ms = duration(value);
  if (!(ms >= 1_000)) throw new InvalidArgumentError('expected a duration of at least 1s, such as 9m');
  return ms;
}
