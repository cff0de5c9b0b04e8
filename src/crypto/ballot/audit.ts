/**
 * Benaloh audit ("cast or challenge"): instead of casting, the voter challenges the device, which reveals every
 * nonce r and plaintext vote of the ballot. Anyone can then re-encrypt and compare: a device that encrypted
 * something other than the voter's choice is caught. An audited ballot is never counted (its secrecy is gone).
 *
 *   check: for every contest c and option o, vote ∈ {0, 1}, r ∈ [1, ℓ), and Enc(vote; r) = (r·G, vote·G + r·K)
 *          equals the ballot's ciphertext; the ballot itself verifies; the revealed choices obey the manifest.
 *
 * JSON: `{ "ballot": EncryptedBallotJSON, "reveal": { "contests": [ { "contestId": id, "selections":
 *        [ { "optionId": id, "vote": 0 | 1, "r": hex64 } ] } ] } }`
 */
import { ciphertextEquals, encryptWithNonce } from '../elgamal';
import { expectArray, expectObject } from '../encoding';
import { CryptoError, cryptoAssert } from '../errors';
import type { Group } from '../group';
import type { Election } from './election';
import { type BallotChoices, type BallotSecrets, type EncryptedBallot, choicesToVotes, selectionCountAllowed } from './encrypt';
import { ballotFromJSON, ballotToJSON, type EncryptedBallotJSON } from './json';
import { MANIFEST_LIMITS, type Manifest } from './manifest';
import { type BallotFailure, verifyBallot } from './verify';

/** The revealed plaintext and nonce of one option. */
export interface RevealedSelection {
  readonly optionId: string;
  readonly vote: 0 | 1;
  readonly r: bigint;
}

/** What an audit reveals, in manifest order. */
export interface BallotReveal {
  readonly contests: readonly { readonly contestId: string; readonly selections: readonly RevealedSelection[] }[];
}

/** A ballot with its reveal. */
export interface AuditedBallot {
  readonly ballot: EncryptedBallot;
  readonly reveal: BallotReveal;
}

/** Result of {@link verifyAuditedBallot}: the choices the ballot provably encrypts, or the failures. */
export type AuditVerification =
  | { readonly valid: true; readonly choices: BallotChoices }
  | { readonly valid: false; readonly failures: readonly BallotFailure[] };

/** JSON form of an {@link AuditedBallot}. */
export interface AuditedBallotJSON {
  readonly ballot: EncryptedBallotJSON;
  readonly reveal: {
    readonly contests: readonly {
      readonly contestId: string;
      readonly selections: readonly { readonly optionId: string; readonly vote: 0 | 1; readonly r: string }[];
    }[];
  };
}

/**
 * The device's side: reveals the choices and nonces of a ballot it encrypted (after which it must not be cast).
 * @throws CryptoError `INVALID_BALLOT` if the choices or secrets do not fit the manifest.
 */
export function auditBallot(manifest: Manifest, ballot: EncryptedBallot, secrets: BallotSecrets, choices: BallotChoices): AuditedBallot {
  const votes = choicesToVotes(manifest, choices);
  const contests = manifest.contests.map((c, ci) => {
    cryptoAssert(secrets.nonces[ci]?.length === c.options.length, 'INVALID_BALLOT', `secrets do not fit contest ${c.id}`);
    return Object.freeze({
      contestId: c.id,
      selections: Object.freeze(c.options.map((o, oi) => Object.freeze({ optionId: o.id, vote: votes[ci][oi], r: secrets.nonces[ci][oi] }))),
    });
  });
  return Object.freeze({ ballot, reveal: Object.freeze({ contests: Object.freeze(contests) }) });
}

/** Verifies an audited ballot (anyone) and returns the choices it encrypts. Never throws. */
export function verifyAuditedBallot(group: Group, election: Election, audited: AuditedBallot): AuditVerification {
  const base = verifyBallot(group, election, audited.ballot);
  const failures: BallotFailure[] = base.valid ? [] : [...base.failures];
  const choices: Record<string, string[]> = {};
  try {
    const m = election.manifest;
    const rc = audited.reveal.contests;
    if (rc.length !== m.contests.length) throw new CryptoError('INVALID_BALLOT', 'reveal: one entry per contest expected');
    m.contests.forEach((c, ci) => {
      const sels = rc[ci].selections;
      if (rc[ci].contestId !== c.id || sels.length !== c.options.length) {
        failures.push({ check: 'structure', contestId: c.id, message: 'reveal does not match the manifest' });
        return;
      }
      const chosen: string[] = [];
      c.options.forEach((o, oi) => {
        const s = sels[oi];
        const ct = audited.ballot.contests[ci]?.selections[oi]?.ciphertext;
        const ok =
          s.optionId === o.id &&
          (s.vote === 0 || s.vote === 1) &&
          group.isScalar(s.r) &&
          s.r !== 0n &&
          ct !== undefined &&
          ciphertextEquals(group, encryptWithNonce(group, election.key, s.vote, s.r), ct);
        if (!ok) failures.push({ check: 'audit', contestId: c.id, optionId: o.id, message: 'revealed vote and nonce do not re-encrypt to the ciphertext' });
        if (s.vote === 1) chosen.push(o.id);
      });
      if (!selectionCountAllowed(c, chosen.length)) {
        failures.push({ check: 'audit', contestId: c.id, message: `${chosen.length} selections not allowed` });
      }
      choices[c.id] = chosen;
    });
  } catch (e) {
    failures.push({ check: 'structure', message: `malformed reveal: ${e instanceof Error ? e.message : String(e)}` });
  }
  if (failures.length > 0) return Object.freeze({ valid: false, failures: Object.freeze(failures.map((f) => Object.freeze(f))) });
  return Object.freeze({ valid: true, choices: Object.freeze(Object.fromEntries(Object.entries(choices).map(([k, v]) => [k, Object.freeze(v)]))) });
}

/** JSON form (canonical key order as in the module comment). */
export function auditedBallotToJSON(group: Group, a: AuditedBallot): AuditedBallotJSON {
  return Object.freeze({
    ballot: ballotToJSON(group, a.ballot),
    reveal: Object.freeze({
      contests: Object.freeze(
        a.reveal.contests.map((c) =>
          Object.freeze({
            contestId: c.contestId,
            selections: Object.freeze(c.selections.map((s) => Object.freeze({ optionId: s.optionId, vote: s.vote, r: group.scalarToHex(s.r) }))),
          }),
        ),
      ),
    }),
  });
}

/** Strict parsing of {@link AuditedBallotJSON} against `manifest` (vote must be the number 0 or 1). */
export function auditedBallotFromJSON(group: Group, manifest: Manifest, json: unknown): AuditedBallot {
  const o = expectObject(json, ['ballot', 'reveal'], 'audited ballot');
  const ballot = ballotFromJSON(group, manifest, o.ballot);
  const rv = expectObject(o.reveal, ['contests'], 'reveal');
  const contests = expectArray(rv.contests, 'reveal contests', MANIFEST_LIMITS.contests).map((cj) => {
    const c = expectObject(cj, ['contestId', 'selections'], 'reveal contest');
    cryptoAssert(typeof c.contestId === 'string', 'ENCODING', 'contestId: expected a string');
    const selections = expectArray(c.selections, 'reveal selections', MANIFEST_LIMITS.options).map((sj) => {
      const s = expectObject(sj, ['optionId', 'vote', 'r'], 'revealed selection');
      cryptoAssert(typeof s.optionId === 'string', 'ENCODING', 'optionId: expected a string');
      cryptoAssert(s.vote === 0 || s.vote === 1, 'ENCODING', 'vote: expected 0 or 1');
      return Object.freeze({ optionId: s.optionId, vote: s.vote as 0 | 1, r: group.scalarFromHex(s.r as string, { allowZero: false }) });
    });
    return Object.freeze({ contestId: c.contestId, selections: Object.freeze(selections) });
  });
  return Object.freeze({ ballot, reveal: Object.freeze({ contests: Object.freeze(contests) }) });
}
