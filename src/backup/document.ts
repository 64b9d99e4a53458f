import { createHash } from 'node:crypto';
import { backupTimestamps } from '../contract';
import { count } from '../count';
import { IntegrityError } from '../errors';
import { TOOL } from '../tool';
import { type BackedUpParameter, PARAMETER_TYPES } from '../types';

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
  const lines = (record: object) =>
    Object.entries(record)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);

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

/**
 * Bounds no real backup reaches, from SSM's own limits, so that a damaged or hostile file is refused
 * early whatever its size.
 * - One parameter line: SSM's largest parameter is an 8 KB value (advanced tier), a 2 KB name, a 1 KB
 *   description and pattern, 50 tags and a few policies; even with every character escaped
 *   sixfold by JSON that is under 256 KiB.
 * - A document in another layout (no parameter lines: the old collector's, pretty-printed) is parsed
 *   whole, so it is held in memory: 512 MiB is over 50 times what the old collector could write for a
 *   full standard-tier region (10,000 parameters of at most 4 KB).
 * - A whole backup: 100,000 parameters (the most an account holds in a region) of at most 256 KiB.
 */
export const DOCUMENT_LIMITS = {
  parameterLineBytes: 256 * 1024,
  wholeDocumentBytes: 512 * 1024 * 1024,
  backupBytes: 100_000 * 256 * 1024,
} as const;

const mib = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`);

/** The document without its parameters: what a streamed read keeps. */
export type DocumentHeader = Omit<BackupDocument, 'parameters'>;

/** Parses and checks a stored document (either format), whole. Messages name fields, never values. */
export function decodeDocument(body: Buffer | string, source: string): BackupDocument {
  const parameters: BackedUpParameter[] = [];
  const decoder = new DocumentDecoder(source, (p) => parameters.push(p));
  decoder.push(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return { ...decoder.end(), parameters };
}

/**
 * Reads a document as it streams in, one line at a time: ssm-backup writes one parameter per line,
 * so each parameter is parsed on its own and handed to `onParameter`, and the whole document is never
 * held as one string or one array. A document in another layout (the old collector's, pretty-printed
 * or on one line) has no parameter line; it is kept and parsed whole at the end. Either way the same
 * checks hold: fields present, format known, each parameter well formed, no name twice, the count
 * right.
 */
export class DocumentDecoder {
  /** The bytes of the line not yet ended, as they came (joined once, when it ends: linear time). */
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** Whether the first byte that is not white space has been seen (and was `{`). */
  private started = false;
  /** Everything read so far, until the first parameter line shows the one-per-line layout. */
  private retained: Buffer[] | undefined = [];
  private retainedBytes = 0;
  /** A line too long to be a header line is being skipped (the whole layout keeps it in `retained`). */
  private skippingLine = false;
  private readonly shell: string[] = [];
  private readonly names = new Set<string>();
  private readonly duplicates = new Set<string>();
  private count = 0;

  constructor(
    private readonly source: string,
    private readonly onParameter: (parameter: BackedUpParameter) => void,
    private readonly limits: Omit<typeof DOCUMENT_LIMITS, 'backupBytes'> = DOCUMENT_LIMITS,
  ) {}

  /**
   * Garbage is refused from its first bytes (a document starts with `{`) or as soon as it passes a
   * bound no real backup reaches (documentLimits), never after reading all of it.
   */
  push(chunk: Buffer): void {
    if (!this.started) this.checkStart(chunk);
    if (this.retained) {
      this.retained.push(chunk);
      this.retainedBytes += chunk.length;
      if (this.retainedBytes > this.limits.wholeDocumentBytes)
        throw new IntegrityError(
          `${this.source} is not a backup document: over ${mib(this.limits.wholeDocumentBytes)} without one ` +
            'parameter line',
        );
    }
    let start = 0;
    for (let newline = chunk.indexOf(10, start); newline >= 0; newline = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, newline);
      if (this.skippingLine) {
        // Not JSON, so a document that turns out to be one parameter per line fails to parse.
        this.shell.push('\u0000');
        this.skippingLine = false;
      } else this.line(this.carry.length ? Buffer.concat([...this.carry, piece]) : piece);
      this.carry = [];
      this.carryBytes = 0;
      start = newline + 1;
    }
    if (start < chunk.length && !this.skippingLine) {
      // A copy, so the (large) chunk is not kept alive by a short partial line.
      this.carry.push(Buffer.from(chunk.subarray(start)));
      this.carryBytes += chunk.length - start;
      if (this.carryBytes > this.limits.parameterLineBytes) this.lineTooLong();
    }
  }

  /**
   * A parameter line (or any line, once the layout is one parameter per line) this long is damage. In
   * the whole layout the line is kept in `retained` and need not be carried twice.
   */
  private lineTooLong(): void {
    // The line's start may have come in more than one chunk: read it from all of them (once).
    const start = Buffer.concat(this.carry).toString('utf8', 0, 64);
    if (this.retained === undefined || start.trimStart().startsWith('{"Name"'))
      throw new IntegrityError(
        `${this.source} is damaged: parameters[${this.count}] is over ${mib(this.limits.parameterLineBytes)}, ` +
          'more than SSM lets one parameter hold',
      );
    this.carry = [];
    this.carryBytes = 0;
    this.skippingLine = true;
  }

  end(): DocumentHeader {
    if (!this.started) throw new IntegrityError(`${this.source} is not a backup document: it is empty`);
    if (this.carry.length) this.line(Buffer.concat(this.carry));
    if (this.retained) return this.whole(Buffer.concat(this.retained));
    const raw = this.parse(
      this.shell.join('\n'),
      'is not valid JSON (damaged or not a backup)',
    ) as Partial<BackupDocument>;
    if (!Array.isArray(raw?.parameters) || raw.parameters.length)
      throw new IntegrityError(`${this.source} is not a backup document: parameters are not one per line`);
    return this.header(raw, this.count);
  }

  /** The first byte that is not white space (after a UTF-8 byte order mark) must open a JSON object. */
  private checkStart(chunk: Buffer): void {
    let i = 0;
    if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    while (i < chunk.length && (chunk[i] === 0x20 || chunk[i] === 0x0a || chunk[i] === 0x0d || chunk[i] === 0x09)) i++;
    if (i === chunk.length) return;
    if (chunk[i] !== 0x7b)
      throw new IntegrityError(`${this.source} is not a backup document: it does not start with '{' (not JSON)`);
    this.started = true;
  }

  private line(bytes: Buffer): void {
    const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
    const trimmed = text.trimStart();
    if (!trimmed.startsWith('{"Name"')) {
      this.shell.push(text);
      return;
    }
    this.retained = undefined;
    const parameter = this.parse(
      trimmed.endsWith(',') ? trimmed.slice(0, -1) : trimmed,
      `is damaged: parameters[${this.count}] is not valid JSON`,
    );
    this.accept(parameter);
  }

  private whole(body: Buffer): DocumentHeader {
    const raw = this.parse(
      body.toString('utf8').replace(/^\uFEFF/, ''),
      'is not valid JSON (damaged or not a backup)',
    ) as Partial<BackupDocument>;
    if (!raw || typeof raw !== 'object' || !Array.isArray(raw.parameters))
      throw new IntegrityError(`${this.source} is not a backup document: no parameters array`);
    const { parameters, ...fields } = raw;
    this.checkFields(fields);
    for (const parameter of parameters) this.accept(parameter);
    return this.header(fields, parameters.length);
  }

  private accept(p: unknown): void {
    const candidate = p as Partial<BackedUpParameter> | null;
    const index = this.count++;
    if (
      !candidate ||
      typeof candidate.Name !== 'string' ||
      typeof candidate.Value !== 'string' ||
      !PARAMETER_TYPES.some((type) => type === candidate.Type)
    ) {
      const name = typeof candidate?.Name === 'string' ? ` (${candidate.Name})` : '';
      throw new IntegrityError(`${this.source}: parameters[${index}]${name} lacks a Name, Type or Value`);
    }
    (this.names.has(candidate.Name) ? this.duplicates : this.names).add(candidate.Name);
    this.onParameter(candidate as BackedUpParameter);
  }

  private header(raw: Partial<BackupDocument>, held: number): DocumentHeader {
    const { parameters: _none, ...fields } = raw;
    this.checkFields(fields);
    if (this.duplicates.size) {
      const names = [...this.duplicates].sort();
      throw new IntegrityError(
        `${this.source} is damaged: it holds ${count(names.length, 'name')} more than once ` +
          `(${names.slice(0, 20).join(', ')}); refusing to use it`,
      );
    }
    if (Number(fields.parameter_count) !== held) {
      throw new IntegrityError(
        `${this.source}: parameter_count says ${fields.parameter_count} but the document holds ` +
          count(held, 'parameter'),
      );
    }
    return { ...(fields as DocumentHeader), parameter_count: held };
  }

  private checkFields(fields: Partial<DocumentHeader>): void {
    for (const field of ['backup_date', 'backup_timestamp', 'environment'] as const) {
      if (typeof fields[field] !== 'string')
        throw new IntegrityError(`${this.source} is not a backup document: ${field} is missing`);
    }
    if (fields.format_version !== undefined && fields.format_version > FORMAT_VERSION) {
      throw new IntegrityError(
        `${this.source} has format_version ${fields.format_version}; this tool reads up to ${FORMAT_VERSION}`,
      );
    }
  }

  private parse(text: string, problem: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      throw new IntegrityError(`${this.source} ${problem}`);
    }
  }
}
