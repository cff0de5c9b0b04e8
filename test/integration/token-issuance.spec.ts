import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ConflictError, StateError } from '../../src/common/errors/domain-error';
import { blind, finalize } from '../../src/crypto/tokens/rsabssa';
import { assembleBallotToken, prepareBallotToken, verifyTokenSignatures } from '../../src/crypto/tokens/ballot-token';
import { generatePseudonymKeyPair } from '../../src/crypto/tokens/pseudonym';
import { IssuanceService } from '../../src/modules/tokens/issuance.service';
import { IssuerRegistry } from '../../src/modules/tokens/issuer-registry';
import { describeEachBackend } from '../support/databases';
import { insertElection } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';

describeEachBackend('ballot-token issuance', (db) => {
  let t: TestApp;
  let ds: DataSource;
  let issuance: IssuanceService;
  let registry: IssuerRegistry;
  let electionId: string;
  const voter = () => new Uint8Array(randomBytes(32));

  beforeAll(async () => {
    t = await startTestApp(db());
    ds = t.app.get(DataSource);
    issuance = t.app.get(IssuanceService);
    registry = t.app.get(IssuerRegistry);
    electionId = await insertElection(ds, 'open');
  });
  afterAll(() => t?.close());

  const request = (electionIdForToken = electionId) => {
    const pseudonym = generatePseudonymKeyPair();
    const prepared = prepareBallotToken({ electionId: electionIdForToken, pseudonym: pseudonym.publicKey });
    const blinded = registry.issuers.map((i) => blind(i.publicKey, prepared.preparedMsg));
    return { pseudonym, prepared, blinded };
  };

  it('issues blind signatures that finalize into a token valid with k = 2 distinct issuers', async () => {
    expect(registry.issuers.length).toBe(2);
    const v = voter();
    const { pseudonym, prepared, blinded } = request();
    const signatures = [];
    for (const [i, issuer] of registry.issuers.entries()) {
      const blindSig = await issuance.issue(electionId, issuer.id, v, blinded[i].blindedMsg);
      signatures.push({ issuerId: issuer.id, signature: finalize(issuer.publicKey, prepared.preparedMsg, blindSig, blinded[i].inv) });
    }
    const token = assembleBallotToken({ electionId, pseudonym: pseudonym.publicKey, prefix: prepared.prefix, signatures });
    const issuers = registry.issuers.map((i) => ({ id: i.id, publicKey: i.publicKey }));
    expect(verifyTokenSignatures(token, issuers, 2).valid).toBe(true);
  });

  it('answers a repeated identical request with the same signature, and refuses a second token', async () => {
    const v = voter();
    const issuer = registry.issuers[0];
    const first = request().blinded[0].blindedMsg;
    const a = await issuance.issue(electionId, issuer.id, v, first);
    const b = await issuance.issue(electionId, issuer.id, v, first);
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
    await expect(issuance.issue(electionId, issuer.id, v, request().blinded[0].blindedMsg)).rejects.toBeInstanceOf(ConflictError);
    // The other issuer still serves this voter once.
    await expect(issuance.issue(electionId, registry.issuers[1].id, v, request().blinded[1].blindedMsg)).resolves.toBeInstanceOf(Uint8Array);
  });

  it('under concurrency, one voter gets exactly one blind signature per issuer', async () => {
    const v = voter();
    const issuer = registry.issuers[0];
    const attempts = Array.from({ length: 25 }, () => request().blinded[0].blindedMsg);
    const results = await Promise.allSettled(attempts.map((m) => issuance.issue(electionId, issuer.id, v, m)));
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok.length).toBe(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
    const rows = await ds.query(`SELECT count(*)::int AS n FROM token_issuances WHERE election_id = $1 AND issuer_id = $2 AND voter_key = $3`, [electionId, issuer.id, Buffer.from(v)]);
    expect(rows[0].n).toBe(1);
  });

  it('refuses before the election is open, and malformed blinded messages with a clear error', async () => {
    const draft = await insertElection(ds, 'draft');
    await expect(issuance.issue(draft, registry.issuers[0].id, voter(), request(draft).blinded[0].blindedMsg)).rejects.toBeInstanceOf(StateError);
    await expect(issuance.issue(electionId, registry.issuers[0].id, voter(), new Uint8Array(10))).rejects.toThrow(/not valid for this issuer/);
    await expect(issuance.issue(electionId, registry.issuers[0].id, voter(), new Uint8Array(384).fill(255))).rejects.toThrow(/not valid for this issuer/);
    await expect(issuance.issue(electionId, 'no-such-issuer', voter(), new Uint8Array(384))).rejects.toThrow(/No such issuer/);
  });

  it('publishes per issuer a count and the sorted hashes of blinded requests, nothing about voters', async () => {
    const logs = await issuance.issuanceLogs(electionId);
    expect(logs.map((l) => l.issuerId)).toEqual(registry.issuers.map((i) => i.id));
    const rows = await ds.query(`SELECT issuer_id, count(*)::int AS n FROM token_issuances WHERE election_id = $1 GROUP BY issuer_id`, [electionId]);
    for (const log of logs) {
      expect(log.count).toBe(rows.find((r: { issuer_id: string }) => r.issuer_id === log.issuerId)?.n ?? 0);
      expect([...log.blindedHashes].sort()).toEqual(log.blindedHashes);
      expect(JSON.stringify(log)).not.toMatch(/voter/i);
    }
  });
});
