import { createHash } from 'node:crypto';
import { backupTimestamps } from '../contract';
import { IntegrityError } from '../errors';
import { TOOL } from '../tool';
import type { BackedUpParameter } from '../types';

export const FORMAT_VERSION = 2;

/**
 * The backup document. The top-level fields and `parameters[].Name/Type/Value` are what the old
 * restore job reads; `format_version` 2 adds region, account and tool. Format 1 (the bash collector's
 * output) has none of the three and is still read.
 */
export interface BackupDocument {
  backup_date: string;
  backup_timestamp: string;
  environment: string;
  parameter_count: number;
  parameters: BackedUpParameter[];
  format_version?: number;
  region?: string;
  account_id?: string;
  tool?: { name: string; version: string };
}

export interface EncodedDocument {
  /** The object's bytes, one chunk per line group, never joined (the upload streams them). */
  chunks: Buffer[];
  size: number;
  sha256Base64: string;
  sha256Hex: string;
}

export function buildDocument(args: {
  env: string;
  region: string;
  accountId: string;
  startedAt: Date;
  parameters: BackedUpParameter[];
}): BackupDocument {
  const { date, timestamp } = backupTimestamps(args.startedAt);
  return {
    backup_date: date,
    backup_timestamp: timestamp,
    environment: args.env,
    parameter_count: args.parameters.length,
    parameters: args.parameters,
    format_version: FORMAT_VERSION,
    region: args.region,
    account_id: args.accountId,
    tool: { ...TOOL },
  };
}

/**
 * Encodes the document with one parameter per line, so two backups diff cleanly, hashing as it goes.
 * With `releaseParameters` each parameter is dropped from `doc.parameters` once encoded, so the
 * values are held once (as bytes), not twice: 10,000 values of 8 KB are 80 MB, not 160.
 */
export function encodeDocument(doc: BackupDocument, options: { releaseParameters?: boolean } = {}): EncodedDocument {
  const { parameters, ...fields } = doc;
  const { backup_date, backup_timestamp, environment, parameter_count, ...trailing } = fields;
  const chunks: Buffer[] = [];
  const hash = createHash('sha256');
  let size = 0;
  const push = (text: string) => {
    const chunk = Buffer.from(text, 'utf8');
    chunks.push(chunk);
    hash.update(chunk);
    size += chunk.length;
  };
  const lines = (record: object) => Object.entries(record).filter(([, v]) => v !== undefined).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);

  push(`{\n${lines({ backup_date, backup_timestamp, environment, parameter_count }).join(',\n')},\n  "parameters": [`);
  const count = parameters.length;
  for (let i = 0; i < count; i++) {
    push(`${i ? ',' : ''}\n    ${JSON.stringify(parameters[i])}`);
    if (options.releaseParameters) (parameters as (BackedUpParameter | undefined)[])[i] = undefined;
  }
  if (options.releaseParameters) parameters.length = 0;
  const rest = lines(trailing);
  push(`${count ? '\n  ' : ''}]${rest.length ? `,\n${rest.join(',\n')}` : ''}\n}\n`);
  const digest = hash.digest();
  return { chunks, size, sha256Base64: digest.toString('base64'), sha256Hex: digest.toString('hex') };
}

/** Parses and checks a stored document (either format). Messages name fields, never values. */
export function decodeDocument(body: Buffer | string, source: string): BackupDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    throw new IntegrityError(`${source} is not valid JSON (damaged or not a backup)`);
  }
  const doc = raw as Partial<BackupDocument>;
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.parameters)) {
    throw new IntegrityError(`${source} is not a backup document: no parameters array`);
  }
  for (const field of ['backup_date', 'backup_timestamp', 'environment'] as const) {
    if (typeof doc[field] !== 'string') throw new IntegrityError(`${source} is not a backup document: ${field} is missing`);
  }
  if (doc.format_version !== undefined && doc.format_version > FORMAT_VERSION) {
    throw new IntegrityError(`${source} has format_version ${doc.format_version}; this tool reads up to ${FORMAT_VERSION}`);
  }
  doc.parameters.forEach((p, index) => {
    if (!p || typeof p.Name !== 'string' || typeof p.Value !== 'string' || !['String', 'StringList', 'SecureString'].includes(p.Type)) {
      throw new IntegrityError(`${source}: parameters[${index}]${typeof p?.Name === 'string' ? ` (${p.Name})` : ''} lacks a Name, Type or Value`);
    }
  });
  const duplicates = duplicateNames(doc.parameters);
  if (duplicates.length) {
    throw new IntegrityError(`${source} is damaged: it holds ${duplicates.length} name(s) more than once (${duplicates.slice(0, 20).join(', ')}); refusing to use it`);
  }
  if (Number(doc.parameter_count) !== doc.parameters.length) {
    throw new IntegrityError(`${source}: parameter_count says ${doc.parameter_count} but the document holds ${doc.parameters.length} parameters`);
  }
  return { ...(doc as BackupDocument), parameter_count: doc.parameters.length };
}

/** A name that appears twice makes a document ambiguous: which of the two would a restore write? */
function duplicateNames(parameters: readonly { Name: string }[]): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const { Name } of parameters) (seen.has(Name) ? duplicates : seen).add(Name);
  return [...duplicates].sort();
}
