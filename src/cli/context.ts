import { writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { type ClientSettings, createRegionClients, type RegionClients } from '../aws/clients';
import { Liveness } from '../aws/retry';
import { ExitCode, InterruptedError, SsmBackupError } from '../errors';
import type { RunListener } from '../run/events';
import { RegionSession } from '../run/region';
import { createLogger, type LogFormat } from './logger';
import { type CommonOptions, DEFAULT_CONCURRENCY, type ResolvedCommon, resolveCommon, singleRegion } from './options';
import { createReporter } from './reporter';

/** What commander prints after a usage error. */
export const HELP_HINT = '(run with --help for usage)';

/** What every command that calls AWS starts from. */
export interface Opened {
  logger: Logger;
  common: ResolvedCommon;
  clientsFor: (region: string) => RegionClients;
}

export interface Streams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * What a command needs from the process: streams, a logger, clients per region, the interrupt signal,
 * the environment. Commands receive it instead of touching `process`, so they run the same under test.
 */
export class CommandContext {
  private outcome: ExitCode = ExitCode.Ok;
  private logger?: Logger;
  private listener?: RunListener;
  private readonly clients = new Map<string, RegionClients>();
  /** One for the command: a service that answered in any region is not a dead endpoint. */
  private readonly liveness = new Liveness();
  private readonly interrupt = new AbortController();
  private format: LogFormat;

  constructor(
    private readonly streams: Streams,
    readonly environment: NodeJS.ProcessEnv = process.env,
    /** The log format asked for on the command line, used before the options are parsed. */
    private readonly initialFormat: LogFormat = 'pretty',
  ) {
    this.format = initialFormat;
  }

  get stdout(): NodeJS.WritableStream {
    return this.streams.stdout;
  }

  get stderr(): NodeJS.WritableStream {
    return this.streams.stderr;
  }

  get exitCode(): ExitCode {
    return this.outcome;
  }

  /** Aborted on the first SIGINT/SIGTERM: the run starts no new call and leaves latest.txt alone. */
  get signal(): AbortSignal {
    return this.interrupt.signal;
  }

  interrupted(signal: 'SIGINT' | 'SIGTERM'): void {
    if (this.interrupt.signal.aborted) return;
    this.log.warn(
      { event: 'interrupted', signal },
      `${signal}: stopping; no new calls, latest.txt stays; a second signal exits at once`,
    );
    this.interrupt.abort(new InterruptedError(signal));
  }

  /** Wraps a command's action: the exit code is what the action returns, set in this one place. */
  action<A extends unknown[]>(run: (...args: A) => Promise<ExitCode>): (...args: A) => Promise<void> {
    return async (...args: A) => {
      this.outcome = await run(...args);
    };
  }

  /** Every AWS command's start: options checked, logging on, and clients per region. */
  async open(options: CommonOptions): Promise<Opened> {
    const common = await resolveCommon(options, this.environment, this.signal);
    const { logger } = this.start(options);
    return { logger, common, clientsFor: this.clientsFor(common.clientSettings) };
  }

  /** A single-region command's start: the above, and the region's session. */
  async openRegion(options: CommonOptions): Promise<Opened & { session: RegionSession }> {
    const { logger, common, clientsFor } = await this.open(options);
    const session = new RegionSession({
      env: common.env,
      homeRegion: common.home?.region,
      region: singleRegion(common),
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      clientsFor,
      listener: this.reporter(),
    });
    return { logger, common, clientsFor, session };
  }

  /** Reports where the home region came from, for the commands that read the region list from it. */
  announceHome(common: ResolvedCommon): void {
    if (common.home && !common.regions)
      this.reporter()({ type: 'home-region', region: common.home.region, source: common.home.source });
  }

  start(options: { logFormat: LogFormat; logLevel: string }): { logger: Logger } {
    this.format = options.logFormat;
    this.logger = createLogger(options.logFormat, options.logLevel, this.streams.stderr, this.environment);
    this.listener = createReporter(this.logger);
    return { logger: this.logger };
  }

  get log(): Logger {
    this.logger ??= createLogger(this.initialFormat, 'info', this.streams.stderr, this.environment);
    return this.logger;
  }

  reporter(): RunListener {
    return this.listener ?? createReporter(this.log);
  }

  /** One set of clients per region for the whole command, so call counts add up per region. */
  clientsFor(settings: ClientSettings): (region: string) => RegionClients {
    return (region) => {
      let clients = this.clients.get(region);
      if (!clients) {
        clients = createRegionClients(region, {
          ...settings,
          liveness: this.liveness,
          onRetry: (retry) => this.reporter()({ type: 'retry', region, retry }),
        });
        this.clients.set(region, clients);
      }
      return clients;
    };
  }

  /**
   * Writes a machine-readable result (summary, plan; names and counts only, never values) to a file,
   * or to stdout for `-`. The path was checked before the work; if the write still fails, that is
   * reported and returned as false, and the command keeps its own exit code.
   */
  async writeResult(path: string | undefined, result: unknown, what = 'summary'): Promise<boolean> {
    if (!path) return true;
    if (path === '-') {
      this.printJson(result);
      return true;
    }
    const text = `${JSON.stringify(result, null, 2)}\n`;
    try {
      await writeFile(path, text);
      this.log.info({ event: 'summary-written', path }, `${what} written to ${path}`);
      return true;
    } catch (error) {
      this.log.error(
        { event: 'summary-file-error', path },
        `SummaryFileError: the ${what} could not be written to ${path} ` +
          `(${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
      return false;
    }
  }

  /**
   * A command's result for people (a table, a plan, a report): the lines as they are, or with
   * `--log-format json` one JSON record per line, so that every line of the output is JSON.
   */
  print(event: string, lines: Iterable<string>, stream: NodeJS.WritableStream = this.stdout): void {
    if (this.format !== 'json') {
      for (const line of lines) stream.write(`${line}\n`);
      return;
    }
    const records = createLogger('json', 'info', stream, this.environment);
    for (const line of lines) records.info({ event }, line);
  }

  /** A result for machines: indented for a person, one line with `--log-format json`. */
  printJson(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, this.format === 'json' ? undefined : 2)}\n`);
  }

  /**
   * A usage error from the option parser, as a log line in the chosen format: with JSON, one record
   * (commander's "run with --help" hint follows as a second write, and is dropped).
   */
  usageError(text: string): void {
    if (this.initialFormat !== 'json') this.stderr.write(text);
    else if (text.trim() !== HELP_HINT) this.log.error({ event: 'usage-error' }, text.trim());
  }

  /** A tool error reads as advice; anything else is a bug and keeps its stack at debug level. */
  reportError(error: unknown): ExitCode {
    if (error instanceof SsmBackupError) {
      this.log.error({ event: 'error', error: { name: error.name } }, `${error.name}: ${error.message}`);
      return error.exitCode;
    }
    const e = error instanceof Error ? error : new Error(String(error));
    this.log.error({ event: 'error', error: { name: e.name } }, `unexpected ${e.name}: ${e.message}`);
    this.log.debug({ event: 'error-stack', stack: e.stack }, 'stack');
    return ExitCode.Failed;
  }
}
