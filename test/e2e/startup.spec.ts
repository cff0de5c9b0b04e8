import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

const root = join(__dirname, '..', '..');

/** Runs the real entry point (src/main.ts through swc) as a separate process with the given environment. */
function start(env: Record<string, string>, timeout = 60_000) {
  return spawnSync(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    encoding: 'utf8',
    timeout,
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('start-up with a bad configuration', () => {
  it('stops before listening, naming the variable and what is expected', () => {
    const r = start({ PORT: 'not-a-port', LOG_LEVEL: 'silent', DATA_DIR: '/tmp/evote-never-used' });
    expect(r.status).toBe(78);
    expect(r.stderr).toMatch(/Invalid configuration/);
    expect(r.stderr).toMatch(/PORT must be an integer between 0 and 65535 \(got "not-a-port"\)/);
    expect(r.stdout).not.toMatch(/running at/);
  });

  it('names a malformed DATABASE_URL without echoing its password', () => {
    const r = start({ DATABASE_URL: 'mysql://admin:s3cret@db/evote', LOG_LEVEL: 'silent' });
    expect(r.status).toBe(78);
    expect(r.stderr).toMatch(/DATABASE_URL must be a postgres:\/\//);
    expect(r.stderr).not.toMatch(/s3cret/);
  });

  it('stops once listening when the identity provider does not advertise the configured JWE enc', async () => {
    // The sandbox (the provider here) advertises A128CBC-HS256 only, as itsme documents.
    const dataDir = mkdtempSync(join(tmpdir(), 'evote-startup-'));
    try {
      const r = start({ PORT: String(await freePort()), NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, CAST_WORKERS: '0', OIDC_ID_TOKEN_ENCRYPTION_ENC: 'A256GCM' }, 120_000);
      expect(r.stderr).toMatch(/OIDC_ID_TOKEN_ENCRYPTION_ENC is A256GCM, which the identity provider does not advertise \(id_token_encryption_enc_values_supported: A128CBC-HS256\)/);
      expect(r.status).toBe(78);
      expect(r.stdout).not.toMatch(/running at/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 150_000);
});
