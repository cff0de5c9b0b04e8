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
import { bytesToHex, fromBase64Url, hexToBytes, toBase64Url } from '../crypto/encoding';
import { defaultGroup as group } from '../crypto/group';
import { assembleBallotToken, type BallotToken, prepareBallotToken, type TokenIssuer } from '../crypto/tokens/ballot-token';
import { generatePseudonymKeyPair, type PseudonymKeyPair, pseudonymPublicKey, signBallot } from '../crypto/tokens/pseudonym';
import { type ElectionIssuer, type ElectionSetup, type ElectionSetupPins, verifyElectionSetup } from '../crypto/record/election-setup';
import { blind, finalize } from '../crypto/tokens/rsabssa';
import { blindFromCode, prepareBallotTokenFromCode } from '../crypto/tokens/voting-code';
import { blindedMessageHash, tokenRequestNonce } from '../crypto/tokens/token-request';

/**
 * A server's refusal (the platform's or an issuer's): its HTTP status and the `error` code of its JSON
 * answer (`{ error, message }`), so that a page can word it in its own language; `serverMessage` is the
 * server's own (English) text. The Error's message stays the full technical account.
 */
export class ServerRefusal extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly serverMessage: string,
  ) {
    super(message);
    this.name = 'ServerRefusal';
  }
}

/** The refusal `res` answers, its message starting with `what` (e.g. "issuer x answered"). */
async function refusal(res: Response, what: string, limit = Infinity): Promise<ServerRefusal> {
  const text = await res.text();
  let code: string | undefined;
  let serverMessage = text.slice(0, 500);
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof body.error === 'string') code = body.error;
    if (typeof body.message === 'string') serverMessage = body.message;
  } catch {
    /* not JSON: the text is the message */
  }
  return new ServerRefusal(`${what} ${res.status}: ${text.slice(0, limit)}`, res.status, code, serverMessage);
}

/** Too few issuers signed: every issuer's reason, with the refusal's code where an issuer answered one. */
export class TokenRefusedError extends Error {
  constructor(
    message: string,
    readonly refused: ReadonlyArray<{ issuerId: string; reason: string; code?: string; status?: number }>,
  ) {
    super(message);
    this.name = 'TokenRefusedError';
  }
}

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
 * A token request in the making: the pseudonym, the prepared message and one blinding per issuer, with
 * the nonce that binds them (protocol §20 "Separate issuers"). Everything here is secret to the device
 * (`inv` links the token to the request): it is kept on the device only, across the itsme login.
 */
export interface PendingTokenRequest {
  readonly electionId: string;
  /** The pseudonym's 32-byte seed, hex. */
  readonly pseudonymSecret: string;
  readonly prefix: string;
  readonly preparedMsg: string;
  readonly parts: ReadonlyArray<{ readonly issuerId: string; readonly blindedMessage: string; readonly inv: string }>;
  /** tokenRequestNonce over the parts: the nonce of the itsme login the issuers accept for them. */
  readonly nonce: string;
}

/**
 * Prepares one token request for every issuer. With a voting code (§20 "Voting code") every request is
 * derived from it, so a second device sends the very same blinded messages and the issuers answer with
 * the signatures they already gave.
 */
export function prepareTokenRequest(
  election: Election,
  electionId: string,
  issuers: readonly TokenIssuer[],
  pseudonymOrCode: PseudonymKeyPair | { votingCode: Uint8Array } = generatePseudonymKeyPair(),
): PendingTokenRequest {
  const code = 'votingCode' in pseudonymOrCode ? pseudonymOrCode.votingCode : undefined;
  const ctx = { electionId, electionBaseHash: election.electionHash };
  const { pseudonym, prepared } = code
    ? prepareBallotTokenFromCode(code, ctx)
    : { pseudonym: pseudonymOrCode as PseudonymKeyPair, prepared: prepareBallotToken({ ...ctx, pseudonym: (pseudonymOrCode as PseudonymKeyPair).publicKey }) };
  const parts = issuers.map((issuer) => {
    const blinded = code ? blindFromCode(code, ctx, issuer.id, issuer.publicKey, prepared.preparedMsg) : blind(issuer.publicKey, prepared.preparedMsg);
    return { issuerId: issuer.id, blindedMessage: toBase64Url(blinded.blindedMsg), inv: toBase64Url(blinded.inv), hash: blindedMessageHash(blinded.blindedMsg) };
  });
  return {
    electionId,
    pseudonymSecret: bytesToHex(pseudonym.secretKey),
    prefix: toBase64Url(prepared.prefix),
    preparedMsg: toBase64Url(prepared.preparedMsg),
    parts: parts.map(({ issuerId, blindedMessage, inv }) => ({ issuerId, blindedMessage, inv })),
    nonce: tokenRequestNonce(electionId, parts.map((p) => ({ issuerId: p.issuerId, blindedHash: p.hash }))),
  };
}

/** Each issuer's part of the request as the issuers see it: its id and the hash of its blinded message. */
export function tokenRequestParts(pending: PendingTokenRequest): Array<{ issuerId: string; blindedHash: string }> {
  return pending.parts.map((p) => ({ issuerId: p.issuerId, blindedHash: toBase64Url(blindedMessageHash(fromBase64Url(p.blindedMessage))) }));
}

/**
 * Sends each issuer its blinded message (`askIssuer` answers the blind signature or throws why not),
 * finalizes and checks every signature here, so a wrong one is caught before casting, and assembles the
 * token from those that came: at least `threshold` are needed (k of n), else this throws with every reason.
 */
export async function completeTokenRequest(
  pending: PendingTokenRequest,
  issuers: readonly TokenIssuer[],
  threshold: number,
  askIssuer: (issuerId: string, blindedMessage: string) => Promise<string>,
): Promise<{ token: BallotToken; pseudonym: PseudonymKeyPair; refused: Array<{ issuerId: string; reason: string; code?: string; status?: number }> }> {
  const secretKey = hexToBytes(pending.pseudonymSecret, 32, 'pseudonym seed');
  const pseudonym = { secretKey, publicKey: pseudonymPublicKey(secretKey) };
  const preparedMsg = fromBase64Url(pending.preparedMsg);
  const signatures: Array<{ issuerId: string; signature: Uint8Array }> = [];
  const refused: Array<{ issuerId: string; reason: string; code?: string; status?: number }> = [];
  for (const part of pending.parts) {
    const issuer = issuers.find((i) => i.id === part.issuerId);
    if (!issuer) {
      refused.push({ issuerId: part.issuerId, reason: 'not an issuer of this election' });
      continue;
    }
    try {
      const blindSignature = await askIssuer(part.issuerId, part.blindedMessage);
      signatures.push({ issuerId: part.issuerId, signature: finalize(issuer.publicKey, preparedMsg, fromBase64Url(blindSignature), fromBase64Url(part.inv)) });
    } catch (e) {
      refused.push({ issuerId: part.issuerId, reason: e instanceof Error ? e.message : String(e), ...(e instanceof ServerRefusal ? { code: e.code, status: e.status } : {}) });
    }
  }
  if (signatures.length < threshold) {
    throw new TokenRefusedError(`only ${signatures.length} of the ${threshold} issuer signatures needed came: ${refused.map((r) => `${r.issuerId}: ${r.reason}`).join('; ')}`, refused);
  }
  const token = assembleBallotToken({ electionId: pending.electionId, pseudonym: pseudonym.publicKey, prefix: fromBase64Url(pending.prefix), signatures });
  return { token, pseudonym, refused };
}

/**
 * Obtains a ballot token from this platform's own (in-process) issuers, every one of them. `send` must
 * carry the voter's login (cookie): this is the only identified step.
 */
export async function obtainBallotToken(
  baseUrl: string,
  election: Election,
  electionId: string,
  issuers: readonly TokenIssuer[],
  send: Fetch,
  pseudonymOrCode: PseudonymKeyPair | { votingCode: Uint8Array } = generatePseudonymKeyPair(),
): Promise<{ token: BallotToken; pseudonym: PseudonymKeyPair }> {
  const pending = prepareTokenRequest(election, electionId, issuers, pseudonymOrCode);
  let firstRefusal: Error | undefined;
  const result = await completeTokenRequest(pending, issuers, issuers.length, async (issuerId, blindedMessage) => {
    // Every issuer must sign: after one refusal the others are not asked.
    if (firstRefusal) throw firstRefusal;
    const res = await send(`${baseUrl}/elections/${electionId}/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ issuerId, blindedMessage }),
    });
    if (res.status !== 200) {
      firstRefusal ??= await refusal(res, `issuer ${issuerId} answered`);
      throw firstRefusal;
    }
    return ((await res.json()) as { blindSignature: string }).blindSignature;
  }).catch((e: unknown) => {
    throw firstRefusal ?? e;
  });
  return { token: result.token, pseudonym: result.pseudonym };
}

/**
 * Obtains a ballot token from separate issuers (protocol §20 "Separate issuers"): each gets, directly
 * from this device, its blinded message, every issuer's request hash and the identity provider's ID
 * token of the login whose nonce is `pending.nonce`. `threshold` of them must sign.
 */
export async function obtainBallotTokenFromIssuers(
  pending: PendingTokenRequest,
  idToken: string,
  endpoints: ReadonlyArray<{ id: string; url: string }>,
  issuers: readonly TokenIssuer[],
  threshold: number,
  send: Fetch = (u, i) => fetch(u, i),
): Promise<{ token: BallotToken; pseudonym: PseudonymKeyPair; refused: Array<{ issuerId: string; reason: string }> }> {
  const requests = tokenRequestParts(pending);
  return completeTokenRequest(pending, issuers, threshold, async (issuerId, blindedMessage) => {
    const endpoint = endpoints.find((e) => e.id === issuerId);
    if (!endpoint) throw new Error('no address is known for this issuer');
    const res = await send(`${endpoint.url}/elections/${encodeURIComponent(pending.electionId)}/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ idToken, issuerId, blindedMessage, requests }),
    });
    if (res.status !== 200) throw await refusal(res, 'answered', 500);
    return ((await res.json()) as { blindSignature: string }).blindSignature;
  });
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
