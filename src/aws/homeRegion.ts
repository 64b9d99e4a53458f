import { loadSharedConfigFiles } from '@smithy/core/config';
import { isRegionName } from '../contract';
import { ConfigurationError } from '../errors';

type HomeRegionSource = '--home-region' | 'AWS_REGION' | 'AWS_DEFAULT_REGION' | `profile ${string}`;

export interface HomeRegion {
  region: string;
  source: HomeRegionSource;
}

/**
 * The home region as the AWS tools find theirs: `--home-region`, `AWS_REGION`, `AWS_DEFAULT_REGION`,
 * then the `region` of the active profile in the shared config file. Undefined when none is set:
 * commands that need it say so; commands given their regions explicitly do not need it.
 */
export async function findHomeRegion(args: {
  option?: string;
  profile?: string;
  env: NodeJS.ProcessEnv;
}): Promise<HomeRegion | undefined> {
  const candidates: [string | undefined, HomeRegionSource][] = [
    [args.option, '--home-region'],
    [args.env.AWS_REGION, 'AWS_REGION'],
    [args.env.AWS_DEFAULT_REGION, 'AWS_DEFAULT_REGION'],
  ];
  const named = candidates.find(([value]) => value?.trim());
  if (named && !args.profile && !args.env.AWS_PROFILE)
    return checked({ region: (named[0] ?? '').trim(), source: named[1] });
  const profile = args.profile ?? args.env.AWS_PROFILE ?? 'default';
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  // A profile asked for by name must exist: "no credentials" later would hide the typo.
  if ((args.profile || args.env.AWS_PROFILE) && !configFile[profile] && !credentialsFile[profile]) {
    throw new ConfigurationError(
      `unknown AWS profile '${profile}' (from ${args.profile ? '--profile' : 'AWS_PROFILE'}): it is in neither ` +
        'the shared config file nor the credentials file (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE)',
    );
  }
  if (named) return checked({ region: (named[0] ?? '').trim(), source: named[1] });
  const region = configFile[profile]?.region?.trim();
  return region ? checked({ region, source: `profile ${profile}` }) : undefined;
}

function checked(home: HomeRegion): HomeRegion {
  if (!isRegionName(home.region))
    throw new ConfigurationError(`home region from ${home.source}: '${home.region}' is not an AWS region name`);
  return home;
}
