/**
 * The SDK packages a command may not need, loaded on first use: the first SSM calls go out before S3
 * (the largest client) is loaded, and a command that never writes metrics never loads CloudWatch.
 * SSM itself is imported as usual. Every lazy load goes through here, in one style.
 */
export const lazySdk = {
  s3: () => require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3'),
  sts: () => require('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts'),
  cloudwatch: () => require('@aws-sdk/client-cloudwatch') as typeof import('@aws-sdk/client-cloudwatch'),
};
