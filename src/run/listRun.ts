import PQueue from 'p-queue';
import type { StoredObject } from '../backup/store';
import { ConfigurationError, NoBackupError } from '../errors';
import type { RegionSession } from './region';

export interface BackupListing {
  bucket: string;
  latest: string | null;
  /** Newest first, each with its parameter count (object metadata). */
  backups: StoredObject[];
}

/** The backups in a region's bucket, newest first, and where latest.txt points. */
export async function runList(session: RegionSession): Promise<BackupListing> {
  const store = await session.store();
  // A latest.txt that names no backup of the environment is shown as none: the listing still helps.
  const [objects, latest] = await Promise.all([
    store.listBackups(session.env),
    store.readLatest(session.env).catch((error: unknown) => {
      if (error instanceof NoBackupError || error instanceof ConfigurationError) return undefined;
      throw error;
    }),
  ]);
  // The parameter count is object metadata: one HEAD per backup, a few at a time.
  const heads = new PQueue({ concurrency: session.concurrency });
  const backups = await Promise.all(objects.map((o) => heads.add(() => store.describe(o.key))));
  return { bucket: store.bucket, latest: latest ?? null, backups };
}
