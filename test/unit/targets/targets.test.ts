import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '../../../src/errors';
import { ciPolicy } from '../../../src/policy/ci';
import { parseTargets } from '../../../src/targets/targets';
import { runMain } from '../support/cli';

const good = {
  environment: 'dev',
  accountId: '111111111111',
  roleArn: 'arn:aws:iam::111111111111:role/jenkins-infra-ssm-backup-dev-backup',
  homeRegion: 'ap-northeast-1',
};
const EXAMPLE = join(__dirname, '..', '..', '..', 'backup-targets.json');

describe('Function: parseTargets', () => {
  it("reads the repository's targets file", () => {
    const targets = parseTargets(JSON.parse(readFileSync(EXAMPLE, 'utf8')), 'example');
    expect(targets.map((t) => `${t.environment}@${t.accountId}`)).toEqual(['dev@111111111111', 'prod@222222222222']);
    expect(targets[1]).toMatchObject({ externalId: 'ssm-backup-prod', labels: { tier: 'critical' } });
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', [], /expected \{ "targets": \[ \.\.\. \] \}/],
    ['no targets', { targets: [] }, /no targets/],
    ['an unknown root key', { targets: [good], extra: 1 }, /unknown key\(s\) extra/],
    [
      'an unknown key',
      { targets: [{ ...good, rolArn: 'x' }] },
      /targets\[0\] \(dev in 111111111111\): unknown key 'rolArn'/,
    ],
    [
      'a missing role',
      { targets: [{ ...good, roleArn: undefined }] },
      /targets\[0\] \(dev in 111111111111\): roleArn is required/,
    ],
    [
      'a malformed account',
      { targets: [{ ...good, accountId: '1234' }] },
      /targets\[0\] \(dev in 1234\): accountId '1234' is not a 12-digit/,
    ],
    [
      'a malformed role ARN',
      { targets: [{ ...good, roleArn: 'arn:aws:iam::111111111111:user/x' }] },
      /is not an IAM role ARN/,
    ],
    [
      "a role in another account than the target's",
      { targets: [{ ...good, roleArn: good.roleArn.replace('111111111111', '999999999999') }] },
      /roleArn is in account 999999999999, not the target's 111111111111/,
    ],
    ['a bad environment', { targets: [{ ...good, environment: 'de v' }] }, /environment 'de v' may only hold/],
    [
      'a bad home region',
      { targets: [{ ...good, homeRegion: 'Tokyo' }] },
      /homeRegion 'Tokyo' is not an AWS region name/,
    ],
    [
      'labels that are not strings',
      { targets: [{ ...good, labels: { n: 1 } }] },
      /labels must be an object of strings/,
    ],
    [
      'the same environment and account twice',
      { targets: [good, { ...good, homeRegion: 'us-west-2' }] },
      /targets\[1\] \(dev in 111111111111\): the same environment and account as targets\[0\]/,
    ],
  ])('refuses %s, naming the entry', (_, json, message) => {
    expect(() => parseTargets(json, 'backup-targets.json')).toThrow(message);
  });

  it('names every bad entry at once, so one review fixes the file', () => {
    const json = { targets: [{ ...good, accountId: 'x' }, good, { ...good, environment: 'prod', homeRegion: 'mars' }] };
    expect(() => parseTargets(json, 'f')).toThrow(
      /targets\[0\].*; targets\[2\] \(prod in 111111111111\): homeRegion 'mars'/,
    );
  });
});

describe('Function: ciPolicy', () => {
  it("the agent may assume exactly the targets' roles, nothing else", () => {
    const targets = parseTargets(JSON.parse(readFileSync(EXAMPLE, 'utf8')), 'example');
    expect(ciPolicy(targets)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AssumeTargetBackupRoles',
          Effect: 'Allow',
          Action: ['sts:AssumeRole'],
          Resource: [
            'arn:aws:iam::111111111111:role/jenkins-infra-ssm-backup-dev-backup',
            'arn:aws:iam::222222222222:role/jenkins-infra-ssm-backup-prod-backup',
          ],
        },
      ],
    });
  });
});

describe('Commands: targets --check and policy --duty ci', () => {
  const run = (...args: string[]) => runMain(args, {});

  it('targets --check lists each target; without it, the targets as JSON', async () => {
    const checked = await run('targets', '--check', '--file', EXAMPLE);
    expect(checked.code).toBe(ExitCode.Ok);
    expect(checked.stdout).toContain(
      'prod in 222222222222 as arn:aws:iam::222222222222:role/jenkins-infra-ssm-backup-prod-backup',
    );
    const listed = await run('targets', '--file', EXAMPLE);
    expect(JSON.parse(listed.stdout)).toHaveLength(2);
  });

  it('a bad file is exit 2 naming the entry; a missing one too', async () => {
    const bad = join(tmpdir(), `targets-${process.pid}.json`);
    writeFileSync(bad, JSON.stringify({ targets: [{ ...good, accountId: '42' }] }));
    const result = await run('targets', '--check', '--file', bad);
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.stderr).toMatch(/targets\[0\] \(dev in 42\): accountId '42' is not a 12-digit/);
    expect((await run('targets', '--file', '/nonexistent/t.json')).code).toBe(ExitCode.Usage);
  });

  it('policy --duty ci prints the agent policy for the file', async () => {
    const result = await run('policy', '--duty', 'ci', '--targets-file', EXAMPLE);
    expect(result.code).toBe(ExitCode.Ok);
    expect(JSON.parse(result.stdout).Statement[0].Action).toEqual(['sts:AssumeRole']);
  });
});
