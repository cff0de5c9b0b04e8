/**
 * The per-submission checks of the record verifier (docs/protocol.md §70.3, checks 6, 7, 8 and 10) for a
 * chunk of 'ballot' and 'audit' entries, with the ballot proofs checked as ONE batch (src/crypto/batch.ts):
 * one random linear combination of every proof equation of the chunk, bisection to name a bad ballot.
 *
 * Each ballot's points are decoded once: the same decoded ciphertexts feed the proof batch and the sum of
 * the chunk's valid ballots, so the aggregate (check 11) costs additions only. Chunks are independent,
 * which is what lets a caller spread them over workers (src/verifier/) and add the sums afterwards.
 * Pure and synchronous; never throws on bad data.
 */
import {
  auditedBallotFromJSON,
  ballotFromJSON,
  ballotHash,
  type Election,
  type EncryptedBallot,
  invalidBallotsBatch,
  type Manifest,
  verifyAuditedBallot,
  verifyBallot,
} from '../ballot';
import { addCiphertextVectors, type Ciphertext } from '../elgamal';
import { bytesToHex, hexToBytes } from '../encoding';
import { CryptoError } from '../errors';
import type { Group } from '../group';
import { serializeBallotToken, type TokenIssuer, validateBallotToken, verifyTokenSignatures } from '../tokens/ballot-token';
import { isSubmissionCounter, verifyBallotSignature } from '../tokens/pseudonym';
import type { EntryFraming } from './board-log';
import { entryPseudonym } from './counting';

/** What the checks of a submission need from the rest of the record (checks 2, 4 and 5). */
export interface SubmissionContext {
  readonly group: Group;
  readonly electionId: string;
  readonly manifest: Manifest;
  readonly election: Election;
  readonly issuers: readonly TokenIssuer[];
  readonly issuerThreshold: number;
}

/** One 'ballot' or 'audit' entry: its position, kind and exact text. */
export interface SubmissionInput {
  readonly seq: number;
  readonly kind: 'ballot' | 'audit';
  readonly text: string;
}

/** The verdicts on one submission; an empty string means the check passed. Plain data (crosses workers). */
export interface SubmissionVerdict {
  readonly seq: number;
  readonly kind: 'ballot' | 'audit';
  /** Check 6: the token (its election, k-of-n signatures over the base hash). */
  readonly token: string;
  /** Issuers whose signature on the token is valid (check 15 counts them). */
  readonly validIssuers: readonly string[];
  /** Check 7: 'malformed: …' when the ballot does not parse, else the signature/credential verdict. */
  readonly signature: string;
  /** Check 8 (ballots: every proof) or check 10 (audits: the reveal opens the ballot). */
  readonly proof: string;
  /** The ballot hash (hex) when the ballot parses, else '' (check 9: one ballot hash per board). */
  readonly ballotHash: string;
  /** The submission counter the pseudonym signed, or 0 when missing or invalid (check 9: increasing per pseudonym). */
  readonly counter: number;
}

/** A chunk's verdicts and the sum of its valid ballots' ciphertexts (flattened manifest order; null if none). */
export interface SubmissionChunkResult {
  readonly verdicts: readonly SubmissionVerdict[];
  readonly validSeqs: readonly number[];
  readonly validSum: readonly Ciphertext[] | null;
}

const obj = (x: unknown): Record<string, unknown> => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {});
const errText = (e: unknown): string => (e instanceof CryptoError ? e.message : e instanceof Error ? e.message : String(e));

/**
 * The seq, kind and pseudonym a framed entry claims when it is a 'ballot' or 'audit' entry (the seq as the
 * verifier reads it: the claimed one if it is a safe integer, else the position), else undefined.
 */
export function submissionClaim(f: EntryFraming, position: number): { seq: number; kind: 'ballot' | 'audit'; pseudonym: string | undefined } | undefined {
  const kind = f.entry?.kind;
  if (kind !== 'ballot' && kind !== 'audit') return undefined;
  return { seq: Number.isSafeInteger(f.entry!.seq) ? (f.entry!.seq as number) : position, kind, pseudonym: entryPseudonym(f.entry!.payload) };
}

/**
 * True when `token` is exactly the token the server stores (§20: the strict parser re-serialises and
 * compares), which verifyTokenSignatures alone does not require (it accepts reordered members and
 * unsorted signatures). The entry text being canonical (check 1), this leaves member order and the order
 * and uniqueness of the signatures.
 */
export function isCanonicalToken(token: unknown): boolean {
  try {
    return serializeBallotToken(validateBallotToken(token)) === JSON.stringify(token);
  } catch {
    return false;
  }
}

/** True when a verdict makes the entry an invalid ballot (checks 6–8 for 'ballot' entries). */
export function isValidSubmission(v: SubmissionVerdict): boolean {
  return v.token === '' && v.signature === '' && v.proof === '';
}

/** The flattened ciphertexts of a ballot in manifest order (as tallyCiphertexts). */
export function ballotCiphertexts(ballot: EncryptedBallot): Ciphertext[] {
  return ballot.contests.flatMap((c) => c.selections.map((s) => s.ciphertext));
}

/** Checks a chunk of submissions (see the module comment). */
export function checkSubmissions(ctx: SubmissionContext, inputs: readonly SubmissionInput[]): SubmissionChunkResult {
  const { group, electionId, manifest, election } = ctx;
  const verdicts: Array<{ -readonly [K in keyof SubmissionVerdict]: SubmissionVerdict[K] }> = [];
  const parsed: Array<EncryptedBallot | undefined> = [];
  for (const input of inputs) {
    let payload: Record<string, unknown> = {};
    try {
      payload = obj(obj(JSON.parse(input.text)).payload);
    } catch {
      /* an unparseable entry fails every check below (check 1 reports the framing) */
    }
    const v = { seq: input.seq, kind: input.kind, token: '', validIssuers: [] as readonly string[], signature: '', proof: '', ballotHash: '', counter: isSubmissionCounter(payload.counter) ? payload.counter : 0 };
    const token = obj(payload.token);
    try {
      const r = verifyTokenSignatures(token, ctx.issuers, ctx.issuerThreshold, { electionBaseHash: election.electionHash });
      v.validIssuers = r.validIssuers;
      if (token.electionId !== electionId) v.token = 'token for another election';
      else if (!r.valid) v.token = `token ${r.error ?? `has ${r.validIssuers.length} valid issuer signatures, ${ctx.issuerThreshold} needed`}`;
      else if (!isCanonicalToken(payload.token)) v.token = 'token not in canonical form (members in order, signatures sorted by issuer without duplicates; §20)';
    } catch (x) {
      v.token = `token: ${errText(x)}`;
    }
    let ballot: EncryptedBallot | undefined;
    try {
      ballot = ballotFromJSON(group, manifest, payload.ballot);
    } catch (x) {
      v.signature = `malformed ballot: ${errText(x)}`;
    }
    if (ballot) {
      v.ballotHash = bytesToHex(ballotHash(group, ballot));
      const pseudonym = entryPseudonym(payload);
      const ok =
        v.counter > 0 &&
        pseudonym !== undefined &&
        /^[0-9a-f]{64}$/.test(pseudonym) &&
        typeof payload.signature === 'string' &&
        /^[0-9a-f]{128}$/.test(payload.signature) &&
        bytesToHex(ballot.credential) === pseudonym &&
        verifyBallotSignature(hexToBytes(pseudonym, 32), electionId, v.counter, hexToBytes(v.ballotHash, 32), hexToBytes(payload.signature, 64));
      if (!ok) v.signature = v.counter > 0 ? 'the pseudonym signature (or credential) does not match the ballot and counter' : 'the submission counter is missing or not an integer in 1..2^32-1';
      if (input.kind === 'audit') {
        try {
          const a = auditedBallotFromJSON(group, manifest, { ballot: payload.ballot, reveal: payload.reveal });
          const av = verifyAuditedBallot(group, election, a);
          if (!av.valid) v.proof = av.failures.map((f) => `${f.check}: ${f.message}`).join('; ');
        } catch (x) {
          v.proof = `malformed: ${errText(x)}`;
        }
      }
    } else if (input.kind === 'ballot') v.proof = 'ballot could not be parsed (check 7)';
    else v.proof = `malformed: ${v.signature}`;
    verdicts.push(v);
    parsed.push(input.kind === 'ballot' ? ballot : undefined);
  }

  // Check 8 as one batch over the chunk's parsed ballots; the detailed report only for the failing ones.
  const toCheck = parsed.flatMap((b, i) => (b ? [{ i, b }] : []));
  for (const k of invalidBallotsBatch(group, election, toCheck.map((x) => x.b))) {
    const { i, b } = toCheck[k];
    const r = verifyBallot(group, election, b);
    verdicts[i].proof = r.valid
      ? 'the ballot failed the batch check'
      : r.failures.map((f) => `${f.check}${f.contestId ? ` ${f.contestId}` : ''}${f.optionId ? `/${f.optionId}` : ''}: ${f.message}`).join('; ');
  }

  const validSeqs: number[] = [];
  let validSum: readonly Ciphertext[] | null = null;
  verdicts.forEach((v, i) => {
    const b = parsed[i];
    if (v.kind !== 'ballot' || !b || !isValidSubmission(v)) return;
    validSeqs.push(v.seq);
    validSum = addCiphertextVectors(group, validSum, ballotCiphertexts(b));
  });
  return { verdicts, validSeqs, validSum };
}

