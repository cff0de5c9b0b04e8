import { randomUUID } from 'node:crypto';
import { DEMO_ELECTION_ID } from '../../../src/modules/eligibility/demo-election';
import { demoRollCsv, SANDBOX_IDENTITIES, sandboxIdentity, isCrowdIdentity } from '../../../src/modules/sandbox-idp/identities';
import { makeNationalNumber } from '../../../src/modules/identity/national-number';
import { describeEachBackend } from '../../support/databases';
import { CookieJar, go, login, startIdentityApp, type IdentityTestApp } from './support';

describeEachBackend('identity: voter roll and eligibility', (db) => {
  let t: IdentityTestApp;
  let official: CookieJar;
  beforeAll(async () => {
    t = await startIdentityApp(db());
    official = new CookieJar();
    expect((await login(t.url, official, 'official')).status).toBe(303);
  });
  afterAll(() => t?.close());

  const put = (jar: CookieJar, path: string, body: unknown) =>
    go(jar, `${t.url}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('starts with the demo roll seeded from the sandbox fixture', async () => {
    const summary = await (await go(official, `${t.url}/elections/${DEMO_ELECTION_ID}/roll`)).json();
    const crowd = SANDBOX_IDENTITIES.filter(isCrowdIdentity).length;
    expect(summary).toEqual({ entries: SANDBOX_IDENTITIES.filter((i) => i.roll).length, constituencies: { Herent: 1, Leuven: 17 + crowd } });
  });

  it('lets only officials import a roll', async () => {
    const entries = [{ nationalNumber: makeNationalNumber('1980-01-01', 1), constituency: 'Leuven', basis: 'belgian' }];
    expect((await put(new CookieJar(), `/elections/${randomUUID()}/roll`, { entries })).status).toBe(401);
    const voter = new CookieJar();
    await login(t.url, voter, 'voter');
    const r = await put(voter, `/elections/${randomUUID()}/roll`, { entries });
    expect(r.status).toBe(403);
    expect((await r.json()).error).toBe('forbidden_role');
  });

  it('imports a JSON roll and stores only keyed hashes of national numbers', async () => {
    const election = randomUUID();
    const nns = [makeNationalNumber('1980-01-01', 1), makeNationalNumber('2001-02-03', 2), makeNationalNumber('1975-12-31', 3)];
    const r = await put(official, `/elections/${election}/roll`, {
      entries: [
        { nationalNumber: nns[0], constituency: 'Leuven', basis: 'belgian' },
        { nationalNumber: nns[1].replace(/^(\d\d)(\d\d)(\d\d)(\d{3})(\d\d)$/, '$1.$2.$3-$4.$5'), constituency: 'Leuven', basis: 'eu_citizen' },
        { nationalNumber: nns[2], constituency: 'Herent', basis: 'non_eu_citizen' },
      ],
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ imported: 3, constituencies: { Leuven: 2, Herent: 1 } });
    expect(await (await go(official, `${t.url}/elections/${election}/roll`)).json()).toEqual({ entries: 3, constituencies: { Herent: 1, Leuven: 2 } });
    const dump: Array<{ t: string }> = await t.db.query(`SELECT row_to_json(v)::text AS t FROM voter_roll_entries v WHERE election_id = $1`, [election]);
    expect(dump).toHaveLength(3);
    for (const { t: row } of dump) for (const nn of nns) expect(row).not.toContain(nn);
    const hashes: Array<{ n: number }> = await t.db.query(`SELECT octet_length(national_number_hmac) AS n FROM voter_roll_entries WHERE election_id = $1`, [election]);
    expect(hashes.every((h) => h.n === 32)).toBe(true);
  });

  it('refuses a roll with bad lines, naming each line, and imports nothing', async () => {
    const election = randomUUID();
    const good = makeNationalNumber('1980-01-01', 1);
    const bad = `${good.slice(0, 9)}${String((Number(good.slice(9)) % 97) + 1).padStart(2, '0')}`;
    const csv = ['national_number,constituency,basis', `${good},Leuven,belgian`, `${bad},Leuven,belgian`, `${good},Leuven,belgian`, '1234,Leuven,belgian', `${makeNationalNumber('1990-01-01', 4)},,martian`].join('\n');
    const r = await put(official, `/elections/${election}/roll/csv`, { csv });
    expect(r.status).toBe(400);
    const body = await r.json();
    expect(body.error).toBe('roll_invalid');
    expect(body.details).toEqual([
      'line 3: the national number has a wrong check number',
      'line 4: the same national number is already on line 2',
      'line 5: the national number must have 11 digits',
      'line 6: the constituency must be 1 to 100 characters',
      'line 6: the basis must be one of belgian, eu_citizen, non_eu_citizen',
    ]);
    expect(JSON.stringify(body)).not.toContain(good);
    expect(await (await go(official, `${t.url}/elections/${election}/roll`)).json()).toEqual({ entries: 0, constituencies: {} });
  });

  it('validates the request shape and the election id', async () => {
    expect((await put(official, `/elections/not-a-uuid/roll`, { entries: [] })).status).toBe(400);
    const empty = await put(official, `/elections/${randomUUID()}/roll`, { entries: [] });
    expect(empty.status).toBe(400);
    expect((await empty.json()).error).toBe('roll_empty');
    const shape = await put(official, `/elections/${randomUUID()}/roll`, { entries: [{ nationalNumber: 1 }] });
    expect(shape.status).toBe(400);
    expect((await shape.json()).error).toBe('validation_failed');
  });

  it('replaces the roll on re-import', async () => {
    const election = randomUUID();
    await put(official, `/elections/${election}/roll/csv`, { csv: `${makeNationalNumber('1980-01-01', 1)},Leuven,belgian\n${makeNationalNumber('1980-01-01', 3)},Leuven,belgian` });
    await put(official, `/elections/${election}/roll/csv`, { csv: `${makeNationalNumber('1980-01-01', 5)},Herent,belgian` });
    expect(await (await go(official, `${t.url}/elections/${election}/roll`)).json()).toEqual({ entries: 1, constituencies: { Herent: 1 } });
  });

  describe('the demo election, with the demo roll imported', () => {
    beforeAll(async () => {
      const r = await put(official, `/elections/${DEMO_ELECTION_ID}/roll/csv`, { csv: demoRollCsv() });
      expect(r.status).toBe(200);
    });

    const expected: Record<string, string[]> = {
      voter: [],
      'eighteen-day-before': [],
      'eighteen-on-day': [],
      'eighteen-day-after': ['age'],
      minor: ['age'],
      'eu-resident': [],
      'non-eu-resident': [],
      'eu-not-registered': ['nationality', 'roll'],
      'other-municipality': ['roll'],
      'other-constituency': ['constituency'],
      // issue 20: the claims real itsme accounts send (codes in claim-variants.spec.ts)
      'foreign-document': ['roll'],
      'birthdate-as-string': [],
      'birthdate-day-unknown': ['age'],
      'iso-citizenship': [],
      'unrecognised-citizenship': [],
      'acr-capital-v': [],
    };

    it.each(Object.entries(expected))('%s logs in and is told %j', async (key, failed) => {
      const jar = new CookieJar();
      expect((await login(t.url, jar, key)).status).toBe(303);
      const r = await go(jar, `${t.url}/elections/${DEMO_ELECTION_ID}/eligibility`);
      expect(r.status).toBe(200);
      const body = await r.json();
      expect(body.eligible).toBe(failed.length === 0);
      expect(body.reasons.map((x: { rule: string }) => x.rule)).toEqual(failed);
      for (const reason of body.reasons) expect(reason.message).toEqual(expect.any(String));
      expect(JSON.stringify(body)).not.toContain(sandboxIdentity(key).nationalNumber);
    });

    it('answers 404 for an unknown election and 401 without a session', async () => {
      const jar = new CookieJar();
      await login(t.url, jar, 'voter');
      const r = await go(jar, `${t.url}/elections/${randomUUID()}/eligibility`);
      expect(r.status).toBe(404);
      expect((await fetch(`${t.url}/elections/${DEMO_ELECTION_ID}/eligibility`)).status).toBe(401);
    });

    it('the demo roll holds exactly the fixture identities that are on it', async () => {
      const summary = await (await go(official, `${t.url}/elections/${DEMO_ELECTION_ID}/roll`)).json();
      expect(summary.entries).toBe(SANDBOX_IDENTITIES.filter((i) => i.roll).length);
    });
  });
});
