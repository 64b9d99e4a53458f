import type { RegionClients } from '../aws/clients';
import { type BackupSource, type LoadedBackup, loadBackup, type ScannedBackup, scanBackup } from '../backup/source';
import { BackupStore } from '../backup/store';
import { resolveBucket } from '../ssm/buckets';
import type { BackedUpParameter } from '../types';
import type { RunListener } from './events';

/** What the commands that read backups (restore, verify, list) share: where a region's backups are. */
export interface StoreContext {
  env: string;
  homeRegion?: string;
  clientsFor: (region: string) => RegionClients;
}

export async function regionStore(context: StoreContext, region: string): Promise<BackupStore> {
  const clients = context.clientsFor(region);
  const { bucket, accountId } = await resolveBucket({
    env: context.env,
    region,
    homeRegion: context.homeRegion,
    ssm: clients.ssm,
  });
  return new BackupStore(clients.s3, bucket, accountId);
}

/** Reads a backup from a file, or from the region's bucket (whose store is returned for further use). */
export async function loadFromRegion(
  context: StoreContext & { listener?: RunListener },
  from: BackupSource,
  region: string,
): Promise<{ loaded: LoadedBackup; store?: BackupStore }> {
  if (from.kind === 'file') return { loaded: await loadBackup(from, context.env) };
  const store = await regionStore(context, region);
  const loaded = await loadBackup(from, context.env, store);
  // A backup chosen by time is named, so the operator sees which one "last Tuesday" meant.
  if (from.kind === 'at')
    context.listener?.({ type: 'backup-chosen', origin: loaded.origin, at: from.at.toISOString() });
  return { loaded, store };
}

/** Streams a backup (see scanBackup) from a file or the region's bucket, parameter by parameter. */
export async function scanFromRegion(
  context: StoreContext & { listener?: RunListener },
  from: BackupSource,
  region: string,
  onParameter: (parameter: BackedUpParameter) => void,
): Promise<ScannedBackup> {
  const store = from.kind === 'file' ? undefined : await regionStore(context, region);
  const scanned = await scanBackup(from, context.env, store, onParameter);
  if (from.kind === 'at')
    context.listener?.({ type: 'backup-chosen', origin: scanned.origin, at: from.at.toISOString() });
  return scanned;
}
