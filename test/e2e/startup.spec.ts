import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** Runs the real entry point (src/main.ts through swc) as a separate process with the given environment. */
function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    encoding: 'utf8',
    timeout: 60_000,
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
});
