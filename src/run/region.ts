import type { RegionClients } from '../aws/clients';
import { type BackupSource, type LoadedBackup, loadBackup, type ScannedBackup, scanBackup } from '../backup/source';
import { BackupStore } from '../backup/store';
import { resolveBucket } from '../ssm/buckets';
import { type CollectResult, collectParameters } from '../ssm/collect';
import type { BackedUpParameter } from '../types';
import type { RunListener } from './events';

/** Where a command works: the one shape every region command is given (built by cli/context.ts). */
export interface RegionScope {
  env: string;
  /** Where the stack keeps its SSM keys, when not in the region itself (--home-region). */
  homeRegion?: string;
  region: string;
  concurrency: number;
  clientsFor: (region: string) => RegionClients;
  listener?: RunListener;
}

/**
 * One region of a command: its clients, its bucket (resolved once, on first use), its backups and its
 * live parameters, each read with the events an operator sees. Commands ask it for what they need;
 * none of them resolves a bucket or collects SSM on its own.
 */
export class RegionSession {
  readonly env: string;
  readonly region: string;
  readonly concurrency: number;
  /** Where the session's events go (the reporter): a command's own events go there too. */
  readonly listener: RunListener;
  private bucketStore?: Promise<BackupStore>;

  constructor(private readonly scope: RegionScope) {
    this.env = scope.env;
    this.region = scope.region;
    this.concurrency = scope.concurrency;
    this.listener = scope.listener ?? (() => {});
  }

  get clients(): RegionClients {
    return this.scope.clientsFor(this.region);
  }

  /** The same command in another region (restore's --source-region): same clients per region, same events. */
  in(region: string): RegionSession {
    return region === this.region ? this : new RegionSession({ ...this.scope, region });
  }

  /** The region's bucket, found through the stack's SSM keys once for the session. */
  store(): Promise<BackupStore> {
    this.bucketStore ??= resolveBucket({
      env: this.env,
      region: this.region,
      homeRegion: this.scope.homeRegion,
      ssm: this.clients.ssm,
    }).then(({ bucket, accountId }) => new BackupStore(this.clients.s3, bucket, accountId));
    return this.bucketStore;
  }

  /** A whole backup, from a file or the bucket, checked (see loadBackup). */
  async load(from: BackupSource): Promise<LoadedBackup> {
    const loaded = await loadBackup(from, this.env, from.kind === 'file' ? undefined : await this.store());
    this.announce(from, loaded.origin, loaded.doc.parameter_count, loaded.checksum);
    return loaded;
  }

  /** A backup streamed parameter by parameter (see scanBackup), so its values are never all held. */
  async scan(from: BackupSource, onParameter: (parameter: BackedUpParameter) => void): Promise<ScannedBackup> {
    const store = from.kind === 'file' ? undefined : await this.store();
    const scanned = await scanBackup(from, this.env, store, onParameter);
    this.announce(from, scanned.origin, scanned.header.parameter_count, scanned.checksum);
    return scanned;
  }

  /** The environment's parameters in SSM now; with tags when the backup compared against has them. */
  async collectLive(withTags: boolean): Promise<CollectResult> {
    const live = await collectParameters({
      ssm: this.clients.ssm,
      env: this.env,
      concurrency: this.concurrency,
      withTags,
      onProgress: (progress) => this.listener({ type: 'progress', region: this.region, ...progress }),
    });
    this.listener({ type: 'live-collected', region: this.region, count: live.parameters.length });
    return live;
  }

  private announce(from: BackupSource, origin: string, count: number, checksum: string): void {
    // A backup chosen by time is named, so the operator sees which one "last Tuesday" meant.
    if (from.kind === 'at') this.listener({ type: 'backup-chosen', origin, at: from.at.toISOString() });
    this.listener({ type: 'backup-loaded', origin, count, checksum });
  }
}
