import { ciPolicy } from '../../../src/policy/ci';
import type { Target } from '../../../src/targets/targets';

describe('Function: ciPolicy', () => {
  it('names each role once, sorted, whatever the order and repetition of the targets', () => {
    const target = (roleArn: string) => ({ roleArn }) as Target;
    const roles = ['arn:aws:iam::222222222222:role/b', 'arn:aws:iam::111111111111:role/a'];
    expect(ciPolicy([target(roles[0]!), target(roles[1]!), target(roles[0]!)]).Statement).toEqual([
      { Sid: 'AssumeTargetBackupRoles', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: [roles[1], roles[0]] },
    ]);
  });
});
