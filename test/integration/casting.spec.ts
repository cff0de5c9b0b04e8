import { DataSource } from 'typeorm';
import { obtainBallotToken, prepareBallot, auditBody } from '../../src/client/voter-client';
import { ballotFromJSON, ballotHash } from '../../src/crypto/ballot';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../src/crypto/encoding';
import { defaultGroup as g } from '../../src/crypto/group';
import { leafHash, verifyInclusion } from '../../src/crypto/record/merkle';
import { verifyTreeHead } from '../../src/crypto/record/tree-head';
import { verifyReceipt } from '../../src/crypto/record/receipt';
import { generatePseudonymKeyPair, signBallot } from '../../src/crypto/tokens/pseudonym';
import { describeEachBackend } from '../support/databases';
import { confirmAction, json, openElection, voterSession, type OpenElection } from '../support/scenario';
import { go, startIdentityApp, type IdentityTestApp } from './identity/support';

describeEachBackend('casting: tokens, anonymous ballots, receipts, re-voting, audits', (db) => {
  let t: IdentityTestApp;
  let e: OpenElection;
  let boardKey: Uint8Array;

  beforeAll(async () => {
    // CAST_WORKERS=2: every submission here is checked on worker threads (other suites check on the event loop).
    t = await startIdentityApp(db(), { CAST_WORKERS: '2' });
    e = await openElection(t);
    boardKey = hexToBytes((await (await fetch(`${t.url}/board/key`)).json()).publicKey);
  }, 120_000);
  afterAll(() => t?.close());

  /** The anonymous cast: plain fetch, no cookie jar. */
  const cast = (body: unknown, path = 'ballots') => fetch(`${t.url}/elections/${e.id}/${path}`, json(body));
  const counted = async () => (await t.db.query(`SELECT count(*)::int AS n FROM counted_ballots WHERE election_id = $1`, [e.id]))[0].n as number;
  const boardSize = async () => (await (await fetch(`${t.url}/elections/${e.id}/board/head`)).json()).size as number;

  async function voterWithToken(identity: string) {
    const v = await voterSession(t, identity);
    return obtainBallotToken(t.url, e.election, e.id, e.issuers, v.send);
  }

  it('an eligible voter gets a token, casts anonymously and gets a receipt that proves inclusion', async () => {
    const { token, pseudonym } = await voterWithToken('voter');
    const p = prepareBallot(e.election, e.id, token, pseudonym, { council: ['list-b'], referendum: ['yes'] });
    const res = await cast(p.castBody);
    expect(res.status).toBe(201);
    const receipt = await res.json();
    expect(receipt.trackingCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    expect(verifyTreeHead(receipt.head, boardKey)).toBe(true);
    expect(Buffer.from(leafHash(utf8ToBytes(receipt.entry))).toString('hex')).toBe(receipt.leafHash);
    expect(verifyInclusion(hexToBytes(receipt.leafHash), receipt.seq, receipt.head.size, receipt.path.map((h: string) => hexToBytes(h)), hexToBytes(receipt.head.root))).toBe(true);
    expect(JSON.parse(receipt.entry).payload.ballot).toEqual(p.castBody.ballot);
    // What the booth checks (src/crypto/record/receipt.ts), against the board key of the setup proof.
    const expected = { electionId: e.id, boardPublicKey: bytesToHex(boardKey), ballot: p.castBody.ballot, ballotHash: ballotHash(g, p.ballot), audited: false };
    expect(verifyReceipt(receipt, expected)).toMatchObject({ ok: true, failures: [] });
    const other = prepareBallot(e.election, e.id, token, pseudonym, { council: ['list-c'], referendum: ['no'] });
    expect(verifyReceipt(receipt, { ...expected, ballot: other.castBody.ballot, ballotHash: ballotHash(g, other.ballot) })).toMatchObject({ ok: false, holdsBallot: false, trackingCode: false });
    expect(verifyReceipt({ ...receipt, seq: receipt.seq - 1 }, expected)).toMatchObject({ ok: false, included: false });
    expect(verifyReceipt(receipt, { ...expected, boardPublicKey: '11'.repeat(32) })).toMatchObject({ ok: false, signed: false });
    expect(verifyReceipt(receipt, { ...expected, audited: true }).holdsBallot).toBe(false);
    for (const junk of [null, {}, 'receipt', { ...receipt, path: 'x' }]) expect(verifyReceipt(junk, expected).ok).toBe(false);
    const found = await (await fetch(`${t.url}/elections/${e.id}/ballots/${receipt.trackingCode.toLowerCase()}`)).json();
    expect(found.entry.seq).toBe(receipt.seq);
    expect((await fetch(`${t.url}/elections/${e.id}/ballots/not-a-code`)).status).toBe(400);
    expect((await fetch(`${t.url}/elections/${e.id}/ballots/0000-0000-0000-0000`)).status).toBe(404);
    expect(await counted()).toBe(1);

    // A retry of the same request (answer lost) gets the same receipt, not a second ballot.
    const again = await (await cast(p.castBody)).json();
    expect(again.seq).toBe(receipt.seq);
    expect(await counted()).toBe(1);

    // Re-voting: the newer ballot under the same pseudonym is the one that counts.
    const p2 = prepareBallot(e.election, e.id, token, pseudonym, { council: [], referendum: ['no'] });
    const r2 = await (await cast(p2.castBody)).json();
    const rows = await t.db.query(`SELECT seq FROM counted_ballots WHERE election_id = $1 AND pseudonym = $2`, [e.id, Buffer.from(token.pseudonym, 'hex')]);
    expect(Number(rows[0].seq)).toBe(r2.seq);
  });

  it('a refused voter learns why and gets no token', async () => {
    const v = await voterSession(t, 'minor');
    const issuedBefore = (await t.db.query(`SELECT count(*)::int AS n FROM token_issuances WHERE election_id = $1`, [e.id]))[0].n;
    const res = await v.send(`${t.url}/elections/${e.id}/tokens`, json({ issuerId: e.issuers[0].id, blindedMessage: 'AAAA' }));
    expect(res.status).toBe(403);
    const body = await res.json();
    expect(body.error).toBe('not_eligible');
    expect(body.details.map((d: { rule: string }) => d.rule)).toContain('age');
    expect((await t.db.query(`SELECT count(*)::int AS n FROM token_issuances WHERE election_id = $1`, [e.id]))[0].n).toBe(issuedBefore);
  });

  it('a Benaloh audit opens the ballot on the board and is never counted', async () => {
    const { token, pseudonym } = await voterWithToken('eighteen-on-day');
    const p = prepareBallot(e.election, e.id, token, pseudonym, { council: ['list-a'], referendum: ['yes'] });
    const before = await counted();
    const res = await cast(auditBody(e.election, p), 'audits');
    expect(res.status).toBe(201);
    const audit = await res.json();
    expect(audit.audited).toBe(true);
    expect(audit.choices).toEqual({ council: ['list-a'], referendum: ['yes'] });
    expect(JSON.parse(audit.entry).kind).toBe('audit');
    expect(await counted()).toBe(before);
    // The audited ballot can never be cast afterwards.
    const castAudited = await cast(p.castBody);
    expect(castAudited.status).toBe(409);
  });

  it('refuses bad submissions with a reason and leaves no trace', async () => {
    const { token, pseudonym } = await voterWithToken('eighteen-day-before');
    const good = prepareBallot(e.election, e.id, token, pseudonym, { council: ['list-c'], referendum: ['no'] });
    const sizeBefore = await boardSize();
    const countedBefore = await counted();
    const other = generatePseudonymKeyPair();
    const wrongCredential = prepareBallot(e.election, e.id, token, other, { council: ['list-c'], referendum: ['no'] });
    const ballot = good.castBody.ballot as { contests: Array<{ selections: Array<{ ciphertext: { alpha: string; beta: string }; proof: Record<string, string> }> }> };
    const flipped = structuredClone(ballot);
    flipped.contests[0].selections[0].proof.v0 = ballot.contests[0].selections[1].proof.v0;
    const resign = (b: unknown) => bytesToHex(signBallot(pseudonym.secretKey, e.id, good.castBody.counter, ballotHash(g, ballotFromJSON(g, e.election.manifest, b))));
    const nonCanonical = structuredClone(ballot);
    nonCanonical.contests[0].selections[0].ciphertext.alpha = 'ff'.repeat(32);
    const identityPoint = structuredClone(ballot);
    identityPoint.contests[0].selections[0].ciphertext.alpha = '00'.repeat(32);
    const cases: Array<[string, unknown, number, string]> = [
      ['token of another election', { ...good.castBody, token: { ...token, electionId: '00000000-0000-4000-8000-000000000001' } }, 422, 'wrong_election'],
      ['token signature tampered', { ...good.castBody, token: { ...token, signatures: token.signatures.map((s, i) => (i === 0 ? { ...s, signature: token.signatures[1].signature } : s)) } }, 422, 'invalid_token'],
      // (Signatures stay sorted by issuer id, as a canonical token's must: the unknown issuer is the only fault.)
      ['token from an unknown issuer', { ...good.castBody, token: { ...token, signatures: [{ issuerId: 'A'.repeat(43), signature: token.signatures[0].signature }, token.signatures[1]].sort((x, y) => (x.issuerId < y.issuerId ? -1 : 1)) } }, 422, 'invalid_token'],
      ['ballot proofs bound to another pseudonym', wrongCredential.castBody, 422, 'credential_mismatch'],
      ['signature of another ballot', { ...good.castBody, signature: wrongCredential.castBody.signature }, 422, 'invalid_signature'],
      // A malicious voter signs a ballot whose proof is wrong: the signature is fine, the proof is not.
      ['a proof that does not verify', { ...good.castBody, ballot: flipped, signature: resign(flipped) }, 422, 'invalid_ballot'],
      ['a non-canonical point', { ...good.castBody, ballot: nonCanonical }, 400, 'malformed_submission'],
      ['the identity as a ciphertext part', { ...good.castBody, ballot: identityPoint }, 400, 'malformed_submission'],
      ['an unknown field', { ...good.castBody, extra: 1 }, 400, 'validation_failed'],
      ['a missing ballot', { token, signature: good.castBody.signature }, 400, 'validation_failed'],
      ['a contest too many', { ...good.castBody, ballot: { ...ballot, contests: [...ballot.contests, ballot.contests[0]] } }, 400, 'malformed_submission'],
    ];
    for (const [name, body, status, code] of cases) {
      const res = await cast(body);
      const answer = await res.json();
      expect([name, res.status, answer.error]).toEqual([name, status, code]);
    }
    const oversized = await cast({ ...good.castBody, ballot: { ...ballot, padding: 'x'.repeat(300 * 1024) } });
    expect(oversized.status).toBe(413);
    expect(await boardSize()).toBe(sizeBefore);
    expect(await counted()).toBe(countedBefore);
    expect((await cast(good.castBody)).status).toBe(201);
  });

  it('casting carries and needs no cookie: the same request with a session cookie is treated identically', async () => {
    const { token, pseudonym } = await voterWithToken('eu-resident');
    const p = prepareBallot(e.election, e.id, token, pseudonym, { council: ['list-a'], referendum: ['no'] });
    const v = await voterSession(t, 'eu-resident');
    const res = await go(v.jar, `${t.url}/elections/${e.id}/ballots`, json(p.castBody));
    expect(res.status).toBe(201);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('the same token cast many times at once yields exactly one counted ballot', async () => {
    const { token, pseudonym } = await voterWithToken('non-eu-resident');
    const distinct = Array.from({ length: 6 }, (_, i) => prepareBallot(e.election, e.id, token, pseudonym, { council: [['list-a', 'list-b', 'list-c'][i % 3]], referendum: ['yes'] }));
    const same = distinct[0].castBody;
    const attempts = [...Array.from({ length: db().backend === 'postgres' ? 200 : 10 }, () => same), ...distinct.slice(1).map((p) => p.castBody)];
    const results = await Promise.all(attempts.map((b) => cast(b)));
    // Each is stored, or refused because a submission with a higher counter got there first (§20).
    const accepted = new Set<number>();
    for (const [i, r] of results.entries()) {
      if (r.status === 201) accepted.add(attempts[i].counter);
      else expect([r.status, (await r.json()).error]).toEqual([409, 'stale_counter']);
    }
    expect(accepted.has(Math.max(...attempts.map((b) => b.counter)))).toBe(true); // the newest always gets in
    const rows = await t.db.query(`SELECT count(*)::int AS n FROM counted_ballots WHERE election_id = $1 AND pseudonym = $2`, [e.id, Buffer.from(token.pseudonym, 'hex')]);
    expect(rows[0].n).toBe(1);
    const stored = await t.db.query(`SELECT count(*)::int AS n, max(seq) AS last, max(counter)::int AS top FROM ballots WHERE election_id = $1 AND pseudonym = $2 AND NOT audited`, [e.id, Buffer.from(token.pseudonym, 'hex')]);
    expect(stored[0].n).toBe(accepted.size);
    expect(stored[0].top).toBe(distinct[distinct.length - 1].castBody.counter);
    const [c] = await t.db.query(`SELECT seq FROM counted_ballots WHERE election_id = $1 AND pseudonym = $2`, [e.id, Buffer.from(token.pseudonym, 'hex')]);
    expect(Number(c.seq)).toBe(Number(stored[0].last));
  });

  it('no ballot after close, and close publishes the issuance logs', async () => {
    const { token, pseudonym } = await voterWithToken('other-constituency').catch(() => ({ token: undefined, pseudonym: undefined }));
    expect(token).toBeUndefined(); // Herent voter is refused a Leuven token
    const late = await voterWithToken('eighteen-day-after').catch((err: Error) => err);
    expect(late).toBeInstanceOf(Error);
    const { token: t2, pseudonym: p2 } = await voterWithToken('trustee-1');
    await confirmAction(t, e.official, e.id, 'close');
    expect((await go(e.official, `${t.url}/elections/${e.id}/close`, { method: 'POST' })).status).toBe(200);
    const res = await cast(prepareBallot(e.election, e.id, t2, p2, { council: ['list-a'], referendum: ['yes'] }).castBody);
    expect(res.status).toBe(409);
    expect((await res.json()).error).toBe('election_not_open');
    const entries = await (await fetch(`${t.url}/elections/${e.id}/board/entries?limit=1000`)).json();
    const logs = entries.filter((x: { kind: string }) => x.kind === 'issuance-log').map((x: { entry: string }) => JSON.parse(x.entry).payload);
    const issued = await t.db.query(`SELECT issuer_id, count(*)::int AS n FROM token_issuances WHERE election_id = $1 GROUP BY issuer_id`, [e.id]);
    for (const log of logs) expect(log.count).toBe(issued.find((r: { issuer_id: string }) => r.issuer_id === log.issuerId).n);
    void pseudonym;
  });
});
