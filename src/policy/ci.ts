import type { Target } from '../targets/targets';
import type { PolicyDocument } from './duties';

/**
 * The CI agent's own policy: it assumes each target's backup role, and does nothing else itself (every
 * read and write happens under the target's role, with the backup duty's policy).
 */
export function ciPolicy(targets: readonly Target[]): PolicyDocument {
  const roles = [...new Set(targets.map((t) => t.roleArn))].sort();
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'AssumeTargetBackupRoles', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: roles }],
  };
}
