import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { trusteeCeremony, trusteeInit } from '../../src/cli/trustee';
import { describeEachBackend } from '../support/databases';
import { startTestApp, type TestApp } from '../support/test-app';
import { BoardService } from '../../src/modules/board/board.service';
import { insertCeremonyElection } from '../integration/key-ceremony.helpers';

const ROOT = resolve(__dirname, '../..');
const running = new Set<ReturnType<typeof spawn>>();

/** Runs `evote <args>` as a separate process (dev mode: swc-node), resolving to its exit code and output. */
function evote(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/cli/evote.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', fail);
    child.on('close', (code) => {
      running.delete(child);
      done({ code, stdout, stderr });
    });
  });
}

describeEachBackend(
  'evote trustee CLI',
  (db) => {
    let t: TestApp;
    let ds: DataSource;
    let dir: string;

    beforeAll(async () => {
      t = await startTestApp(db());
      ds = t.app.get(DataSource);
      dir = mkdtempSync(join(tmpdir(), 'evote-cli-'));
    });
    afterAll(async () => {
      for (const c of running) c.kill();
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('--help, unknown options and an existing key file are handled with clear exit codes', async () => {
      const help = await evote(['--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('trustee ceremony');
      const sub = await evote(['trustee', 'ceremony', '--help']);
      expect(sub.code).toBe(0);
      expect(sub.stdout).toContain('--server <value>');
      expect((await evote(['trustee', 'init', '--bogus'])).code).toBe(2);
      expect((await evote(['trustee', 'ceremony', '--server', t.url])).code).toBe(2);
      expect((await evote(['nope'])).code).toBe(2);
    });

    it('one trustee runs the real program (init, then ceremony) next to two in-process trustees', async () => {
      const key1 = join(dir, 't1.key');
      const init = await evote(['trustee', 'init', '--out', key1]);
      expect(init.code).toBe(0);
      const pk1 = init.stdout.trim();
      expect(pk1).toMatch(/^[0-9a-f]{64}$/);
      expect(statSync(key1).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(key1, 'utf8')).publicKey).toBe(pk1);
      expect((await evote(['trustee', 'init', '--out', key1])).code).toBe(1); // never overwrites a key

      const others = [2, 3].map((i) => join(dir, `t${i}.key`));
      const id = await insertCeremonyElection(ds, { threshold: 2, publicKeys: [pk1, ...others.map((p) => trusteeInit(p))], board: t.app.get(BoardService) });
      const [cli, r2, r3] = await Promise.all([
        evote(['trustee', 'ceremony', '--server', t.url, '--election', id, '--key', key1, '--poll-ms', '50', '--timeout-s', '60']),
        ...others.map((keyPath) => trusteeCeremony({ server: t.url, electionId: id, keyPath, pollMs: 50, timeoutMs: 60_000 })),
      ]);
      expect([cli.code, cli.stderr]).toEqual([0, expect.stringContaining('ceremony complete')]);
      const out = JSON.parse(cli.stdout);
      expect(out).toMatchObject({ trustee: 1, jointKey: r2.jointKey, baseHash: r2.baseHash, qualified: [1, 2, 3] });
      expect(r3.baseHash).toBe(r2.baseHash);
      const share = JSON.parse(readFileSync(out.sharePath, 'utf8'));
      expect(share).toMatchObject({ trustee: 1, electionId: id, baseHash: r2.baseHash });
      expect(share.secretShare).toMatch(/^[0-9a-f]{64}$/);
      expect(share.dealerSecret).toBeUndefined(); // the polynomial is erased after the ceremony
      expect(statSync(out.sharePath).mode & 0o777).toBe(0o600);
    });
  },
  ['pglite'],
);
