import {
  AddTagsToResourceCommand,
  PutParameterCommand,
  type PutParameterCommandInput,
  RemoveTagsFromResourceCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import PQueue from 'p-queue';
import { errorCodeOf } from '../aws/errorKinds';
import { compareNames } from '../contract';
import { InterruptedError } from '../errors';
import { dataTypeOf, storedTier } from '../parameterFields';
import type { BackedUpParameter } from '../types';
import type { PlanEntry, RestorePlan } from './plan';

export interface ApplyOptions {
  ssm: SSMClient;
  plan: RestorePlan;
  backup: BackedUpParameter[];
  live: BackedUpParameter[];
  overwrite: boolean;
  /** Writes in flight at once. Their pace (`--write-rps`) is the region's pacer's, under `ssm`. */
  concurrency: number;
  onProgress?: (done: number, total: number) => void;
  /** Aborted on SIGINT/SIGTERM: no write starts after it; the writes in flight are waited for. */
  signal?: AbortSignal;
}

export interface ApplyResult {
  created: string[];
  updated: string[];
  skipped: string[];
  failed: { name: string; code: string }[];
  /** Writes never sent because the run was interrupted. */
  notSent: string[];
  /** The signal that interrupted the writes, if one did. */
  interrupted?: 'SIGINT' | 'SIGTERM';
}

/**
 * Writes the plan: creates, and updates only with `overwrite`. A failed parameter is recorded by name
 * (with the service's error code, never its message, which may echo the value) and the rest go on.
 */
export async function applyPlan(options: ApplyOptions): Promise<ApplyResult> {
  const backup = new Map(options.backup.map((p) => [p.Name, p]));
  const live = new Map(options.live.map((p) => [p.Name, p]));
  const result: ApplyResult = { created: [], updated: [], skipped: [], failed: [], notSent: [] };
  const { signal } = options;
  // Only creates and (with overwrite) updates are written; skipped entries never are.
  const writes = options.plan.entries.filter(
    (e): e is WriteEntry => e.action === 'create' || (e.action === 'update' && options.overwrite),
  );
  result.skipped = options.plan.entries.filter((e) => e.action === 'update' && !options.overwrite).map((e) => e.name);
  const queue = new PQueue({ concurrency: Math.max(1, options.concurrency) });
  let done = 0;
  const sent = new Set<string>();
  // After an interruption the writes still queued return at once, unsent; those the pacer holds back
  // fail as interrupted before they are sent; the ones on the wire are waited for, for their answers.
  await Promise.all(
    writes.map((entry) =>
      queue.add(async () => {
        if (signal?.aborted) return;
        sent.add(entry.name);
        let written = false;
        try {
          const parameter = backup.get(entry.name);
          // The plan was made from this backup: every planned name is in it.
          if (!parameter) throw new Error(`${entry.name} is planned but not in the backup`);
          await write(options.ssm, entry, parameter, live.get(entry.name), () => {
            written = true;
          });
          (entry.action === 'create' ? result.created : result.updated).push(entry.name);
        } catch (error) {
          // Held back by the pacer when the signal came: never sent, so not a failure. Once the
          // parameter itself was written, an interrupted tag update is a failure of that parameter.
          if (error instanceof InterruptedError && !written) sent.delete(entry.name);
          else result.failed.push({ name: entry.name, code: errorCodeOf(error) });
        }
        options.onProgress?.(++done, writes.length);
      }),
    ),
  );
  if (signal?.aborted) {
    result.interrupted = InterruptedError.of(signal).signal;
    result.notSent = writes.map((e) => e.name).filter((name) => !sent.has(name));
  }
  for (const list of [result.created, result.updated, result.notSent]) list.sort(compareNames);
  result.failed.sort((a, b) => compareNames(a.name, b.name));
  return result;
}

type WriteEntry = Extract<PlanEntry, { action: 'create' | 'update' }>;

async function write(
  ssm: SSMClient,
  entry: WriteEntry,
  parameter: BackedUpParameter,
  current: BackedUpParameter | undefined,
  onWritten: () => void,
): Promise<void> {
  const create = entry.action === 'create';
  const input: PutParameterCommandInput = {
    Name: parameter.Name,
    Value: parameter.Value,
    Type: parameter.Type,
    Description: parameter.Description ?? '',
    Tier: storedTier(parameter),
    DataType: dataTypeOf(parameter),
    ...(parameter.AllowedPattern ? { AllowedPattern: parameter.AllowedPattern } : {}),
    ...(parameter.Policies?.length ? { Policies: policiesInput(parameter) } : {}),
    ...(parameter.Type === 'SecureString' && entry.kms?.keyId ? { KeyId: entry.kms.keyId } : {}),
    // PutParameter refuses Tags together with Overwrite: tags on an update go through AddTagsToResource.
    ...(create ? { Tags: parameter.Tags?.length ? parameter.Tags : undefined } : { Overwrite: true }),
  };
  await ssm.send(new PutParameterCommand(input));
  onWritten();
  if (!create && parameter.Tags) await syncTags(ssm, parameter, current);
}

/** The listed form ([{PolicyText, ...}]) back to the JSON array string PutParameter takes. */
export function policiesInput(parameter: BackedUpParameter): string {
  return JSON.stringify((parameter.Policies ?? []).map((p) => JSON.parse(p.PolicyText ?? '{}')));
}

async function syncTags(
  ssm: SSMClient,
  parameter: BackedUpParameter,
  current: BackedUpParameter | undefined,
): Promise<void> {
  const wanted = parameter.Tags ?? [];
  const stale = (current?.Tags ?? []).filter((t) => !wanted.some((w) => w.Key === t.Key)).map((t) => t.Key);
  if (stale.length)
    await ssm.send(
      new RemoveTagsFromResourceCommand({ ResourceType: 'Parameter', ResourceId: parameter.Name, TagKeys: stale }),
    );
  if (wanted.length)
    await ssm.send(
      new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: parameter.Name, Tags: wanted }),
    );
}
