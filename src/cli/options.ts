import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ClientSettings } from '../aws/clients';
import type { Encryption } from '../backup/store';
import { UsageError } from '../errors';
import { parseRegionList, resolveHomeRegion } from '../ssm/regions';
import { validateEnvironment, validateRegion } from '../ssm/selection';
import { LOG_LEVELS, type LogFormat } from './logger';

/** The options every command shares (SPEC section 5). */
export interface CommonOptions {
  env?: string;
  region?: string;
  regions?: string;
  homeRegion?: string;
  dryRun?: boolean;
  concurrency: number;
  maxRps: number;
  summaryFile?: string;
  endpointUrl?: string;
  logLevel: string;
  logFormat: LogFormat;
}

export function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

/** `--from` for the commands that read a backup (verify, restore). */
export function addSourceOption(command: Command): Command {
  return command.option('--from <source>', 'latest, an object key, or file:PATH', 'latest');
}

export function addCommonOptions(command: Command, { multiRegion }: { multiRegion: boolean }): Command {
  command
    .option('--env <name>', 'environment: parameters whose name contains /<name>/')
    .option('--region <region>', multiRegion ? 'back up this region only' : 'the region to work in (default: home region)');
  if (multiRegion) command.option('--regions <list>', 'comma-separated regions, in order (default: the regions key in SSM)');
  return command
    .option('--home-region <region>', 'region holding the regions key (default: AWS_REGION, AWS_DEFAULT_REGION, ap-northeast-1)')
    .option('--concurrency <n>', 'requests in flight per region', integer(1, 64), 4)
    .option('--max-rps <n>', 'cap on requests started per second per region (0: no cap)', integer(0, 1000), 20)
    .option('--summary-file <path>', 'write the machine-readable summary (JSON, no values) here')
    .option('--endpoint-url <url>', 'AWS endpoint override (also AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>)')
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'))
    .addOption(new Option('--log-format <format>', 'pretty lines or JSON (pino)').choices(['pretty', 'json']).default('pretty'));
}

export interface ResolvedCommon {
  env: string;
  homeRegion: string;
  clientSettings: ClientSettings;
}

export function resolveCommon(options: CommonOptions): ResolvedCommon {
  const env = validateEnvironment(options.env);
  const homeRegion = resolveHomeRegion(options.homeRegion);
  if (options.region) validateRegion(options.region);
  if (options.regions) parseRegionList(options.regions, '--regions');
  if (options.region && options.regions) throw new UsageError('use either --region or --regions, not both');
  if (options.endpointUrl && !/^https?:\/\/[^\s/]+/.test(options.endpointUrl)) {
    throw new UsageError(`--endpoint-url '${options.endpointUrl}' is not an http(s) URL`);
  }
  return {
    env,
    homeRegion,
    clientSettings: { endpointUrl: options.endpointUrl, concurrency: options.concurrency, maxRps: options.maxRps },
  };
}

export function encryptionOf(kmsKeyId: string | undefined): Encryption {
  return kmsKeyId ? { kind: 'aws:kms', keyId: kmsKeyId } : { kind: 'AES256' };
}

/** `26h`, `90m`, `2d`, `3600s` to milliseconds. */
export function duration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhd])$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('expected a duration such as 26h, 90m or 2d');
  return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}
