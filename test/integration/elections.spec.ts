import { DataSource } from 'typeorm';
import { actionHash } from '../../src/modules/identity/step-up.service';
import { BoardService } from '../../src/modules/board/board.service';
import { ElectionsService } from '../../src/modules/elections/elections.service';
import { describeEachBackend } from '../support/databases';
import { electionDefinition } from '../support/election-definitions';
import { completeKeyCeremony, makeTrustees } from '../support/key-ceremony';
import { confirmAction, json } from '../support/scenario';
import { CookieJar, go, login, startIdentityApp, type IdentityTestApp } from './identity/support';


describeEachBackend('elections: definition and lifecycle', (db) => {
  let t: IdentityTestApp;
  let official: CookieJar;
  let voter: CookieJar;
  const trustees = makeTrustees(3);

  beforeAll(async () => {
    t = await startIdentityApp(db());
    official = new CookieJar();
    expect((await login(t.url, official, 'official')).status).toBe(303);
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
});
