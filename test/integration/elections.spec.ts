import { DataSource } from 'typeorm';
import { actionHash } from '../../src/modules/identity/step-up.service';
import { BoardService } from '../../src/modules/board/board.service';
import { KeyCeremonyService } from '../../src/modules/key-ceremony/key-ceremony.service';
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
import type { SessionPrincipal } from '../../src/modules/identity/session.service';
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
    ['a compulsory-voting flag that is not true or false', { compulsoryVoting: 'yes' }, 'validation_failed'],
  ])('refuses %s with 400', async (_name, over, code) => {
    const res = await create(official, electionDefinition(trustees, over));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe(code);
  });

  it('compulsory voting: the Belgian rule by default, off when the commission says so (a Flemish local election)', async () => {
    const byDefault = await (await create(official, electionDefinition(trustees, { slug: 'compulsory-default' }))).json();
    const flemish = await (await create(official, electionDefinition(trustees, { slug: 'compulsory-off', compulsoryVoting: false }))).json();
    expect([byDefault.compulsoryVoting, flemish.compulsoryVoting]).toEqual([true, false]);
    expect((await (await fetch(`${t.url}/elections/${flemish.id}`)).json()).compulsoryVoting).toBe(false);
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
    await confirmAction(t, official, e.id, 'start_key_ceremony');
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

  it('archive: a draft set aside for good needs a confirmation of exactly that; it leaves the lists, its issuer keys are erased, it cannot go on', async () => {
    const e = await (await create(official, electionDefinition(trustees))).json();
    const archive = (jar: CookieJar, id = e.id) => go(jar, `${t.url}/elections/${id}/archive`, { method: 'POST' });
    // Attacks: no confirmation; a confirmation of another action; a confirmation for another election; another election's official.
    expect((await archive(official)).status).toBe(403);
    await confirmAction(t, official, e.id, 'start_key_ceremony');
    expect((await archive(official)).status).toBe(403);
    const elsewhere = await (await create(official, electionDefinition(trustees))).json();
    await confirmAction(t, official, elsewhere.id, 'archive');
    expect((await archive(official)).status).toBe(403);
    await confirmAction(t, other, e.id, 'archive', OTHER_OFFICIAL);
    expect([(await archive(other)).status]).toEqual([403]);
    expect((await (await fetch(`${t.url}/elections/${e.id}`)).json()).status).toBe('draft');

    await confirmAction(t, official, e.id, 'archive');
    const done = await archive(official);
    expect(done.status).toBe(200);
    expect((await done.json()).status).toBe('archived');
    const listed = (await (await fetch(`${t.url}/elections`)).json()) as Array<{ id: string }>;
    expect(listed.map((x) => x.id)).not.toContain(e.id);
    expect(((await (await fetch(`${t.url}/elections?archived=true`)).json()) as Array<{ id: string }>).map((x) => x.id)).toContain(e.id);
    expect((await fetch(`${t.url}/elections?archived=yes`)).status).toBe(400);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM issuer_election_keys WHERE election_id = $1 AND wrapped_key IS NOT NULL`, [e.id]);
    expect(n).toBe(0);
    // It cannot go on: no ceremony, no roll, no second archive; and a non-draft cannot be archived.
    await confirmAction(t, official, e.id, 'start_key_ceremony');
    const start = await go(official, `${t.url}/elections/${e.id}/key-ceremony`, { method: 'POST' });
    expect([start.status, (await start.json()).error]).toEqual([409, 'invalid_transition']);
    const roll = await go(official, `${t.url}/elections/${e.id}/roll`, json({ entries: [{ nationalNumber: sandboxIdentity('voter').nationalNumber, constituency: 'Leuven', basis: 'belgian' }] }, 'PUT'));
    expect([roll.status, (await roll.json()).error]).toEqual([409, 'roll_frozen']);
    await confirmAction(t, official, e.id, 'archive');
    expect((await archive(official)).status).toBe(409);
    await confirmAction(t, official, elsewhere.id, 'start_key_ceremony');
    expect((await go(official, `${t.url}/elections/${elsewhere.id}/key-ceremony`, { method: 'POST' })).status).toBe(200);
    await confirmAction(t, official, elsewhere.id, 'archive');
    const late = await archive(official, elsewhere.id);
    expect([late.status, (await late.json()).error]).toEqual([409, 'invalid_transition']);
  });

  it('ceremony deadlines: given at the start (refused when impossible); a ceremony that failed at its deadline is abandoned with a confirmation of exactly that, and only then', async () => {
    const e = await (await create(official, electionDefinition(trustees))).json();
    const start = (body: unknown) => go(official, `${t.url}/elections/${e.id}/key-ceremony`, json(body, 'POST'));
    await confirmAction(t, official, e.id, 'start_key_ceremony');
    for (const bad of [{ dealingDeadline: '2020-01-01T00:00:00Z' }, { dealingDeadline: 'soon' }, { dealingDeadline: '2099-01-01T00:00:00Z' }, { extra: 1 }]) {
      const r = await start(bad);
      expect([JSON.stringify(bad), r.status]).toEqual([JSON.stringify(bad), 400]);
    }
    expect((await (await fetch(`${t.url}/elections/${e.id}`)).json()).status).toBe('draft'); // nothing changed, the confirmation kept
    const dealing = new Date(Date.now() + 3_600_000);
    const started = await start({ dealingDeadline: dealing.toISOString(), verdictDeadline: new Date(dealing.getTime() + 3_600_000).toISOString() });
    expect(started.status).toBe(200);
    const ceremony = await (await fetch(`${t.url}/elections/${e.id}/key-ceremony`)).json();
    expect(ceremony.deadlines).toEqual({ dealing: dealing.toISOString(), verdicts: new Date(dealing.getTime() + 3_600_000).toISOString() });
    const abandon = () => go(official, `${t.url}/elections/${e.id}/abandon-ceremony`, { method: 'POST' });
    // A running ceremony cannot be abandoned, even confirmed; and nothing happens without a confirmation.
    await confirmAction(t, official, e.id, 'abandon_ceremony');
    const early = await abandon();
    expect([early.status, (await early.json()).error]).toEqual([409, 'ceremony_not_failed']);
    // Nobody deals: at the deadline the ceremony fails.
    expect(await t.app.get(KeyCeremonyService).applyDeadlines(new Date(dealing.getTime() + 1000))).toBe(1);
    expect((await (await fetch(`${t.url}/elections/${e.id}/key-ceremony`)).json()).state).toBe('failed');
    expect((await abandon()).status).toBe(200); // the confirmation given above was kept by the refusal
    expect((await (await fetch(`${t.url}/elections/${e.id}`)).json()).status).toBe('archived');
    const again = await abandon();
    expect([again.status, (await again.json()).error]).toEqual([409, 'invalid_transition']);
  });

  it('the server clock opens and closes a scheduled election', async () => {
    const e = await (await create(official, electionDefinition(trustees, { opensAt: '2027-05-09T06:00:00Z', closesAt: '2027-05-09T14:00:00Z' }))).json();
    const elections = t.app.get(ElectionsService);
    await confirmAction(t, official, e.id, 'start_key_ceremony');
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
      await confirmAction(t, other, theirs.id, 'start_key_ceremony', OTHER_OFFICIAL);
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

      await confirmAction(t, official, e.id, 'add_official');
      const added = await add(official, otherNn.replace(/^(\d\d)(\d\d)(\d\d)(\d{3})(\d\d)$/, '$1.$2.$3-$4.$5'));
      expect(added.status).toBe(200);
      expect(await added.json()).toEqual({ electionId: e.id, added: true, officials: 2 });
      await confirmAction(t, official, e.id, 'add_official');
      expect(await (await add(official, otherNn)).json()).toEqual({ electionId: e.id, added: false, officials: 2 });
      expect(await officialsOf(e.id)).toEqual([await hmacOf(official), await hmacOf(other)].sort());
      expect((await go(other, `${t.url}/elections/${e.id}/roll`, json(roll, 'PUT'))).status).toBe(200);
      await confirmAction(t, other, e.id, 'start_key_ceremony', OTHER_OFFICIAL);
      expect((await go(other, `${t.url}/elections/${e.id}/key-ceremony`, { method: 'POST' })).status).toBe(200);
      // The co-official still needs the platform role: a voter added as co-official stays a voter.
      await confirmAction(t, official, e.id, 'add_official');
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
      expect((await go(official, `${t.url}/elections/${missing}/officials`, json({ nationalNumber: sandboxIdentity('voter').nationalNumber }, 'DELETE'))).status).toBe(404);
      const bad = await go(official, `${t.url}/elections/not-a-uuid/open`, { method: 'POST' });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ error: 'bad_request', message: expect.any(String) });
    });
  });
  describe("officials' actions need a step-up confirmation of exactly that action on that election", () => {
    const otherNn = () => sandboxIdentity(OTHER_OFFICIAL).nationalNumber;
    const roll = { entries: [{ nationalNumber: '88110223380', constituency: 'Leuven', basis: 'belgian' }] };
    const officialNn = () => sandboxIdentity('official').nationalNumber;
    const officials = async (id: string): Promise<number> => (await t.db.query(`SELECT count(*)::int AS n FROM election_officials WHERE election_id = $1`, [id]))[0].n;
    const status = async (id: string): Promise<string> => (await t.app.get(ElectionsService).get(id)).status;
    const startCeremony = (jar: CookieJar, id: string) => go(jar, `${t.url}/elections/${id}/key-ceremony`, { method: 'POST' });
    const change = (jar: CookieJar, id: string, nationalNumber: string, method: 'POST' | 'DELETE') => go(jar, `${t.url}/elections/${id}/officials`, json({ nationalNumber }, method));
    const expectRefused = async (res: Response, code = 'step_up_required') => {
      expect(res.status).toBe(code === 'step_up_required' || code === 'not_election_official' ? 403 : 409);
      expect((await res.json()).error).toBe(code);
    };
    /** Unspent confirmations of this session's person for `action` on `id`. */
    const unspent = async (id: string, action: string): Promise<number> => {
      const { message } = await (await fetch(`${t.url}/elections/${id}/action-message?action=${action}`)).json();
      const [row] = await t.db.query(`SELECT count(*)::int AS n FROM identity_step_ups WHERE action_hash = $1 AND consumed_at IS NULL`, [Buffer.from(actionHash(message), 'hex')]);
      return row.n;
    };
    /** An election of the fixture official with OTHER_OFFICIAL as co-official. */
    const withCoOfficial = async () => {
      const e = await (await create(official, electionDefinition(trustees))).json();
      await confirmAction(t, official, e.id, 'add_official');
      expect((await change(official, e.id, otherNn(), 'POST')).status).toBe(200);
      return e as { id: string };
    };

    it('each action has its own message naming the election; officials changes do not name the person', async () => {
      const e = await (await create(official, electionDefinition(trustees))).json();
      const messages = new Set<string>();
      for (const action of ['start_key_ceremony', 'open', 'close', 'publish', 'add_official', 'remove_official']) {
        const r = await (await fetch(`${t.url}/elections/${e.id}/action-message?action=${action}`)).json();
        expect(r).toEqual({ action, message: expect.stringContaining(e.id), actionHash: actionHash(r.message), stepUpRequired: true });
        expect(r.message).toContain(e.title);
        messages.add(r.message);
      }
      expect(messages.size).toBe(6);
      expect((await fetch(`${t.url}/elections/${e.id}/action-message?action=remove_everyone`)).status).toBe(400);
    });

    it('an official cannot start the key ceremony without a confirmation, with one of another action, or with one of this action on another election', async () => {
      const e = await (await create(official, electionDefinition(trustees))).json();
      const elsewhere = await (await create(official, electionDefinition(trustees))).json();
      await expectRefused(await startCeremony(official, e.id));
      for (const action of ['open', 'add_official', 'remove_official']) await confirmAction(t, official, e.id, action);
      await expectRefused(await startCeremony(official, e.id));
      await confirmAction(t, official, elsewhere.id, 'start_key_ceremony');
      await expectRefused(await startCeremony(official, e.id));
      expect(await status(e.id)).toBe('draft');
      expect(await status(elsewhere.id)).toBe('draft');
      // The confirmation of the other election is still there, and serves that election only, once.
      expect(await unspent(elsewhere.id, 'start_key_ceremony')).toBe(1);
      expect((await startCeremony(official, elsewhere.id)).status).toBe(200);
      expect(await unspent(elsewhere.id, 'start_key_ceremony')).toBe(0);
      await confirmAction(t, official, e.id, 'start_key_ceremony');
      expect((await startCeremony(official, e.id)).status).toBe(200);
      expect(await status(e.id)).toBe('key_ceremony');
    });

    it("a co-official cannot start the key ceremony with another official's confirmation, only with their own", async () => {
      const e = await withCoOfficial();
      await confirmAction(t, official, e.id, 'start_key_ceremony');
      await expectRefused(await startCeremony(other, e.id));
      expect(await status(e.id)).toBe('draft');
      await confirmAction(t, other, e.id, 'start_key_ceremony', OTHER_OFFICIAL);
      expect((await startCeremony(other, e.id)).status).toBe(200);
      expect(await unspent(e.id, 'start_key_ceremony')).toBe(1); // the official's, unused
    });

    it('adding or removing an official is refused without a confirmation, with one of another action, or with one on another election; nothing changes', async () => {
      const e = await (await create(official, electionDefinition(trustees))).json();
      const elsewhere = await (await create(official, electionDefinition(trustees))).json();
      await expectRefused(await change(official, e.id, otherNn(), 'POST'));
      await confirmAction(t, official, e.id, 'remove_official');
      await confirmAction(t, official, e.id, 'start_key_ceremony');
      await confirmAction(t, official, elsewhere.id, 'add_official');
      await expectRefused(await change(official, e.id, otherNn(), 'POST'));
      expect(await officials(e.id)).toBe(1);
      expect(await officials(elsewhere.id)).toBe(1);

      await confirmAction(t, official, e.id, 'add_official');
      expect(await (await change(official, e.id, otherNn(), 'POST')).json()).toEqual({ electionId: e.id, added: true, officials: 2 });
      // Removal: the add confirmation just spent serves nothing more; another add's does not remove.
      expect(await unspent(e.id, 'remove_official')).toBe(1);
      await t.db.query(`UPDATE identity_step_ups SET consumed_at = now() WHERE consumed_at IS NULL`); // spend them all
      await expectRefused(await change(official, e.id, otherNn(), 'DELETE'));
      await confirmAction(t, official, e.id, 'add_official');
      await confirmAction(t, official, elsewhere.id, 'remove_official');
      await expectRefused(await change(official, e.id, otherNn(), 'DELETE'));
      expect(await officials(e.id)).toBe(2);
      await confirmAction(t, official, e.id, 'remove_official');
      expect(await (await change(official, e.id, otherNn(), 'DELETE')).json()).toEqual({ electionId: e.id, removed: true, officials: 1 });
      // A malformed number: 400, and the confirmation is not spent.
      await confirmAction(t, official, e.id, 'remove_official');
      const bad = await change(official, e.id, `${otherNn().slice(0, 9)}${String((Number(otherNn().slice(9)) % 97) + 1).padStart(2, '0')}`, 'DELETE');
      expect(bad.status).toBe(400);
      expect((await bad.json()).error).toBe('invalid_national_number');
      expect(await unspent(e.id, 'remove_official')).toBe(1);
    });

    it('the last official cannot be removed (409 last_official); a number that is not an official: removed false', async () => {
      const e = await (await create(official, electionDefinition(trustees))).json();
      await confirmAction(t, official, e.id, 'remove_official');
      const last = await change(official, e.id, officialNn(), 'DELETE');
      expect(last.status).toBe(409);
      expect(await last.json()).toEqual({ error: 'last_official', message: expect.any(String) });
      expect(await officials(e.id)).toBe(1);
      expect(await unspent(e.id, 'remove_official')).toBe(1); // refused: the confirmation stays
      const none = await change(official, e.id, otherNn(), 'DELETE');
      expect(none.status).toBe(200);
      expect(await none.json()).toEqual({ electionId: e.id, removed: false, officials: 1 });
      expect((await go(official, `${t.url}/elections/${e.id}/roll`)).status).toBe(200);
    });

    it('a removed official can no longer act, not even with confirmations obtained before the removal', async () => {
      const e = await withCoOfficial();
      for (const action of ['start_key_ceremony', 'add_official', 'remove_official']) await confirmAction(t, other, e.id, action, OTHER_OFFICIAL);
      await confirmAction(t, official, e.id, 'remove_official');
      expect(await (await change(official, e.id, otherNn(), 'DELETE')).json()).toEqual({ electionId: e.id, removed: true, officials: 1 });
      await expectRefused(await go(other, `${t.url}/elections/${e.id}/roll`, json(roll, 'PUT')), 'not_election_official');
      await expectRefused(await startCeremony(other, e.id), 'not_election_official');
      await expectRefused(await change(other, e.id, otherNn(), 'POST'), 'not_election_official');
      await expectRefused(await change(other, e.id, officialNn(), 'DELETE'), 'not_election_official');
      expect(await status(e.id)).toBe('draft');
      expect(await officials(e.id)).toBe(1);
      expect((await t.db.query(`SELECT count(*)::int AS n FROM voter_roll_entries WHERE election_id = $1`, [e.id]))[0].n).toBe(0);
    });

    it('a co-official may remove the creator; the creator then can no longer act', async () => {
      const e = await withCoOfficial();
      await confirmAction(t, other, e.id, 'remove_official', OTHER_OFFICIAL);
      expect(await (await change(other, e.id, officialNn(), 'DELETE')).json()).toEqual({ electionId: e.id, removed: true, officials: 1 });
      await expectRefused(await go(official, `${t.url}/elections/${e.id}/roll`), 'not_election_official');
      // And the remaining official is now the last one.
      await confirmAction(t, other, e.id, 'remove_official', OTHER_OFFICIAL);
      await expectRefused(await change(other, e.id, otherNn(), 'DELETE'), 'last_official');
    });

    it('the service checks again under the election lock: a request of an official removed after the guard let it through is refused', async () => {
      const e = await withCoOfficial();
      const elections = t.app.get(ElectionsService);
      const [session] = await t.db.query(`SELECT id_hash, subject, national_number_hmac FROM identity_sessions WHERE national_number_hmac = $1 LIMIT 1`, [
        t.app.get(NationalNumberHasher).hash(otherNn()),
      ]);
      const principal = { idHash: session.id_hash, subject: session.subject, nationalNumberHmac: session.national_number_hmac, roles: ['voter', 'official'] } as unknown as SessionPrincipal;
      await confirmAction(t, other, e.id, 'start_key_ceremony', OTHER_OFFICIAL);
      await confirmAction(t, official, e.id, 'remove_official');
      expect((await change(official, e.id, otherNn(), 'DELETE')).status).toBe(200);
      await expect(elections.transition(e.id, 'start_key_ceremony', principal)).rejects.toMatchObject({ code: 'not_election_official', status: 403 });
      await expect(elections.addOfficial(e.id, otherNn(), principal)).rejects.toMatchObject({ code: 'not_election_official', status: 403 });
      expect(await status(e.id)).toBe('draft');
      // The server's own path (scheduled actions, the demo election) needs no session and no confirmation.
      await elections.transition(e.id, 'start_key_ceremony', null);
      expect(await status(e.id)).toBe('key_ceremony');
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
