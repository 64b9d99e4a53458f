import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';

/** The account the credentials belong to (it is part of bucket names and of every backup document). */
export async function accountIdOf(sts: STSClient): Promise<string> {
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  return identity.Account ?? 'unknown';
}
