/**
 * The voter's device side of voting, over HTTP: get a ballot token from the issuers without them seeing
 * it, encrypt and prove the ballot, sign it with the pseudonym key, and build the anonymous cast request.
 * Pure TypeScript on src/crypto and `fetch`, shared by the browser booth, the CLI, tests and benchmarks.
 */
import {
  type BallotChoices,
  type BallotSecrets,
  ballotHash,
  ballotToJSON,
  type Election,
  type EncryptedBallot,
  auditBallot,
  auditedBallotToJSON,
  encryptBallot,
} from '../crypto/ballot';
import { bytesToHex, fromBase64Url, toBase64Url } from '../crypto/encoding';
import { defaultGroup as group } from '../crypto/group';
import { assembleBallotToken, type BallotToken, prepareBallotToken, type TokenIssuer } from '../crypto/tokens/ballot-token';
import { generatePseudonymKeyPair, type PseudonymKeyPair, signBallot } from '../crypto/tokens/pseudonym';
import { type ElectionIssuer, type ElectionSetup, type ElectionSetupPins, verifyElectionSetup } from '../crypto/record/election-setup';
import { blind, finalize } from '../crypto/tokens/rsabssa';
import { blindFromCode, prepareBallotTokenFromCode } from '../crypto/tokens/voting-code';

/**
 * The election as the device trusts it: manifest, election key, H and this election's issuers, all read
 * from the board's setup entries and checked against a signed head (protocol §55.9), never from a
 * convenience endpoint. `pins` are what the voter got out of band (the fingerprint H, the board key).
 */
export interface VerifiedElection {
  readonly electionId: string;
  readonly election: Election;
  readonly issuers: readonly ElectionIssuer[];
  readonly issuerThreshold: number;
  readonly setup: ElectionSetup;
}

/** Checks a setup proof (GET /elections/:id/board/setup) and rebuilds the election from it. */
export function electionFromSetup(proof: unknown, electionId: string, pins: ElectionSetupPins = {}): VerifiedElection {
  const r = verifyElectionSetup(group, proof, electionId, pins);
  if (!r.ok) throw new Error(`the election's setup on the board does not verify: ${r.failures[0]}`);
  if (!r.setup.election) throw new Error('the election has no key yet');
  return { electionId, election: r.setup.election, issuers: r.setup.issuers, issuerThreshold: r.setup.issuerThreshold, setup: r.setup };
}

/** Downloads and checks the election's setup from its board. */
export async function fetchElection(baseUrl: string, electionId: string, send: Fetch = (u, i) => fetch(u, i), pins: ElectionSetupPins = {}): Promise<VerifiedElection> {
  const res = await send(`${baseUrl}/elections/${encodeURIComponent(electionId)}/board/setup`);
  if (res.status !== 200) throw new Error(`the board's setup answered ${res.status}`);
  return electionFromSetup(await res.json(), electionId, pins);
}

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

/**
 * Obtains a ballot token: one pseudonym key pair, one prepared message, one blinding per issuer; each
 * blind signature is finalized and checked here, so a wrong signature is caught before casting.
 * `send` must carry the voter's login (cookie): this is the only identified step.
 */
export async function obtainBallotToken(
  baseUrl: string,
  election: Election,
  electionId: string,
  issuers: readonly TokenIssuer[],
  send: Fetch,
  pseudonymOrCode: PseudonymKeyPair | { votingCode: Uint8Array } = generatePseudonymKeyPair(),
): Promise<{ token: BallotToken; pseudonym: PseudonymKeyPair }> {
  // With a voting code (§20 "Voting code") every request is derived from it, so a second device sends the
  // very same blinded messages and the issuers answer with the signatures they already gave.
  const code = 'votingCode' in pseudonymOrCode ? pseudonymOrCode.votingCode : undefined;
  const ctx = { electionId, electionBaseHash: election.electionHash };
  const { pseudonym, prepared } = code
    ? prepareBallotTokenFromCode(code, ctx)
    : { pseudonym: pseudonymOrCode as PseudonymKeyPair, prepared: prepareBallotToken({ ...ctx, pseudonym: (pseudonymOrCode as PseudonymKeyPair).publicKey }) };
  const signatures = [];
  for (const issuer of issuers) {
    const pk = issuer.publicKey;
    const blinded = code ? blindFromCode(code, ctx, issuer.id, pk, prepared.preparedMsg) : blind(pk, prepared.preparedMsg);
    const res = await send(`${baseUrl}/elections/${electionId}/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ issuerId: issuer.id, blindedMessage: toBase64Url(blinded.blindedMsg) }),
    });
    if (res.status !== 200) throw new Error(`issuer ${issuer.id} answered ${res.status}: ${await res.text()}`);
    const { blindSignature } = (await res.json()) as { blindSignature: string };
    signatures.push({ issuerId: issuer.id, signature: finalize(pk, prepared.preparedMsg, fromBase64Url(blindSignature), blinded.inv) });
  }
  return { token: assembleBallotToken({ electionId, pseudonym: pseudonym.publicKey, prefix: prepared.prefix, signatures }), pseudonym };
}

export interface PreparedBallot {
  ballot: EncryptedBallot;
  secrets: BallotSecrets;
  choices: BallotChoices;
  /** The body of POST /elections/:id/ballots. */
  castBody: { token: BallotToken; ballot: unknown; counter: number; signature: string };
}

/** The submission counters this process handed out, per pseudonym key pair (a device keeps its own, see the booth). */
const counters = new WeakMap<PseudonymKeyPair, number>();

/** The next submission counter of this pseudonym here: 1, 2, 3 … (casts and audits share it, §20). */
export function nextCounter(pseudonym: PseudonymKeyPair): number {
  const n = (counters.get(pseudonym) ?? 0) + 1;
  counters.set(pseudonym, n);
  return n;
}

/**
 * Encrypts and proves the choices under the election key, bound to the pseudonym, and signs the ballot with
 * its submission counter (which must exceed every earlier one of this pseudonym that reached the board).
 */
export function prepareBallot(
  election: Election,
  electionId: string,
  token: BallotToken,
  pseudonym: PseudonymKeyPair,
  choices: BallotChoices,
  counter: number = nextCounter(pseudonym),
): PreparedBallot {
  const { ballot, secrets } = encryptBallot(group, election, choices, pseudonym.publicKey);
  const signature = bytesToHex(signBallot(pseudonym.secretKey, electionId, counter, ballotHash(group, ballot)));
  return { ballot, secrets, choices, castBody: { token, ballot: ballotToJSON(group, ballot), counter, signature } };
}

/** The body of POST /elections/:id/audits for a prepared ballot (which must then never be cast). */
export function auditBody(election: Election, prepared: PreparedBallot) {
  const audited = auditedBallotToJSON(group, auditBallot(election.manifest, prepared.ballot, prepared.secrets, prepared.choices));
  return { ...prepared.castBody, reveal: audited.reveal };
}
