import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_ELECTION_ID } from '../../src/modules/eligibility/demo-election';
import { freePort } from '../integration/identity/support';
import { verifyCommand } from '../../src/cli/verify';

const root = join(__dirname, '..', '..');

/** Starts the real entry point as `npm start` does (development defaults), until it prints its URL. */
async function start(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 90 s:\n${out}`)), 90_000);
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('demo election:')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (d) => (out += d));
    child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe('npm start: a demo election ready to vote in', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'evote-demo-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is open after the first start, keeps its key across a restart, and its trustees keep their own files', async () => {
    const port = await freePort();
    let child = await start(dataDir, port);
    const first = await (await fetch(`http://127.0.0.1:${port}/elections/${DEMO_ELECTION_ID}`)).json();
    expect(first.status).toBe('open');
    expect(first.baseHash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.trusteeCount).toBe(3);
    const kinds = (await (await fetch(`http://127.0.0.1:${port}/elections/${DEMO_ELECTION_ID}/board/entries`)).json()).map((e: { kind: string }) => e.kind);
    expect(kinds.filter((k: string) => k === 'trustee-commitments').length).toBe(3);
    expect(kinds).toContain('election-key');
    for (let i = 1; i <= 3; i++) expect(statSync(join(dataDir, 'demo-trustees', `trustee-${i}.key`)).mode & 0o077).toBe(0);
    await stop(child);

    child = await start(dataDir, port);
    const again = await (await fetch(`http://127.0.0.1:${port}/elections/${DEMO_ELECTION_ID}`)).json();
    expect(again.status).toBe('open');
    expect(again.baseHash).toBe(first.baseHash);
    // `evote verify` on the open demo election: the checks that need a tally are skipped, none fails: exit 0
    // ("verifies so far"); with --require-result, exit 1; against its fingerprint, still 0.
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: () => undefined };
    expect(await verifyCommand({ server: `http://127.0.0.1:${port}`, election: DEMO_ELECTION_ID, workers: 0, fingerprint: first.baseHash }, io)).toBe(0);
    expect(lines[lines.length - 1]).toMatch(/^The record verifies so far: 0 ballots, no result yet \(checks 9, 11, 12, 13, 14, 15 do not apply yet/);
    expect(lines.join('\n')).not.toMatch(/\[FAIL\]/);
    expect(await verifyCommand({ server: `http://127.0.0.1:${port}`, election: DEMO_ELECTION_ID, workers: 0, requireResult: true }, io)).toBe(1);
    await stop(child);
  }, 200_000);

  /** `npm run demo:reset` as the README gives it (the script itself, with this test's environment). */
  const reset = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['scripts/demo-reset.mjs'], { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 30_000 });

  it('npm run demo:reset starts the demo over: refused while the server runs or with DATABASE_URL, then a fresh demo election opens', async () => {
    const port = await freePort();
    let child = await start(dataDir, port);
    const before = await (await fetch(`http://127.0.0.1:${port}/elections/${DEMO_ELECTION_ID}`)).json();
    const running = reset({ DATA_DIR: dataDir });
    expect(running.status).toBe(1);
    expect(running.stderr).toMatch(/stop it first \(nothing was deleted\)/);
    expect(existsSync(join(dataDir, 'pg'))).toBe(true);
    await stop(child);

    const withServer = reset({ DATA_DIR: dataDir, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x' });
    expect(withServer.status).toBe(2);
    expect(existsSync(join(dataDir, 'pg'))).toBe(true);

    const done = reset({ DATA_DIR: dataDir });
    expect(done.status).toBe(0);
    expect(existsSync(join(dataDir, 'pg'))).toBe(false);
    expect(existsSync(join(dataDir, 'demo-trustees'))).toBe(false);
    expect(existsSync(join(dataDir, 'keys'))).toBe(true);

    child = await start(dataDir, port);
    const after = await (await fetch(`http://127.0.0.1:${port}/elections/${DEMO_ELECTION_ID}`)).json();
    expect(after.status).toBe('open');
    // A new ceremony: a new election key, so a new fingerprint, with an empty board of ballots.
    expect(after.baseHash).toMatch(/^[0-9a-f]{64}$/);
    expect(after.baseHash).not.toBe(before.baseHash);
    const kinds = (await (await fetch(`http://127.0.0.1:${port}/elections/${DEMO_ELECTION_ID}/board/entries`)).json()).map((e: { kind: string }) => e.kind);
    expect(kinds).not.toContain('ballot');
    await stop(child);
  }, 200_000);
});
