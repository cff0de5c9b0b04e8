import { obtainBallotToken, prepareBallot, type PreparedBallot } from '../../src/client/voter-client';
import { describeEachBackend } from '../support/databases';
import { confirmAction, json, openElection, voterSession, type OpenElection } from '../support/scenario';
import { go, startIdentityApp, type IdentityTestApp } from './identity/support';

/**
 * A close racing with casts: every cast either lands before the close entry (201) or is refused (409);
 * no ballot entry ever follows the close, and every answered receipt is on the board.
 */
describeEachBackend('race: closing while ballots are being cast', (db) => {
  let t: IdentityTestApp;
  let e: OpenElection;
  const ballots: PreparedBallot[] = [];

  beforeAll(async () => {
    t = await startIdentityApp(db(), { RATE_LIMIT_LOGIN_PER_MINUTE: '0' });
    e = await openElection(t);
    for (let i = 121; i <= 150; i++) {
      const v = await voterSession(t, `crowd-${i}`);
      const { token, pseudonym } = await obtainBallotToken(t.url, e.election, e.id, e.issuers, v.send);
      ballots.push(prepareBallot(e.election, e.id, token, pseudonym, { council: ['list-b'], referendum: ['no'] }));
    }
    await confirmAction(t, e.official, e.id, 'close');
  }, 180_000);
  afterAll(() => t?.close());

  it('no ballot after the close, and no receipt without its ballot', async () => {
    const casts = ballots.map((b) => fetch(`${t.url}/elections/${e.id}/ballots`, json(b.castBody)));
    const close = go(e.official, `${t.url}/elections/${e.id}/close`, { method: 'POST' });
    const answers = await Promise.all(casts);
    expect((await close).status).toBe(200);
    const receipts: Array<{ seq: number }> = [];
    for (const a of answers) {
      expect([201, 409]).toContain(a.status);
      const body = await a.json();
      if (a.status === 201) receipts.push(body);
      else expect(body.error).toBe('election_not_open');
    }
    const entries = await (await fetch(`${t.url}/elections/${e.id}/board/entries?limit=1000`)).json();
    const closeSeq = entries.find((x: { kind: string }) => x.kind === 'close').seq;
    const ballotSeqs = entries.filter((x: { kind: string }) => x.kind === 'ballot').map((x: { seq: number }) => x.seq);
    expect(ballotSeqs.every((s: number) => s < closeSeq)).toBe(true);
    expect(ballotSeqs.sort((a: number, b: number) => a - b)).toEqual(receipts.map((r) => r.seq).sort((a, b) => a - b));
    const closed = JSON.parse(entries.find((x: { kind: string }) => x.kind === 'close').entry).payload;
    expect(closed.ballotsCast).toBe(receipts.length);
  });
});
