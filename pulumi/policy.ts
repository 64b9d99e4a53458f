import { partitionOf, serviceHost } from '../src/policy/duties';

/**
 * The bucket policy: no access without TLS; no PutObject without the server-side encryption header
 * naming an allowed algorithm (a missing header fails StringNotEquals too, so it is denied); and, with a
 * backup key, no backup object (every key in a folder; latest.txt has none) encrypted any other way.
 */
export function bucketPolicyDocument(bucketArn: string, options: { backupKeyArn?: string }): string {
  const key = options.backupKeyArn;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureConnections',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'DenyUnencryptedObjectUploads',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: `${bucketArn}/*`,
        Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': key ? ['AES256', 'aws:kms'] : ['AES256'] } },
      },
      ...(key
        ? [
            {
              Sid: 'DenyBackupsWithoutTheBackupKey',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:PutObject',
              Resource: `${bucketArn}/*/*`,
              Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': key } },
            },
          ]
        : []),
    ],
  });
}

/**
 * The backup key's policy: the account's IAM policies decide who uses it (the duties' policies), as
 * with the default key policy; and nobody decrypts with it except through S3 in its region, so a
 * backup's ciphertext taken out of S3 stays sealed.
 */
export function keyPolicyDocument(accountId: string, region: string) {
  const partition = partitionOf(region).name;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'EnableIamPolicies',
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'DecryptOnlyThroughS3',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { StringNotEquals: { 'kms:ViaService': serviceHost('s3', region) } },
      },
    ],
  };
}
