import type { STSClient } from '@aws-sdk/client-sts';
import { lazySdk } from './sdk';

/**
 * The account the credentials belong to (it is part of bucket names and of every backup document).
 * STS is loaded only here, on first use: a backup reads its account from the stack key's ARN instead.
 */
export async function accountIdOf(sts: STSClient): Promise<string> {
  const { GetCallerIdentityCommand } = lazySdk.sts();
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  return identity.Account ?? 'unknown';
}
