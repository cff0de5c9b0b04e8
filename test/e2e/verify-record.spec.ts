import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { verifyElectionRecord, type RecordVerification } from '../../src/crypto/record/verify-record';
import { verifyCommand } from '../../src/cli/verify';
import { describeEachBackend } from '../support/databases';
import { closedElection, decryptWith, type ClosedElection } from '../support/tally-election';
import { startIdentityApp, type IdentityTestApp } from '../integration/identity/support';

const ROOT = resolve(__dirname, '../..');

/** Runs `evote <args>` as its own process, resolving to exit code and output. */
function evote(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/cli/evote.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

interface Rec {
  format: string;
  version: number;
  electionId: string;
  boardPublicKey: string;
  head: unknown;
  entries: string[];
}
type Payload = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const copy = (r: Rec): Rec => JSON.parse(JSON.stringify(r));
const seqOf = (r: Rec, kind: string): number => r.entries.findIndex((x) => JSON.parse(x).kind === kind);
/** Rewrites the payload of the entry at `seq` (same framing, new text: its leaf hash changes). */
function edit(r: Rec, seq: number, f: (p: Payload) => void): void {
  const e = JSON.parse(r.entries[seq]);
  f(e.payload);
  r.entries[seq] = JSON.stringify(e);
}
const payload = (r: Rec, seq: number): Payload => JSON.parse(r.entries[seq]).payload;
const failing = (v: RecordVerification) => v.checks.filter((c) => c.status !== 'pass').map((c) => c.id);

/**
 * One full election (key ceremony by the real trustee program, crowd voters with audits and re-votes,
 * close, decryption by only 2 of 3 trustees), verified clean; then single targeted changes to copies of
 * its record, each of which must fail the intended numbered check. 100 voters on PostgreSQL; 12 on
 * PGlite (same code paths, shorter run), or 100 there when no PostgreSQL server is reachable.
 */
describeEachBackend('evote verify: a whole election verifies; every targeted change is caught', (db) => {
  let t: IdentityTestApp;
  let e: ClosedElection;
  let record: Rec;
  let dir: string;
  let voters: number;
  /** Per-entry results of the clean run: each tampered copy re-checks only the entries it changed. */
  const cache = new Map<string, unknown>();

  beforeAll(async () => {
    voters = 100;
    dir = mkdtempSync(join(tmpdir(), 'evote-verify-'));
    // 100 sandbox logins from one address within a minute: the per-address login limit is not what is tested here.
    t = await startIdentityApp(db(), { RATE_LIMIT_LOGIN_PER_MINUTE: '0' });
    e = await closedElection(t, voters);
    await decryptWith(t, e, [1, 3]); // trustee 2 never shows up
    record = await (await fetch(`${t.url}/elections/${e.id}/record`)).json();
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    if (e) rmSync(e.keyDir, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the untouched record passes all 15 checks, in process and through `evote verify` (exit 0)', async () => {
    const v = verifyElectionRecord(record, { cache });
    expect(v.checks.map((c) => [c.id, c.status, c.reason])).toEqual(v.checks.map((c) => [c.id, 'pass', undefined]));
    expect(v.checks).toHaveLength(15);
    expect(v.ok).toBe(true);
    expect(v.result).toEqual(e.expected);
    const tally = payload(record, seqOf(record, 'tally'));
    expect(tally.counted).toHaveLength(voters);
    expect(v.checks.find((c) => c.id === '8')!.checked).toBe(e.cast);
    expect(v.checks.find((c) => c.id === '10')!.checked).toBe(e.audits);

    const file = join(dir, 'record.json');
    writeFileSync(file, JSON.stringify(record));
    const cli = await evote(['verify', file]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('every check passed');
    expect(cli.stdout.match(/\[PASS\]/g)).toHaveLength(15);
    // The NDJSON form (header line, one entry per line), checked on this thread only.
    const ndjson = join(dir, 'record.ndjson');
    const { entries, ...header } = record as { entries: string[] };
    writeFileSync(ndjson, `${[JSON.stringify(header), ...entries].join('\n')}\n`);
    const single = await evote(['verify', ndjson, '--workers', '0']);
    expect(single.code).toBe(0);
    expect(single.stdout.match(/\[PASS\]/g)).toHaveLength(15);
    // The same record from the server, verified again without any cache.

    const lines: string[] = [];
    const code = await verifyCommand({ server: t.url, election: e.id, json: true }, { out: (l) => lines.push(l), err: () => undefined });
    expect(code).toBe(0);
    expect(JSON.parse(lines.join('\n')).ok).toBe(true);
    // Against the fingerprint the officials published (H, here grouped as it might be printed): passes; another: check 4 fails.
    const H = payload(record, seqOf(record, 'election-key')).baseHash as string;
    expect((await evote(['verify', file, '--fingerprint', H.match(/.{4}/g)!.join(' ').toUpperCase()])).code).toBe(0);
    const wrong = await evote(['verify', file, '--fingerprint', `${H.slice(0, 63)}${H[63] === '0' ? '1' : '0'}`, '--json']);
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout).checks.find((c: { id: string }) => c.id === '4')).toMatchObject({ status: 'fail', reason: expect.stringContaining('not the published fingerprint') });
    expect((await evote(['verify', file, '--fingerprint', 'abc'])).code).toBe(2);
  }, 120_000);

  const counted = (r: Rec): number[] => payload(r, seqOf(r, 'tally')).counted;
  const tampers: Array<[string, string, (r: Rec) => void]> = [
    ['flip a ciphertext of a counted ballot', '8', (r) => {
      const [a, b] = counted(r);
      const other = payload(r, b).ballot.contests[0].selections[0].ciphertext.beta;
      edit(r, a, (p) => (p.ballot.contests[0].selections[0].ciphertext.beta = other));
    }],
    ["swap two ballots' proofs", '8', (r) => {
      const [a, b] = counted(r);
      const pa = payload(r, a).ballot.contests[1].selections[0].proof;
      const pb = payload(r, b).ballot.contests[1].selections[0].proof;
      edit(r, a, (p) => (p.ballot.contests[1].selections[0].proof = pb));
      edit(r, b, (p) => (p.ballot.contests[1].selections[0].proof = pa));
    }],
    ['drop a counted ballot', '11', (r) => {
      r.entries.splice(counted(r)[2], 1);
    }],
    ["duplicate a token (another counted entry replaced by a copy of one voter's ballot)", '9', (r) => {
      const [a, , c] = counted(r);
      const dup = payload(r, a);
      edit(r, c, (p) => Object.assign(p, dup));
    }],
    ['change one count in the result', '14', (r) => {
      edit(r, seqOf(r, 'result'), (p) => (p.results.council['list-a'] += 1));
    }],
    ['replace a decryption share', '12', (r) => {
      edit(r, seqOf(r, 'decryption-share'), (p) => (p.share.partials[0].D = p.share.partials[1].D));
    }],
    ['reorder two log leaves', '1', (r) => {
      const [a, b] = counted(r);
      [r.entries[a], r.entries[b]] = [r.entries[b], r.entries[a]];
    }],
    ['change a manifest option', '2', (r) => {
      edit(r, 0, (p) => (p.manifest.contests[0].options[0].title = 'Lijst Z'));
    }],
  ];

  it.each(tampers)('%s: check %s fails (and the verdict is not ok)', (_name, check, tamper) => {
    const r = copy(record);
    tamper(r);
    const v = verifyElectionRecord(r, { cache });
    expect(v.ok).toBe(false);
    expect(failing(v)).toContain(check);
    expect(v.checks).toHaveLength(15); // later checks still ran
  });

  it('`evote verify --json` on a tampered record exits 1 and names the failed checks', async () => {
    const r = copy(record);
    tampers[4][2](r);
    const file = join(dir, 'tampered.json');
    writeFileSync(file, JSON.stringify(r));
    const cli = await evote(['verify', '--record', file, '--json']);
    expect(cli.code).toBe(1);
    const out = JSON.parse(cli.stdout);
    expect(out.ok).toBe(false);
    expect(out.checks.find((c: { id: string }) => c.id === '14')).toMatchObject({ status: 'fail', reason: expect.stringContaining('council/list-a') });
  }, 60_000);
});
