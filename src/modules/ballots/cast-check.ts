/**
 * Every check of a submission that needs no database (docs/protocol.md §55): the token's k-of-n issuer
 * signatures over the base hash, the ballot's strict parsing, credential = pseudonym, the pseudonym's
 * signature and, for a cast, every proof (one batch). Pure, so it runs on a worker thread as well as on
 * the event loop; its answer is plain data.
 */
import {
  ballotEquations,
  ballotFromJSON,
  ballotHash,
  ballotToJSON,
  createElection,
  electionBindingsFromJSON,
  type ElectionBindingsJSON,
  type EncryptedBallot,
  type EncryptedBallotJSON,
  type Election,
  parseManifest,
  verifyBallot,
} from '../../crypto/ballot';
import { batchHolds } from '../../crypto/batch';
import { bytesToHex, hexToBytes } from '../../crypto/encoding';
import { CryptoError } from '../../crypto/errors';
import type { Group } from '../../crypto/group';
import { electionKeySetFromJSON } from '../../crypto/threshold/dkg';
import { type BallotToken, type TokenIssuer, validateBallotToken, verifyTokenSignatures } from '../../crypto/tokens/ballot-token';
import { verifyBallotSignature } from '../../crypto/tokens/pseudonym';
import { parseIssuerPublicKeyJwk } from '../../crypto/tokens/rsa-key';

/** What the checks need of an election, as plain data (it crosses to worker threads). */
export interface CastContextJSON {
  readonly electionId: string;
  readonly manifest: unknown;
  readonly setupHash: string;
  readonly bindings: ElectionBindingsJSON;
  readonly keySet: unknown;
  readonly issuers: readonly { readonly id: string; readonly publicKey: unknown }[];
  readonly issuerThreshold: number;
}

export interface CastContext {
  readonly group: Group;
  readonly electionId: string;
  readonly election: Election;
  readonly issuers: readonly TokenIssuer[];
  readonly issuerThreshold: number;
}

export function castContext(group: Group, c: CastContextJSON): CastContext {
  return {
    group,
    electionId: c.electionId,
    election: createElection(group, parseManifest(c.manifest), hexToBytes(c.setupHash, 32), electionKeySetFromJSON(group, c.keySet), electionBindingsFromJSON(c.bindings)),
    issuers: c.issuers.map((i) => ({ id: i.id, publicKey: parseIssuerPublicKeyJwk(i.publicKey) })),
    issuerThreshold: c.issuerThreshold,
  };
}

/** A refused submission: `malformed` is a 400, `unprocessable` a 422, with the API's error code. */
export interface CastRefusal {
  readonly kind: 'malformed' | 'unprocessable';
  readonly code: string;
  readonly message: string;
  readonly details?: readonly unknown[];
}

export type CastCheckResult =
  | { readonly ok: true; readonly token: BallotToken; readonly ballot: EncryptedBallotJSON; readonly hash: string; readonly pseudonym: string }
  | { readonly ok: false; readonly refusal: CastRefusal };

/** The checks (the proofs only if `verifyProofs`: an audit is checked against its reveal instead). Never throws on bad input. */
export function checkSubmission(ctx: CastContext, dto: { token: unknown; ballot: unknown; counter: number; signature: string }, verifyProofs: boolean): CastCheckResult {
  const refuse = (kind: CastRefusal['kind'], code: string, message: string, details?: readonly unknown[]): CastCheckResult => ({ ok: false, refusal: { kind, code, message, ...(details ? { details } : {}) } });
  const { group, election } = ctx;
  let token: BallotToken;
  let ballot: EncryptedBallot;
  try {
    token = validateBallotToken(dto.token);
    ballot = ballotFromJSON(group, election.manifest, dto.ballot);
  } catch (e) {
    if (e instanceof CryptoError) return refuse('malformed', 'malformed_submission', e.message);
    throw e;
  }
  if (token.electionId !== ctx.electionId) return refuse('unprocessable', 'wrong_election', 'The token was issued for another election');
  const tokenCheck = verifyTokenSignatures(token, ctx.issuers, ctx.issuerThreshold, { electionBaseHash: election.electionHash });
  if (!tokenCheck.valid) {
    return refuse('unprocessable', 'invalid_token', `The token does not carry valid signatures of ${ctx.issuerThreshold} distinct issuers of this election`, tokenCheck.error ? [tokenCheck.error] : tokenCheck.rejected.map((r) => ({ ...r })));
  }
  // The ballot's proofs are bound to the pseudonym key the token certifies.
  if (bytesToHex(ballot.credential) !== token.pseudonym) return refuse('unprocessable', 'credential_mismatch', "The ballot's credential is not the token's pseudonym");
  const hash = ballotHash(group, ballot);
  if (!verifyBallotSignature(hexToBytes(token.pseudonym, 32), ctx.electionId, dto.counter, hash, hexToBytes(dto.signature, 64))) {
    return refuse('unprocessable', 'invalid_signature', "The signature is not the pseudonym's signature of this ballot and counter");
  }
  if (verifyProofs) {
    // All of the ballot's proof equations as one random linear combination (§10.11): about 4× faster than
    // one by one. Only a failing ballot pays for the detailed one-by-one report.
    const equations = ballotEquations(group, election, ballot);
    if (equations === false || !batchHolds(group, equations)) {
      const verdict = verifyBallot(group, election, ballot);
      return refuse('unprocessable', 'invalid_ballot', 'The ballot does not verify', verdict.valid ? [{ check: 'batch', message: 'the proof equations do not hold' }] : verdict.failures.map((f) => ({ ...f })));
    }
  }
  return { ok: true, token, ballot: ballotToJSON(group, ballot), hash: bytesToHex(hash), pseudonym: token.pseudonym };
}
