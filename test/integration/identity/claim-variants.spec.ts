import { DEMO_ELECTION_ID } from '../../../src/modules/eligibility/demo-election';
import { demoRollCsv, sandboxIdentity } from '../../../src/modules/sandbox-idp/identities';
import { describeEachBackend } from '../../support/databases';
import { electionDefinition } from '../../support/election-definitions';
import { makeTrustees } from '../../support/key-ceremony';
import { CookieJar, go, login, startIdentityApp, type IdentityTestApp } from './support';

const json = (body: unknown, method = 'POST'): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

// The claims real itsme accounts send (issue 20), played by the sandbox over real HTTP: every variant
// logs in, and eligibility gives the documented outcome with a code the pages translate.
describeEachBackend('identity: the claims real itsme accounts send', (db) => {
  let t: IdentityTestApp;
  beforeAll(async () => {
    t = await startIdentityApp(db());
  });
  afterAll(() => t?.close());

  async function eligibility(key: string, electionId: string) {
    const jar = new CookieJar();
    const res = await login(t.url, jar, key);
    // Never claims_invalid (or any refusal) at login for what itsme legitimately varies.
    expect([key, res.status]).toEqual([key, 303]);
    const r = await go(jar, `${t.url}/elections/${electionId}/eligibility`);
    expect(r.status).toBe(200);
    return { jar, body: (await r.json()) as { eligible: boolean; reasons: Array<{ rule: string; code: string; params: Record<string, unknown>; message: string }> } };
  }

  it.each<[string, string[]]>([
    ['foreign-document', ['foreign_document']],
    ['birthdate-as-string', []],
    ['birthdate-day-unknown', ['under_age_birthdate_incomplete']],
    ['iso-citizenship', []],
    ['unrecognised-citizenship', []],
    ['acr-capital-v', []],
  ])('%s logs in; the demo election answers %j', async (key, codes) => {
    const { body } = await eligibility(key, DEMO_ELECTION_ID);
    expect(body.reasons.map((r) => r.code)).toEqual(codes);
    expect(body.eligible).toBe(codes.length === 0);
    for (const r of body.reasons) expect(r.message).toEqual(expect.any(String));
  });

  it('a foreign-document account gets a session without a national number hash, holding only the voter role', async () => {
    const { jar, body } = await eligibility('foreign-document', DEMO_ELECTION_ID);
    expect(body.reasons[0].message).toMatch(/foreign identity document.*ask your municipality/);
    const me = await (await go(jar, `${t.url}/auth/me`)).json();
    expect(me.roles).toEqual(['voter']);
    const rows: Array<{ h: Buffer | null }> = await t.db.query(`SELECT national_number_hmac AS h FROM identity_sessions WHERE subject = $1`, [sandboxIdentity('foreign-document').sub]);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.h === null)).toBe(true);
  });

  it('an incomplete register date counts from the latest possible day, and says so', async () => {
    const { body } = await eligibility('birthdate-day-unknown', DEMO_ELECTION_ID);
    expect(body.reasons[0].params).toEqual({ minimumAge: 18, electionDay: '2027-05-09', reachedOn: '2027-05-31' });
  });

  it('an acr written with a capital V is accepted and recorded as sent', async () => {
    const { jar } = await eligibility('acr-capital-v', DEMO_ELECTION_ID);
    expect((await (await go(jar, `${t.url}/auth/me`)).json()).acr).toBe('http://itsme.services/V2/claim/acr_basic');
    const [row] = await t.db.query(`SELECT acr FROM identity_sessions WHERE subject = $1 ORDER BY created_at DESC LIMIT 1`, [sandboxIdentity('acr-capital-v').sub]);
    expect(row.acr).toBe('http://itsme.services/V2/claim/acr_basic');
  });

  describe('voting age per kind of election', () => {
    let official: CookieJar;
    const create = async (over: Record<string, unknown>) => go(official, `${t.url}/elections`, json(electionDefinition(makeTrustees(2), over)));
    beforeAll(async () => {
      official = new CookieJar();
      expect((await login(t.url, official, 'official')).status).toBe(303);
    });

    it('a European election admits a 16-year-old; a municipal one refuses them', async () => {
      const ids: Record<string, string> = {};
      for (const kind of ['european', 'municipal']) {
        const r = await create({ kind, title: `${kind} 2027` });
        expect(r.status).toBe(201);
        ids[kind] = (await r.json()).id;
        expect((await go(official, `${t.url}/elections/${ids[kind]}/roll/csv`, json({ csv: demoRollCsv() }, 'PUT'))).status).toBe(200);
      }
      const european = await eligibility('minor', ids.european);
      expect(european.body).toEqual(expect.objectContaining({ eligible: true, reasons: [] }));
      // A foreign-document session (no national number) is refused a ballot token, with the reason.
      const foreign = await eligibility('foreign-document', ids.european);
      expect(foreign.body.reasons.map((r) => r.code)).toEqual(['foreign_document']);
      const token = await go(foreign.jar, `${t.url}/elections/${ids.european}/tokens`, json({ issuerId: 'A'.repeat(43), blindedMessage: 'AAAA' }));
      expect(token.status).toBe(403);
      expect(await token.json()).toEqual(expect.objectContaining({ error: 'not_eligible', details: [expect.objectContaining({ code: 'foreign_document' })] }));
      const municipal = await eligibility('minor', ids.municipal);
      expect(municipal.body.eligible).toBe(false);
      expect(municipal.body.reasons).toEqual([expect.objectContaining({ rule: 'age', code: 'under_age', params: { minimumAge: 18, electionDay: '2027-05-09', reachedOn: '2028-09-01' } })]);
    });

    it('refuses an impossible election day with a 400', async () => {
      for (const electionDay of ['2006-02-29', '1980-02-31', '2027-04-31']) {
        const r = await create({ electionDay });
        expect([electionDay, r.status]).toEqual([electionDay, 400]);
      }
    });
  });
});
