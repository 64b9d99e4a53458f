import { Command, CommanderError } from 'commander';
import { TOOL } from '../backup/document';
import { ExitCode } from '../errors';
import { registerBackup } from './commands/backup';
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
  return program;
}

/** Runs the CLI and returns the exit code; never calls process.exit, so output is never cut short. */
export async function main(argv: string[], streams: Streams = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const context = new CommandContext(streams);
  const program = buildProgram(context);
  try {
    await program.parseAsync(argv);
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code) ? ExitCode.Ok : ExitCode.Usage;
    }
    context.reportError(error);
    return context.exitCode;
  }
}
