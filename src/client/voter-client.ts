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
  createElection,
  type Election,
  type EncryptedBallot,
  auditBallot,
  auditedBallotToJSON,
  encryptBallot,
  parseManifest,
} from '../crypto/ballot';
import { bytesToHex, fromBase64Url, hexToBytes, toBase64Url } from '../crypto/encoding';
import { defaultGroup as group } from '../crypto/group';
import { electionKeySetFromJSON } from '../crypto/threshold';
import { assembleBallotToken, type BallotToken, prepareBallotToken } from '../crypto/tokens/ballot-token';
import { generatePseudonymKeyPair, type PseudonymKeyPair, signBallot } from '../crypto/tokens/pseudonym';
import { parseIssuerPublicKeyJwk } from '../crypto/tokens/rsa-key';
import { blind, finalize } from '../crypto/tokens/rsabssa';

/** The public election as GET /elections/:id serves it (the fields the device needs). */
export interface PublicElection {
  id: string;
  manifest: unknown;
  setupHash: string | null;
  keySet: unknown;
  baseHash: string | null;
  issuerIds: string[];
}

/** Rebuilds the election from its public description and checks the server's base hash against it. */
export function electionFromPublic(e: PublicElection): Election {
  if (!e.setupHash || !e.keySet || !e.baseHash) throw new Error('the election has no key yet');
  const election = createElection(group, parseManifest(e.manifest), hexToBytes(e.setupHash, 32), electionKeySetFromJSON(group, e.keySet));
  if (bytesToHex(election.electionHash) !== e.baseHash) throw new Error('the election base hash does not match its manifest and key');
  return election;
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
  issuers: ReadonlyArray<{ id: string; publicKey: unknown }>,
  send: Fetch,
  pseudonym: PseudonymKeyPair = generatePseudonymKeyPair(),
): Promise<{ token: BallotToken; pseudonym: PseudonymKeyPair }> {
  const prepared = prepareBallotToken({ electionId, electionBaseHash: election.electionHash, pseudonym: pseudonym.publicKey });
  const signatures = [];
  for (const issuer of issuers) {
    const pk = parseIssuerPublicKeyJwk(issuer.publicKey);
    const blinded = blind(pk, prepared.preparedMsg);
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
  castBody: { token: BallotToken; ballot: unknown; signature: string };
}

/** Encrypts and proves the choices under the election key, bound to the pseudonym, and signs the ballot. */
export function prepareBallot(election: Election, electionId: string, token: BallotToken, pseudonym: PseudonymKeyPair, choices: BallotChoices): PreparedBallot {
  const { ballot, secrets } = encryptBallot(group, election, choices, pseudonym.publicKey);
  const signature = bytesToHex(signBallot(pseudonym.secretKey, electionId, ballotHash(group, ballot)));
  return { ballot, secrets, choices, castBody: { token, ballot: ballotToJSON(group, ballot), signature } };
}

/** The body of POST /elections/:id/audits for a prepared ballot (which must then never be cast). */
export function auditBody(election: Election, prepared: PreparedBallot) {
  const audited = auditedBallotToJSON(group, auditBallot(election.manifest, prepared.ballot, prepared.secrets, prepared.choices));
  return { ...prepared.castBody, reveal: audited.reveal };
}
