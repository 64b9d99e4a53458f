/** The demo and the benchmark talk to moto on loopback only; anything else is refused. */
export function assertLocalEndpoint(endpoint: string): void {
  const host = new URL(endpoint).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    throw new Error(`refusing to run against ${endpoint}: this script only talks to a local moto server`);
  }
}
