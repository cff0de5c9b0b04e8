import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tallyCiphertexts, tallyFromJSON, tallyToJSON } from '../../src/crypto/ballot';
import { aggregateCounted, countedBallotSeqs } from '../../src/crypto/record/counting';
import { BoardService } from '../../src/modules/board/board.service';
import { hexToBytes } from '../../src/crypto/encoding';
import { defaultGroup as g } from '../../src/crypto/group';
import { verifyElectionRecord } from '../../src/crypto/record/verify-record';
import { computeDecryptionShare, decryptionShareToJSON } from '../../src/crypto/threshold';
import { ApiClient, ApiError } from '../../src/cli/http';
import { electionFilePath, readSecretShare, readTrusteeKey } from '../../src/cli/trustee';
import { trusteeDecrypt } from '../../src/cli/decrypt';
import { demoTally, demoTrusteeKeyFile } from '../../src/cli/demo-tally';
import { describeEachBackend } from '../support/databases';
import { closedElection, type ClosedElection } from '../support/tally-election';
import { startIdentityApp, type IdentityTestApp } from './identity/support';

const VOTERS = 8;

describeEachBackend('tally: aggregate after the close, trustee shares, combination, result', (db) => {
  let t: IdentityTestApp;
  let e: ClosedElection;

  beforeAll(async () => {
    // 100 sandbox logins from one address within a minute: the per-address login limit is not what is tested here.
    // TALLY_WORKERS_FROM_BALLOTS=1: the aggregate is summed on worker threads even for a few ballots.
    t = await startIdentityApp(db(), { RATE_LIMIT_LOGIN_PER_MINUTE: '0', TALLY_WORKERS_FROM_BALLOTS: '1' });
    e = await closedElection(t, VOTERS);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    if (e) rmSync(e.keyDir, { recursive: true, force: true });
  });

  const tally = async () => (await fetch(`${t.url}/elections/${e.id}/tally`)).json();
  const kinds = async () => ((await (await fetch(`${t.url}/elections/${e.id}/record`)).json()).entries as string[]).map((x) => JSON.parse(x).kind as string);

  /** Trustee ℓ's signed POST of an arbitrary share body. */
  async function postShare(l: number, share: unknown): Promise<unknown> {
    const keyPath = e.keyPaths[l - 1];
    const { setupHash } = JSON.parse(readFileSync(electionFilePath(keyPath, e.id), 'utf8'));
    const signer = { electionId: e.id, trustee: l, secretKey: readTrusteeKey(keyPath).secretKey, setupHash: hexToBytes(setupHash, 32) };
    return new ApiClient(t.url).signedPost(`/elections/${e.id}/tally/shares`, { share }, signer);
  }
  const shareOf = (l: number, aggregate: unknown) => {
    const mine = readSecretShare(e.keyPaths[l - 1], e.id);
    const cts = tallyCiphertexts(tallyFromJSON(g, e.election.manifest, aggregate));
    return decryptionShareToJSON(g, computeDecryptionShare(g, mine.baseHash, mine.keySet, l, mine.secretShare, cts));
  };
  /** A share whose first partial decryption is replaced by the second's (its proof no longer holds). */
  const badShareOf = (l: number, aggregate: unknown) => {
    const s = shareOf(l, aggregate);
    return { ...s, partials: [{ ...s.partials[0], D: s.partials[1].D }, ...s.partials.slice(1)] };
  };
  const failure = async (p: Promise<unknown>) => p.then(() => null, (x: ApiError) => ({ status: x.status, code: x.code }));

  it('computes the aggregate once, on the first read after the close, and publishes it on the board', async () => {
    const first = await tally();
    expect(first).toMatchObject({ electionId: e.id, status: 'closed', threshold: 2, shares: [], result: null });
    expect(first.counted).toHaveLength(VOTERS);
    const second = await tally();
    expect(second.tallySeq).toBe(first.tallySeq);
    const ks = await kinds();
    expect(ks.filter((k) => k === 'tally')).toHaveLength(1);
    expect(ks.indexOf('tally')).toBe(first.tallySeq);
    expect(first.boardSize).toBe(first.tallySeq);
  });

  it('refuses an unsigned share, a share of another trustee and a share whose proofs fail: nothing stored', async () => {
    const { aggregate } = await tally();
    const unsigned = await fetch(`${t.url}/elections/${e.id}/tally/shares`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ share: shareOf(1, aggregate) }) });
    expect(unsigned.status).toBe(401);
    expect(await failure(postShare(2, shareOf(1, aggregate)))).toEqual({ status: 422, code: 'trustee_mismatch' });
    expect(await failure(postShare(2, badShareOf(2, aggregate)))).toEqual({ status: 422, code: 'share_invalid' });
    expect(await failure(postShare(2, { trustee: 2, partials: [] }))).toEqual({ status: 422, code: 'share_invalid' });
    expect(await failure(postShare(2, { trustee: 2, partials: 'x' }))).toEqual({ status: 400, code: 'malformed_share' });
    expect((await tally()).shares).toEqual([]);
    expect((await kinds()).includes('decryption-share')).toBe(false);
  });

  it('with trustee 2 absent, trustees 1 and 3 decrypt; the result is on the board and the election is tallied', async () => {
    const r1 = await trusteeDecrypt({ server: t.url, electionId: e.id, keyPath: e.keyPaths[0] });
    expect(r1).toMatchObject({ trustee: 1, created: true, shares: 1, result: null });
    const again = await trusteeDecrypt({ server: t.url, electionId: e.id, keyPath: e.keyPaths[0] });
    expect(again).toMatchObject({ created: false, seq: r1.seq });
    const r3 = await trusteeDecrypt({ server: t.url, electionId: e.id, keyPath: e.keyPaths[2] });
    expect(r3.result).toMatchObject({ trustees: [1, 3], results: e.expected });
    const view = await tally();
    expect(view).toMatchObject({ status: 'tallied', shares: [{ trustee: 1 }, { trustee: 3 }], result: { results: e.expected } });
    expect((await (await fetch(`${t.url}/elections/${e.id}`)).json()).status).toBe('tallied');
    // A late trustee is told the result is already there.
    await expect(trusteeDecrypt({ server: t.url, electionId: e.id, keyPath: e.keyPaths[1] })).rejects.toThrow(/tally_complete/);
    const record = await (await fetch(`${t.url}/elections/${e.id}/record`)).json();
    const v = verifyElectionRecord(record);
    expect(v.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.result).toEqual(e.expected);
  });

  it('a trustee refuses to decrypt a tally that leaves out a ballot (a server trying to decrypt a subset)', async () => {
    const e3 = await closedElection(t, 4);
    try {
      // A dishonest server publishes, as its tally, the sum of all counted ballots but one.
      const record = await (await fetch(`${t.url}/elections/${e3.id}/record`)).json();
      const entries = (record.entries as string[]).map((x) => JSON.parse(x));
      const counted = countedBallotSeqs(entries, 'last').slice(1);
      const aggregate = tallyToJSON(g, aggregateCounted(g, e3.election.manifest, entries, counted));
      const boardSize = entries.length;
      await t.db.transaction(async (m) => {
        const a = await t.app.get(BoardService).append(m, e3.id, 'tally', { aggregate, counted, boardSize });
        await m.query(`INSERT INTO election_tallies (election_id, tally_seq, board_size, aggregate, counted) VALUES ($1, $2, $3, $4, $5)`, [
          e3.id, a.seq, boardSize, JSON.stringify(aggregate), counted,
        ]);
      });
      await expect(trusteeDecrypt({ server: t.url, electionId: e3.id, keyPath: e3.keyPaths[0] })).rejects.toThrow(/check 9/);
      expect((await (await fetch(`${t.url}/elections/${e3.id}/tally`)).json()).shares).toEqual([]);
    } finally {
      rmSync(e3.keyDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('GET /tally: 404 for an unknown election; `evote demo tally` has the first k demo trustees decrypt', async () => {
    expect((await fetch(`${t.url}/elections/4f1c2a9e-0000-4000-8000-000000000000/tally`)).status).toBe(404);
    const e2 = await closedElection(t, 3);
    const dataDir = mkdtempSync(join(tmpdir(), 'evote-demo-data-'));
    try {
      mkdirSync(join(dataDir, 'demo-trustees'));
      e2.keyPaths.forEach((p, i) => {
        copyFileSync(p, demoTrusteeKeyFile(dataDir, i + 1));
        copyFileSync(electionFilePath(p, e2.id), electionFilePath(demoTrusteeKeyFile(dataDir, i + 1), e2.id));
      });
      const r = await demoTally({ server: t.url, dataDir, electionId: e2.id });
      expect(r.trustees).toEqual([1, 2]);
      expect(r.result).toMatchObject({ trustees: [1, 2], results: e2.expected });
      expect((await (await fetch(`${t.url}/elections/${e2.id}/tally`)).json()).status).toBe('tallied');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(e2.keyDir, { recursive: true, force: true });
    }
  }, 60_000);
});
