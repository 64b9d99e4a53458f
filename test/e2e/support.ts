import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { type CliResult, type RunOptions, runCli } from '../../scripts/lib/cli';
import { type Moto, startMoto } from '../../scripts/lib/moto';
import { localEnv, s3Client } from '../../scripts/lib/world';

/**
 * Every CLI run of an end-to-end file goes through here, so the file can search all that was
 * printed, and every summary written, for the seeded secret values.
 */
export class CliSession {
  readonly outputs: string[] = [];
  readonly dir = mkdtempSync(join(tmpdir(), 'ssm-backup-e2e-'));

  constructor(private readonly env: () => NodeJS.ProcessEnv) {}

  async run(
    args: string[],
    extraEnv: Record<string, string | undefined> = {},
    options: Pick<RunOptions, 'onStderr'> = {},
  ): Promise<CliResult> {
    const result = await runCli(args, { ...this.env(), ...extraEnv }, { cwd: this.dir, ...options });
    this.outputs.push(`$ ssm-backup ${args.join(' ')}\n${result.stdout}\n${result.stderr}`);
    return result;
  }

  summaryPath(name: string): string {
    return join(this.dir, `${name}.json`);
  }

  /** Everything a person or a machine could read afterwards: output and files the runs left. */
  everythingWritten(): string {
    const files = readdirSync(this.dir).map((f) => readFileSync(join(this.dir, f), 'utf8'));
    return [...this.outputs, ...files].join('\n');
  }
}

export function leakedSecrets(text: string, secrets: Iterable<string>): string[] {
  const leaked: string[] = [];
  for (const secret of secrets) {
    // The random tail alone is enough to count as a leak (moto echoes `kms:alias/aws/ssm:<plaintext>`).
    const tail = secret.slice(-12);
    if (text.includes(secret) || text.includes(tail)) leaked.push(secret);
  }
  return leaked;
}

export async function listKeys(endpoint: string, region: string, bucket: string): Promise<string[]> {
  const out = await s3Client(endpoint, region).send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

export async function readObject(
  endpoint: string,
  region: string,
  bucket: string,
  key: string,
  account?: string,
): Promise<string> {
  const out = await s3Client(endpoint, region, account).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return out.Body!.transformToString();
}

/** What an end-to-end file works against: its moto server, a CLI session on it, and the values to look for. */
export class MotoFile {
  moto?: Moto;
  /** Seeded values that must never appear in anything a run printed or wrote. */
  readonly secrets = new Set<string>();
  readonly session: CliSession;

  constructor(extraEnv: Record<string, string>) {
    this.session = new CliSession(() => localEnv(this.endpoint, extraEnv));
  }

  get endpoint(): string {
    if (!this.moto) throw new Error('moto is not started yet: use the endpoint inside a test or a hook');
    return this.moto.endpoint;
  }

  /** Remembers the seeded values that are secrets (SECRET-...), for the closing check. */
  remember(parameters: Iterable<{ Value: string }>): void {
    for (const p of parameters) if (p.Value.startsWith('SECRET-')) this.secrets.add(p.Value);
  }
}

/**
 * What every end-to-end file sets up and closes alike: one moto server for the file (started before
 * the file's own hooks run), and at the end, after it stops, the check that nothing any run of the
 * file printed or wrote holds a seeded secret value.
 */
export function motoFile(extraEnv: Record<string, string> = {}): MotoFile {
  const file = new MotoFile(extraEnv);
  beforeAll(async () => {
    file.moto = await startMoto();
  });
  afterAll(async () => {
    await file.moto?.stop();
    expect(leakedSecrets(file.session.everythingWritten(), file.secrets)).toEqual([]);
  });
  return file;
}
