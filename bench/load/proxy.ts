/**
 * A tiny round-robin load balancer for the benchmark: each incoming TCP connection goes to the next
 * instance in turn and its bytes are piped both ways (layer 4, like a cloud network load balancer).
 * It does not parse HTTP: on a machine of two cores an HTTP proxy would take CPU from the servers it
 * measures. With keep-alive clients the spread is per connection (200 clients: 100 per instance).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Proxy {
  port: number;
  url: string;
  /** Connections handed to each target so far. */
  counts: number[];
  close(): Promise<void>;
}

export async function startRoundRobinProxy(targets: number[], host = '127.0.0.1'): Promise<Proxy> {
  let next = 0;
  const counts = targets.map(() => 0);
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    const i = next++ % targets.length;
    counts[i] += 1;
    const upstream = connect(targets[i], host);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    open.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `http://${host}:${port}`,
    counts,
    close: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  };
}
