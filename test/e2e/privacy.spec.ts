import { DataSource } from 'typeorm';
import { obtainBallotToken, prepareBallot } from '../../src/client/voter-client';
import { sandboxIdentity } from '../../src/modules/sandbox-idp/identities';
import { describeEachBackend } from '../support/databases';
import { confirmAction, openElection, voterSession, type OpenElection } from '../support/scenario';
import { go, startIdentityApp, type IdentityTestApp } from '../integration/identity/support';

/**
 * Privacy by construction: after a whole flow, nothing in the database or the logs links a voter's
 * identity (national number, its keyed hash, the identity provider's subject, the session, the IP
 * address) to anything of their ballot (pseudonym, token, ballot hash, tracking code).
 */
// nestjs-pino keeps one root logger per process: the second leg's app writes to the first leg's
// destination. One array for the file, and each leg reads the lines written since it started.
const allLogLines: string[] = [];
const sink = { write: (line: string) => void allLogLines.push(line) };

describeEachBackend('privacy: no link between a voter and a ballot, in any table or log line', (db) => {
  let t: IdentityTestApp;
  let e: OpenElection;
  let firstLine = 0;
  const logLines = () => allLogLines.slice(firstLine);
  const voters = ['crowd-101', 'crowd-102', 'crowd-103', 'voter'];
  const voterSide: string[] = [];
  const ballotSide: string[] = [];

  beforeAll(async () => {
    firstLine = allLogLines.length;
    t = await startIdentityApp(db(), { LOG_LEVEL: 'info' }, [], sink);
    e = await openElection(t);
    for (const key of voters) {
      const id = sandboxIdentity(key);
      const v = await voterSession(t, key);
      const { token, pseudonym } = await obtainBallotToken(t.url, e.election, e.id, e.issuers, v.send);
      const p = prepareBallot(e.election, e.id, token, pseudonym, { council: ['list-a'], referendum: ['no'] });
      const receipt = await (await fetch(`${t.url}/elections/${e.id}/ballots`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(p.castBody) })).json();
      await fetch(`${t.url}/elections/${e.id}/ballots/${receipt.trackingCode}`);
      const [session] = await t.db.query(`SELECT encode(national_number_hmac, 'hex') AS nn, encode(id_hash, 'hex') AS sid FROM identity_sessions WHERE subject = $1 LIMIT 1`, [id.sub]);
      voterSide.push(id.nationalNumber, id.sub, session.nn, session.sid);
      ballotSide.push(token.pseudonym, receipt.ballotHash, receipt.trackingCode, receipt.leafHash, token.prefix, ...token.signatures.map((s) => s.signature));
    }
    await confirmAction(t, e.official, e.id, 'close');
    await go(e.official, `${t.url}/elections/${e.id}/close`, { method: 'POST' });
  }, 180_000);
  afterAll(() => t?.close());

  async function tables(ds: DataSource): Promise<string[]> {
    const rows: Array<{ table_name: string }> = await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
    return rows.map((r) => r.table_name);
  }

  /** Every row of every table as text, with bytea as hex (row_to_json writes it as \\x…). */
  async function dump(ds: DataSource, table: string): Promise<string[]> {
    const rows: Array<{ j: string }> = await ds.query(`SELECT row_to_json(t)::text AS j FROM "${table}" t`);
    return rows.map((r) => r.j.toLowerCase());
  }

  const found = (text: string, needles: string[]) => needles.filter((n) => text.includes(n.toLowerCase().replace(/-/g, '')) || text.includes(n.toLowerCase()));

  it('no table holds both a voter identifier and a ballot identifier', async () => {
    expect(voterSide.length).toBe(voters.length * 4);
    const mixed: string[] = [];
    let sawVoter = false;
    let sawBallot = false;
    for (const table of await tables(t.db)) {
      const rows = await dump(t.db, table);
      const all = rows.join('\n');
      const v = found(all, voterSide);
      const b = found(all, ballotSide);
      sawVoter ||= v.length > 0;
      sawBallot ||= b.length > 0;
      if (v.length > 0 && b.length > 0) mixed.push(`${table}: ${v.length} voter and ${b.length} ballot identifiers`);
    }
    // The search itself works: both kinds are in the database, just never together.
    expect(sawVoter).toBe(true);
    expect(sawBallot).toBe(true);
    expect(mixed).toEqual([]);
  });

  it('issuance and ballot tables carry no timestamps to correlate by', async () => {
    const rows: Array<{ table_name: string; column_name: string }> = await t.db.query(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name IN ('token_issuances', 'ballots', 'counted_ballots', 'board_entries')
          AND data_type IN ('timestamp with time zone', 'timestamp without time zone', 'date', 'time without time zone')`,
    );
    expect(rows).toEqual([]);
  });

  it('no log line names a voter, a ballot, or an IP address', async () => {
    const lines = logLines();
    expect(lines.filter((l) => l.includes('"req":')).length).toBeGreaterThan(20);
    // The server's own address may appear in start-up messages; a request line must name no client address.
    const leaks = lines.filter((line) => found(line.toLowerCase(), [...voterSide, ...ballotSide]).length > 0 || (line.includes('"req":') && /remote|127\.0\.0\.1|::1/.test(line)));
    expect(leaks).toEqual([]);
  });
});
