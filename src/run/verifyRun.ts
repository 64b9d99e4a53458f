import type { RegionClients } from '../aws/clients';
import { timestampToDate } from '../backup/document';
import type { BackupSource, LoadedBackup } from '../backup/source';
import type { BackupStore } from '../backup/store';
import { planRestore } from '../restore/plan';
import type { Difference } from '../restore/compare';
import { collectParameters } from '../ssm/collect';
import { loadFromRegion, regionStore } from './restoreRun';

export interface VerifyInput {
  env: string;
  homeRegion: string;
  region: string;
  from: BackupSource;
  againstLive: boolean;
  maxAgeMs?: number;
  concurrency: number;
  clientsFor: (region: string) => RegionClients;
  now?: () => Date;
}

export interface VerifyReport {
  origin: string;
  parameterCount: number;
  bytes: number;
  sha256: string;
  checksum: string;
  backupTime: string;
  drift?: { missing: string[]; extra: string[]; changed: { name: string; differences: Difference[] }[] };
  age?: { newestKey: string; hours: number; maxHours: number };
  /** Reasons the check failed; empty when everything held. */
  problems: string[];
}

/**
 * Integrity (checksum, parse, count, environment) throws; drift and age are reported as problems, so
 * the report is always complete when it fails.
 */
export async function runVerify(input: VerifyInput): Promise<VerifyReport> {
  const now = input.now ?? (() => new Date());
  const { loaded, store } = await loadFromRegion(input, input.region);
  const report: VerifyReport = {
    origin: loaded.origin,
    parameterCount: loaded.doc.parameter_count,
    bytes: loaded.bytes,
    sha256: loaded.sha256Hex,
    checksum: loaded.checksum,
    backupTime: timestampToDate(loaded.doc.backup_timestamp)?.toISOString() ?? loaded.doc.backup_timestamp,
    problems: [],
  };
  const clients = input.clientsFor(input.region);

  if (input.maxAgeMs !== undefined) {
    const newestKey = (await newestBackupKey(input, loaded, store)) ?? '(none)';
    const taken = timestampToDate(/(\d{8}_\d{6})\.json$/.exec(newestKey)?.[1]);
    const hours = taken ? (now().getTime() - taken.getTime()) / 3_600_000 : Infinity;
    report.age = { newestKey, hours: Math.round(hours * 10) / 10, maxHours: input.maxAgeMs / 3_600_000 };
    if (hours * 3_600_000 > input.maxAgeMs) report.problems.push(`the newest backup (${newestKey}) is ${taken ? `${report.age.hours} h` : 'missing or unreadable'} old; at most ${report.age.maxHours} h allowed`);
  }

  if (input.againstLive) {
    const backup = loaded.doc.parameters;
    const live = await collectParameters({ ssm: clients.ssm, env: input.env, concurrency: input.concurrency, withTags: backup.some((p) => p.Tags) });
    const plan = planRestore({ environment: input.env, source: loaded.origin, backup, live: live.parameters, sourceRegion: input.region, targetRegion: input.region, accountId: '' });
    const drift = {
      missing: plan.entries.filter((e) => e.action === 'create').map((e) => e.name),
      extra: plan.extra,
      changed: plan.entries.flatMap((e) => (e.action === 'update' ? [{ name: e.name, differences: e.differences }] : [])),
    };
    report.drift = drift;
    if (drift.missing.length || drift.extra.length || drift.changed.length) {
      report.problems.push(`drift against live SSM in ${input.region}: ${drift.missing.length} missing, ${drift.extra.length} extra, ${drift.changed.length} changed`);
    }
  }
  return report;
}

/** When the backup just read was `latest`, its key is the newest; otherwise latest.txt says. */
async function newestBackupKey(input: VerifyInput, loaded: LoadedBackup, store: BackupStore | undefined): Promise<string | undefined> {
  if (input.from.kind === 'latest') return loaded.key;
  return (store ?? (await regionStore(input, input.region))).readLatest();
}
