import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { createRegionClients, type ClientSettings, type RegionClients } from '../aws/clients';
import { ExitCode, SsmBackupError } from '../errors';
import type { RunListener } from '../run/events';
import { createLogger, type LogFormat } from './logger';
import { createReporter } from './reporter';

export interface Streams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * What a command needs from the process: streams, a logger, clients per region, the exit code.
 * Commands receive it instead of touching `process`, so they run the same under test.
 */
export class CommandContext {
  exitCode: ExitCode = ExitCode.Ok;
  private logger?: Logger;
  private listener?: RunListener;
  private readonly clients = new Map<string, RegionClients>();

  constructor(private readonly streams: Streams) {}

  get stdout(): NodeJS.WritableStream {
    return this.streams.stdout;
  }

  get stderr(): NodeJS.WritableStream {
    return this.streams.stderr;
  }

  start(options: { logFormat: LogFormat; logLevel: string }): { logger: Logger } {
    this.logger = createLogger(options.logFormat, options.logLevel, this.streams.stderr);
    this.listener = createReporter(this.logger);
    return { logger: this.logger };
  }

  get log(): Logger {
    this.logger ??= createLogger('pretty', 'info', this.streams.stderr);
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
        clients = createRegionClients(region, { ...settings, onRetry: (retry) => this.reporter()({ type: 'retry', region, retry }) });
        this.clients.set(region, clients);
      }
      return clients;
    };
  }

  /** Writes a machine-readable result (summary, plan): names and counts only, never values. */
  async writeSummary(path: string | undefined, summary: unknown, what = 'summary'): Promise<void> {
    if (!path) return;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${JSON.stringify(summary, null, 2)}\n`);
    this.log.info({ event: 'summary-written', path }, `${what} written to ${path}`);
  }

  /** A tool error reads as advice; anything else is a bug and keeps its stack at debug level. */
  reportError(error: unknown): void {
    if (error instanceof SsmBackupError) {
      this.log.error({ event: 'error', error: { name: error.name } }, `${error.name}: ${error.message}`);
      this.exitCode = error.exitCode;
      return;
    }
    const e = error instanceof Error ? error : new Error(String(error));
    this.log.error({ event: 'error', error: { name: e.name } }, `unexpected ${e.name}: ${e.message}`);
    this.log.debug({ event: 'error-stack', stack: e.stack }, 'stack');
    this.exitCode = ExitCode.Failed;
  }
}
