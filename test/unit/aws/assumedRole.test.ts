import { DescribeParametersCommand, GetParametersCommand } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AssumedRole, defaultSessionName, roleAccount } from '../../../src/aws/assumedRole';
import { ExitCode } from '../../../src/errors';
import { runMain } from '../support/cli';
import { regionClients, resetMocks, ssmMock, stsMock } from '../support/mocks';

beforeEach(resetMocks);

const ROLE = 'arn:aws:iam::111111111111:role/jenkins-infra-ssm-backup-dev-backup';

function answer(n: number, expiresAt: number) {
  return {
    Credentials: {
      AccessKeyId: `AKIA${n}`,
      SecretAccessKey: `secret-${n}`,
      SessionToken: `token-${n}`,
      Expiration: new Date(expiresAt),
    },
    AssumedRoleUser: {
      Arn: 'arn:aws:sts::111111111111:assumed-role/jenkins-infra-ssm-backup-dev-backup/s',
      AssumedRoleId: 'x',
    },
  };
}

describe('Class: AssumedRole (credential renewal, on an injected clock)', () => {
  it('assumes once, answers from its cache, and renews five minutes before expiry on a long run', async () => {
    let now = 0;
    let n = 0;
    stsMock.on(AssumeRoleCommand).callsFake(() => answer(++n, now + 3_600_000));
    const role = new AssumedRole(
      { roleArn: ROLE, sessionName: 'ssm-backup-dev-cli', externalId: 'ext' },
      () => regionClients().sts,
      () => now,
    );
    expect((await role.provider()).accessKeyId).toBe('AKIA1');
    now = 50 * 60_000; // 50 minutes in: still good
    expect((await role.provider()).accessKeyId).toBe('AKIA1');
    now = 55 * 60_000; // five minutes before expiry, to the millisecond: renewed
    expect((await role.provider()).accessKeyId).toBe('AKIA2');
    expect(role.assumed).toBe(2);
    expect(role.account).toBe('111111111111');
    expect(stsMock.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toEqual({
      RoleArn: ROLE,
      RoleSessionName: 'ssm-backup-dev-cli',
      DurationSeconds: 3600,
      ExternalId: 'ext',
    });
  });

  it('calls made together while renewal is due share one AssumeRole', async () => {
    stsMock.on(AssumeRoleCommand).callsFake(async () => {
      await new Promise((r) => setTimeout(r, 20));
      return answer(1, Date.now() + 3_600_000);
    });
    const role = new AssumedRole({ roleArn: ROLE, sessionName: 's1' }, () => regionClients().sts);
    await Promise.all([role.provider(), role.provider(), role.provider()]);
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it('names the account of a role ARN, in any partition, and nothing else', () => {
    expect(roleAccount(ROLE)).toBe('111111111111');
    expect(roleAccount('arn:aws-cn:iam::222222222222:role/a/b')).toBe('222222222222');
    expect(roleAccount('arn:aws:iam::111111111111:user/x')).toBeUndefined();
    expect(roleAccount('111111111111')).toBeUndefined();
  });

  it('a default session name names the environment and the Jenkins build, within IAM limits', () => {
    expect(defaultSessionName('dev', { BUILD_TAG: 'jenkins-Admin_Jobs-ssm-backup-42' })).toBe(
      'ssm-backup-dev-jenkins-Admin_Jobs-ssm-backup-42',
    );
    expect(defaultSessionName('dev', {})).toBe('ssm-backup-dev-cli');
    expect(defaultSessionName('prod', { BUILD_TAG: `x/${'y'.repeat(80)}` })).toHaveLength(64);
  });
});

describe('--role-arn and --account-id on the command line', () => {
  const run = (...args: string[]) =>
    runMain(args, { AWS_REGION: 'us-west-2', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' });

  it('a malformed role ARN is exit 2 before any call', async () => {
    const result = await run('--env', 'dev', '--role-arn', 'arn:aws:iam::111:role/x');
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.stderr).toMatch(/--role-arn 'arn:aws:iam::111:role\/x' is not an IAM role ARN/);
    expect(stsMock.calls()).toHaveLength(0);
  });

  it("a role in another account than the target's is exit 2, before anything is listed", async () => {
    stsMock.on(AssumeRoleCommand).resolves(answer(1, Date.now() + 3_600_000));
    const result = await run('--env', 'dev', '--role-arn', ROLE, '--account-id', '222222222222');
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.stderr).toMatch(/credentials are in account 111111111111 .* not the target's 222222222222/);
    expect(ssmMock.commandCalls(DescribeParametersCommand)).toHaveLength(0);
    expect(ssmMock.commandCalls(GetParametersCommand)).toHaveLength(0);
  });

  it('a role the caller may not assume is a configuration error (exit 2) naming the role', async () => {
    stsMock
      .on(AssumeRoleCommand)
      .rejects(
        Object.assign(new Error('not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
      );
    const result = await run('--env', 'dev', '--role-arn', ROLE);
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.stderr).toContain(`cannot assume ${ROLE} (AccessDenied): check the role's trust policy`);
    expect(ssmMock.commandCalls(DescribeParametersCommand)).toHaveLength(0);
  });

  it('without a role, --account-id checks the caller (GetCallerIdentity)', async () => {
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: '333333333333' });
    const result = await run('--env', 'dev', '--account-id', '222222222222');
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.stderr).toMatch(/credentials are in account 333333333333, not the target's 222222222222/);
  });
});
