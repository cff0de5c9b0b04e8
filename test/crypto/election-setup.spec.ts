// The voter's device's view of an election (docs/protocol.md §55.9): read from the board's setup entries
// with inclusion proofs in a signed head, never taken on the server's word. Each test is a server that
// lies in one way; the device must refuse.
import { aggregateBallots, ballotFromJSON, tallyCiphertexts } from '../../src/crypto/ballot';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../src/crypto/encoding';
import { defaultGroup as group } from '../../src/crypto/group';
import { verifyElectionSetup } from '../../src/crypto/record/election-setup';
import { inclusionProof, leafHash, treeRoot } from '../../src/crypto/record/merkle';
import { signTreeHead } from '../../src/crypto/record/tree-head';
import { verifyElectionRecord } from '../../src/crypto/record/verify-record';
import { generatePseudonymKeyPair } from '../../src/crypto/tokens/pseudonym';
import { generateIssuerKey } from '../../src/modules/tokens/blind-signer';
import { issuerKeyThumbprint } from '../../src/crypto/tokens/rsa-key';
import { assembleSyntheticRecord, createSyntheticElection, type SyntheticElectionSpec, type SyntheticRecord, syntheticBallotPayloads } from '../support/synthetic-record';

jest.setTimeout(120_000);

/** The setup proof a server would serve for `entries` (texts), signed with `boardSecret`. */
function setupProof(electionId: string, entries: readonly string[], boardSecret: Uint8Array, boardPublicKey: string) {
  const leaves = entries.map((e) => leafHash(utf8ToBytes(e)));
  const head = signTreeHead({ electionId, size: entries.length, root: bytesToHex(treeRoot(leaves)), timestamp: 1_790_000_040_000 }, boardSecret);
  const setupSeqs = entries.map((e, seq) => ({ seq, kind: JSON.parse(e).kind as string })).filter((x) => x.seq < 2 || x.kind === 'election-key');
  return {
    electionId,
    boardPublicKey,
    head,
    entries: setupSeqs.map(({ seq }) => ({ seq, entry: entries[seq], path: inclusionProof(leaves, seq).map(bytesToHex) })),
  };
}

describe('the election setup a device reads from the board', () => {
  let spec: SyntheticElectionSpec;
  let record: SyntheticRecord;
  let boardSecret: Uint8Array;
  let setupEntries: string[];

  beforeAll(async () => {
    spec = await createSyntheticElection();
    ({ record } = await assembleSyntheticRecord(spec, syntheticBallotPayloads(spec, 0, 1), async (m, es) => tallyCiphertexts(aggregateBallots(group, m, es.map((e) => ballotFromJSON(group, m, JSON.parse(e).payload.ballot))))));
    boardSecret = hexToBytes(spec.boardSecretKey, 32);
    setupEntries = record.entries.slice(0, record.entries.findIndex((e) => JSON.parse(e).kind === 'election-key') + 1);
  });

  const proof = (entries = setupEntries, secret = boardSecret, pub = record.boardPublicKey) => setupProof(spec.electionId, entries, secret, pub);
  const failure = (p: unknown, pins = {}) => {
    const r = verifyElectionSetup(group, p, spec.electionId, pins);
    return r.ok ? null : r.failures[0];
  };
  const withEntry = (seq: number, edit: (e: any) => void) =>
    setupEntries.map((text, i) => {
      if (i !== seq) return text;
      const e = JSON.parse(text);
      edit(e);
      return JSON.stringify(e);
    });

  it('an honest setup verifies and gives the H every check of the record agrees with', () => {
    const r = verifyElectionSetup(group, proof(), spec.electionId);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const keyEntry = JSON.parse(setupEntries[setupEntries.length - 1]).payload;
    expect(bytesToHex(r.setup.election!.electionHash)).toBe(keyEntry.baseHash);
    expect(r.setup.issuers.map((i) => i.id)).toEqual(spec.issuers.map((i) => i.id));
    expect(r.setup.issuerThreshold).toBe(2);
    // The same H passes check 4 of the full verifier.
    expect(verifyElectionRecord(record).checks.find((c) => c.id === '4')?.status).toBe('pass');
    // Pinned to the right fingerprint and board key, it still verifies.
    expect(failure(proof(), { baseHash: keyEntry.baseHash, boardPublicKey: record.boardPublicKey })).toBeNull();
  });

  it('a server that swaps in an issuer key it holds (and re-signs the head) changes H: refused against the published fingerprint', async () => {
    const rogue = await generateIssuerKey();
    const entries = withEntry(1, (e) => (e.payload.issuers[0] = { id: issuerKeyThumbprint(rogue.publicJwk), publicKey: rogue.publicJwk }));
    // With the board key and a fresh head the proof itself is consistent, but its H no longer matches the election-key entry…
    expect(failure(proof(entries))).toMatch(/base hash is not the hash of the setup entries/);
    // …and a server that also rewrites the election-key entry's H is caught by the pinned fingerprint.
    const keyEntry = JSON.parse(setupEntries[setupEntries.length - 1]).payload;
    expect(failure(proof(entries), { baseHash: keyEntry.baseHash })).not.toBeNull();
  });

  it('a substituted entry without a fresh head fails its inclusion proof', async () => {
    const rogue = await generateIssuerKey();
    const p = proof();
    const tampered = JSON.parse(p.entries[1].entry);
    tampered.payload.issuers[0] = { id: issuerKeyThumbprint(rogue.publicJwk), publicKey: rogue.publicJwk };
    p.entries[1] = { ...p.entries[1], entry: JSON.stringify(tampered) };
    expect(failure(p)).toMatch(/inclusion proof does not verify/);
  });

  it('a record re-signed with another board key is refused by a device that pinned the board key or H', () => {
    const other = generatePseudonymKeyPair();
    const forged = proof(setupEntries, other.secretKey, bytesToHex(other.publicKey));
    expect(failure(forged, { boardPublicKey: record.boardPublicKey })).toMatch(/board key is not the pinned one/);
    // H binds the board key, so the fingerprint alone also catches it.
    const keyEntry = JSON.parse(setupEntries[setupEntries.length - 1]).payload;
    expect(failure(forged, { baseHash: keyEntry.baseHash })).toMatch(/base hash/);
    // A head signed by a key other than the one served is refused outright.
    expect(failure(proof(setupEntries, other.secretKey, record.boardPublicKey))).toMatch(/not signed by the board key/);
  });

  it('issuer ids that are not their keys\' thumbprints, a minority threshold, misplaced or missing entries: refused', () => {
    expect(failure(proof(withEntry(1, (e) => (e.payload.issuers[0].id = spec.issuers[1].id))))).toMatch(/thumbprint|listed twice/);
    expect(failure(proof(withEntry(1, (e) => (e.payload.threshold = 1))))).toMatch(/not a majority/);
    expect(failure(proof(setupEntries.slice(1).map((t, i) => JSON.stringify({ ...JSON.parse(t), seq: i }))))).toMatch(/manifest entry at seq 0/);
    expect(failure(proof(withEntry(0, (e) => (e.payload.manifest.title = 'Another title'))))).toMatch(/manifest hash|base hash/);
    expect(failure({ ...proof(), electionId: crypto.randomUUID() })).toMatch(/another election/);
    for (const junk of [null, 1, 'x', {}, { electionId: spec.electionId, head: {} }]) expect(failure(junk)).not.toBeNull();
  });
});
