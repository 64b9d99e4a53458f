import { compareNames } from '../contract';
import { count } from '../count';
import type { FieldChange } from '../history/diff';
import type { ApplyResult } from '../restore/apply';
import type { RestorePlan, SkipReason } from '../restore/plan';
import type { DiffReport } from '../run/diffRun';
import type { RunSummary } from '../run/events';
import type { HistoryReport } from '../run/historyRun';
import type { BackupListing } from '../run/listRun';
import type { VerifyReport } from '../run/verifyRun';
import { DURATION_UNITS } from './options';

/** Formatting for people, in one place; the core hands over data, never sentences. */

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

const SKIP_REASONS: Record<SkipReason, string> = {
  'outside-environment': 'outside the environment; never written',
  'runner-key': "the backup stack's own key; restored only with --include-runner-keys",
};

/** The plan as lines a person reads: one per parameter that would change or is skipped, then the totals. */
export function formatPlan(plan: RestorePlan, options: { overwrite: boolean }): string[] {
  const lines = [`restore plan: ${plan.source} -> ${plan.targetRegion} (environment ${plan.environment})`];
  for (const entry of plan.entries) {
    switch (entry.action) {
      case 'unchanged':
        continue;
      case 'skipped':
        lines.push(`  SKIPPED   ${entry.name} (${SKIP_REASONS[entry.reason]})`);
        continue;
      case 'create':
      case 'update': {
        const kms =
          entry.kms?.kind === 'replaced'
            ? `; kms: ${entry.kms.reason} replaced by ${entry.kms.keyId ?? 'the account default key'}`
            : '';
        if (entry.action === 'create') lines.push(`  CREATE    ${entry.name}${kms}`);
        else
          lines.push(
            `  UPDATE    ${entry.name} ` +
              `(${entry.differences.join(', ')})${kms}${options.overwrite ? '' : ' [skipped without --overwrite]'}`,
          );
      }
    }
  }
  for (const name of plan.extra) lines.push(`  EXTRA     ${name} (not in the backup; left alone)`);
  const { create, update, unchanged, skipped, extra } = plan.counts;
  lines.push(`  ${create} to create, ${update} to update, ${unchanged} unchanged, ${skipped} skipped, ${extra} extra`);
  return lines;
}

/** Why a verify failed, one sentence per failure. */
export function formatVerifyFailures(report: VerifyReport, region: string): string[] {
  const { age, drift } = report;
  return report.failures.map((failure) => {
    if (failure === 'too-old' && age) {
      return (
        `the newest backup (${age.newestKey}) is ${formatDuration(age.ageMs)} old; at most ` +
        `${formatDuration(age.maxAgeMs)} allowed`
      );
    }
    const { missing, extra, changed } = drift ?? { missing: [], extra: [], changed: [] };
    const note = report.strict || !extra.length ? '' : ' (extra parameters alone do not fail without --strict)';
    return (
      `drift against live SSM in ${region}: ${missing.length} missing, ${extra.length} extra, ` +
      `${changed.length} changed${note}`
    );
  });
}

/** The one-line verdict that ends a verify's output. */
export function formatVerifyVerdict(report: VerifyReport, problems: readonly string[]): string {
  if (problems.length) return `FAILED: ${problems.join('; ')}`;
  const extra = report.drift?.extra.length ? `, ${report.drift.extra.length} extra (not failing without --strict)` : '';
  const checked = report.mode === 'metadata' ? "checks out in S3's record (not read)" : 'checks out';
  const drift = report.drift ? `, no missing or changed parameter${extra}` : '';
  return `OK: ${report.origin} ${checked}${drift}`;
}

/** A region's backups, newest first, as `list` shows them: * marks the one latest.txt points at. */
export function formatListing(listing: BackupListing): string[] {
  const lines = [`s3://${listing.bucket} (${count(listing.backups.length, 'backup')})`];
  for (const row of listing.backups) {
    const mark = row.key === listing.latest ? '*' : ' ';
    const time = row.lastModified?.toISOString().replace('.000Z', 'Z') ?? '-';
    const parameters = row.parameterCount === undefined ? '- parameters' : count(row.parameterCount, 'parameter');
    lines.push(`${mark} ${row.key}  ${time}  ${formatBytes(row.size).padStart(10)}  ${parameters}`);
  }
  if (listing.latest && !listing.backups.some((r) => r.key === listing.latest))
    lines.push(`! latest.txt points at ${listing.latest}, which is not in the bucket`);
  return lines;
}

/** What a restore wrote, in one line: created, updated, skipped and failed. */
export function formatApplied(applied: ApplyResult): string {
  return (
    `${applied.created.length} created, ${applied.updated.length} updated, ` +
    `${count(applied.skipped.length, 'update')} skipped (no --overwrite), ` +
    `${applied.failed.length} failed`
  );
}

export function formatVerifyReport(report: VerifyReport): string[] {
  const encryption = report.encryption
    ? `, ${report.encryption.kind}${report.encryption.keyId ? ` ${report.encryption.keyId}` : ''}`
    : '';
  const lines = [
    `${report.origin}: ${count(report.parameterCount, 'parameter')}, ${count(report.bytes, 'byte')}, ` +
      `sha256 ${report.sha256} ` +
      `(S3 checksum ${report.checksum})${encryption}, taken ${report.backupTime}`,
  ];
  if (report.age)
    lines.push(
      `newest backup ${report.age.newestKey}: ${formatDuration(report.age.ageMs)} old (at most ` +
        `${formatDuration(report.age.maxAgeMs)})`,
    );
  if (report.drift) {
    for (const name of report.drift.missing) lines.push(`  MISSING   ${name} (in the backup, not in SSM)`);
    for (const name of report.drift.extra) lines.push(`  EXTRA     ${name} (in SSM, not in the backup)`);
    for (const c of report.drift.changed) lines.push(`  CHANGED   ${c.name} (${c.differences.join(', ')})`);
  }
  return lines;
}

/** A changed field as people read it: `value changed`, `tier Standard -> Advanced`, `policies`. */
function formatChange(change: FieldChange, showHashes: boolean): string {
  switch (change.field) {
    case 'value':
      return showHashes ? `value changed (${change.from} -> ${change.to})` : 'value changed';
    case 'type':
    case 'description':
    case 'tier':
    case 'data-type':
      return `${change.field} ${JSON.stringify(change.from)} -> ${JSON.stringify(change.to)}`;
    default:
      return `${change.field} changed`;
  }
}

export function formatDiff(report: DiffReport, options: { showHashes: boolean }): string[] {
  const lines = [`diff ${report.from.origin} (${report.from.takenAt}) -> ${report.to.origin} (${report.to.takenAt})`];
  for (const entry of report.entries) {
    const hash = options.showHashes && entry.kind !== 'changed' ? ` (${entry.valueHash})` : '';
    if (entry.kind === 'added') lines.push(`  ADDED     ${entry.name}${hash}`);
    else if (entry.kind === 'removed') lines.push(`  REMOVED   ${entry.name}${hash}`);
    else
      lines.push(
        `  CHANGED   ${entry.name}: ${entry.changes.map((c) => formatChange(c, options.showHashes)).join('; ')}`,
      );
  }
  const { added, removed, changed } = report.counts;
  lines.push(report.entries.length ? `  ${added} added, ${removed} removed, ${changed} changed` : '  no differences');
  return lines;
}

export function formatHistory(report: HistoryReport, options: { showHashes: boolean }): string[] {
  const lines = [
    `history of ${report.name} in s3://${report.bucket} (${count(report.backupsRead, 'backup')} read, ` +
      `${report.lines.length} ${report.lines.length === 1 ? 'holds' : 'hold'} it)`,
  ];
  // The lines and the backups it went missing from, in time order.
  const gone = report.absences.map((a) => ({
    takenAt: a.takenAt,
    text: `  ${a.takenAt}  GONE: not in this backup (deleted or renamed since the one before)  [${a.key}]`,
  }));
  const held = report.lines.map((line) => ({ takenAt: line.takenAt, text: historyLine(line, options) }));
  for (const entry of [...held, ...gone].sort((a, b) => compareNames(a.takenAt, b.takenAt))) lines.push(entry.text);
  if (!report.lines.length) lines.push('  no backup holds it');
  return lines;
}

function historyLine(line: HistoryReport['lines'][number], options: { showHashes: boolean }): string {
  const who = line.lastModifiedUser ? ` by ${line.lastModifiedUser}` : '';
  const modified = line.lastModified ? `, modified ${line.lastModified}${who}` : '';
  const hash = options.showHashes ? `, value ${line.valueHash}` : '';
  const changes =
    line.changes === undefined
      ? 'first seen'
      : line.changes.length
        ? line.changes.map((c) => formatChange(c, options.showHashes)).join('; ')
        : 'unchanged';
  const back = line.reappeared ? ' (absent from the backups just before)' : '';
  return `  ${line.takenAt}  version ${line.version ?? '-'}${modified}${hash}  ${changes}${back}  [${line.key}]`;
}

/** Milliseconds in the largest unit that holds them whole (`1m`, `26h`, `90m`), else to one decimal. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'unknown';
  const units = ['d', 'h', 'm', 's'] as const;
  const whole = units.find((unit) => ms >= DURATION_UNITS[unit] && ms % DURATION_UNITS[unit] === 0);
  if (whole) return `${ms / DURATION_UNITS[whole]}${whole}`;
  const largest = units.find((unit) => ms >= DURATION_UNITS[unit]);
  return largest ? `${(ms / DURATION_UNITS[largest]).toFixed(1)}${largest}` : `${Math.round(ms)}ms`;
}

/** The end of a run, one line per region, so the console says what happened without the summary file. */
export function formatRunSummary(summary: RunSummary): string[] {
  const head = `${summary.environment}: ${summary.status}${summary.dryRun ? ' (dry run)' : ''}`;
  return [head, ...summary.regions.map(regionLine)];
}

function regionLine(r: RunSummary['regions'][number]): string {
  switch (r.status) {
    case 'ok':
      return `  ${r.region}: ok, ${count(r.parameterCount, 'parameter')} -> s3://${r.bucket}/${r.key}`;
    case 'dry-run':
      return `  ${r.region}: dry run, ${count(r.parameterCount, 'parameter')}, nothing uploaded`;
    case 'empty':
      return `  ${r.region}: warning, no parameter matched; nothing uploaded`;
    case 'failed':
      return `  ${r.region}: FAILED (${r.error.code ?? r.error.name}: ${r.error.message})`;
    case 'interrupted':
      return `  ${r.region}: INTERRUPTED by ${r.signal}`;
    case 'not-started':
      return `  ${r.region}: not started (${r.reason})`;
  }
}
