import { deterministicNonces, ristretto255Group as group } from '../group';
import { encryptWithNonce } from '../elgamal';
import { proveDisjunctive } from '../proofs/disjunctive';
import { bytesToHex } from '../encoding';
import { combineDecryptionShares, computeDecryptionShare } from '../threshold';
import { makeElection, MANIFEST_JSON, seed, TEST_BINDINGS } from '../../../test/crypto/ballot/fixture';
import {
  type BallotChoices,
  type EncryptedBallot,
  aggregateBallots,
  auditBallot,
  auditedBallotFromJSON,
  auditedBallotToJSON,
  ballotFromJSON,
  ballotHash,
  ballotToJSON,
  createElection,
  encryptBallot,
  normalizeTrackingCode,
  parseManifest,
  resultFromTotals,
  tallyCiphertexts,
  tallyFromJSON,
  tallyToJSON,
  trackingCode,
  proofContext,
  selectionContext,
  verifyAuditedBallot,
  verifyBallot,
  verifyBallotJSON,
} from '.';

const { election, dkg } = makeElection();
const credential = new Uint8Array(32).fill(0xc1);
let counter = 0;
const nonces = () => deterministicNonces(seed(`ballot-${counter++}`), 'test/ballot');
const CHOICE: BallotChoices = { mayor: ['bob'], council: ['d', 'g'], park: [] };
const { ballot, secrets } = encryptBallot(group, election, CHOICE, credential, nonces());

type Json = Record<string, any>;
const json = (): Json => JSON.parse(JSON.stringify(ballotToJSON(group, ballot)));
const valid = (b: EncryptedBallot) => verifyBallot(group, election, b).valid;

describe('ballot encryption and verification', () => {
  it('completeness: every allowed choice of every contest kind verifies', () => {
    const variants: BallotChoices[] = [
      ...['alice', 'bob', 'chloe'].map((o) => ({ ...CHOICE, mayor: [o] })),
      ...[[], ['d'], ['g'], ['e', 'f'], ['f', 'd']].map((s) => ({ ...CHOICE, council: s })),
      ...[[], ['yes'], ['no']].map((s) => ({ ...CHOICE, park: s })),
    ];
    for (const v of variants) {
      const b = encryptBallot(group, election, v, credential, nonces()).ballot;
      expect(verifyBallot(group, election, b)).toEqual({ valid: true });
    }
  });

  it('refuses choices the manifest does not allow', () => {
    const bad: unknown[] = [
      { ...CHOICE, mayor: [] }, // blank not allowed
      { ...CHOICE, mayor: ['alice', 'bob'] },
      { ...CHOICE, council: ['d', 'e', 'f'] },
      { ...CHOICE, park: ['yes', 'no'] },
      { ...CHOICE, mayor: ['zoe'] },
      { ...CHOICE, council: ['d', 'd'] },
      { mayor: ['bob'], council: [] },
      { ...CHOICE, extra: [] },
    ];
    for (const c of bad) {
      expect(() => encryptBallot(group, election, c as BallotChoices, credential, nonces())).toThrow(
        expect.objectContaining({ code: 'INVALID_BALLOT' }),
      );
    }
  });

  it('rejects a change to any single ciphertext component', () => {
    ballot.contests.forEach((c, ci) =>
      c.selections.forEach((s, oi) => {
        for (const k of ['alpha', 'beta'] as const) {
          const ct = { ...s.ciphertext, [k]: group.add(s.ciphertext[k], group.generator) };
          const b = patchSelection(ballot, ci, oi, { ciphertext: ct });
          const r = verifyBallot(group, election, b);
          expect(r.valid).toBe(false);
          if (!r.valid) expect(r.failures.map((f) => f.check)).toEqual(['selection-proof', 'contest-proof']);
        }
      }),
    );
  });

  it('rejects a change to any single proof field', () => {
    const s = ballot.contests[1].selections[2];
    for (const k of ['a0', 'b0', 'a1', 'b1'] as const) {
      expect(valid(patchSelection(ballot, 1, 2, { proof: { ...s.proof, [k]: group.add(s.proof[k], group.generator) } }))).toBe(false);
    }
    for (const k of ['c0', 'c1', 'v0', 'v1'] as const) {
      expect(valid(patchSelection(ballot, 1, 2, { proof: { ...s.proof, [k]: group.scalarAdd(s.proof[k], 1n) } }))).toBe(false);
    }
    const sp = ballot.contests[1].sumProof;
    for (const k of ['a', 'b'] as const) {
      for (let j = 0; j < sp[k].length; j++) {
        const arr = sp[k].map((p, i) => (i === j ? group.add(p, group.generator) : p));
        expect(valid(patchContest(ballot, 1, { sumProof: { ...sp, [k]: arr } }))).toBe(false);
      }
    }
    for (const k of ['c', 'v'] as const) {
      for (let j = 0; j < sp[k].length; j++) {
        const arr = sp[k].map((x, i) => (i === j ? group.scalarAdd(x, 1n) : x));
        expect(valid(patchContest(ballot, 1, { sumProof: { ...sp, [k]: arr } }))).toBe(false);
      }
    }
  });

  it('rejects a moved proof, another credential, another election hash or another manifest', () => {
    // swap the two council selections' ciphertexts and proofs (proofs are bound to their option ids)
    const c = ballot.contests[1];
    const swapped = patchContest(ballot, 1, {
      selections: [c.selections[1], c.selections[0], ...c.selections.slice(2)].map((s, i) => ({ ...s, optionId: c.selections[i].optionId })),
    });
    expect(valid(swapped)).toBe(false);
    expect(valid({ ...ballot, credential: new Uint8Array(32) })).toBe(false);
    const otherH = { ...ballot, electionHash: new Uint8Array(32) };
    const r = verifyBallot(group, election, otherH);
    expect(r.valid === false && r.failures.map((f) => f.check)).toEqual(['election-hash']);
    // an election whose manifest differs in one title: H differs, and the proofs fail under the new H
    const m2 = JSON.parse(JSON.stringify(MANIFEST_JSON));
    m2.contests[2].title = 'Build the park?';
    const e2 = createElection(group, parseManifest(m2), dkg.params.setupHash, dkg.keys, TEST_BINDINGS);
    const r2 = verifyBallot(group, e2, { ...ballot, electionHash: e2.electionHash });
    expect(r2.valid).toBe(false);
    if (!r2.valid) expect(r2.failures.every((f) => f.check === 'selection-proof' || f.check === 'contest-proof')).toBe(true);
    // a sum proof produced for an interval of another contest shape does not verify
    expect(valid(patchContest(ballot, 2, { sumProof: ballot.contests[1].sumProof }))).toBe(false);
  });

  it('rejects an overvote whose every 0/1 proof is valid (the contest range proof catches it)', () => {
    // mayor: alice and bob both 1, each with an honest 0/1 proof; the sum proof borrowed from the real ballot
    const n = nonces();
    const votes = [1, 1, 0];
    const selections = ballot.contests[0].selections.map((s, oi) => {
      const r = n('r');
      const ciphertext = encryptWithNonce(group, election.key, votes[oi], r);
      const ctx = proofContext(election.electionHash, selectionContext(credential, 'mayor', s.optionId));
      return { ...s, ciphertext, proof: proveDisjunctive(group, { key: election.key.point, ciphertext }, votes[oi], r, ctx, n) };
    });
    const r = verifyBallot(group, election, patchContest(ballot, 0, { selections }));
    expect(r.valid === false && r.failures.map((f) => [f.check, f.contestId])).toEqual([['contest-proof', 'mayor']]);
  });

  it('has a strict JSON form', () => {
    const j = json();
    expect(ballotToJSON(group, ballotFromJSON(group, election.manifest, j))).toEqual(j);
    expect(verifyBallotJSON(group, election, j)).toEqual({ valid: true });
    const edits: ((x: Json) => void)[] = [
      (x) => (x.extra = 1),
      (x) => delete x.credential,
      (x) => (x.electionHash = x.electionHash.toUpperCase()),
      (x) => (x.credential = x.credential.slice(2)),
      (x) => (x.contests[0].selections[0].ciphertext.alpha = x.contests[0].selections[0].ciphertext.alpha.toUpperCase()),
      (x) => (x.contests[0].selections[0].proof.c0 = 'ff'.repeat(32)),
      (x) => (x.contests[0].selections[0].extra = true),
      (x) => x.contests.pop(),
      (x) => x.contests.push(x.contests[0]),
      (x) => x.contests.reverse(),
      (x) => x.contests[1].selections.pop(),
      (x) => x.contests[1].selections.push(x.contests[1].selections[0]),
      (x) => x.contests[1].selections.reverse(),
      (x) => (x.contests[1].selections[0].optionId = 'dd'),
      (x) => (x.contests[1].sumProof.a = x.contests[1].sumProof.a.slice(1)),
      (x) => (x.contests[1].sumProof = x.contests[0].sumProof),
      (x) => (x.contests[0].selections[0].ciphertext.beta = '00'.repeat(32)),
    ];
    for (const e of edits) {
      const x = json();
      e(x);
      expect(() => ballotFromJSON(group, election.manifest, x)).toThrow();
      const r = verifyBallotJSON(group, election, x);
      expect(r.valid === false && r.failures[0].check).toBe('parse');
    }
  });

  it('hashes to a stable ballot hash and an 80-bit tracking code', () => {
    const h = ballotHash(group, ballot);
    expect(bytesToHex(h)).toBe(bytesToHex(ballotHash(group, ballotFromJSON(group, election.manifest, json()))));
    const code = trackingCode(h);
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(normalizeTrackingCode(code.toLowerCase().replace(/-/g, ' '))).toBe(code);
    expect(() => normalizeTrackingCode('ABC')).toThrow();
    const other = encryptBallot(group, election, CHOICE, credential, nonces()).ballot;
    expect(trackingCode(ballotHash(group, other))).not.toBe(code);
    expect(trackingCode(new Uint8Array(32))).toBe('0000-0000-0000-0000');
    expect(trackingCode(new Uint8Array(32).fill(0xff))).toBe('ZZZZ-ZZZZ-ZZZZ-ZZZZ');
  });
});

describe('Benaloh audit', () => {
  const audited = auditBallot(election.manifest, ballot, secrets, CHOICE);

  it('an honest audit verifies and reveals the choices, also through JSON', () => {
    const r = verifyAuditedBallot(group, election, audited);
    expect(r).toEqual({ valid: true, choices: { mayor: ['bob'], council: ['d', 'g'], park: [] } });
    const j = JSON.parse(JSON.stringify(auditedBallotToJSON(group, audited)));
    expect(verifyAuditedBallot(group, election, auditedBallotFromJSON(group, election.manifest, j)).valid).toBe(true);
    j.reveal.contests[0].selections[0].vote = 2;
    expect(() => auditedBallotFromJSON(group, election.manifest, j)).toThrow();
  });

  it('a lying audit is rejected (claimed vote or nonce differ from what was encrypted)', () => {
    const lie = (ci: number, oi: number, patch: object) => ({
      ...audited,
      reveal: {
        contests: audited.reveal.contests.map((c, i) =>
          i !== ci ? c : { ...c, selections: c.selections.map((s, j) => (j === oi ? { ...s, ...patch } : s)) },
        ),
      },
    });
    const r1 = verifyAuditedBallot(group, election, lie(0, 1, { vote: 0 }));
    expect(r1.valid === false && r1.failures.map((f) => f.check)).toEqual(['audit', 'audit']); // and 0 selections
    const r2 = verifyAuditedBallot(group, election, lie(0, 0, { vote: 1 }));
    expect(r2.valid).toBe(false);
    const r3 = verifyAuditedBallot(group, election, lie(1, 0, { r: group.scalarAdd(secrets.nonces[1][0], 1n) }));
    expect(r3.valid === false && r3.failures).toHaveLength(1);
    // a device that encrypted "alice" but claims "bob": its reveal cannot match
    const cheat = encryptBallot(group, election, { ...CHOICE, mayor: ['alice'] }, credential, nonces());
    const claimed = auditBallot(election.manifest, cheat.ballot, cheat.secrets, CHOICE);
    expect(verifyAuditedBallot(group, election, claimed).valid).toBe(false);
  });
});

describe('tally', () => {
  it('aggregates ballots and 2 of 3 trustees decrypt the totals', () => {
    const all: BallotChoices[] = [CHOICE, { mayor: ['alice'], council: [], park: ['yes'] }, { mayor: ['bob'], council: ['e'], park: ['yes'] }];
    const ballots = all.map((c) => encryptBallot(group, election, c, credential, nonces()).ballot);
    const tally = aggregateBallots(group, election.manifest, ballots);
    const cts = tallyCiphertexts(tally);
    const shares = [1, 3].map((l) => computeDecryptionShare(group, election.electionHash, dkg.keys, l, dkg.secretShares[l - 1], cts, nonces()));
    const totals = combineDecryptionShares(group, election.electionHash, dkg.keys, cts, shares, { max: 1000, babySteps: 64 }).results;
    const tj = JSON.parse(JSON.stringify(tallyToJSON(group, tally)));
    expect(tallyToJSON(group, tallyFromJSON(group, election.manifest, tj))).toEqual(tj);
    for (const edit of [(t: Json) => t.contests.reverse(), (t: Json) => t.contests[0].options.pop(), (t: Json) => (t.x = 1)]) {
      const t = JSON.parse(JSON.stringify(tj));
      edit(t);
      expect(() => tallyFromJSON(group, election.manifest, t)).toThrow();
    }
    expect(resultFromTotals(election.manifest, totals)).toEqual({
      mayor: { alice: 1, bob: 2, chloe: 0 },
      council: { d: 1, e: 1, f: 0, g: 1 },
      park: { yes: 2, no: 0 },
    });
  });
});

function patchContest(b: EncryptedBallot, ci: number, patch: object): EncryptedBallot {
  return { ...b, contests: b.contests.map((c, i) => (i === ci ? { ...c, ...patch } : c)) };
}
function patchSelection(b: EncryptedBallot, ci: number, oi: number, patch: object): EncryptedBallot {
  const c = b.contests[ci];
  return patchContest(b, ci, { selections: c.selections.map((s, j) => (j === oi ? { ...s, ...patch } : s)) });
}
