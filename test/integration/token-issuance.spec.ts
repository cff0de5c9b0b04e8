import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ConflictError, StateError } from '../../src/common/errors/domain-error';
import { blind, finalize } from '../../src/crypto/tokens/rsabssa';
import { assembleBallotToken, prepareBallotToken, verifyTokenSignatures } from '../../src/crypto/tokens/ballot-token';
import { generatePseudonymKeyPair } from '../../src/crypto/tokens/pseudonym';
import { IssuanceService } from '../../src/modules/tokens/issuance.service';
import { type ElectionIssuerKey, IssuerKeyStore } from '../../src/modules/tokens/issuer-keys.service';
import { parseIssuerPublicKeyJwk } from '../../src/crypto/tokens/rsa-key';
import { blindFromCode, generateVotingCode, prepareBallotTokenFromCode } from '../../src/crypto/tokens/voting-code';
import { describeEachBackend } from '../support/databases';
import { insertElection } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';

describeEachBackend('ballot-token issuance', (db) => {
  let t: TestApp;
  let ds: DataSource;
  let issuance: IssuanceService;
  let store: IssuerKeyStore;
  let electionId: string;
  /** The open election's own issuer keys (what its issuer-keys entry would publish). */
  let keys: ElectionIssuerKey[];
  const pk = (k: ElectionIssuerKey) => parseIssuerPublicKeyJwk(k.publicJwk);
  /** A bare election with fresh issuer keys of its own. */
  const electionWithKeys = async (status: string) => {
    const id = await insertElection(ds, status);
    const k = await store.generate();
    await ds.transaction((m) => store.store(m, id, k));
    return { id, keys: k };
  };
  const voter = () => new Uint8Array(randomBytes(32));

  beforeAll(async () => {
    t = await startTestApp(db());
    ds = t.app.get(DataSource);
    issuance = t.app.get(IssuanceService);
    store = t.app.get(IssuerKeyStore);
    ({ id: electionId, keys } = await electionWithKeys('open'));
  });
  afterAll(() => t?.close());

  const request = (electionIdForToken = electionId) => {
    const pseudonym = generatePseudonymKeyPair();
    const prepared = prepareBallotToken({ electionId: electionIdForToken, pseudonym: pseudonym.publicKey });
    const blinded = keys.map((k) => blind(pk(k), prepared.preparedMsg));
    return { pseudonym, prepared, blinded };
  };

  it('issues blind signatures that finalize into a token valid with k = 2 distinct issuers', async () => {
    expect(keys.length).toBe(2);
    const v = voter();
    const { pseudonym, prepared, blinded } = request();
    const signatures = [];
    for (const [i, k] of keys.entries()) {
      const blindSig = await issuance.issue(electionId, k.id, v, blinded[i].blindedMsg);
      signatures.push({ issuerId: k.id, signature: finalize(pk(k), prepared.preparedMsg, blindSig, blinded[i].inv) });
    }
    const token = assembleBallotToken({ electionId, pseudonym: pseudonym.publicKey, prefix: prepared.prefix, signatures });
    const issuers = keys.map((k) => ({ id: k.id, publicKey: pk(k) }));
    expect(verifyTokenSignatures(token, issuers, 2).valid).toBe(true);
  });

  it('answers a repeated identical request with the same signature, and refuses a second token', async () => {
    const v = voter();
    const issuer = keys[0];
    const first = request().blinded[0].blindedMsg;
    const a = await issuance.issue(electionId, issuer.id, v, first);
    const b = await issuance.issue(electionId, issuer.id, v, first);
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
    await expect(issuance.issue(electionId, issuer.id, v, request().blinded[0].blindedMsg)).rejects.toBeInstanceOf(ConflictError);
    // The other issuer still serves this voter once.
    await expect(issuance.issue(electionId, keys[1].id, v, request().blinded[1].blindedMsg)).resolves.toBeInstanceOf(Uint8Array);
  });

  it('under concurrency, one voter gets exactly one blind signature per issuer', async () => {
    const v = voter();
    const issuer = keys[0];
    const attempts = Array.from({ length: 25 }, () => request().blinded[0].blindedMsg);
    const results = await Promise.allSettled(attempts.map((m) => issuance.issue(electionId, issuer.id, v, m)));
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok.length).toBe(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
    const rows = await ds.query(`SELECT count(*)::int AS n FROM token_issuances WHERE election_id = $1 AND issuer_id = $2 AND voter_key = $3`, [electionId, issuer.id, Buffer.from(v)]);
    expect(rows[0].n).toBe(1);
  });

  it('voting code: a second device with the code gets the same signatures from every issuer; a different request (another code, or random blinding) is refused by every issuer', async () => {
    const v = voter();
    const code = generateVotingCode();
    const ctx = { electionId };
    /** One device: the requests derived from `secret`, each sent to its issuer, finalized. */
    const onDevice = async (secret: Uint8Array) => {
      const { pseudonym, prepared } = prepareBallotTokenFromCode(secret, ctx);
      const signatures = [];
      for (const k of keys) {
        const bl = blindFromCode(secret, ctx, k.id, pk(k), prepared.preparedMsg);
        const blindSig = await issuance.issue(electionId, k.id, v, bl.blindedMsg);
        signatures.push({ issuerId: k.id, signature: finalize(pk(k), prepared.preparedMsg, blindSig, bl.inv) });
      }
      return assembleBallotToken({ electionId, pseudonym: pseudonym.publicKey, prefix: prepared.prefix, signatures });
    };
    const first = await onDevice(code);
    const second = await onDevice(new Uint8Array(code));
    expect(second).toEqual(first);
    expect(verifyTokenSignatures(second, keys.map((k) => ({ id: k.id, publicKey: pk(k) })), 2).valid).toBe(true);
    // Attack: the same person tries for a second token, with another code or plain random blinding, at each issuer.
    const other = prepareBallotTokenFromCode(generateVotingCode(), ctx);
    const otherCode = generateVotingCode();
    const random = request();
    for (const [i, k] of keys.entries()) {
      const fromOtherCode = blindFromCode(otherCode, ctx, k.id, pk(k), other.prepared.preparedMsg).blindedMsg;
      await expect(issuance.issue(electionId, k.id, v, fromOtherCode)).rejects.toMatchObject({ code: 'already_issued' });
      await expect(issuance.issue(electionId, k.id, v, random.blinded[i].blindedMsg)).rejects.toMatchObject({ code: 'already_issued' });
    }
    const rows = await ds.query(`SELECT count(*)::int AS n FROM token_issuances WHERE election_id = $1 AND voter_key = $2`, [electionId, Buffer.from(v)]);
    expect(rows[0].n).toBe(keys.length);
  });

  it('refuses before the election is open, and malformed blinded messages with a clear error', async () => {
    const { id: draft } = await electionWithKeys('draft');
    await expect(issuance.issue(draft, keys[0].id, voter(), request(draft).blinded[0].blindedMsg)).rejects.toBeInstanceOf(StateError);
    await expect(issuance.issue(electionId, keys[0].id, voter(), new Uint8Array(10))).rejects.toThrow(/not valid for this issuer/);
    await expect(issuance.issue(electionId, keys[0].id, voter(), new Uint8Array(384).fill(255))).rejects.toThrow(/not valid for this issuer/);
    await expect(issuance.issue(electionId, 'no-such-issuer', voter(), new Uint8Array(384))).rejects.toThrow(/No such issuer/);
  });

  it('publishes per issuer a count and the sorted hashes of blinded requests, nothing about voters', async () => {
    const logs = await issuance.issuanceLogs(electionId);
    expect(logs.map((l) => l.issuerId)).toEqual(keys.map((k) => k.id).sort());
    const rows = await ds.query(`SELECT issuer_id, count(*)::int AS n FROM token_issuances WHERE election_id = $1 GROUP BY issuer_id`, [electionId]);
    for (const log of logs) {
      expect(log.count).toBe(rows.find((r: { issuer_id: string }) => r.issuer_id === log.issuerId)?.n ?? 0);
      expect([...log.blindedHashes].sort()).toEqual(log.blindedHashes);
      expect(JSON.stringify(log)).not.toMatch(/voter/i);
    }
  });

  it('makes a fresh key pair per issuer for every election', async () => {
    const other = await electionWithKeys('open');
    const ids = new Set([...keys, ...other.keys].map((k) => k.id));
    expect(ids.size).toBe(4);
    const moduli = new Set([...keys, ...other.keys].map((k) => k.publicJwk.n));
    expect(moduli.size).toBe(4);
  });

  it("attack: a voter asks election A's issuers to sign a token message that names election B; the result never counts in B", async () => {
    const b = await electionWithKeys('open');
    const v = voter();
    // The message is B's (id and, were it set, B's base hash): the issuer cannot see it under the blinding.
    const pseudonym = generatePseudonymKeyPair();
    const prepared = prepareBallotToken({ electionId: b.id, pseudonym: pseudonym.publicKey });
    // Blinded under A's keys and sent to A's endpoint: A signs, with A's key (the only one it can use there).
    const signatures = [];
    for (const k of keys) {
      const bl = blind(pk(k), prepared.preparedMsg);
      const blindSig = await issuance.issue(electionId, k.id, v, bl.blindedMsg);
      signatures.push({ issuerId: k.id, signature: finalize(pk(k), prepared.preparedMsg, blindSig, bl.inv) });
    }
    const token = assembleBallotToken({ electionId: b.id, pseudonym: pseudonym.publicKey, prefix: prepared.prefix, signatures });
    const inB = verifyTokenSignatures(token, b.keys.map((k) => ({ id: k.id, publicKey: pk(k) })), 2);
    expect(inB.valid).toBe(false);
    expect(inB.validIssuers).toEqual([]);
    expect(inB.rejected.map((r) => r.reason)).toEqual(['UNKNOWN_ISSUER', 'UNKNOWN_ISSUER']);
    // Relabelling A's signatures with B's issuer ids does not help: B's keys do not verify them.
    const relabelled = assembleBallotToken({ electionId: b.id, pseudonym: pseudonym.publicKey, prefix: prepared.prefix, signatures: signatures.map((s, i) => ({ issuerId: b.keys[i].id, signature: s.signature })) });
    const r2 = verifyTokenSignatures(relabelled, b.keys.map((k) => ({ id: k.id, publicKey: pk(k) })), 2);
    expect(r2.valid).toBe(false);
    expect(r2.rejected.map((r) => r.reason)).toEqual(['INVALID_SIGNATURE', 'INVALID_SIGNATURE']);
    // B's issuer ids are unknown at A's endpoint: B's keys cannot be reached through A.
    const bl = blind(pk(b.keys[0]), prepared.preparedMsg);
    await expect(issuance.issue(electionId, b.keys[0].id, voter(), bl.blindedMsg)).rejects.toThrow(/No such issuer in this election/);
    // Nothing was issued in B.
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM token_issuances WHERE election_id = $1`, [b.id]);
    expect(n).toBe(0);
  });

  it('at the close, erases the keys (no signature afterwards) and rewrites the issuance rows in one transaction', async () => {
    const c = await electionWithKeys('open');
    const msgs = [];
    for (let i = 0; i < 6; i++) {
      const pseudonym = generatePseudonymKeyPair();
      const prepared = prepareBallotToken({ electionId: c.id, pseudonym: pseudonym.publicKey });
      msgs.push(blind(pk(c.keys[0]), prepared.preparedMsg).blindedMsg);
      await issuance.issue(c.id, c.keys[0].id, voter(), msgs[i]);
    }
    const before: Array<{ xmin: string }> = await ds.query(`SELECT xmin::text AS xmin FROM token_issuances WHERE election_id = $1`, [c.id]);
    expect(new Set(before.map((r) => r.xmin)).size).toBeGreaterThan(1); // one transaction per issuance
    await ds.transaction((m) => issuance.retire(m, c.id));
    await issuance.vacuumIssuances();
    const after: Array<{ xmin: string }> = await ds.query(`SELECT xmin::text AS xmin FROM token_issuances WHERE election_id = $1`, [c.id]);
    expect(after).toHaveLength(6);
    expect(new Set(after.map((r) => r.xmin)).size).toBe(1);
    expect(await store.signingKey(c.id, c.keys[0].id)).toBeUndefined();
    const [row] = await ds.query(`SELECT count(*)::int AS n FROM issuer_election_keys WHERE election_id = $1 AND wrapped_key IS NOT NULL`, [c.id]);
    expect(row.n).toBe(0);
  });

  it('keeps per-election private keys only wrapped: the stored bytes are not the key and do not open under another election', async () => {
    const [row] = await ds.query(`SELECT wrapped_key FROM issuer_election_keys WHERE election_id = $1 AND key_id = $2`, [electionId, keys[0].id]);
    const der = keys[0].privateKey.export({ type: 'pkcs8', format: 'der' });
    expect(Buffer.from(row.wrapped_key).includes(der.subarray(40, 80))).toBe(false);
    // The same wrapped bytes copied to another election's row do not unwrap (the AAD names the election).
    const other = await electionWithKeys('open');
    await ds.query(`UPDATE issuer_election_keys SET wrapped_key = $3, key_id = $2 WHERE election_id = $1 AND issuer_name = (SELECT issuer_name FROM issuer_election_keys WHERE election_id = $4 AND key_id = $2)`, [other.id, keys[0].id, row.wrapped_key, electionId]);
    await expect(store.signingKey(other.id, keys[0].id)).rejects.toThrow();
  });
});

