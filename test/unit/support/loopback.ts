import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Runs `use` with `server` listening on a free loopback port (given its endpoint URL), then closes
 * the server and every connection to it, whatever `use` did.
 */
export async function onLoopback<T>(server: Server, use: (endpoint: string) => Promise<T>): Promise<T> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
