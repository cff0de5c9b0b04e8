import { createServer, Server, Socket, connect } from 'node:net';
import { createPostgresDatabase, postgresAvailable, TestDatabase } from '../support/databases';
import { startTestApp, TestApp } from '../support/test-app';

/** A TCP relay between the application and PostgreSQL that the test can cut, like a database outage. */
class Relay {
  private server: Server;
  private sockets = new Set<Socket>();
  port = 0;
  constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, this.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
  }
  async listen(port = 0): Promise<void> {
    await new Promise<void>((ok) => this.server.listen(port, '127.0.0.1', ok));
    this.port = (this.server.address() as { port: number }).port;
  }
  /** Stops accepting and drops every open connection. */
  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }
  async restore(): Promise<void> {
    this.server = createServer(this.server.listeners('connection')[0] as (s: Socket) => void);
    await this.listen(this.port);
  }
}

(postgresAvailable() ? describe : describe.skip)('/health follows the database [postgres]', () => {
  let db: TestDatabase;
  let relay: Relay;
  let t: TestApp;

  beforeAll(async () => {
    db = await createPostgresDatabase();
    const target = new URL(db.url!);
    relay = new Relay(target.hostname, Number(target.port || 5432));
    await relay.listen();
    const viaRelay = new URL(db.url!);
    viaRelay.hostname = '127.0.0.1';
    viaRelay.port = String(relay.port);
    t = await startTestApp(db, { DATABASE_URL: viaRelay.toString() });
  });
  afterAll(async () => {
    await t?.close();
    await relay?.cut().catch(() => undefined);
    await db?.drop();
  });

  it('is up, goes down with the database, and recovers by itself', async () => {
    const up = await fetch(`${t.url}/health`);
    expect(up.status).toBe(200);
    expect((await up.json()).details.database.status).toBe('up');

    await relay.cut();
    const down = await fetch(`${t.url}/health`);
    expect(down.status).toBe(503);
    const body = await down.json();
    expect(body.details.database.status).toBe('down');

    await relay.restore();
    let status = 0;
    for (let i = 0; i < 20 && status !== 200; i++) {
      status = (await fetch(`${t.url}/health`)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
  });
});
