import type { RegionClients } from '../aws/clients';
import type { BackupSource } from '../backup/source';
import { BackupStore } from '../backup/store';
import { planRestore } from '../restore/plan';
import type { Difference } from '../restore/compare';
import { resolveBucket } from '../ssm/buckets';
import { collectParameters } from '../ssm/collect';
import { loadFromRegion } from './restoreRun';

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
  const loaded = await loadFromRegion(input, input.region);
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
    const store = new BackupStore(clients.s3, await resolveBucket({ env: input.env, region: input.region, homeRegion: input.homeRegion, ssm: clients.ssm }));
    const newestKey = (await store.readLatest()) ?? '(none)';
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

/** `YYYYMMDD_HHMMSS` (UTC) to a Date. */
export function timestampToDate(timestamp: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})$/.exec(timestamp ?? '');
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}
