import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { type CliResult, type RunOptions, runCli } from '../../scripts/lib/cli';
import { s3Client } from '../../scripts/lib/world';

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
