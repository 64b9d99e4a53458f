import { parseKmsArn } from '../contract';

/**
 * Which KMS key a restored SecureString gets. A key is kept when it can be used in the target:
 * the AWS-managed `alias/aws/ssm` always, an ARN when its region and account are the target's, a bare
 * key id or alias when the backup came from the target region. Otherwise `--kms-key-id`, or the
 * account's default key, and the plan says so.
 */
export type KeyChoice =
  | { kind: 'kept'; keyId?: string }
  | { kind: 'replaced'; from: string; keyId?: string; reason: string };

const DEFAULT_SSM_KEY = 'alias/aws/ssm';

export function chooseKey(args: {
  keyId?: string;
  sourceRegion: string;
  targetRegion: string;
  accountId: string;
  override?: string;
}): KeyChoice {
  const { keyId, targetRegion } = args;
  if (!keyId || keyId === DEFAULT_SSM_KEY) return { kind: 'kept', keyId };
  const arn = parseKmsArn(keyId);
  const usable = arn
    ? arn.region === targetRegion && arn.accountId === args.accountId
    : args.sourceRegion === targetRegion;
  if (usable) return { kind: 'kept', keyId };
  const reason = arn
    ? `key of ${arn.accountId === args.accountId ? `region ${arn.region}` : `account ${arn.accountId}`}`
    : `key of region ${args.sourceRegion}`;
  return { kind: 'replaced', from: keyId, keyId: args.override, reason };
}
