import {
  GetParametersCommand,
  ListTagsForResourceCommand,
  type Parameter,
  type ParameterMetadata,
  paginateDescribeParameters,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import PQueue from 'p-queue';
import { errorCodeOf, isAwsError } from '../aws/errorKinds';
import { belongsToEnvironment, compareNames, FETCH_BATCH_SIZE, LIST_PAGE_SIZE } from '../contract';
import type { BackedUpParameter } from '../types';

/** What became of one listed name. */
type FetchOutcome =
  | { kind: 'captured'; parameter: BackedUpParameter }
  | { kind: 'vanished'; name: string }
  | { kind: 'undecryptable'; name: string; code: string };

export interface CollectProgress {
  listingDone: boolean;
  listed: number;
  /** Listing pages received (a deadline reads how many names a page brings). */
  listPages: number;
  fetched: number;
}

export interface CollectOptions {
  ssm: SSMClient;
  env: string;
  /** Fetch batches in flight at once. */
  concurrency: number;
  withTags: boolean;
  onProgress?: (progress: CollectProgress) => void;
  /** Stops listing and fetching (calls in flight finish); the collection then rejects with the reason. */
  stop?: AbortSignal;
}

export interface CollectResult {
  /** Captured parameters, sorted by name. */
  parameters: BackedUpParameter[];
  vanished: string[];
  undecryptable: { name: string; code: string }[];
  /** Names that matched the exact rule while listing. */
  listed: number;
  listPages: number;
  fetchBatches: number;
}

/** KMS failures that make a whole GetParameters batch fail; the batch is split to name the culprit. */
const DECRYPT_ERRORS = [
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'InvalidKeyId',
];

function isDecryptFailure(error: unknown): boolean {
  if (isAwsError(error, ...DECRYPT_ERRORS)) return true;
  // A caller without kms:Decrypt on one key gets AccessDenied naming KMS; other AccessDenied is fatal.
  return isAwsError(error, 'AccessDeniedException') && /kms/i.test((error as Error).message);
}

/**
 * Lists the environment's parameters and fetches their values, fetch batches of 10 starting while
 * listing goes on. Server side the listing is filtered on the bare environment word (the service does
 * not promise to take slashes in a Contains filter); the exact `/{env}/` rule is applied here.
 */
export async function collectParameters(options: CollectOptions): Promise<CollectResult> {
  const { ssm, env } = options;
  const metadata = new Map<string, ParameterMetadata>();
  const outcomes: FetchOutcome[] = [];
  const pool = new PQueue({ concurrency: Math.max(1, options.concurrency) });
  const progress: CollectProgress = { listingDone: false, listed: 0, listPages: 0, fetched: 0 };
  let fetchBatches = 0;
  let failure: unknown;

  const report = () => options.onProgress?.({ ...progress });

  const fetchBatch = async (names: string[]): Promise<void> => {
    options.stop?.throwIfAborted();
    fetchBatches++;
    const batch = await fetchWithSplit(ssm, names, metadata);
    if (options.withTags) await addTags(ssm, batch);
    outcomes.push(...batch);
    progress.fetched += names.length;
    report();
  };
  const dispatch = async (names: string[]) => {
    // Backpressure: listing waits while enough batches are queued, so memory stays bounded.
    await pool.onSizeLessThan(options.concurrency * 2);
    pool
      .add(() => fetchBatch(names))
      .catch((error: unknown) => {
        failure ??= error;
        pool.clear();
      });
  };

  let pending: string[] = [];
  const pages = paginateDescribeParameters(
    { client: ssm, pageSize: LIST_PAGE_SIZE },
    { ParameterFilters: [{ Key: 'Name', Option: 'Contains', Values: [env] }] },
  );
  for await (const page of pages) {
    progress.listPages++;
    if (options.stop?.aborted) failure ??= options.stop.reason;
    for (const meta of page.Parameters ?? []) {
      if (!meta.Name || !belongsToEnvironment(meta.Name, env) || metadata.has(meta.Name)) continue;
      metadata.set(meta.Name, meta);
      pending.push(meta.Name);
      progress.listed++;
      if (pending.length === FETCH_BATCH_SIZE) {
        await dispatch(pending);
        pending = [];
      }
    }
    report();
    if (failure) break;
  }
  if (pending.length && !failure) await dispatch(pending);
  progress.listingDone = true;
  report();
  await pool.onIdle();
  if (failure) throw failure;

  const parameters: BackedUpParameter[] = [];
  const vanished: string[] = [];
  const undecryptable: { name: string; code: string }[] = [];
  for (const outcome of outcomes) {
    if (outcome.kind === 'captured') parameters.push(outcome.parameter);
    else if (outcome.kind === 'vanished') vanished.push(outcome.name);
    else undecryptable.push({ name: outcome.name, code: outcome.code });
  }
  parameters.sort((a, b) => compareNames(a.Name, b.Name));
  vanished.sort(compareNames);
  undecryptable.sort((a, b) => compareNames(a.name, b.name));
  return { parameters, vanished, undecryptable, listed: progress.listed, listPages: progress.listPages, fetchBatches };
}

/**
 * One GetParameters call. GetParameters is not atomic: a name deleted since listing comes back in
 * `InvalidParameters`; any name not returned, listed there or not, is vanished, never captured.
 * A decryption failure fails the whole call, so the batch is halved until the culprits are alone.
 */
async function fetchWithSplit(
  ssm: SSMClient,
  names: string[],
  metadata: Map<string, ParameterMetadata>,
): Promise<FetchOutcome[]> {
  try {
    const result = await ssm.send(new GetParametersCommand({ Names: names, WithDecryption: true }));
    const outcomes: FetchOutcome[] = [];
    const returned = new Set<string>();
    for (const parameter of result.Parameters ?? []) {
      if (!parameter.Name) continue;
      returned.add(parameter.Name);
      outcomes.push({
        kind: 'captured',
        parameter: toBackedUp(parameter.Name, parameter, metadata.get(parameter.Name)),
      });
    }
    for (const name of names) if (!returned.has(name)) outcomes.push({ kind: 'vanished', name });
    return outcomes;
  } catch (error) {
    if (!isDecryptFailure(error)) throw error;
    if (names.length === 1) return [{ kind: 'undecryptable', name: names[0], code: errorCodeOf(error) }];
    const middle = Math.ceil(names.length / 2);
    const [left, right] = await Promise.all([
      fetchWithSplit(ssm, names.slice(0, middle), metadata),
      fetchWithSplit(ssm, names.slice(middle), metadata),
    ]);
    return [...left, ...right];
  }
}

async function addTags(ssm: SSMClient, outcomes: FetchOutcome[]): Promise<void> {
  for (const outcome of outcomes) {
    if (outcome.kind !== 'captured') continue;
    const { TagList } = await ssm.send(
      new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: outcome.parameter.Name }),
    );
    outcome.parameter.Tags = (TagList ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
  }
}

/** Merges the value (GetParameters) with the metadata (DescribeParameters), dropping absent fields. */
export function toBackedUp(name: string, parameter: Parameter, meta: ParameterMetadata | undefined): BackedUpParameter {
  const out: BackedUpParameter = {
    Name: name,
    Type: parameter.Type as BackedUpParameter['Type'],
    Value: parameter.Value ?? '',
    Version: parameter.Version,
    LastModifiedDate: toIso(parameter.LastModifiedDate ?? meta?.LastModifiedDate),
    ARN: parameter.ARN,
    DataType: parameter.DataType ?? meta?.DataType,
    Description: meta?.Description,
    KeyId: meta?.KeyId,
    Tier: meta?.Tier as BackedUpParameter['Tier'],
    AllowedPattern: meta?.AllowedPattern,
    Policies: meta?.Policies?.length
      ? meta.Policies.map((p) => ({ PolicyText: p.PolicyText, PolicyType: p.PolicyType, PolicyStatus: p.PolicyStatus }))
      : undefined,
    LastModifiedUser: meta?.LastModifiedUser,
  };
  for (const key of Object.keys(out) as (keyof BackedUpParameter)[]) if (out[key] === undefined) delete out[key];
  return out;
}

function toIso(date: Date | undefined): string | undefined {
  return date ? date.toISOString() : undefined;
}
