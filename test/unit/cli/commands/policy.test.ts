import { ExitCode } from '../../../../src/errors';
import { runMain } from '../../support/cli';

const run = (...args: string[]) => runMain(args);

describe('Command: policy', () => {
  it("prints the duty's document for the account and regions; --no-kms leaves out every key statement", async () => {
    const args = [
      'policy',
      '--duty',
      'backup',
      '--env',
      'dev',
      '--region',
      'us-west-2',
      '--account-id',
      '123456789012',
    ];
    const withKey = await run(...args);
    expect(withKey.code).toBe(ExitCode.Ok);
    const document = JSON.parse(withKey.stdout);
    expect(document.Version).toBe('2012-10-17');
    expect(JSON.stringify(document)).toContain('arn:aws:s3:::jenkins-infra-ssm-backup-dev-123456789012-us-west-2');
    expect(JSON.stringify(document)).toContain('alias/jenkins-infra-ssm-backup-dev');
    const sseS3 = JSON.parse((await run(...args, '--no-kms', '--project-name', 'acme')).stdout);
    expect(JSON.stringify(sseS3)).not.toContain('alias/');
    expect(JSON.stringify(sseS3)).toContain('arn:aws:s3:::acme-ssm-backup-dev-123456789012-us-west-2');
  });
});
