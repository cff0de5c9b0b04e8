// Attacks on ballot tokens, from the attacker's side, over HTTP on both databases (issue 13):
// - a voter mints a token for election B through election A's token endpoint (the issuers cannot see the
//   blinded message, so they would sign anything);
// - one token floods the board with audits and re-votes;
// - a database snapshot after the close orders each voter's issuance relative to the ballots.
import { obtainBallotToken, prepareBallot, auditBody } from '../../src/client/voter-client';
import { fromBase64Url, toBase64Url } from '../../src/crypto/encoding';
import { assembleBallotToken, prepareBallotToken } from '../../src/crypto/tokens/ballot-token';
import { generatePseudonymKeyPair } from '../../src/crypto/tokens/pseudonym';
import { blind, finalize } from '../../src/crypto/tokens/rsabssa';
import { verifyElectionRecord } from '../../src/crypto/record/verify-record';
import { BoardService } from '../../src/modules/board/board.service';
import { describeEachBackend } from '../support/databases';
import { confirmAction, json, openElection, voterSession, type OpenElection } from '../support/scenario';
import { go, startIdentityApp, type IdentityTestApp } from './identity/support';

describeEachBackend('attacks on ballot tokens', (db) => {
  let t: IdentityTestApp;
  let a: OpenElection;
  let b: OpenElection;

  beforeAll(async () => {
    t = await startIdentityApp(db(), { MAX_REVOTES_PER_TOKEN: '2', MAX_AUDITS_PER_TOKEN: '3' });
    a = await openElection(t); // Leuven
    b = await openElection(t, { constituency: 'Herent' }); // the Leuven voters are not eligible here
  }, 180_000);
  afterAll(() => t?.close());

  const cast = (electionId: string, body: unknown, path = 'ballots') => fetch(`${t.url}/elections/${electionId}/${path}`, json(body));
  const count = async (sql: string, ...params: unknown[]) => (await t.db.query(sql, params))[0].n as number;
  const choices = (i: number) => ({ council: [['list-a', 'list-b', 'list-c'][i % 3]], referendum: [i % 2 ? 'yes' : 'no'] });

  it("cross-election: election A's issuers sign a token message naming B, but nothing minted through A counts in B", async () => {
    // B's own endpoint refuses this voter.
    const attacker = await voterSession(t, 'voter');
    const refused = await attacker.send(`${t.url}/elections/${b.id}/tokens`, json({ issuerId: b.issuers[0].id, blindedMessage: 'AAAA' }));
    expect(refused.status).toBe(403);
    // An honest voter of B votes.
    const honest = await voterSession(t, 'other-constituency');
    const ht = await obtainBallotToken(t.url, b.election, b.id, b.issuers, honest.send);
    expect((await cast(b.id, prepareBallot(b.election, b.id, ht.token, ht.pseudonym, choices(0)).castBody)).status).toBe(201);

    // The attack: B's token message (B's id, B's H), blinded under A's issuer keys, sent to A's endpoint.
    const pseudonym = generatePseudonymKeyPair();
    const prepared = prepareBallotToken({ electionId: b.id, electionBaseHash: b.election.electionHash, pseudonym: pseudonym.publicKey });
    const signatures = [];
    for (const issuer of a.issuers) {
      const bl = blind(issuer.publicKey, prepared.preparedMsg);
      const res = await attacker.send(`${t.url}/elections/${a.id}/tokens`, json({ issuerId: issuer.id, blindedMessage: toBase64Url(bl.blindedMsg) }));
      expect(res.status).toBe(200); // A's issuer cannot see what it signs: it signs, with A's own key
      signatures.push({ issuerId: issuer.id, signature: finalize(issuer.publicKey, prepared.preparedMsg, fromBase64Url((await res.json()).blindSignature), bl.inv) });
    }
    // B's issuers cannot be reached through A's endpoint: their ids are unknown there.
    const viaA = await attacker.send(`${t.url}/elections/${a.id}/tokens`, json({ issuerId: b.issuers[0].id, blindedMessage: toBase64Url(blind(b.issuers[0].publicKey, prepared.preparedMsg).blindedMsg) }));
    expect(viaA.status).toBe(404);
    expect((await viaA.json()).error).toBe('unknown_issuer');

    // Neither A's signatures as they are, nor relabelled with B's issuer ids, make a token B accepts.
    const forged = assembleBallotToken({ electionId: b.id, pseudonym: pseudonym.publicKey, prefix: prepared.prefix, signatures });
    const relabelled = assembleBallotToken({ electionId: b.id, pseudonym: pseudonym.publicKey, prefix: prepared.prefix, signatures: signatures.map((s, i) => ({ issuerId: b.issuers[i].id, signature: s.signature })) });
    for (const token of [forged, relabelled]) {
      const res = await cast(b.id, prepareBallot(b.election, b.id, token, pseudonym, choices(1)).castBody);
      expect(res.status).toBe(422);
      expect((await res.json()).error).toBe('invalid_token');
    }
    // B counts exactly its honest voter; B's issuers signed only for that voter.
    expect(await count(`SELECT count(*)::int AS n FROM counted_ballots WHERE election_id = $1`, b.id)).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM token_issuances WHERE election_id = $1`, b.id)).toBe(b.issuers.length);
    // And the signatures A gave are A's: an A token under that pseudonym would need A's message, which they are not on.
    expect(new Set([...a.issuers, ...b.issuers].map((i) => i.id)).size).toBe(a.issuers.length + b.issuers.length);
  });

  it('caps: one token casts at most 1 + MAX_REVOTES_PER_TOKEN ballots and audits at most MAX_AUDITS_PER_TOKEN, even all at once', async () => {
    const v = await voterSession(t, 'eighteen-on-day');
    const { token, pseudonym } = await obtainBallotToken(t.url, a.election, a.id, a.issuers, v.send);
    // All at once (some lose to a higher counter that arrived first), then one by one until refused: never more than the cap.
    const submitAll = async (bodies: unknown[], path: string, limit: string) => {
      let ok = 0;
      for (const r of await Promise.all(bodies.map((b) => cast(a.id, b, path)))) {
        if (r.status === 201) ok++;
        else expect([r.status, [limit, 'stale_counter'].includes((await r.json()).error)]).toEqual([409, true]);
      }
      return ok;
    };
    let casts = await submitAll(Array.from({ length: 6 }, (_, i) => prepareBallot(a.election, a.id, token, pseudonym, choices(i)).castBody), 'ballots', 'revote_limit');
    expect(casts).toBeLessThanOrEqual(3);
    for (let i = 0; casts < 3 && i < 6; i++) casts += await submitAll([prepareBallot(a.election, a.id, token, pseudonym, choices(i)).castBody], 'ballots', 'revote_limit');
    const over = await cast(a.id, prepareBallot(a.election, a.id, token, pseudonym, choices(1)).castBody);
    expect([over.status, (await over.json()).error]).toEqual([409, 'revote_limit']);
    let audits = await submitAll(Array.from({ length: 6 }, (_, i) => auditBody(a.election, prepareBallot(a.election, a.id, token, pseudonym, choices(i)))), 'audits', 'audit_limit');
    expect(audits).toBeLessThanOrEqual(3);
    for (let i = 0; audits < 3 && i < 6; i++) audits += await submitAll([auditBody(a.election, prepareBallot(a.election, a.id, token, pseudonym, choices(i)))], 'audits', 'audit_limit');
    const overAudit = await cast(a.id, auditBody(a.election, prepareBallot(a.election, a.id, token, pseudonym, choices(2))), 'audits');
    expect([overAudit.status, (await overAudit.json()).error]).toEqual([409, 'audit_limit']);
    const pseudonymBytes = Buffer.from(token.pseudonym, 'hex');
    expect(await count(`SELECT count(*)::int AS n FROM ballots WHERE election_id = $1 AND pseudonym = $2 AND NOT audited`, a.id, pseudonymBytes)).toBe(3);
    expect(await count(`SELECT count(*)::int AS n FROM ballots WHERE election_id = $1 AND pseudonym = $2 AND audited`, a.id, pseudonymBytes)).toBe(3);
  });

  it("reorder: a server that appends a voter's re-vote before the ballot it replaces is caught by the signed counters (check 9)", async () => {
    const voter = await voterSession(t, 'official');
    const tk = await obtainBallotToken(t.url, a.election, a.id, a.issuers, voter.send);
    const first = prepareBallot(a.election, a.id, tk.token, tk.pseudonym, choices(0)); // counter 1
    const second = prepareBallot(a.election, a.id, tk.token, tk.pseudonym, choices(1)); // counter 2: the re-vote
    // The server holds the first back and appends the re-vote first, then the first (which "last" would then count).
    const board = t.app.get(BoardService);
    await t.db.transaction(async (m) => {
      await board.append(m, a.id, 'ballot', { token: tk.token, ballot: second.castBody.ballot, counter: second.castBody.counter, signature: second.castBody.signature });
      await board.append(m, a.id, 'ballot', { token: tk.token, ballot: first.castBody.ballot, counter: first.castBody.counter, signature: first.castBody.signature });
    });
    const record = await (await fetch(`${t.url}/elections/${a.id}/record`)).json();
    const c9 = verifyElectionRecord(record).checks.find((c) => c.id === '9')!;
    expect(c9.status).toBe('fail');
    expect(c9.failures!.join('\n')).toMatch(/counter 1 does not exceed the counter 2 of the pseudonym's entry \d+ \(reordered or replayed\)/);
    // The server itself refuses a submission whose counter is not above the pseudonym's last one.
    const third = prepareBallot(a.election, a.id, tk.token, tk.pseudonym, choices(2));
    const fourth = prepareBallot(a.election, a.id, tk.token, tk.pseudonym, choices(0));
    expect((await cast(a.id, fourth.castBody)).status).toBe(201);
    const stale = await cast(a.id, third.castBody);
    expect([stale.status, (await stale.json()).error]).toEqual([409, 'stale_counter']);
  });

  it('no order at rest: after the close, no row or system column orders the issuances relative to the ballots; the keys are gone', async () => {
    // A few more voters, interleaving issuance and casting, so that transaction ids would tell the order.
    for (const [i, who] of ['eighteen-day-before', 'eu-resident', 'non-eu-resident', 'trustee-1', 'trustee-2', 'trustee-3'].entries()) {
      const v = await voterSession(t, who);
      const r = await obtainBallotToken(t.url, a.election, a.id, a.issuers, v.send);
      expect((await cast(a.id, prepareBallot(a.election, a.id, r.token, r.pseudonym, choices(i)).castBody)).status).toBe(201);
    }
    const before: Array<{ x: string }> = await t.db.query(`SELECT xmin::text AS x FROM token_issuances WHERE election_id = $1`, [a.id]);
    expect(new Set(before.map((r) => r.x)).size).toBeGreaterThan(1);

    await confirmAction(t, a.official, a.id, 'close');
    expect((await go(a.official, `${t.url}/elections/${a.id}/close`, { method: 'POST' })).status).toBe(200);

    const rows: Array<{ x: string }> = await t.db.query(`SELECT xmin::text AS x FROM token_issuances WHERE election_id = $1`, [a.id]);
    expect(rows.length).toBe(before.length);
    expect(new Set(rows.map((r) => r.x)).size).toBe(1); // one transaction id for all: the close's
    const [{ newest }] = await t.db.query(`SELECT max(xmin::text::bigint)::text AS newest FROM ballots WHERE election_id = $1`, [a.id]);
    expect(BigInt(rows[0].x)).toBeGreaterThan(BigInt(newest)); // after every ballot, so it orders none
    // No column of the issuance table says when.
    const cols: Array<{ column_name: string; data_type: string }> = await t.db.query(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'token_issuances' ORDER BY ordinal_position`,
    );
    expect(cols.map((c) => c.column_name)).toEqual(['election_id', 'issuer_id', 'voter_key', 'blinded_hash', 'blind_signature']);
    expect(cols.some((c) => /time|date/.test(c.data_type))).toBe(false);
    // The election's issuer keys are erased: nothing can be signed for it any more, by anyone.
    expect(await count(`SELECT count(*)::int AS n FROM issuer_election_keys WHERE election_id = $1 AND wrapped_key IS NOT NULL`, a.id)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM issuer_election_keys WHERE election_id = $1 AND destroyed`, a.id)).toBe(a.issuers.length);
    const issued = await count(`SELECT count(*)::int AS n FROM token_issuances WHERE election_id = $1`, a.id);
    const late = await voterSession(t, 'official');
    const res = await late.send(`${t.url}/elections/${a.id}/tokens`, json({ issuerId: a.issuers[0].id, blindedMessage: toBase64Url(new Uint8Array(384)) }));
    expect([403, 409]).toContain(res.status);
    expect(await res.json()).not.toHaveProperty('blindSignature');
    expect(await count(`SELECT count(*)::int AS n FROM token_issuances WHERE election_id = $1`, a.id)).toBe(issued);
  });
});
