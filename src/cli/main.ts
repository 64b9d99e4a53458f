import { Command, CommanderError } from 'commander';
import { ExitCode, InterruptedError } from '../errors';
import { TOOL } from '../tool';
import { registerBackup } from './commands/backup';
import { registerDiff } from './commands/diff';
import { registerHistory } from './commands/history';
import { registerList } from './commands/list';
import { registerRegions } from './commands/regions';
import { registerRestore } from './commands/restore';
import { registerVerify } from './commands/verify';
import { CommandContext, type Streams } from './context';

export function buildProgram(context: CommandContext): Command {
  const program = new Command('ssm-backup')
    .description('Back up AWS SSM Parameter Store, region by region, into encrypted S3 buckets, and restore from them.')
    .version(TOOL.version)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    });
  registerBackup(program, context);
  registerRegions(program, context);
  registerList(program, context);
  registerVerify(program, context);
  registerRestore(program, context);
  registerDiff(program, context);
  registerHistory(program, context);
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
): Promise<number> {
  const context = new CommandContext(streams);
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
