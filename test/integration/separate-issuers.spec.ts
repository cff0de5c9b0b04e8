// Issuers that run apart from the platform (ISSUERS=separate, protocol §20 "Separate issuers", issue 13):
// three issuer applications, each with its own key and its own database, and the platform holding no
// issuer key. The attacks are a dishonest platform's: it sees every ID token of its relying party and
// holds its own roll, and tries to get issuer signatures the voter did not ask for.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { obtainBallotTokenFromIssuers, prepareBallot, prepareTokenRequest, tokenRequestParts, type PendingTokenRequest } from '../../src/client/voter-client';
import { trusteeCeremony } from '../../src/cli/trustee';
import { trusteeDecrypt } from '../../src/cli/decrypt';
import { verifyElectionRecord } from '../../src/crypto/record/verify-record';
import { SANDBOX_IDENTITIES, sandboxIdentity } from '../../src/modules/sandbox-idp/identities';
import { IssuerRegistry } from '../../src/modules/tokens/issuer-registry';
import { NationalNumberHasher } from '../../src/modules/identity/national-number-hasher';
import { AppConfig } from '../../src/config/app-config';
import { describeEachBackend } from '../support/databases';
import { ISSUER_ADMIN_TOKEN, type RunningIssuer, separateIssuersEnv, startIssuers, stopIssuers } from '../support/separate-issuers';
import { electionDefinition } from '../support/election-definitions';
import { completeKeyCeremony, makeTrustees } from '../support/key-ceremony';
import { BoardService } from '../../src/modules/board/board.service';
import { confirmAction, json, openElection, voterSession, type OpenElection } from '../support/scenario';
import { makeTrusteeKeys } from './key-ceremony.helpers';
import { approveAtSandbox, CookieJar, freePort, go, login, startIdentityApp, type IdentityTestApp } from './identity/support';

describeEachBackend('separate issuers: three issuer services, a platform without issuer keys', (db) => {
  let t: IdentityTestApp;
  let e: OpenElection;
  let keyPaths: string[];
  let issuers: RunningIssuer[] = [];

  beforeAll(async () => {
    const port = await freePort();
    // Each issuer has a database of its own (a PostgreSQL database, or a PGlite folder), never the platform's.
    issuers = await startIssuers(db().backend, `http://127.0.0.1:${port}`);
    t = await startIdentityApp(db(), { PORT: String(port), ...separateIssuersEnv(issuers) });
    const keys = makeTrusteeKeys(3);
    keyPaths = keys.paths;
    e = await openElection(t, { issuerThreshold: 2 }, {
      trustees: keys.publicKeys.map((publicKey, i) => ({ index: i + 1, publicKey, secretKey: 0n })),
      run: async (app, electionId) => {
        await Promise.all(keys.paths.map((keyPath) => trusteeCeremony({ server: app.url, electionId, keyPath, pollMs: 25, timeoutMs: 60_000 })));
      },
    });
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await stopIssuers(issuers);
  }, 60_000);

  const endpoints = async (electionId = e.id) => (await (await fetch(`${t.url}/elections/${electionId}/issuers`)).json()) as { mode: string; issuers: Array<{ id: string; url: string }> };
  const cast = (body: unknown) => fetch(`${t.url}/elections/${e.id}/ballots`, json(body));

  /** The voter's login for ballot tokens: its nonce is the request's; answers the identity provider's signed ID token. */
  async function tokenLogin(jar: CookieJar, identity: string, nonce: string): Promise<string> {
    const start = await go(jar, `${t.url}/auth/token-login`, json({ nonce, returnTo: '/booth/' }));
    expect(start.status).toBe(200);
    const { callbackUrl } = await approveAtSandbox(jar, (await start.json()).authorizationUrl, { identity });
    expect((await go(jar, callbackUrl)).status).toBe(303);
    const got = await go(jar, `${t.url}/auth/token-login/assertion?nonce=${nonce}`);
    expect(got.status).toBe(200);
    return (await got.json()).idToken as string;
  }

  async function voterWithLogin(identity: string): Promise<{ jar: CookieJar; pending: PendingTokenRequest; idToken: string }> {
    const jar = new CookieJar();
    expect((await login(t.url, jar, identity)).status).toBe(303);
    const pending = prepareTokenRequest(e.election, e.id, e.issuers);
    return { jar, pending, idToken: await tokenLogin(jar, identity, pending.nonce) };
  }


  it('the booth finds each issuer at its own address, and the board lists their keys; the platform signs nothing itself', async () => {
    const ep = await endpoints();
    expect(ep.mode).toBe('separate');
    expect(ep.issuers.map((i) => i.id).sort()).toEqual(e.issuers.map((i) => i.id).sort());
    expect(new Set(ep.issuers.map((i) => i.url))).toEqual(new Set(issuers.map((i) => i.url)));
    const v = await voterSession(t, 'voter');
    const res = await v.send(`${t.url}/elections/${e.id}/tokens`, json({ issuerId: e.issuers[0].id, blindedMessage: 'AAAA' }));
    expect([res.status, (await res.json()).error]).toEqual([404, 'issuers_separate']);
    expect((await fetch(`${t.url}/elections/00000000-0000-4000-8000-000000000000/issuers`)).status).toBe(404);
  });

  it('full flow: one login, tokens from the issuers directly (k = 2 of 3 when one is down), ballots counted, logs from the issuers, tally, record verifies', async () => {
    const ep = await endpoints();
    const expected = { council: { 'list-a': 0, 'list-b': 0, 'list-c': 0 }, referendum: { yes: 0, no: 0 } } as Record<string, Record<string, number>>;
    for (const [i, who] of ['voter', 'eighteen-on-day', 'eu-resident'].entries()) {
      const { pending, idToken } = await voterWithLogin(who);
      // The third voter's device cannot reach one issuer: two signatures of three are enough (k = 2).
      const reachable = i === 2 ? ep.issuers.map((x, j) => (j === 0 ? { ...x, url: 'http://127.0.0.1:9' } : x)) : ep.issuers;
      const got = await obtainBallotTokenFromIssuers(pending, idToken, reachable, e.issuers, 2);
      expect(got.token.signatures.length).toBe(i === 2 ? 2 : 3);
      expect(got.refused.length).toBe(i === 2 ? 1 : 0);
      const choices = { council: [['list-a', 'list-b', 'list-c'][i]], referendum: [i % 2 ? 'yes' : 'no'] };
      expect((await cast(prepareBallot(e.election, e.id, got.token, got.pseudonym, choices).castBody)).status).toBe(201);
      expected.council[choices.council[0]]++;
      expected.referendum[choices.referendum[0]]++;
    }
    // The platform's own issuance table never saw a request.
    expect((await t.db.query(`SELECT count(*)::int AS n FROM token_issuances`))[0].n).toBe(0);

    await confirmAction(t, e.official, e.id, 'close');
    expect((await go(e.official, `${t.url}/elections/${e.id}/close`, { method: 'POST' })).status).toBe(200);
    for (const keyPath of keyPaths.slice(0, 2)) await trusteeDecrypt({ server: t.url, electionId: e.id, keyPath });

    const record = await (await fetch(`${t.url}/elections/${e.id}/record`)).json();
    const logs = (record.entries as string[]).map((text) => JSON.parse(text) as { kind: string; payload: { issuerId: string; count: number } }).filter((x) => x.kind === 'issuance-log').map((x) => x.payload);
    // Each log is the issuer's own: 3, 3 and 2 signatures (the unreachable issuer never saw the third voter).
    expect(logs.map((l) => l.count).sort()).toEqual([2, 3, 3]);
    for (const log of logs) {
      const url = ep.issuers.find((x) => x.id === log.issuerId)!.url;
      expect(await (await fetch(`${url}/elections/${e.id}/issuance-log`)).json()).toEqual(log);
    }
    const v = verifyElectionRecord(record);
    expect(v.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(v.result).toEqual(expected);
  }, 120_000);
});

describeEachBackend('separate issuers: what a dishonest platform cannot get from them', (db) => {
  let t: IdentityTestApp;
  let e: OpenElection;
  let other: OpenElection;
  let issuers: RunningIssuer[] = [];

  beforeAll(async () => {
    const port = await freePort();
    issuers = await startIssuers(db().backend, `http://127.0.0.1:${port}`);
    t = await startIdentityApp(db(), { PORT: String(port), ...separateIssuersEnv(issuers) });
    e = await openElection(t, { issuerThreshold: 2 });
    other = await openElection(t, { issuerThreshold: 2 });
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await stopIssuers(issuers);
  }, 60_000);

  const endpointUrl = async (electionId: string, issuerId: string) =>
    ((await (await fetch(`${t.url}/elections/${electionId}/issuers`)).json()) as { issuers: Array<{ id: string; url: string }> }).issuers.find((i) => i.id === issuerId)!.url;

  async function tokenLogin(jar: CookieJar, identity: string, nonce: string): Promise<string> {
    const start = await go(jar, `${t.url}/auth/token-login`, json({ nonce, returnTo: '/booth/' }));
    expect(start.status).toBe(200);
    const { callbackUrl } = await approveAtSandbox(jar, (await start.json()).authorizationUrl, { identity });
    expect((await go(jar, callbackUrl)).status).toBe(303);
    return (await (await go(jar, `${t.url}/auth/token-login/assertion?nonce=${nonce}`)).json()).idToken as string;
  }

  async function loggedIn(identity: string, election = e) {
    const jar = new CookieJar();
    expect((await login(t.url, jar, identity)).status).toBe(303);
    const pending = prepareTokenRequest(election.election, election.id, election.issuers);
    return { jar, pending, idToken: await tokenLogin(jar, identity, pending.nonce) };
  }

  const ask = (electionId: string, url: string, body: unknown) => fetch(`${url}/elections/${electionId}/tokens`, json(body));
  const body = (pending: PendingTokenRequest, idToken: string, issuerId: string) => ({
    idToken,
    issuerId,
    blindedMessage: pending.parts.find((p) => p.issuerId === issuerId)!.blindedMessage,
    requests: tokenRequestParts(pending),
  });
  const refusal = async (res: Response) => [res.status, ((await res.json()) as { error: string }).error];

  it("reuse: a voter's login, presented with other blinded messages (the platform's own), gets nothing: the nonce binds the voter's request", async () => {
    const { idToken } = await loggedIn('voter');
    const platforms = prepareTokenRequest(e.election, e.id, e.issuers); // blinded messages only the platform can unblind
    const issuerId = e.issuers[0].id;
    expect(await refusal(await ask(e.id, await endpointUrl(e.id, issuerId), body(platforms, idToken, issuerId)))).toEqual([403, 'nonce_mismatch']);
    // Nor with the voter's request list but another blinded message in place of the voter's own.
    const { pending, idToken: second } = await loggedIn('eighteen-on-day');
    const swapped = { ...body(pending, second, issuerId), blindedMessage: platforms.parts[0].blindedMessage };
    expect(await refusal(await ask(e.id, await endpointUrl(e.id, issuerId), swapped))).toEqual([400, 'request_mismatch']);
  });

  it("forgery: an ID token the platform signs itself (its relying party's key, any key but the provider's) is refused", async () => {
    const pending = prepareTokenRequest(e.election, e.id, e.issuers);
    const nn = sandboxIdentity('voter').nationalNumber;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await new SignJWT({ nonce: pending.nonce, 'http://itsme.services/v2/claim/BENationalNumber': nn, birthdate: '1980-01-01', 'http://itsme.services/v2/claim/claim_citizenship': 'Belg' })
      .setProtectedHeader({ alg: 'RS256', kid: 'forged' })
      .setIssuer(`${t.url}/sandbox-idp`)
      .setAudience('evote')
      .setSubject('forged-subject')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const issuerId = e.issuers[0].id;
    expect(await refusal(await ask(e.id, await endpointUrl(e.id, issuerId), body(pending, forged, issuerId)))).toEqual([401, 'id_token_invalid']);
    // Not a JWS at all: a clear 400.
    expect((await ask(e.id, await endpointUrl(e.id, issuerId), { ...body(pending, forged, issuerId), idToken: 'not-a-token' })).status).toBe(400);
  });

  it("cross-election: a login for election B's request is refused by the same issuers in election A, and A's keys are not B's", async () => {
    const { pending, idToken } = await loggedIn('voter', other);
    const aIssuer = e.issuers[0].id;
    const sameIssuerUrl = await endpointUrl(e.id, aIssuer);
    // B's request relabelled for A (A's key id in place of B's): the nonce names election B and B's issuers.
    const bIssuer = other.issuers[0].id;
    const relabelled = { ...body(pending, idToken, bIssuer), issuerId: aIssuer, requests: tokenRequestParts(pending).map((p) => (p.issuerId === bIssuer ? { ...p, issuerId: aIssuer } : p)) };
    expect(await refusal(await ask(e.id, sameIssuerUrl, relabelled))).toEqual([403, 'nonce_mismatch']);
    // Sent to A under B's key id: unknown in A.
    expect(await refusal(await ask(e.id, sameIssuerUrl, body(pending, idToken, other.issuers[0].id)))).toEqual([404, 'unknown_issuer']);
    expect(new Set([...e.issuers, ...other.issuers].map((i) => i.id)).size).toBe(6);
  });

  it('eligibility is the issuer\'s own: a person the platform adds to its roll after the freeze gets no signature; an under-age voter neither', async () => {
    // The platform writes a Gent official into its own copy of the roll (its eligibility now says yes).
    const hasher = t.app.get(NationalNumberHasher);
    await t.db.query(`INSERT INTO voter_roll_entries (election_id, national_number_hmac, constituency, basis) VALUES ($1, $2, 'Leuven', 'belgian')`, [e.id, hasher.hash(sandboxIdentity('other-municipality').nationalNumber)]);
    expect((await (await voterSession(t, 'other-municipality')).send(`${t.url}/elections/${e.id}/eligibility`)).status).toBe(200);
    for (const who of ['other-municipality', 'minor']) {
      const { pending, idToken } = await loggedIn(who);
      for (const issuer of e.issuers) {
        const res = await ask(e.id, await endpointUrl(e.id, issuer.id), body(pending, idToken, issuer.id));
        const answer = await res.json();
        expect([res.status, answer.error]).toEqual([403, 'not_eligible']);
        expect(answer).not.toHaveProperty('blindSignature');
      }
    }
  });

  it('rules and roll: an issuer given other rules or another roll than the board publishes refuses to open, and the election stays closed to voting', async () => {
    const official = new CookieJar();
    await login(t.url, official, 'official');
    const trustees = makeTrustees(3);
    const created = await go(official, `${t.url}/elections`, json(electionDefinition(trustees, { issuerThreshold: 2 })));
    expect(created.status).toBe(201);
    const { id } = await created.json();
    const entries = SANDBOX_IDENTITIES.filter((i) => i.roll).map((i) => ({ nationalNumber: i.nationalNumber, constituency: i.roll!.constituency, basis: i.roll!.basis }));
    expect((await go(official, `${t.url}/elections/${id}/roll`, json({ entries }, 'PUT'))).status).toBe(200);
    await confirmAction(t, official, id, 'start_key_ceremony');
    expect((await go(official, `${t.url}/elections/${id}/key-ceremony`, { method: 'POST' })).status).toBe(200);
    await completeKeyCeremony(t.db, t.app.get(BoardService), id, trustees);

    const openIt = async () => {
      await confirmAction(t, official, id, 'open');
      return go(official, `${t.url}/elections/${id}/open`, { method: 'POST' });
    };
    // As if the platform had told the first issuer "no constituency" while the board says Leuven.
    await issuers[0].ds.query(`UPDATE issuer_elections SET constituency = NULL WHERE election_id = $1`, [id]);
    let res = await openIt();
    expect(res.status).toBe(503);
    expect((await res.json()).message).toMatch(/setup_mismatch/);
    expect((await (await fetch(`${t.url}/elections/${id}`)).json()).status).toBe('key_ceremony');
    await issuers[0].ds.query(`UPDATE issuer_elections SET constituency = 'Leuven' WHERE election_id = $1`, [id]);
    // As if the platform had given that issuer (still not open: it refused) one voter more than the roll H binds.
    // (The others did open: they sign tokens that count nowhere until the election opens.)
    const extra = { nationalNumber: sandboxIdentity('other-municipality').nationalNumber, constituency: 'Leuven', basis: 'belgian' };
    const put = await fetch(`${issuers[0].url}/admin/elections/${id}/roll`, { method: 'PUT', headers: { authorization: `Bearer ${ISSUER_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ entries: [...entries, extra] }) });
    expect(put.status).toBe(200);
    res = await openIt();
    expect(res.status).toBe(503);
    expect((await res.json()).message).toMatch(/setup_mismatch/);
    expect((await (await fetch(`${t.url}/elections/${id}`)).json()).status).toBe('key_ceremony');
    // With the roll the board binds, every issuer opens, and so does the election.
    await fetch(`${issuers[0].url}/admin/elections/${id}/roll`, { method: 'PUT', headers: { authorization: `Bearer ${ISSUER_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ entries }) });
    expect((await openIt()).status).toBe(200);
    for (const i of issuers) expect((await i.ds.query(`SELECT status FROM issuer_elections WHERE election_id = $1`, [id]))[0].status).toBe('open');
  }, 120_000);

  it('one token per voter and issuer: the same request again gets the same signature, another request 409', async () => {
    const first = await loggedIn('eighteen-day-before');
    const issuerId = e.issuers[1].id;
    const url = await endpointUrl(e.id, issuerId);
    const a = await ask(e.id, url, body(first.pending, first.idToken, issuerId));
    const again = await ask(e.id, url, body(first.pending, first.idToken, issuerId));
    expect(a.status).toBe(200);
    expect((await again.json()).blindSignature).toBe((await a.json()).blindSignature);
    const second = await loggedIn('eighteen-day-before');
    expect(await refusal(await ask(e.id, url, body(second.pending, second.idToken, issuerId)))).toEqual([409, 'already_issued']);
  });

  it("the commission's calls need the admin token; the platform holds no issuer key: not in its configuration, key files, database or process", async () => {
    const url = issuers[0].url;
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong-token-wrong-token-wrong-token-00' }]) {
      const res = await fetch(`${url}/admin/elections/${e.id}/close`, { method: 'POST', headers });
      expect(await refusal(res)).toEqual([401, 'admin_token_required']);
    }
    const config = t.app.get(AppConfig);
    expect(config.ISSUER_KEYS).toBeUndefined();
    expect(t.app.get(IssuerRegistry).issuers).toEqual([]);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM issuer_election_keys WHERE wrapped_key IS NOT NULL`))[0].n).toBe(0);
    // Every private key the platform has on disk is one of its own (board, relying party, roll hash), none an issuer's.
    const issuerModuli = new Set<string>();
    for (const i of issuers) issuerModuli.add(((await (await fetch(`${i.url}/issuer`)).json()) as { publicKey: { n: string } }).publicKey.n);
    for (const election of [e, other]) {
      for (const x of election.issuers) {
        const key = (await (await fetch(`${await endpointUrl(election.id, x.id)}/elections/${election.id}/key`)).json()) as { issuerId: string; publicKey: { n: string } };
        expect(key.issuerId).toBe(x.id);
        issuerModuli.add(key.publicKey.n);
      }
    }
    expect(issuerModuli.size).toBe(3 + 6);
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) {
          if (name !== 'pg') walk(p);
        } else files.push(p);
      }
    };
    walk(t.dataDir);
    expect(files.some((f) => /issuer/.test(f))).toBe(false);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const pem of text.match(/-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+?-----END (RSA )?PRIVATE KEY-----/g) ?? []) {
        const jwk = createPublicKey(pem).export({ format: 'jwk' });
        if (jwk.kty === 'RSA') expect(issuerModuli.has(String(jwk.n))).toBe(false);
      }
    }
  });

  it("no order at rest at the issuers: after the close every issuance row carries the close's transaction id, and no column says when", async () => {
    for (const who of ['eu-resident', 'non-eu-resident', 'trustee-1']) {
      const { pending, idToken } = await loggedIn(who);
      for (const issuer of e.issuers) expect((await ask(e.id, await endpointUrl(e.id, issuer.id), body(pending, idToken, issuer.id))).status).toBe(200);
    }
    const before = (await issuers[0].ds.query(`SELECT xmin::text AS x FROM issuer_issuances WHERE election_id = $1`, [e.id])) as Array<{ x: string }>;
    expect(new Set(before.map((r) => r.x)).size).toBeGreaterThan(1);
    await confirmAction(t, e.official, e.id, 'close');
    expect((await go(e.official, `${t.url}/elections/${e.id}/close`, { method: 'POST' })).status).toBe(200);
    for (const i of issuers) {
      const rows = (await i.ds.query(`SELECT xmin::text AS x FROM issuer_issuances WHERE election_id = $1`, [e.id])) as Array<{ x: string }>;
      expect(rows.length).toBeGreaterThanOrEqual(before.length);
      expect(new Set(rows.map((r) => r.x)).size).toBe(1);
      const [key] = await i.ds.query(`SELECT status, wrapped_key FROM issuer_elections WHERE election_id = $1`, [e.id]);
      expect(key).toEqual({ status: 'closed', wrapped_key: null });
      const cols = (await i.ds.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'issuer_issuances'`)) as Array<{ data_type: string }>;
      expect(cols.some((c) => /time|date/.test(c.data_type))).toBe(false);
    }
    // And the ballot database holds no issuance at all in this mode.
    expect((await t.db.query(`SELECT count(*)::int AS n FROM token_issuances`))[0].n).toBe(0);
    // Closed: nothing more is signed, by anyone.
    const late = await loggedIn('trustee-2');
    const res = await ask(e.id, await endpointUrl(e.id, e.issuers[0].id), body(late.pending, late.idToken, e.issuers[0].id));
    expect(await refusal(res)).toEqual([409, 'election_not_open']);
  });
});
