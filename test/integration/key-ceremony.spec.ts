import { rmSync } from 'node:fs';
import { statSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { createElection } from '../../src/crypto/ballot/election';
import { BoardService } from '../../src/modules/board/board.service';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../src/crypto/encoding';
import { encrypt, prepareElectionKey } from '../../src/crypto/elgamal';
import { ristretto255Group as group } from '../../src/crypto/group';
import { combineDecryptionShares, computeDecryptionShare } from '../../src/crypto/threshold/decryption';
import {
  createDealing,
  createDkgParameters,
  dealingToJSON,
  electionKeySetFromJSON,
  type DkgDealing,
} from '../../src/crypto/threshold/dkg';
import { TRUSTEE_MEDIA_TYPE, trusteeAuthHeaders } from '../../src/crypto/threshold/trustee-auth';
import { KeyCeremonyService } from '../../src/modules/key-ceremony/key-ceremony.service';
import { BoardKey } from '../../src/modules/board/board-key';
import { leafHash, treeRoot } from '../../src/crypto/record/merkle';
import { signTreeHead } from '../../src/crypto/record/tree-head';
import { verifyElectionRecord } from '../../src/crypto/record/verify-record';
import { deriveElectionKeys, electionKeySetToJSON, dealingFromJSON as parseDealing } from '../../src/crypto/threshold/dkg';
import { readSecretShare, readTrusteeKey, trusteeCeremony, type CeremonyView } from '../../src/cli/trustee';
import { describeEachBackend } from '../support/databases';
import { startTestApp, type TestApp } from '../support/test-app';
import { insertCeremonyElection, makeTrusteeKeys, testManifest } from './key-ceremony.helpers';

/** Dealer's share for `recipient` garbled: the dealing still passes the public check, the recipient must complain. */
const garbleShareFor = (recipient: number) => (d: DkgDealing): DkgDealing => ({
  ...d,
  shares: d.shares.map((s) =>
    s.recipient === recipient ? { ...s, ciphertext: { ...s.ciphertext, c: s.ciphertext.c.map((b, i) => (i === 0 ? b ^ 1 : b)) } } : s,
  ),
});

describeEachBackend('key ceremony', (db) => {
  let t: TestApp;
  let ds: DataSource;
  const dirs: string[] = [];

  beforeAll(async () => {
    t = await startTestApp(db());
    ds = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const view = async (id: string): Promise<CeremonyView> => (await fetch(`${t.url}/elections/${id}/key-ceremony`)).json() as Promise<CeremonyView>;
  const boardEntries = async (id: string) =>
    ((await (await fetch(`${t.url}/elections/${id}/board/entries?from=0&limit=100`)).json()) as Array<{ kind: string; entry: string }>).map((e) => ({
      kind: e.kind,
      payload: JSON.parse(e.entry).payload,
    }));

  async function setup(k: number, n: number, status = 'key_ceremony') {
    const keys = makeTrusteeKeys(n);
    dirs.push(keys.dir);
    const id = await insertCeremonyElection(ds, { status, threshold: k, publicKeys: keys.publicKeys, board: t.app.get(BoardService) });
    return { id, ...keys };
  }

  function run(id: string, keyPath: string, tamperDealing?: (d: DkgDealing) => DkgDealing) {
    return trusteeCeremony({ server: t.url, electionId: id, keyPath, pollMs: 25, timeoutMs: 30_000, tamperDealing });
  }

  /** A signed POST as the CLI sends it, with overridable pieces for the negative tests. */
  async function signedPost(
    id: string,
    what: 'dealings' | 'verdicts',
    body: unknown,
    signer: { trustee: number; secretKey: bigint },
    o: { sendBody?: string; now?: number; headers?: Record<string, string>; contentType?: string; omit?: boolean } = {},
  ) {
    const s = await view(id);
    const path = `/elections/${id}/key-ceremony/${what}`;
    const text = JSON.stringify(body);
    const headers = trusteeAuthHeaders(group, hexToBytes(s.setupHash, 32), signer.secretKey, { electionId: id, trustee: signer.trustee, method: 'POST', path, body: utf8ToBytes(text) }, { now: o.now });
    const res = await fetch(t.url + path, {
      method: 'POST',
      headers: { ...(o.omit ? {} : headers), ...(o.headers ?? {}), 'content-type': o.contentType ?? TRUSTEE_MEDIA_TYPE },
      body: o.sendBody ?? text,
    });
    return { status: res.status, body: (await res.json()) as { error?: string; message?: string; details?: string[]; created?: boolean } };
  }

  it('2-of-3: three trustees over HTTP agree on the joint key and base hash; the board has the dealings and the key; any 2 decrypt', async () => {
    const e = await setup(2, 3);
    const results = await Promise.all(e.paths.map((p) => run(e.id, p)));
    expect(results.map((r) => r.trustee)).toEqual([1, 2, 3]);
    expect(new Set(results.map((r) => r.jointKey)).size).toBe(1);
    expect(new Set(results.map((r) => r.baseHash)).size).toBe(1);
    expect(results[0].qualified).toEqual([1, 2, 3]);

    const v = await view(e.id);
    expect(v.state).toBe('complete');
    expect(v.baseHash).toBe(results[0].baseHash);
    const keySet = electionKeySetFromJSON(group, v.keySet);
    expect(group.toHex(keySet.jointKey)).toBe(results[0].jointKey);
    // The base hash is the §40.3 hash of manifest, setup hash, key set, setup entries and board key.
    const m = testManifest((v.manifest as { electionId: string }).electionId);
    const bindings = await t.app.get(BoardService).electionBindings(ds, e.id);
    expect(bytesToHex(createElection(group, m, hexToBytes(v.setupHash, 32), keySet, bindings).electionHash)).toBe(v.baseHash);
    const [row] = await ds.query(`SELECT setup_hash, key_set, base_hash, status FROM elections WHERE id = $1`, [e.id]);
    expect(bytesToHex(new Uint8Array(row.base_hash))).toBe(v.baseHash);
    expect(bytesToHex(new Uint8Array(row.setup_hash))).toBe(v.setupHash);
    expect(JSON.parse(row.key_set)).toEqual(v.keySet);
    expect(row.status).toBe('key_ceremony');

    const entries = (await boardEntries(e.id)).slice(2); // after the manifest and issuer-keys entries
    expect(entries.map((x) => x.kind)).toEqual(['trustee-commitments', 'trustee-commitments', 'trustee-commitments', 'election-key']);
    expect(entries.slice(0, 3).map((x) => x.payload.dealing)).toEqual(v.dealings);
    expect(entries[3].payload).toEqual({
      manifestHash: v.manifestHash,
      setupHash: v.setupHash,
      keySet: v.keySet,
      baseHash: v.baseHash,
      qualified: [1, 2, 3],
      complaints: [],
      rollSize: 0, // no roll imported in this test; H binds it
      witnesses: [],
    });

    // Share files are private and, with any 2 trustees, decrypt a ciphertext under K.
    for (const r of results) expect(statSync(r.sharePath).mode & 0o777).toBe(0o600);
    for (const p of e.paths) expect(statSync(p).mode & 0o777).toBe(0o600);
    const K = prepareElectionKey(group, keySet.jointKey);
    const ct = encrypt(group, K, 5).ciphertext;
    const H = hexToBytes(v.baseHash!, 32);
    const shares = e.paths.map((p) => {
      const s = readSecretShare(p, e.id);
      return computeDecryptionShare(group, H, s.keySet, s.trustee, s.secretShare, [ct]);
    });
    expect(combineDecryptionShares(group, H, keySet, [ct], [shares[0], shares[2]], { max: 10 }).results).toEqual([5]);
    expect(combineDecryptionShares(group, H, keySet, [ct], [shares[1], shares[2]], { max: 10 }).results).toEqual([5]);

    // Running again is harmless: the saved share answers; posting again is refused as finished.
    expect((await run(e.id, e.paths[0])).baseHash).toBe(v.baseHash);
  });

  it('1-of-1: a single trustee completes alone (no shares to send, empty verdicts)', async () => {
    const e = await setup(1, 1);
    const r = await run(e.id, e.paths[0]);
    expect(r.qualified).toEqual([1]);
    const v = await view(e.id);
    expect([v.state, v.baseHash, v.verdicts]).toEqual(['complete', r.baseHash, []]);
  });

  it('a dishonest dealer (bad share to trustee 3) is disqualified by an upheld complaint; the others still make the key', async () => {
    const e = await setup(2, 3);
    const results = await Promise.all([run(e.id, e.paths[0]), run(e.id, e.paths[1], garbleShareFor(3)), run(e.id, e.paths[2])]);
    expect(results[2].complaints).toEqual([2]);
    expect(results.map((r) => r.qualified)).toEqual([[1, 3], [1, 3], [1, 3]]);
    const v = await view(e.id);
    expect(v.state).toBe('complete');
    expect(v.qualified).toEqual([1, 3]);
    const complaint = v.verdicts.find((x) => x.verdict === 'complaint')!;
    expect(complaint).toMatchObject({ trustee: 3, dealer: 2, judgment: 'dealer-faulty' });
    expect(v.verdicts.filter((x) => x.verdict === 'ok')).toHaveLength(5);
    const entries = await boardEntries(e.id);
    const keyEntry = entries.find((x) => x.kind === 'election-key')!.payload;
    expect(keyEntry.qualified).toEqual([1, 3]);
    expect(keyEntry.complaints).toEqual([complaint]);
    const keySet = electionKeySetFromJSON(group, v.keySet);
    const ct = encrypt(group, prepareElectionKey(group, keySet.jointKey), 3).ciphertext;
    const H = hexToBytes(v.baseHash!, 32);
    const shares = [1, 2].map((i) => {
      const s = readSecretShare(e.paths[i], e.id);
      return computeDecryptionShare(group, H, s.keySet, s.trustee, s.secretShare, [ct]);
    });
    expect(combineDecryptionShares(group, H, keySet, [ct], shares, { max: 10 }).results).toEqual([3]);
  });

  it('fails with a reason when fewer than k dealers qualify (3-of-3 with a dishonest dealer)', async () => {
    const e = await setup(3, 3);
    const outcomes = await Promise.allSettled([run(e.id, e.paths[0]), run(e.id, e.paths[1], garbleShareFor(1)), run(e.id, e.paths[2])]);
    for (const o of outcomes) {
      expect(o.status).toBe('rejected');
      if (o.status === 'rejected') expect(String(o.reason.message)).toMatch(/key ceremony failed: only 2 dealers qualified \(1, 3\); the threshold is 3/);
    }
    const v = await view(e.id);
    expect(v.state).toBe('failed');
    expect(v.keySet).toBeNull();
    expect((await boardEntries(e.id)).map((x) => x.kind)).toEqual(['manifest', 'issuer-keys', 'trustee-commitments', 'trustee-commitments', 'trustee-commitments']);
    const [row] = await ds.query(`SELECT base_hash FROM elections WHERE id = $1`, [e.id]);
    expect(row.base_hash).toBeNull();
  });

  it('refuses unsigned, wrongly signed, stale, replayed and tampered requests with 401, changing nothing', async () => {
    const e = await setup(2, 3);
    const [k1, k2] = e.paths.map((p) => readTrusteeKey(p));
    const s = await view(e.id);
    const params = createDkgParameters(group, hexToBytes(s.manifestHash, 32), 2, s.trustees.map((x) => group.fromHex(x.publicKey)));
    const d1 = { dealing: dealingToJSON(group, createDealing(group, params, 1).dealing) };
    const d2 = { dealing: dealingToJSON(group, createDealing(group, params, 2).dealing) };
    const me = { trustee: 1, secretKey: k1.secretKey };
    const cases: Array<[string, Awaited<ReturnType<typeof signedPost>>]> = [
      ['no signature', await signedPost(e.id, 'dealings', d1, me, { omit: true })],
      ['wrong key', await signedPost(e.id, 'dealings', d1, { trustee: 1, secretKey: k2.secretKey })],
      ["another trustee's index", await signedPost(e.id, 'dealings', d2, { trustee: 2, secretKey: k1.secretKey })],
      ['stale timestamp', await signedPost(e.id, 'dealings', d1, me, { now: Date.now() - 6 * 60_000 })],
      ['future timestamp', await signedPost(e.id, 'dealings', d1, me, { now: Date.now() + 6 * 60_000 })],
      ['tampered body', await signedPost(e.id, 'dealings', d1, me, { sendBody: JSON.stringify(d1).replace('"dealer":1', '"dealer": 1') })],
      ['unknown trustee', await signedPost(e.id, 'dealings', d1, { trustee: 4, secretKey: k1.secretKey })],
      ['malformed signature', await signedPost(e.id, 'dealings', d1, me, { headers: { 'Evote-Signature': 'ab'.repeat(64) } })],
    ];
    for (const [what, r] of cases) {
      expect([what, r.status]).toEqual([what, 401]);
      expect(r.body.error).toMatch(/^trustee_auth_/);
    }
    expect((await view(e.id)).dealt).toEqual([]);
    expect(await ds.query(`SELECT 1 FROM dkg_dealings WHERE election_id = $1`, [e.id])).toHaveLength(0);

    // A signed body sent as application/json is not readable byte for byte: 415 with the media type to use.
    const json = await signedPost(e.id, 'dealings', d1, me, { contentType: 'application/json' });
    expect(json.status).toBe(415);
    expect(json.body.message).toContain(TRUSTEE_MEDIA_TYPE);

    // Replay: the same signed request twice; the second is refused although the first succeeded.
    const path = `/elections/${e.id}/key-ceremony/dealings`;
    const text = JSON.stringify(d1);
    const headers = trusteeAuthHeaders(group, hexToBytes(s.setupHash, 32), k1.secretKey, { electionId: e.id, trustee: 1, method: 'POST', path, body: utf8ToBytes(text) });
    const send = () => fetch(t.url + path, { method: 'POST', headers: { ...headers, 'content-type': TRUSTEE_MEDIA_TYPE }, body: text });
    expect((await send()).status).toBe(200);
    const replay = await send();
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: string }).error).toBe('trustee_auth_replay');

    // The same dealing again (freshly signed) is idempotent; a different one is a conflict.
    const again = await signedPost(e.id, 'dealings', d1, me);
    expect([again.status, again.body.created]).toEqual([200, false]);
    const other = { dealing: dealingToJSON(group, createDealing(group, params, 1).dealing) };
    expect((await signedPost(e.id, 'dealings', other, me)).status).toBe(409);
    expect((await view(e.id)).dealt).toEqual([1]);
    // Dealings stay hidden until all are in.
    expect((await view(e.id)).dealings).toEqual([]);
  });

  it('refuses malformed and publicly invalid dealings and verdicts with 400/422 and out-of-order verdicts with 409', async () => {
    const e = await setup(2, 3);
    const k = e.paths.map((p) => readTrusteeKey(p));
    const s = await view(e.id);
    const params = createDkgParameters(group, hexToBytes(s.manifestHash, 32), 2, s.trustees.map((x) => group.fromHex(x.publicKey)));
    const me = { trustee: 1, secretKey: k[0].secretKey };
    const good = dealingToJSON(group, createDealing(group, params, 1).dealing);

    const bad: Array<[string, unknown, number]> = [
      ['no dealing', {}, 400],
      ['extra field', { dealing: good, extra: 1 }, 400],
      ['dealing not an object', { dealing: 'x' }, 400],
      ['unknown key in dealing', { dealing: { ...good, extra: 1 } }, 400],
      ['bad hex', { dealing: { ...good, commitments: ['zz', good.commitments[1]] } }, 400],
      ['dealer mismatch', { dealing: dealingToJSON(group, createDealing(group, params, 2).dealing) }, 422],
      ['bad proof', { dealing: { ...good, proofs: [good.proofs[1], good.proofs[0]] } }, 422],
      ['missing share', { dealing: { ...good, shares: good.shares.slice(1) } }, 422],
      ['too few commitments', { dealing: { ...good, commitments: good.commitments.slice(1), proofs: good.proofs.slice(1) } }, 422],
    ];
    for (const [what, body, status] of bad) {
      const r = await signedPost(e.id, 'dealings', body, me);
      expect([what, r.status]).toEqual([what, status]);
      expect(typeof r.body.message).toBe('string');
    }
    const notJson = await signedPost(e.id, 'dealings', {}, me, { sendBody: '{"dealing":' });
    expect([notJson.status, notJson.body.message]).toEqual([400, 'The request body is not valid JSON']); // read before the signature check
    expect((await view(e.id)).dealt).toEqual([]);

    // Verdicts before every dealing is in: 409.
    expect((await signedPost(e.id, 'dealings', { dealing: good }, me)).status).toBe(200);
    const early = await signedPost(e.id, 'verdicts', { verdicts: [{ dealer: 2, verdict: 'ok' }, { dealer: 3, verdict: 'ok' }] }, me);
    expect([early.status, early.body.error]).toEqual([409, 'dealings_incomplete']);
    for (const i of [2, 3]) {
      const d = dealingToJSON(group, createDealing(group, params, i).dealing);
      expect((await signedPost(e.id, 'dealings', { dealing: d }, { trustee: i, secretKey: k[i - 1].secretKey })).status).toBe(200);
    }
    expect((await view(e.id)).state).toBe('checking');
    const badVerdicts: Array<[string, unknown, number]> = [
      ['missing dealer', { verdicts: [{ dealer: 2, verdict: 'ok' }] }, 422],
      ['own dealing', { verdicts: [{ dealer: 1, verdict: 'ok' }, { dealer: 2, verdict: 'ok' }] }, 422],
      ['duplicate dealer', { verdicts: [{ dealer: 2, verdict: 'ok' }, { dealer: 2, verdict: 'ok' }] }, 422],
      ['bad verdict', { verdicts: [{ dealer: 2, verdict: 'maybe' }, { dealer: 3, verdict: 'ok' }] }, 400],
      ['dealer 0', { verdicts: [{ dealer: 0, verdict: 'ok' }, { dealer: 3, verdict: 'ok' }] }, 400],
      ['not an array', { verdicts: 'ok' }, 400],
      ['complaint missing', { verdicts: [{ dealer: 2, verdict: 'complaint' }, { dealer: 3, verdict: 'ok' }] }, 400],
      ['malformed complaint', { verdicts: [{ dealer: 2, verdict: 'complaint', complaint: { complainer: 1 } }, { dealer: 3, verdict: 'ok' }] }, 400],
      ['ok with complaint', { verdicts: [{ dealer: 2, verdict: 'ok', complaint: {} }, { dealer: 3, verdict: 'ok' }] }, 422],
    ];
    for (const [what, body, status] of badVerdicts) {
      const r = await signedPost(e.id, 'verdicts', body, me);
      expect([what, r.status]).toEqual([what, status]);
    }
    expect((await view(e.id)).verdictsFrom).toEqual([]);
    const ok = await signedPost(e.id, 'verdicts', { verdicts: [{ dealer: 3, verdict: 'ok' }, { dealer: 2, verdict: 'ok' }] }, me);
    expect([ok.status, ok.body.created]).toEqual([200, true]);
    const same = await signedPost(e.id, 'verdicts', { verdicts: [{ dealer: 2, verdict: 'ok' }, { dealer: 3, verdict: 'ok' }] }, me);
    expect([same.status, same.body.created]).toEqual([200, false]);
    expect((await view(e.id)).verdictsFrom).toEqual([1]);
  });

  it('refuses ceremony requests for a draft or open election with 409; unknown election 404', async () => {
    for (const status of ['draft', 'open']) {
      const e = await setup(2, 3, status);
      const k1 = readTrusteeKey(e.paths[0]);
      const s = await view(e.id);
      expect(s.state).toBe(status === 'draft' ? 'not-started' : 'complete');
      const params = createDkgParameters(group, hexToBytes(s.manifestHash, 32), 2, s.trustees.map((x) => group.fromHex(x.publicKey)));
      const r = await signedPost(e.id, 'dealings', { dealing: dealingToJSON(group, createDealing(group, params, 1).dealing) }, { trustee: 1, secretKey: k1.secretKey });
      expect([status, r.status, r.body.error]).toEqual([status, 409, 'wrong_state']);
    }
    expect((await fetch(`${t.url}/elections/00000000-0000-4000-8000-000000000000/key-ceremony`)).status).toBe(404);
    expect((await fetch(`${t.url}/elections/not-a-uuid/key-ceremony`)).status).toBe(400);
  });
  // ------------------------------------------------------------------ deadlines (§35.6): nobody can stall it

  const HOUR = 3_600_000;
  /** Gives the election's ceremony round deadlines an hour and two hours from now. */
  async function setDeadlines(id: string, dealing = new Date(Date.now() + HOUR), verdicts = new Date(Date.now() + 2 * HOUR)) {
    await ds.query(`UPDATE elections SET dealing_deadline = $2, verdict_deadline = $3 WHERE id = $1`, [id, dealing, verdicts]);
    return { dealing, verdicts };
  }
  /** The server's clock, at `at`: closes the rounds due by then (as its timer does every few seconds). */
  const clockAt = (at: Date) => t.app.get(KeyCeremonyService).applyDeadlines(at);
  const after = (d: Date) => new Date(d.getTime() + 1000);
  async function until(what: string, done: (v: CeremonyView) => boolean, id: string): Promise<CeremonyView> {
    for (let i = 0; i < 1200; i++) {
      const v = await view(id);
      if (done(v)) return v;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  }
  async function dealAs(e: { id: string; paths: string[] }, trustee: number) {
    const key = readTrusteeKey(e.paths[trustee - 1]);
    const s = await view(e.id);
    const params = createDkgParameters(group, hexToBytes(s.manifestHash, 32), s.threshold, s.trustees.map((x) => group.fromHex(x.publicKey)));
    return signedPost(e.id, 'dealings', { dealing: dealingToJSON(group, createDealing(group, params, trustee).dealing) }, { trustee, secretKey: key.secretKey });
  }

  it('attack: a trustee who never deals cannot stall the ceremony: at the deadline 2-of-3 goes on with dealers 1 and 2, the key works, and the absent one is out', async () => {
    const e = await setup(2, 3);
    const d = await setDeadlines(e.id);
    const running = [run(e.id, e.paths[0]), run(e.id, e.paths[1])];
    await until('dealings 1 and 2', (v) => v.dealt.length === 2, e.id);
    expect(await clockAt(new Date(d.dealing.getTime() - 1000))).toBe(0); // not yet: the round stays open
    expect((await view(e.id)).dealings).toEqual([]); // no dealing is shown before the round closes
    expect(await clockAt(after(d.dealing))).toBe(1);
    const results = await Promise.all(running);
    expect(results.map((r) => r.qualified)).toEqual([[1, 2], [1, 2]]);
    const v = await view(e.id);
    expect([v.state, v.qualified, v.dealt]).toEqual(['complete', [1, 2], [1, 2]]);
    expect(v.progress.map((p) => p.disqualified)).toEqual([null, null, 'no_dealing']);
    expect(v.dealingsClosedAt).not.toBeNull();
    // The board has the two dealings and the key formed from them alone.
    const entries = (await boardEntries(e.id)).slice(2);
    expect(entries.map((x) => x.kind)).toEqual(['trustee-commitments', 'trustee-commitments', 'election-key']);
    expect(entries[2].payload.qualified).toEqual([1, 2]);
    // Trustees 1 and 2 decrypt together; the absent trustee's late dealing is refused.
    const keySet = electionKeySetFromJSON(group, v.keySet);
    const ct = encrypt(group, prepareElectionKey(group, keySet.jointKey), 4).ciphertext;
    const H = hexToBytes(v.baseHash!, 32);
    const shares = [0, 1].map((i) => {
      const sh = readSecretShare(e.paths[i], e.id);
      return computeDecryptionShare(group, H, sh.keySet, sh.trustee, sh.secretShare, [ct]);
    });
    expect(combineDecryptionShares(group, H, keySet, [ct], shares, { max: 10 }).results).toEqual([4]);
    expect((await dealAs(e, 3)).body.error).toBe('ceremony_finished');

    // An observer's verifier accepts the key formed from two dealings of three (checks 3 and 4)...
    const record = await (await fetch(`${t.url}/elections/${e.id}/record`)).json();
    const status = (r: unknown) => Object.fromEntries(verifyElectionRecord(r).checks.filter((c) => ['1', '3', '4'].includes(c.id)).map((c) => [c.id, c.status === 'fail' ? (c.failures ?? [c.reason]).join(' | ') : c.status]));
    expect(status(record)).toEqual({ '1': 'pass', '3': 'pass', '4': 'pass' });
    // ...but not a dishonest server's board (signed with the real board key) on which one dealer alone formed
    // the key: dealer 1 would know the whole secret key.
    const board = t.app.get(BoardKey);
    const real = (record.entries as string[]).map((x) => JSON.parse(x));
    const keyEntry = real.find((x) => x.kind === 'election-key');
    const params = createDkgParameters(group, hexToBytes(v.manifestHash, 32), 2, v.trustees.map((x) => group.fromHex(x.publicKey)));
    const alone = deriveElectionKeys(group, params, [parseDealing(group, v.dealings[0])], [1]);
    const kept = real.filter((x) => !(x.kind === 'trustee-commitments' && x.payload.dealing.dealer === 2)).filter((x) => x.seq <= keyEntry.seq);
    const forged = kept.map((x, seq) =>
      JSON.stringify({ v: 1, electionId: e.id, seq, kind: x.kind, payload: x.kind === 'election-key' ? { ...x.payload, qualified: [1], keySet: electionKeySetToJSON(group, alone) } : x.payload }),
    );
    const leaves = forged.map((x) => leafHash(new TextEncoder().encode(x)));
    const head = signTreeHead({ electionId: e.id, size: forged.length, root: bytesToHex(treeRoot(leaves, forged.length)), timestamp: Math.floor(Date.now() / 60_000) * 60_000 }, board.secretKey);
    const verdict = status({ ...record, head, entries: forged });
    expect(verdict['1']).toBe('pass');
    expect(verdict['3']).toMatch(/^1 dealings on the board, for 3 trustees with threshold 2/);
    expect(verdict['4']).toMatch(/only 1 qualified dealers \(1\), fewer than the threshold 2/);
  });

  it('a dealing after the deadline is refused even before the clock closes the round; with fewer than k dealings the ceremony fails with its reason', async () => {
    // This test is the server's clock: its own timer would close the round (the deadline is past) at any moment.
    const service = t.app.get(KeyCeremonyService);
    service.onModuleDestroy();
    try {
      await lateDealing();
    } finally {
      service.onModuleInit();
    }
  });

  async function lateDealing() {
    const e = await setup(2, 3);
    await setDeadlines(e.id);
    const first = run(e.id, e.paths[0]);
    await until('dealing 1', (v) => v.dealt.length === 1, e.id);
    // The deadline passes; the server's clock has not run yet.
    const past = await setDeadlines(e.id, new Date(Date.now() - 1000), new Date(Date.now() + HOUR));
    const late = await dealAs(e, 2);
    expect([late.status, late.body.error]).toEqual([409, 'dealing_round_closed']);
    expect((await view(e.id)).dealt).toEqual([1]);
    expect(await clockAt(after(past.dealing))).toBe(1);
    await expect(first).rejects.toThrow(/key ceremony failed: only 1 of 3 trustees dealt by the deadline .*the threshold is 2; no dealing from 2, 3/);
    const v = await view(e.id);
    expect([v.state, v.keySet, v.dealings]).toEqual(['failed', null, []]);
    // Nothing of a failed ceremony is on the board, and it takes nothing more.
    expect((await boardEntries(e.id)).map((x) => x.kind)).toEqual(['manifest', 'issuer-keys']);
    expect((await dealAs(e, 3)).body.error).toBe('ceremony_finished');
  }

  it('a dealer who never posts its verdicts does not stall it either: at the verdict deadline silence is no complaint', async () => {
    const e = await setup(2, 3);
    const d = await setDeadlines(e.id);
    expect((await dealAs(e, 3)).status).toBe(200); // trustee 3 deals, then falls silent
    const results = await Promise.all([run(e.id, e.paths[0]), run(e.id, e.paths[1]), (async () => {
      await until('verdicts of 1 and 2', (v) => v.verdictsFrom.length === 2, e.id);
      expect((await view(e.id)).state).toBe('checking'); // still waiting for trustee 3
      expect(await clockAt(after(d.verdicts))).toBe(1);
      return null;
    })()]);
    expect(results[0]!.qualified).toEqual([1, 2, 3]);
    const v = await view(e.id);
    expect([v.state, v.verdictsFrom]).toEqual(['complete', [1, 2]]);
    expect(v.progress.map((p) => [p.dealt, p.verdictsPosted, p.disqualified])).toEqual([[true, true, null], [true, true, null], [true, false, null]]);
  });

  it('a trustee out of the ceremony posts no verdicts; verdicts wait for the dealing round to close', async () => {
    const e = await setup(2, 3);
    const d = await setDeadlines(e.id);
    const k3 = readTrusteeKey(e.paths[2]);
    expect((await signedPost(e.id, 'verdicts', { verdicts: [] }, { trustee: 3, secretKey: k3.secretKey })).body.error).toBe('dealings_incomplete');
    expect((await dealAs(e, 1)).status).toBe(200);
    expect((await dealAs(e, 2)).status).toBe(200);
    expect(await clockAt(after(d.dealing))).toBe(1);
    const r = await signedPost(e.id, 'verdicts', { verdicts: [{ dealer: 1, verdict: 'ok' }, { dealer: 2, verdict: 'ok' }] }, { trustee: 3, secretKey: k3.secretKey });
    expect([r.status, r.body.error]).toEqual([409, 'trustee_disqualified']);
    // Dealer 1 owes a verdict on dealer 2 only (3 is not a dealer).
    const k1 = readTrusteeKey(e.paths[0]);
    const wrong = await signedPost(e.id, 'verdicts', { verdicts: [{ dealer: 2, verdict: 'ok' }, { dealer: 3, verdict: 'ok' }] }, { trustee: 1, secretKey: k1.secretKey });
    expect([wrong.status, wrong.body.error]).toEqual([422, 'verdicts_incomplete']);
  });
});
