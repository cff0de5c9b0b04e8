import { auditBody, obtainBallotToken, prepareBallot } from '../../src/client/voter-client';
import { ballotFromJSON, ballotHash, verifyBallot } from '../../src/crypto/ballot';
import { hexToBytes } from '../../src/crypto/encoding';
import { defaultGroup as g } from '../../src/crypto/group';
import { verifyBoardLog } from '../../src/crypto/record/board-log';
import { parseIssuerPublicKeyJwk } from '../../src/crypto/tokens/rsa-key';
import { verifyTokenSignatures } from '../../src/crypto/tokens/ballot-token';
import { verifyBallotSignature } from '../../src/crypto/tokens/pseudonym';
import { describeEachBackend } from '../support/databases';
import { confirmAction, openElection, voterSession, type OpenElection } from '../support/scenario';
import { go, startIdentityApp, type IdentityTestApp } from '../integration/identity/support';

const VOTERS = 50;
const OPTIONS = ['list-a', 'list-b', 'list-c'];

describeEachBackend('end to end: 50 voters through the sandbox, re-votes and audits, close, the board verifies', (db) => {
  let t: IdentityTestApp;
  let e: OpenElection;

  beforeAll(async () => {
    t = await startIdentityApp(db());
    e = await openElection(t);
  }, 120_000);
  afterAll(() => t?.close());

  it('runs the election and the published record checks out', async () => {
    const lastChoice = new Map<string, string>(); // pseudonym → council choice of its last ballot
    let audits = 0;
    for (let i = 1; i <= VOTERS; i++) {
      const v = await voterSession(t, `crowd-${String(i).padStart(3, '0')}`);
      const { token, pseudonym } = await obtainBallotToken(t.url, e.election, e.id, e.issuers, v.send);
      if (i % 10 === 3) {
        // Benaloh: audit one encryption, then cast a fresh one.
        const audited = prepareBallot(e.election, e.id, token, pseudonym, { council: [OPTIONS[i % 3]], referendum: ['yes'] });
        const a = await fetch(`${t.url}/elections/${e.id}/audits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(auditBody(e.election, audited)) });
        expect(a.status).toBe(201);
        expect((await a.json()).choices.council).toEqual([OPTIONS[i % 3]]);
        audits++;
      }
      const choice = OPTIONS[i % 3];
      const p = prepareBallot(e.election, e.id, token, pseudonym, { council: [choice], referendum: [i % 2 ? 'yes' : 'no'] });
      const res = await fetch(`${t.url}/elections/${e.id}/ballots`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(p.castBody) });
      expect(res.status).toBe(201);
      lastChoice.set(token.pseudonym, choice);
      if (i % 10 === 7) {
        const again = OPTIONS[(i + 1) % 3];
        const p2 = prepareBallot(e.election, e.id, token, pseudonym, { council: [again], referendum: ['no'] });
        expect((await fetch(`${t.url}/elections/${e.id}/ballots`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(p2.castBody) })).status).toBe(201);
        lastChoice.set(token.pseudonym, again);
      }
    }
    await confirmAction(t, e.official, e.id, 'close');
    expect((await go(e.official, `${t.url}/elections/${e.id}/close`, { method: 'POST' })).status).toBe(200);

    // An observer downloads the record and checks it with nothing but src/crypto.
    const record = await (await fetch(`${t.url}/elections/${e.id}/record`)).json();
    const log = verifyBoardLog(e.id, record.entries, record.head, hexToBytes(record.boardPublicKey));
    expect(log.failures).toEqual([]);
    const issuerEntry = log.entries.find((x) => x.kind === 'issuer-keys')!.payload as { threshold: number; issuers: Array<{ id: string; publicKey: unknown }> };
    const issuers = issuerEntry.issuers.map((i) => ({ id: i.id, publicKey: parseIssuerPublicKeyJwk(i.publicKey) }));
    const counted = new Map<string, number>();
    for (const entry of log.entries.filter((x) => x.kind === 'ballot')) {
      const { token, ballot, counter, signature } = entry.payload as { token: { pseudonym: string }; ballot: unknown; counter: number; signature: string };
      expect(verifyTokenSignatures(token, issuers, issuerEntry.threshold, { electionBaseHash: e.election.electionHash }).valid).toBe(true);
      const b = ballotFromJSON(g, e.election.manifest, ballot);
      expect(verifyBallotSignature(hexToBytes(token.pseudonym), e.id, counter, ballotHash(g, b), hexToBytes(signature))).toBe(true);
      expect(verifyBallot(g, e.election, b).valid).toBe(true);
      counted.set(token.pseudonym, entry.seq); // last one wins
    }
    expect(counted.size).toBe(VOTERS);
    expect(log.entries.filter((x) => x.kind === 'audit').length).toBe(audits);
    expect(log.entries.filter((x) => x.kind === 'ballot').length).toBe(VOTERS + VOTERS / 10);
    // The server's counted set is exactly the last ballot of each pseudonym.
    const rows = await t.db.query(`SELECT encode(pseudonym, 'hex') AS p, seq FROM counted_ballots WHERE election_id = $1`, [e.id]);
    expect(new Map(rows.map((r: { p: string; seq: string }) => [r.p, Number(r.seq)]))).toEqual(counted);
    const close = log.entries.find((x) => x.kind === 'close')!.payload as { ballotsCast: number };
    expect(close.ballotsCast).toBe(VOTERS + VOTERS / 10);
  }, 240_000);
});
