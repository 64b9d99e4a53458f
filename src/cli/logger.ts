import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'pretty' | 'json';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Logs go to stderr (stdout is for command results such as the region list). Values never reach a
 * log line by construction; redaction of any `Value` field is the second line of defence.
 */
export function createLogger(
  format: LogFormat,
  level: string,
  destination: NodeJS.WritableStream = process.stderr,
): Logger {
  const options = {
    level,
    base: undefined,
    redact: { paths: ['Value', '*.Value', '*.*.Value', 'parameters', '*.parameters', 'body'], censor: '[redacted]' },
  };
  if (format === 'json')
    return pino(options, destination === process.stderr ? pino.destination({ dest: 2, sync: true }) : destination);
  const stream = pretty({
    destination,
    sync: true,
    colorize: Boolean((destination as NodeJS.WriteStream).isTTY),
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,event',
    hideObject: true,
  });
  return pino(options, stream);
}
