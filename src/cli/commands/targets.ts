import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ExitCode, UsageError } from '../../errors';
import { parseTargets, type Target } from '../../targets/targets';
import type { CommandContext } from '../context';
import type { LogFormat } from '../logger';
import { addLogOptions } from '../options';

interface TargetsOptions {
  file: string;
  check?: boolean;
  logFormat: LogFormat;
  logLevel: string;
}

export const DEFAULT_TARGETS_FILE = 'backup-targets.json';

/** `ssm-backup targets`: the reviewed targets file, checked; printed as JSON for the Jenkinsfile. */
export function registerTargets(program: Command, context: CommandContext): void {
  const command = program
    .command('targets')
    .description(
      'check the targets file (every environment and account the nightly backs up) and print its targets as ' +
        'a JSON array; a bad entry is exit 2, naming it',
    )
    .option('--file <path>', 'the targets file', DEFAULT_TARGETS_FILE)
    .option('--check', 'only check it: print one line per target instead of the JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  ssm-backup targets --check\n  ssm-backup targets --file backup-targets.json     the JSON array\n',
    );
  addLogOptions(command).action(
    context.action(async (options: TargetsOptions) => {
      context.start(options);
      const targets = await readTargets(options.file);
      if (!options.check) {
        context.printJson(targets);
        return ExitCode.Ok;
      }
      context.print(
        'target',
        targets.map(
          (t) => `${t.environment} in ${t.accountId} as ${t.roleArn}, home ${t.homeRegion}${labelsOf(t.labels)}`,
        ),
      );
      return ExitCode.Ok;
    }),
  );
}

/** The targets of a file, checked (see parseTargets); a missing or unparsable file is a usage error. */
export async function readTargets(path: string): Promise<Target[]> {
  return parseTargets(await readJson(path), path);
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--file ${path} is not JSON`);
  }
}

function labelsOf(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {});
  return entries.length ? ` [${entries.map(([k, v]) => `${k}=${v}`).join(', ')}]` : '';
}
