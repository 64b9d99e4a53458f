import type { RegionClients } from '../aws/clients';
import { loadBackup, type BackupSource, type LoadedBackup } from '../backup/source';
import { BackupStore } from '../backup/store';
import { resolveBucket } from '../ssm/buckets';

/** What the commands that read backups (restore, verify, list) share: where a region's backups are. */
export interface StoreContext {
  env: string;
  homeRegion?: string;
  clientsFor: (region: string) => RegionClients;
}

export async function regionStore(context: StoreContext, region: string): Promise<BackupStore> {
  const clients = context.clientsFor(region);
  const { bucket } = await resolveBucket({ env: context.env, region, homeRegion: context.homeRegion, ssm: clients.ssm });
  return new BackupStore(clients.s3, bucket);
}

/** Reads a backup from a file, or from the region's bucket (whose store is returned for further use). */
export async function loadFromRegion(context: StoreContext, from: BackupSource, region: string): Promise<{ loaded: LoadedBackup; store?: BackupStore }> {
  if (from.kind === 'file') return { loaded: await loadBackup(from, context.env) };
  const store = await regionStore(context, region);
  return { loaded: await loadBackup(from, context.env, store), store };
}
