/**
 * JSON form of an encrypted ballot, its canonical bytes, the ballot hash and strict parsing against a manifest.
 *
 * ```
 * { "electionHash": hex64, "credential": hex64,
 *   "contests": [ { "contestId": id,
 *                   "selections": [ { "optionId": id, "ciphertext": { "alpha": hex64, "beta": hex64 },
 *                                     "proof": { "a0","b0","a1","b1","c0","c1","v0","v1": hex64 } } ],
 *                   "sumProof": { "a": hex64[], "b": hex64[], "c": hex64[], "v": hex64[] } } ] }
 * ```
 * Key order as shown is the canonical order; canonical bytes are the UTF-8 of JSON.stringify of that object.
 */
import { type Ciphertext, ciphertextFromJSON, ciphertextToJSON, type CiphertextJSON } from '../elgamal';
import { bytesToHex, expectArray, expectObject, hexToBytes, utf8ToBytes } from '../encoding';
import { CryptoError, cryptoAssert } from '../errors';
import type { Group } from '../group';
import { disjunctiveProofFromJSON, disjunctiveProofToJSON, type DisjunctiveProofJSON } from '../proofs/disjunctive';
import { rangeProofFromJSON, rangeProofToJSON, type RangeProofJSON } from '../proofs/range';
import { ELECTION_HASH_BYTES } from '../transcript';
import { transcriptHash } from '../threshold/binding';
import { CREDENTIAL_BYTES, type EncryptedBallot } from './encrypt';
import { type Manifest, MANIFEST_LIMITS, contestLowerBound } from './manifest';

/** Domain tag of the ballot hash. */
export const BALLOT_DOMAIN = 'evote/v1/ballot';

/** JSON form of an {@link EncryptedBallot}. */
export interface EncryptedBallotJSON {
  readonly electionHash: string;
  readonly credential: string;
  readonly contests: readonly {
    readonly contestId: string;
    readonly selections: readonly {
      readonly optionId: string;
      readonly ciphertext: CiphertextJSON;
      readonly proof: DisjunctiveProofJSON;
    }[];
    readonly sumProof: RangeProofJSON;
  }[];
}

/** The canonical JSON object (keys in canonical order). */
export function ballotToJSON(group: Group, b: EncryptedBallot): EncryptedBallotJSON {
  return Object.freeze({
    electionHash: bytesToHex(b.electionHash),
    credential: bytesToHex(b.credential),
    contests: Object.freeze(
      b.contests.map((c) =>
        Object.freeze({
          contestId: c.contestId,
          selections: Object.freeze(
            c.selections.map((s) =>
              Object.freeze({
                optionId: s.optionId,
                ciphertext: ciphertextToJSON(group, s.ciphertext),
                proof: disjunctiveProofToJSON(group, s.proof),
              }),
            ),
          ),
          sumProof: rangeProofToJSON(group, c.sumProof),
        }),
      ),
    ),
  });
}

/**
 * Structural failures of a ballot against a manifest: contests and options exactly the manifest's, in order, and
 * each sum proof with max − lo + 1 branches. Empty iff the structure matches.
 */
export function ballotStructureFailures(manifest: Manifest, b: EncryptedBallot): readonly string[] {
  const out: string[] = [];
  if (b.contests.length !== manifest.contests.length) {
    out.push(`expected ${manifest.contests.length} contests, got ${b.contests.length}`);
    return out;
  }
  manifest.contests.forEach((mc, ci) => {
    const bc = b.contests[ci];
    if (bc.contestId !== mc.id) {
      out.push(`contest ${ci}: expected ${mc.id}, got ${bc.contestId}`);
      return;
    }
    if (bc.selections.length !== mc.options.length) {
      out.push(`contest ${mc.id}: expected ${mc.options.length} selections, got ${bc.selections.length}`);
    } else {
      mc.options.forEach((o, oi) => {
        if (bc.selections[oi].optionId !== o.id) out.push(`contest ${mc.id} selection ${oi}: expected ${o.id}`);
      });
    }
    const width = mc.maxSelections - contestLowerBound(mc) + 1;
    if (bc.sumProof.a.length !== width) out.push(`contest ${mc.id}: sum proof must have ${width} branches`);
  });
  return out;
}

/**
 * Strict parsing against `manifest`: exact keys everywhere, lowercase canonical hex of the right lengths, no
 * identity points, scalars < ℓ, and the structure of {@link ballotStructureFailures}.
 * @throws CryptoError `ENCODING` / `INVALID_POINT` / `INVALID_SCALAR` for malformed values, `INVALID_BALLOT` for
 *   a structure that does not match the manifest.
 */
export function ballotFromJSON(group: Group, manifest: Manifest, json: unknown): EncryptedBallot {
  const o = expectObject(json, ['electionHash', 'credential', 'contests'], 'ballot');
  const contests = expectArray(o.contests, 'contests', MANIFEST_LIMITS.contests).map((cj) => {
    const c = expectObject(cj, ['contestId', 'selections', 'sumProof'], 'ballot contest');
    cryptoAssert(typeof c.contestId === 'string', 'ENCODING', 'contestId: expected a string');
    const selections = expectArray(c.selections, 'selections', MANIFEST_LIMITS.options).map((sj) => {
      const s = expectObject(sj, ['optionId', 'ciphertext', 'proof'], 'ballot selection');
      cryptoAssert(typeof s.optionId === 'string', 'ENCODING', 'optionId: expected a string');
      return Object.freeze({
        optionId: s.optionId,
        ciphertext: ciphertextFromJSON(group, s.ciphertext),
        proof: disjunctiveProofFromJSON(group, s.proof),
      });
    });
    return Object.freeze({ contestId: c.contestId, selections: Object.freeze(selections), sumProof: rangeProofFromJSON(group, c.sumProof) });
  });
  const ballot: EncryptedBallot = Object.freeze({
    electionHash: hexToBytes(o.electionHash as string, ELECTION_HASH_BYTES, 'electionHash'),
    credential: hexToBytes(o.credential as string, CREDENTIAL_BYTES, 'credential'),
    contests: Object.freeze(contests),
  });
  const failures = ballotStructureFailures(manifest, ballot);
  if (failures.length > 0) throw new CryptoError('INVALID_BALLOT', failures.join('; '));
  return ballot;
}

/**
 * Only the ciphertexts of a ballot's JSON, flattened in manifest order, for summing ballots that were
 * verified before (the tally): the same key and structure checks as {@link ballotFromJSON} on the path to
 * each ciphertext, strict point decoding, but the proofs are not decoded (a third of the points).
 * @throws CryptoError as ballotFromJSON.
 */
export function ballotCiphertextsFromJSON(group: Group, manifest: Manifest, json: unknown): Ciphertext[] {
  const o = expectObject(json, ['electionHash', 'credential', 'contests'], 'ballot');
  const contests = expectArray(o.contests, 'contests', MANIFEST_LIMITS.contests);
  cryptoAssert(contests.length === manifest.contests.length, 'INVALID_BALLOT', `expected ${manifest.contests.length} contests`);
  return manifest.contests.flatMap((mc, ci) => {
    const c = expectObject(contests[ci], ['contestId', 'selections', 'sumProof'], 'ballot contest');
    cryptoAssert(c.contestId === mc.id, 'INVALID_BALLOT', `contest ${ci}: expected ${mc.id}`);
    const selections = expectArray(c.selections, 'selections', MANIFEST_LIMITS.options);
    cryptoAssert(selections.length === mc.options.length, 'INVALID_BALLOT', `contest ${mc.id}: one selection per option expected`);
    return mc.options.map((mo, oi) => {
      const sel = expectObject(selections[oi], ['optionId', 'ciphertext', 'proof'], 'ballot selection');
      cryptoAssert(sel.optionId === mo.id, 'INVALID_BALLOT', `contest ${mc.id}, selection ${oi}: expected ${mo.id}`);
      return ciphertextFromJSON(group, sel.ciphertext);
    });
  });
}

/** Canonical bytes: UTF-8 of JSON.stringify({@link ballotToJSON}) (no whitespace). */
export function canonicalBallotBytes(group: Group, b: EncryptedBallot): Uint8Array {
  return utf8ToBytes(JSON.stringify(ballotToJSON(group, b)));
}

/**
 * The ballot hash: SHA-256(transcript(domain "evote/v1/ballot", election hash = the ballot's H)
 * ‖ bytes "ballot" = canonical bytes). 32 bytes.
 */
export function ballotHash(group: Group, b: EncryptedBallot): Uint8Array {
  const bytes = canonicalBallotBytes(group, b);
  return transcriptHash(group, BALLOT_DOMAIN, b.electionHash, (t) => t.bytes('ballot', bytes));
}
