import type { Command } from 'commander';
import PQueue from 'p-queue';
import { BackupStore } from '../../backup/store';
import { resolveBucket } from '../../ssm/buckets';
import { addCommonOptions, resolveCommon, type CommonOptions } from '../options';
import type { CommandContext } from '../context';
import { formatBytes } from '../reporter';

interface ListOptions extends CommonOptions {
  json?: boolean;
}

export function registerList(program: Command, context: CommandContext): void {
  const command = program
    .command('list')
    .description("list the backups in a region's bucket, newest first; * marks the one latest.txt points at")
    .option('--json', 'print JSON instead of a table');
  addCommonOptions(command, { multiRegion: false }).action(async (options: ListOptions) => {
    const common = resolveCommon(options);
    context.start(options);
    const region = options.region ?? common.homeRegion;
    const clients = context.clientsFor(common.clientSettings)(region);
    const store = new BackupStore(clients.s3, await resolveBucket({ env: common.env, region, homeRegion: common.homeRegion, ssm: clients.ssm }));
    const [objects, latest] = await Promise.all([store.listBackups(common.env), store.readLatest()]);
    // The parameter count is object metadata: one HEAD per backup, a few at a time.
    const heads = new PQueue({ concurrency: options.concurrency });
    const rows = await Promise.all(objects.map((o) => heads.add(() => store.describe(o.key))));
    if (options.json) {
      context.stdout.write(`${JSON.stringify({ bucket: store.bucket, latest: latest ?? null, backups: rows }, null, 2)}\n`);
      return;
    }
    context.stdout.write(`s3://${store.bucket} (${rows.length} backups)\n`);
    for (const row of rows) {
      const mark = row.key === latest ? '*' : ' ';
      const time = row.lastModified?.toISOString().replace('.000Z', 'Z') ?? '-';
      context.stdout.write(`${mark} ${row.key}  ${time}  ${formatBytes(row.size).padStart(10)}  ${row.parameterCount ?? '-'} parameters\n`);
    }
    if (latest && !rows.some((r) => r.key === latest)) context.stdout.write(`! latest.txt points at ${latest}, which is not in the bucket\n`);
  });
}
