import { Readable } from 'node:stream';

const REPLAY = Symbol('ssm-backup.replayableBody');

/**
 * A request body streamed from chunks already in memory (no joined copy of a large document), that
 * the retry middleware can send again: each attempt gets a fresh stream over the same chunks.
 */
export function replayableBody(chunks: readonly Buffer[]): Readable {
  const stream = Readable.from(chunks, { objectMode: false });
  return Object.assign(stream, { [REPLAY]: () => replayableBody(chunks) });
}

/** The arguments for one attempt: a replayable body is replaced by a fresh stream. */
export function withFreshBody<T extends { input: object }>(args: T): T {
  const body = (args.input as { Body?: unknown }).Body as { [REPLAY]?: () => Readable } | undefined;
  const replay = body?.[REPLAY];
  return replay ? { ...args, input: { ...args.input, Body: replay() } } : args;
}
