import { Command, CommanderError } from 'commander';
import { ExitCode, InterruptedError } from '../errors';
import { TOOL } from '../tool';
import { registerBackup } from './commands/backup';
import { registerDiff } from './commands/diff';
import { registerHistory } from './commands/history';
import { registerList } from './commands/list';
import { registerPolicy } from './commands/policy';
import { registerRegions } from './commands/regions';
import { registerRestore } from './commands/restore';
import { registerTargets } from './commands/targets';
import { registerVerify } from './commands/verify';
import { CommandContext, HELP_HINT, type Streams } from './context';
import { logFormatOf } from './logger';
import { refuseBlankValues } from './options';

const PROGRAM_HELP = `
backup is the default command: "ssm-backup --env dev --dry-run" is "ssm-backup backup --env dev --dry-run".

Examples:
  ssm-backup --env dev --dry-run                 list and fetch every region's parameters, upload nothing
  ssm-backup --env dev                           back up every region of /jenkins/dev/backup/regions
  ssm-backup regions --env dev                   the region list, as JSON
  ssm-backup list --env dev --region us-west-2
  ssm-backup verify --env dev --region us-west-2 --against-live --max-age 26h
  ssm-backup diff --env dev --region us-west-2 --from 2026-11-28 --to latest
  ssm-backup history --env dev --region us-west-2 --name /jenkins/dev/db/password
  ssm-backup restore --env dev --region us-west-2 --plan-file plan.json
  ssm-backup restore --env dev --region us-west-2 --apply --plan plan.json
  ssm-backup policy --duty backup --env dev --regions ap-northeast-1,us-west-2 --account-id 123456789012
  ssm-backup targets --check                     the organization's targets file, checked

Exit codes:
  0    done
  1    the operation failed (AWS error after retries, undecryptable parameter, upload or check failed,
       drift or damage found, a failed restore write); diff: the two sides differ (trouble is 2)
  2    usage or configuration error, found before anything is written
  3    done with a warning that needs a person (no parameter matched: nothing uploaded)
  130  interrupted by SIGINT; 143 by SIGTERM (no new calls, latest.txt untouched, summary written)

Environment:
  AWS_REGION, AWS_DEFAULT_REGION   the home region when --home-region is not given (AWS_REGION first),
                                   else the profile's region
  AWS_PROFILE                      the profile for credentials and region (or --profile)
  AWS_ACCESS_KEY_ID, ...           credentials, as every AWS SDK reads them
  AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE   where the profiles are
  AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SSM|_S3|_STS   endpoint overrides (or --endpoint-url)
  NO_COLOR, FORCE_COLOR            colour of the pretty log lines
`;

export function buildProgram(context: CommandContext): Command {
  const program = new Command('ssm-backup')
    .description(
      'Back up AWS SSM Parameter Store, region by region, into encrypted S3 buckets, and restore from them. ' +
        'Never prints a parameter value.',
    )
    .version(TOOL.version)
    .exitOverride()
    .showHelpAfterError(HELP_HINT)
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.usageError(text),
    })
    .addHelpText('after', PROGRAM_HELP);
  registerBackup(program, context);
  registerRegions(program, context);
  registerList(program, context);
  registerVerify(program, context);
  registerRestore(program, context);
  registerDiff(program, context);
  registerHistory(program, context);
  registerPolicy(program, context);
  registerTargets(program, context);
  refuseBlankValues(program);
  return program;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Runs the CLI and returns the exit code; never calls process.exit, so output is never cut short,
 * except on a second SIGINT/SIGTERM, which exits at once.
 */
export async function main(
  argv: string[],
  streams: Streams = { stdout: process.stdout, stderr: process.stderr },
  environment: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const context = new CommandContext(streams, environment, logFormatOf(argv));
  const handlers = SIGNALS.map((signal) => {
    const handler = () => {
      if (context.signal.aborted) process.exit(new InterruptedError(signal).exitCode);
      context.interrupted(signal);
    };
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  const program = buildProgram(context);
  try {
    const unknown = unknownCommand(program, argv[2]);
    if (unknown) {
      context.usageError(`error: ${unknown}\n`);
      context.usageError(`${HELP_HINT}\n`);
      return ExitCode.Usage;
    }
    await program.parseAsync(argv);
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)
        ? ExitCode.Ok
        : ExitCode.Usage;
    }
    return context.reportError(error);
  } finally {
    for (const remove of handlers) remove();
  }
}

/**
 * With a default command, commander hands an unknown word to `backup` as an argument; a typo in a
 * command name (`bakup`) should say so and suggest the nearest command instead.
 */
function unknownCommand(program: Command, word: string | undefined): string | undefined {
  if (!word || word.startsWith('-')) return undefined;
  const names = [...program.commands.map((c) => c.name()), 'help'];
  if (names.includes(word)) return undefined;
  const nearest = names
    .map((name) => ({ name, distance: editDistance(word, name) }))
    .sort((a, b) => a.distance - b.distance)[0];
  const hint =
    nearest && nearest.distance <= Math.max(2, Math.floor(nearest.name.length / 3))
      ? ` (Did you mean ${nearest.name}?)`
      : '';
  return `unknown command '${word}'${hint}`;
}

/** Levenshtein distance: the number of single-letter edits from one word to the other. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
