import PQueue from 'p-queue';
import type { StoredObject } from '../backup/store';
import { ConfigurationError, NoBackupError } from '../errors';
import { regionStore, type StoreContext } from './stores';

export interface BackupListing {
  bucket: string;
  latest: string | null;
  /** Newest first, each with its parameter count (object metadata). */
  backups: StoredObject[];
}

/** The backups in a region's bucket, newest first, and where latest.txt points. */
export async function runList(input: StoreContext & { region: string; concurrency: number }): Promise<BackupListing> {
  const store = await regionStore(input, input.region);
  // A latest.txt that names no backup of the environment is shown as none: the listing still helps.
  const [objects, latest] = await Promise.all([
    store.listBackups(input.env),
    store.readLatest(input.env).catch((error: unknown) => {
      if (error instanceof NoBackupError || error instanceof ConfigurationError) return undefined;
      throw error;
    }),
  ]);
  // The parameter count is object metadata: one HEAD per backup, a few at a time.
  const heads = new PQueue({ concurrency: input.concurrency });
  const backups = await Promise.all(objects.map((o) => heads.add(() => store.describe(o.key))));
  return { bucket: store.bucket, latest: latest ?? null, backups };
}
