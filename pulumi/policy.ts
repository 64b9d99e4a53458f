/**
 * The bucket policy: no access without TLS, and no PutObject without the server-side encryption
 * header naming an allowed algorithm (a missing header fails StringNotEquals too, so it is denied).
 */
export function bucketPolicyDocument(bucketArn: string, allowedEncryption: string[]): string {
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
        Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': allowedEncryption } },
      },
    ],
  });
}
