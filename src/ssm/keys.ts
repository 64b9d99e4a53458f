/** The SSM keys that wire the Pulumi stack to the runner (SPEC section 2). */
export const ssmKeys = {
  regions: (env: string) => `/jenkins/${env}/backup/regions`,
  regionBucket: (env: string, region: string) => `/jenkins/${env}/backup/${region}/s3-bucket-name`,
  legacyBucket: (env: string) => `/jenkins/${env}/backup/s3-bucket-name`,
};

/** The runner's own wiring keys also live under `/jenkins/{env}/` and are backed up like any other. */
export function isWiringKey(name: string, env: string): boolean {
  if (name === ssmKeys.regions(env) || name === ssmKeys.legacyBucket(env)) return true;
  const prefix = `/jenkins/${env}/backup/`;
  const suffix = '/s3-bucket-name';
  if (!name.startsWith(prefix) || !name.endsWith(suffix)) return false;
  const region = name.slice(prefix.length, -suffix.length);
  return /^[a-z0-9-]+$/.test(region);
}
