import { DataSource } from 'typeorm';
import { actionHash } from '../../src/modules/identity/step-up.service';
import { BoardService } from '../../src/modules/board/board.service';
import { ElectionsService } from '../../src/modules/elections/elections.service';
import { describeEachBackend } from '../support/databases';
import { electionDefinition } from '../support/election-definitions';
import { completeKeyCeremony, makeTrustees } from '../support/key-ceremony';
import { confirmAction, json, OTHER_OFFICIAL, twoOfficialsEnv } from '../support/scenario';
import { sandboxIdentity } from '../../src/modules/sandbox-idp/identities';
import { AppConfig } from '../../src/config/app-config';
import { ensureDemoElection } from '../../src/modules/demo/demo-election';
import { DEMO_ELECTION_ID } from '../../src/modules/eligibility/demo-election';
import { NationalNumberHasher } from '../../src/modules/identity/national-number-hasher';
import { CookieJar, go, login, startIdentityApp, type IdentityTestApp } from './identity/support';


describeEachBackend('elections: definition and lifecycle', (db) => {
  let t: IdentityTestApp;
  let official: CookieJar;
  let voter: CookieJar;
  let other: CookieJar;
  const trustees = makeTrustees(3);

  beforeAll(async () => {
    t = await startIdentityApp(db(), twoOfficialsEnv());
    official = new CookieJar();
    expect((await login(t.url, official, 'official')).status).toBe(303);
    other = new CookieJar();
    expect((await login(t.url, other, OTHER_OFFICIAL)).status).toBe(303);
    voter = new CookieJar();
    expect((await login(t.url, voter, 'voter')).status).toBe(303);
  });
  afterAll(() => t?.close());

  const create = (jar: CookieJar, body: unknown) => go(jar, `${t.url}/elections`, json(body));

  it('only an official creates an election; it is published on the board as manifest and issuer keys', async () => {
    expect((await fetch(`${t.url}/elections`, json(electionDefinition(trustees)))).status).toBe(401);
    expect((await create(voter, electionDefinition(trustees))).status).toBe(403);
    const res = await create(official, electionDefinition(trustees));
    expect(res.status).toBe(201);
    const e = await res.json();
    expect(e).toMatchObject({ status: 'draft', kind: 'municipal', trusteeThreshold: 2, trusteeCount: 3, issuerThreshold: 2, baseHash: null });
    expect(e.manifest.electionId).toBe(e.id);
    expect(e.trustees.map((x: { publicKey: string }) => x.publicKey)).toEqual(trustees.map((x) => x.publicKey));
    const entries = await (await fetch(`${t.url}/elections/${e.id}/board/entries`)).json();
    expect(entries.map((x: { kind: string }) => x.kind)).toEqual(['manifest', 'issuer-keys']);
    const manifestEntry = JSON.parse(entries[0].entry);
    expect(manifestEntry.payload.manifestHash).toBe(e.manifestHash);
    expect((await (await fetch(`${t.url}/elections/${e.id}`)).json()).id).toBe(e.id);
  });

  it.each([
    ['a contest with a duplicate option', { contests: [{ id: 'c', title: 'C', kind: 'one-of-m', minSelections: 1, maxSelections: 1, blankAllowed: false, options: [{ id: 'a', title: 'A' }, { id: 'a', title: 'B' }] }] }, 'invalid_manifest'],
    ['an unknown contest field', { contests: [{ id: 'c', title: 'C', kind: 'one-of-m', minSelections: 1, maxSelections: 1, blankAllowed: false, options: [{ id: 'a', title: 'A' }, { id: 'b', title: 'B' }], extra: 1 }] }, 'invalid_manifest'],
    ['a threshold above the trustees', { trusteeThreshold: 4 }, 'invalid_trustees'],
    ['a trustee key that is no group element', { trustees: [{ name: 'X', publicKey: 'ff'.repeat(32) }] , trusteeThreshold: 1 }, 'invalid_trustees'],
    ['more issuers than the platform has', { issuerThreshold: 3 }, 'invalid_issuers'],
    ['an issuer threshold that is not a majority (two tokens per voter)', { issuerThreshold: 1 }, 'invalid_issuers'],
    ['a schedule that closes before it opens', { opensAt: '2027-05-09T14:00:00Z', closesAt: '2027-05-09T06:00:00Z' }, 'invalid_schedule'],
    ['an unknown election kind', { kind: 'papal' }, 'validation_failed'],
    ['a bad election day', { electionDay: '2027-02-30' }, 'validation_failed'],
  ])('refuses %s with 400', async (_name, over, code) => {
    const res = await create(official, electionDefinition(trustees, over));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe(code);
  });

  it('refuses a second election with the same slug with 409', async () => {
    const def = electionDefinition(trustees);
    expect((await create(official, def)).status).toBe(201);
    const again = await create(official, def);
    expect(again.status).toBe(409);
    expect((await again.json()).error).toBe('slug_taken');
  });

  it('goes through key ceremony, open (step-up), close (step-up), each transition checked', async () => {
    const e = await (await create(official, electionDefinition(trustees))).json();
    const post = (path: string) => go(official, `${t.url}/elections/${e.id}/${path}`, { method: 'POST' });
    expect((await post('open')).status).toBe(409); // still draft
    expect((await go(voter, `${t.url}/elections/${e.id}/key-ceremony`, { method: 'POST' })).status).toBe(403);
    const roll = { entries: [{ nationalNumber: '88110223380', constituency: 'Leuven', basis: 'belgian' }] };
    expect((await go(official, `${t.url}/elections/${e.id}/roll`, json(roll, 'PUT'))).status).toBe(200);
    expect((await post('key-ceremony')).status).toBe(200);
    expect((await post('key-ceremony')).status).toBe(409);
    const frozen = await go(official, `${t.url}/elections/${e.id}/roll`, json(roll, 'PUT'));
    expect(frozen.status).toBe(409);
    expect((await frozen.json()).error).toBe('roll_frozen');

    const { message, actionHash: hash } = await (await fetch(`${t.url}/elections/${e.id}/action-message?action=open`)).json();
    expect(hash).toBe(actionHash(message));
    await confirmAction(t, official, e.id, 'open');
    const early = await post('open');
    expect(early.status).toBe(409);
    expect((await early.json()).error).toBe('key_ceremony_incomplete');

    await completeKeyCeremony(t.db, t.app.get(BoardService), e.id, trustees);
    // The confirmation was not spent by the refused attempt.
    const opened = await post('open');
    expect(opened.status).toBe(200);
    expect((await opened.json()).status).toBe('open');

    const close = await post('close');
    expect(close.status).toBe(403);
    expect((await close.json()).error).toBe('step_up_required');
    await confirmAction(t, official, e.id, 'close');
    expect((await post('close')).status).toBe(200);
    const kinds = (await (await fetch(`${t.url}/elections/${e.id}/board/entries`)).json()).map((x: { kind: string }) => x.kind);
    expect(kinds).toEqual(['manifest', 'issuer-keys', 'election-key', 'open', 'issuance-log', 'issuance-log', 'close']);
  });

  it('the server clock opens and closes a scheduled election', async () => {
    const e = await (await create(official, electionDefinition(trustees, { opensAt: '2027-05-09T06:00:00Z', closesAt: '2027-05-09T14:00:00Z' }))).json();
    const elections = t.app.get(ElectionsService);
    expect((await go(official, `${t.url}/elections/${e.id}/key-ceremony`, { method: 'POST' })).status).toBe(200);
    await completeKeyCeremony(t.app.get(DataSource), t.app.get(BoardService), e.id, trustees);
    await elections.applySchedule(new Date('2027-05-09T05:59:00Z'));
    expect((await elections.get(e.id)).status).toBe('key_ceremony');
    await elections.applySchedule(new Date('2027-05-09T06:00:00Z'));
    expect((await elections.get(e.id)).status).toBe('open');
    await elections.applySchedule(new Date('2027-05-09T14:00:01Z'));
    expect((await elections.get(e.id)).status).toBe('closed');
  });

  describe('per-election officials', () => {
    const hmacOf = async (jar: CookieJar): Promise<string> => {
      const { subject } = await (await go(jar, `${t.url}/auth/me`)).json();
      const [row] = await t.db.query(`SELECT encode(national_number_hmac, 'hex') AS h FROM identity_sessions WHERE subject = $1 LIMIT 1`, [subject]);
      return row.h;
    };
    const officialsOf = async (id: string): Promise<string[]> =>
      (await t.db.query(`SELECT encode(national_number_hmac, 'hex') AS h FROM election_officials WHERE election_id = $1 ORDER BY 1`, [id])).map((r: { h: string }) => r.h);
    const roll = { entries: [{ nationalNumber: '88110223380', constituency: 'Leuven', basis: 'belgian' }] };

    it('the creator becomes the election official (by keyed hash only); another official cannot act on it', async () => {
      const mine = await (await create(official, electionDefinition(trustees))).json();
      const theirs = await (await create(other, electionDefinition(trustees))).json();
      expect(await officialsOf(mine.id)).toEqual([await hmacOf(official)]);
      expect(await officialsOf(theirs.id)).toEqual([await hmacOf(other)]);
      const stored = JSON.stringify(await t.db.query(`SELECT row_to_json(o)::text AS r FROM election_officials o`));
      expect(stored).not.toContain(sandboxIdentity('official').nationalNumber);

      // Each is refused on the other's election, and nothing changes there.
      for (const [jar, id] of [[other, mine.id], [official, theirs.id]] as const) {
        const r = await go(jar, `${t.url}/elections/${id}/roll`, json(roll, 'PUT'));
        expect(r.status).toBe(403);
        expect(await r.json()).toEqual({ error: 'not_election_official', message: expect.any(String) });
        expect((await go(jar, `${t.url}/elections/${id}/key-ceremony`, { method: 'POST' })).status).toBe(403);
        expect((await go(jar, `${t.url}/elections/${id}/roll`)).status).toBe(403);
        expect((await t.app.get(ElectionsService).get(id)).status).toBe('draft');
        expect((await t.db.query(`SELECT count(*)::int AS n FROM voter_roll_entries WHERE election_id = $1`, [id]))[0].n).toBe(0);
      }
      // And each acts on their own.
      expect((await go(other, `${t.url}/elections/${theirs.id}/roll`, json(roll, 'PUT'))).status).toBe(200);
      expect((await go(other, `${t.url}/elections/${theirs.id}/key-ceremony`, { method: 'POST' })).status).toBe(200);
    });

    it('an official of the election adds a co-official, who may then act; outsiders cannot add themselves', async () => {
      const e = await (await create(official, electionDefinition(trustees))).json();
      const add = (jar: CookieJar, nationalNumber: string, id = e.id) => go(jar, `${t.url}/elections/${id}/officials`, json({ nationalNumber }));
      const otherNn = sandboxIdentity(OTHER_OFFICIAL).nationalNumber;
      const self = await add(other, otherNn);
      expect(self.status).toBe(403);
      expect((await self.json()).error).toBe('not_election_official');
      expect(await officialsOf(e.id)).toHaveLength(1);
      // Malformed or wrong-checksum numbers are refused; the count is unchanged.
      for (const bad of ['1234', `${otherNn.slice(0, 9)}${String((Number(otherNn.slice(9)) % 97) + 1).padStart(2, '0')}`]) {
        const r = await add(official, bad);
        expect(r.status).toBe(400);
        expect(JSON.stringify(await r.json())).not.toContain(bad.slice(0, 9));
      }
      expect(await officialsOf(e.id)).toHaveLength(1);

      const added = await add(official, otherNn.replace(/^(\d\d)(\d\d)(\d\d)(\d{3})(\d\d)$/, '$1.$2.$3-$4.$5'));
      expect(added.status).toBe(200);
      expect(await added.json()).toEqual({ electionId: e.id, added: true, officials: 2 });
      expect(await (await add(official, otherNn)).json()).toEqual({ electionId: e.id, added: false, officials: 2 });
      expect(await officialsOf(e.id)).toEqual([await hmacOf(official), await hmacOf(other)].sort());
      expect((await go(other, `${t.url}/elections/${e.id}/roll`, json(roll, 'PUT'))).status).toBe(200);
      expect((await go(other, `${t.url}/elections/${e.id}/key-ceremony`, { method: 'POST' })).status).toBe(200);
      // The co-official still needs the platform role: a voter added as co-official stays a voter.
      expect((await add(official, sandboxIdentity('voter').nationalNumber)).status).toBe(200);
      const r = await go(voter, `${t.url}/elections/${e.id}/roll`);
      expect(r.status).toBe(403);
      expect((await r.json()).error).toBe('forbidden_role');
    });

    it('an election that does not exist: 404 for its actions, 400 for a malformed id', async () => {
      const missing = '00000000-0000-4000-8000-00000000beef';
      const r = await go(official, `${t.url}/elections/${missing}/key-ceremony`, { method: 'POST' });
      expect(r.status).toBe(404);
      expect((await r.json()).error).toBe('election_not_found');
      expect((await go(official, `${t.url}/elections/${missing}/officials`, json({ nationalNumber: sandboxIdentity('voter').nationalNumber }))).status).toBe(404);
      const bad = await go(official, `${t.url}/elections/not-a-uuid/open`, { method: 'POST' });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ error: 'bad_request', message: expect.any(String) });
    });
  });
});

describeEachBackend(
  "the demo election's officials",
  (db) => {
    let t: IdentityTestApp;
    beforeAll(async () => {
      t = await startIdentityApp(db()); // the sandbox's defaults: the fixture's official is the platform's only one
    });
    afterAll(() => t?.close());

    it('are the sandbox fixture official, also restored for a demo election that has none', async () => {
      await ensureDemoElection(t.app, t.app.get(AppConfig), t.url);
      const officials = async () => (await t.db.query(`SELECT encode(national_number_hmac, 'hex') AS h FROM election_officials WHERE election_id = $1`, [DEMO_ELECTION_ID])).map((r: { h: string }) => r.h);
      const expected = [t.app.get(NationalNumberHasher).hash(sandboxIdentity('official').nationalNumber).toString('hex')];
      expect(await officials()).toEqual(expected);
      const official = new CookieJar();
      await login(t.url, official, 'official');
      expect((await go(official, `${t.url}/elections/${DEMO_ELECTION_ID}/roll`)).status).toBe(200);
      // A demo election from before per-election officials: the next start gives it its official back.
      await t.db.query(`DELETE FROM election_officials WHERE election_id = $1`, [DEMO_ELECTION_ID]);
      expect((await go(official, `${t.url}/elections/${DEMO_ELECTION_ID}/roll`)).status).toBe(403);
      await ensureDemoElection(t.app, t.app.get(AppConfig), t.url);
      expect(await officials()).toEqual(expected);
      expect((await go(official, `${t.url}/elections/${DEMO_ELECTION_ID}/roll`)).status).toBe(200);
    }, 120_000);
  },
  ['pglite'],
);
