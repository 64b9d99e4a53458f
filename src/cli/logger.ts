import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'pretty' | 'json';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Logs go to stderr (stdout is for command results such as the region list). Values never reach a
 * log line by construction; redaction of any `Value` field is the second line of defence. JSON lines
 * carry ISO-8601 times and level names, as log search tools expect; pretty lines are coloured on a
 * terminal unless NO_COLOR is set, and anywhere with FORCE_COLOR.
 */
export function createLogger(
  format: LogFormat,
  level: string,
  destination: NodeJS.WritableStream = process.stderr,
  environment: NodeJS.ProcessEnv = process.env,
): Logger {
  const options = {
    level,
    base: undefined,
    redact: { paths: ['Value', '*.Value', '*.*.Value', 'parameters', '*.parameters', 'body'], censor: '[redacted]' },
  };
  if (format === 'json') {
    const json = {
      ...options,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label: string) => ({ level: label }) },
    };
    return pino(json, destination === process.stderr ? pino.destination({ dest: 2, sync: true }) : destination);
  }
  const stream = pretty({
    destination,
    sync: true,
    colorize: useColor(environment, Boolean((destination as NodeJS.WriteStream).isTTY)),
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,event',
    hideObject: true,
  });
  return pino(options, stream);
}

/** FORCE_COLOR wins (unless 0), then NO_COLOR (any value, see no-color.org), then whether it is a terminal. */
export function useColor(environment: NodeJS.ProcessEnv, isTerminal: boolean): boolean {
  const force = environment.FORCE_COLOR;
  if (force !== undefined && force !== '0' && force !== 'false') return true;
  if (environment.NO_COLOR !== undefined && environment.NO_COLOR !== '') return false;
  return isTerminal;
}

/** `--log-format json` (or `=json`) anywhere on the command line: even a usage error is then JSON. */
export function logFormatOf(argv: readonly string[]): LogFormat {
  for (const [i, arg] of argv.entries()) {
    if (arg === '--log-format=json' || (arg === '--log-format' && argv[i + 1] === 'json')) return 'json';
  }
  return 'pretty';
}
