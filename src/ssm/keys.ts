/** The SSM keys that wire the Pulumi stack to the runner (SPEC section 2). */
export const ssmKeys = {
  regions: (env: string) => `/jenkins/${env}/backup/regions`,
  regionBucket: (env: string, region: string) => `/jenkins/${env}/backup/${region}/s3-bucket-name`,
  legacyBucket: (env: string) => `/jenkins/${env}/backup/s3-bucket-name`,
};
