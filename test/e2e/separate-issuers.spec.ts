import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchElection, obtainBallotTokenFromIssuers, prepareBallot, prepareTokenRequest } from '../../src/client/voter-client';
import { DEMO_ELECTION_ID } from '../../src/modules/eligibility/demo-election';
import { approveAtSandbox, CookieJar, freePort, go, login } from '../integration/identity/support';
import { json } from '../support/scenario';
import { demoTally } from '../../src/cli/demo-tally';
import { verifyElectionRecord } from '../../src/crypto/record/verify-record';
import { actionHash } from '../../src/modules/identity/step-up.service';

const root = join(__dirname, '..', '..');

/** `ISSUERS=separate npm start`: the platform, which starts three issuer processes of their own. */
async function start(dataDir: string, port: number): Promise<{ child: ChildProcess; out: () => string }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', ISSUERS: 'separate' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 150 s:\n${out}`)), 150_000);
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('demo election:')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
  });
  return { child, out: () => out };
}

/** The pids of processes whose command line runs the issuer entry point, with their environment. */
function issuerProcesses(): Array<{ pid: number; env: string }> {
  const found: Array<{ pid: number; env: string }> = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('src/issuer/main.ts')) found.push({ pid: Number(pid), env: readFileSync(`/proc/${pid}/environ`, 'utf8') });
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return found;
}

describe('ISSUERS=separate npm start: the demo with three issuer processes, k = 2', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'evote-separate-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts three issuers of their own, a voter votes through them, the election is closed and tallied, and the platform process holds no issuer key; they stop with it', async () => {
    const before = new Set(issuerProcesses().map((p) => p.pid));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const { child, out } = await start(dataDir, port);
    try {
      expect(out()).toMatch(/token issuers \(separate processes\): http:\/\/127\.0\.0\.1:\d+, http:\/\/127\.0\.0\.1:\d+, http:\/\/127\.0\.0\.1:\d+/);
      const mine = issuerProcesses().filter((p) => !before.has(p.pid));
      expect(mine).toHaveLength(3);
      const endpoints = (await (await fetch(`${base}/elections/${DEMO_ELECTION_ID}/issuers`)).json()) as { mode: string; issuers: Array<{ id: string; url: string }> };
      expect(endpoints.mode).toBe('separate');
      const { election, issuers, issuerThreshold } = await fetchElection(base, DEMO_ELECTION_ID);
      expect([issuers.length, issuerThreshold]).toEqual([3, 2]);

      // A sandbox voter: login, the login for the token, the issuers directly, the cast.
      const jar = new CookieJar();
      expect((await login(base, jar, 'voter')).status).toBe(303);
      const pending = prepareTokenRequest(election, DEMO_ELECTION_ID, issuers);
      const started = await go(jar, `${base}/auth/token-login`, json({ nonce: pending.nonce, returnTo: '/booth/' }));
      const { callbackUrl } = await approveAtSandbox(jar, (await started.json()).authorizationUrl, { identity: 'voter' });
      await go(jar, callbackUrl);
      const { idToken } = await (await go(jar, `${base}/auth/token-login/assertion?nonce=${pending.nonce}`)).json();
      const { token, pseudonym } = await obtainBallotTokenFromIssuers(pending, idToken, endpoints.issuers, issuers, issuerThreshold);
      const cast = await fetch(`${base}/elections/${DEMO_ELECTION_ID}/ballots`, json(prepareBallot(election, DEMO_ELECTION_ID, token, pseudonym, { council: ['list-2'], 'car-free-centre': ['yes'] }).castBody));
      expect(cast.status).toBe(201);

      // The official closes (confirmed at the sandbox); the issuers' logs reach the board; the demo trustees tally.
      const official = new CookieJar();
      expect((await login(base, official, 'official')).status).toBe(303);
      const { message } = await (await fetch(`${base}/elections/${DEMO_ELECTION_ID}/action-message?action=close`)).json();
      const stepUp = await go(official, `${base}/auth/step-up`, json({ action: message, actionHash: actionHash(message), returnTo: '/' }));
      const confirmed = await approveAtSandbox(official, (await stepUp.json()).authorizationUrl, { identity: 'official', confirm: true });
      await go(official, confirmed.callbackUrl);
      expect((await go(official, `${base}/elections/${DEMO_ELECTION_ID}/close`, { method: 'POST' })).status).toBe(200);
      const tally = await demoTally({ server: base, dataDir });
      expect(tally.result).toMatchObject({ results: { council: { 'list-2': 1 }, 'car-free-centre': { yes: 1 } } });
      const verdict = verifyElectionRecord(await (await fetch(`${base}/elections/${DEMO_ELECTION_ID}/record`)).json());
      expect(verdict.checks.filter((c) => c.status !== 'pass')).toEqual([]);

      // The platform process: no issuer key in its environment or its key folder; each issuer's key is in its own folder.
      const platformEnv = readFileSync(`/proc/${child.pid}/environ`, 'utf8');
      expect(platformEnv).not.toMatch(/ISSUER_KEY|PRIVATE KEY/);
      expect(readdirSync(join(dataDir, 'keys')).filter((f) => /issuer/.test(f))).toEqual([]);
      for (let i = 1; i <= 3; i++) expect(existsSync(join(dataDir, 'issuers', `issuer-${i}`, 'keys', 'issuer.pem'))).toBe(true);
      for (const p of mine) expect(p.env).toContain('ISSUER_DATA_DIR=');
    } finally {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
    // The issuers end with the platform.
    for (let i = 0; i < 50 && issuerProcesses().some((p) => !before.has(p.pid)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(issuerProcesses().filter((p) => !before.has(p.pid))).toEqual([]);
  }, 240_000);
});
