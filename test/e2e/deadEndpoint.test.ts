import { createServer, type Socket } from 'node:net';
import { localEnv } from '../../scripts/lib/world';
import { CliSession } from './support';

/**
 * An endpoint that accepts connections and never answers (issue #20, 7): the run gives up within two
 * minutes, naming the endpoint and the timeout, instead of 11 attempts of the full timeout. With a 60 s
 * timeout a second attempt would end past the two minutes, so it is never made.
 */
jest.setTimeout(180_000);

it('a dead endpoint is given up on after one 60 s attempt per call, naming it and the timeout', async () => {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (d) => {
      requests += (d.toString('latin1').match(/^(POST|GET|PUT|HEAD) /gm) ?? []).length;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const session = new CliSession(() => localEnv(endpoint));
    const result = await session.run(['--env', 'dev', '--region', 'us-west-2', '--request-timeout', '60']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`DeadEndpointError: \\w+: no answer from ${endpoint}/ within the 60 s request timeout`),
    );
    expect(result.stderr).toMatch(/no request of this run has ever been answered there/);
    // The run's first calls (the bucket keys and the first listing page), each sent once, none retried.
    expect(requests).toBeGreaterThan(0);
    expect(requests).toBeLessThanOrEqual(2);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
