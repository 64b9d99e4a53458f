import { roleAccount } from '../aws/assumedRole';
import { isEnvironmentName, isRegionName } from '../contract';
import { ConfigurationError } from '../errors';

/**
 * One target of the organization's nightly backup: an environment in an account, backed up under that
 * account's role, from its home region. The targets file (`backup-targets.json`, reviewed in the
 * repository) lists them; adding an environment or an account is a change to that file alone.
 */
export interface Target {
  environment: string;
  accountId: string;
  roleArn: string;
  homeRegion: string;
  externalId?: string;
  labels?: Record<string, string>;
}

const REQUIRED = ['environment', 'accountId', 'roleArn', 'homeRegion'] as const;
const KEYS = new Set<string>([...REQUIRED, 'externalId', 'labels']);

/**
 * The targets of a file's JSON, checked whole: every problem is named by its entry (`targets[2] (prod
 * in 333333333333)`), and a single bad entry refuses the file, so that the nightly never backs up half
 * of the organization from a file nobody meant.
 */
export function parseTargets(json: unknown, source: string): Target[] {
  const root = json as { targets?: unknown } | null;
  if (!root || typeof root !== 'object' || Array.isArray(root) || !Array.isArray(root.targets))
    throw new ConfigurationError(`${source}: expected { "targets": [ ... ] }`);
  const unknownRoot = Object.keys(root).filter((k) => k !== 'targets' && k !== '$comment');
  if (unknownRoot.length) throw new ConfigurationError(`${source}: unknown key(s) ${unknownRoot.join(', ')}`);
  if (!root.targets.length) throw new ConfigurationError(`${source}: no targets`);
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const targets = root.targets.map((entry, i) => {
    const t = (entry ?? {}) as Record<string, unknown>;
    const named = typeof t.environment === 'string' && typeof t.accountId === 'string';
    const name = `targets[${i}]${named ? ` (${t.environment} in ${t.accountId})` : ''}`;
    const wrong = (why: string) => problems.push(`${name}: ${why}`);
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      wrong('not an object');
      return undefined;
    }
    for (const key of Object.keys(t)) if (!KEYS.has(key)) wrong(`unknown key '${key}'`);
    for (const key of REQUIRED)
      if (typeof t[key] !== 'string' || !(t[key] as string).trim()) wrong(`${key} is required`);
    const { environment, accountId, roleArn, homeRegion, externalId, labels } = t as Record<string, string>;
    if (typeof environment === 'string' && environment && !isEnvironmentName(environment))
      wrong(`environment '${environment}' may only hold letters, digits, '_', '.' and '-'`);
    if (typeof accountId === 'string' && accountId && !/^\d{12}$/.test(accountId))
      wrong(`accountId '${accountId}' is not a 12-digit AWS account id`);
    if (typeof roleArn === 'string' && roleArn) {
      const account = roleAccount(roleArn);
      if (!account) wrong(`roleArn '${roleArn}' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)`);
      else if (account !== accountId) wrong(`roleArn is in account ${account}, not the target's ${accountId}`);
    }
    if (typeof homeRegion === 'string' && homeRegion && !isRegionName(homeRegion))
      wrong(`homeRegion '${homeRegion}' is not an AWS region name`);
    // IAM's own grammar for an external id; it also keeps the value safe on a shell command line.
    if (externalId !== undefined && (typeof externalId !== 'string' || !/^[\w+=,.@:/-]{2,1224}$/.test(externalId)))
      wrong('externalId must be 2-1224 of letters, digits and +=,.@:/-');
    if (
      labels !== undefined &&
      (typeof labels !== 'object' ||
        labels === null ||
        Array.isArray(labels) ||
        Object.values(labels).some((v) => typeof v !== 'string'))
    )
      wrong('labels must be an object of strings');
    const key = `${environment} ${accountId}`;
    if (seen.has(key)) wrong(`the same environment and account as targets[${seen.get(key)}]`);
    else seen.set(key, i);
    return {
      environment,
      accountId,
      roleArn,
      homeRegion,
      ...(externalId ? { externalId } : {}),
      ...(labels ? { labels: labels as unknown as Record<string, string> } : {}),
    } as Target;
  });
  if (problems.length) throw new ConfigurationError(`${source} is not a valid targets file: ${problems.join('; ')}`);
  return targets as Target[];
}
