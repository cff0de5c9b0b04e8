/**
 * Deterministic vectors for one whole small election (manifest, 2-of-3 DKG, ballots, one Benaloh audit, the
 * homomorphic tally, two trustees' decryption shares and the result), shared by scripts/gen-election-vectors.ts
 * (which writes test/vectors/evote-election.json) and the test that regenerates and verifies it.
 * Every secret and nonce comes from `deterministicNonces(seed, "evote-election/<item>")`: the file is a pure
 * function of the seed.
 */
import {
  type BallotChoices,
  aggregateBallots,
  auditBallot,
  auditedBallotToJSON,
  ballotHash,
  ballotToJSON,
  createElection,
  encryptBallot,
  manifestHash,
  manifestToJSON,
  parseManifest,
  resultFromTotals,
  tallyCiphertexts,
  tallyToJSON,
  trackingCode,
} from '../../../src/crypto/ballot';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../../src/crypto/encoding';
import { deterministicNonces, ristretto255Group as g } from '../../../src/crypto/group';
import { PROTOCOL_VERSION } from '../../../src/crypto/transcript';
import {
  combineDecryptionShares,
  complaintToJSON,
  computeDecryptionShare,
  dealingToJSON,
  decryptionShareToJSON,
  electionKeySetToJSON,
  simulateDkg,
} from '../../../src/crypto/threshold';
import { MANIFEST_JSON } from './fixture';

export const ELECTION_VECTOR_SEED_HEX = bytesToHex(utf8ToBytes('evote/v1/election-vectors/seed'));
export const ELECTION_VECTOR_FILE = 'test/vectors/evote-election.json';
export const ELECTION_VECTOR_GENERATOR = 'scripts/gen-election-vectors.ts';

/** Cast ballots of the vector election (the audited one is separate and not counted). */
export const CAST_CHOICES: readonly BallotChoices[] = Object.freeze([
  { mayor: ['bob'], council: ['d', 'g'], park: ['yes'] },
  { mayor: ['alice'], council: [], park: ['no'] },
  { mayor: ['bob'], council: ['e'], park: [] },
  { mayor: ['chloe'], council: ['d', 'e'], park: ['yes'] },
]);
export const AUDITED_CHOICES: BallotChoices = Object.freeze({ mayor: ['chloe'], council: ['f'], park: ['no'] });
/** Trustees who decrypt (any 2 of 3 would do). */
export const DECRYPTING_TRUSTEES = Object.freeze([1, 3]);

/** The credential of ballot i: 32 bytes, all equal to 0x10 + i (stand-ins for pseudonym public keys). */
export const credentialOf = (i: number): Uint8Array => new Uint8Array(32).fill(0x10 + i);

/** Builds the whole vector document from a seed (hex). */
export function buildElectionVectors(seedHex: string = ELECTION_VECTOR_SEED_HEX): Record<string, unknown> {
  const seed = hexToBytes(seedHex);
  const nonces = (item: string) => deterministicNonces(seed, `evote-election/${item}`, g);
  const manifest = parseManifest(MANIFEST_JSON);
  const mHash = manifestHash(g, manifest);
  const dkg = simulateDkg(g, mHash, 2, 3, nonces('dkg'));
  const election = createElection(g, manifest, dkg.params.setupHash, dkg.keys);
  const cast = CAST_CHOICES.map((c, i) => encryptBallot(g, election, c, credentialOf(i), nonces(`ballot-${i}`)).ballot);
  const a = encryptBallot(g, election, AUDITED_CHOICES, credentialOf(CAST_CHOICES.length), nonces('audited-ballot'));
  const audited = auditBallot(manifest, a.ballot, a.secrets, AUDITED_CHOICES);
  const tally = aggregateBallots(g, manifest, cast);
  const cts = tallyCiphertexts(tally);
  const shares = DECRYPTING_TRUSTEES.map((l) =>
    computeDecryptionShare(g, election.electionHash, dkg.keys, l, dkg.secretShares[l - 1], cts, nonces(`decryption-${l}`)),
  );
  const totals = combineDecryptionShares(g, election.electionHash, dkg.keys, cts, shares, { max: 1000 }).results;
  const withHash = (b: typeof cast[number]) => ({ ballotHash: bytesToHex(ballotHash(g, b)), trackingCode: trackingCode(ballotHash(g, b)) });
  return {
    provenance: {
      generator: ELECTION_VECTOR_GENERATOR,
      command: `node -r @swc-node/register ${ELECTION_VECTOR_GENERATOR}`,
      seed: seedHex,
      nonceSource: 'deterministicNonces(seed, "evote-election/<item>") from src/crypto/group.ts; items: dkg, ballot-<i>, audited-ballot, decryption-<trustee>',
      protocolVersion: PROTOCOL_VERSION,
      group: g.name,
      description:
        'One whole small election: manifest, 2-of-3 DKG (trustee ECIES keys, dealings, no complaints, derived keys), four cast ballots, one audited ballot (not counted), tally, decryption shares of trustees 1 and 3, result. Credentials are 32 bytes of 0x10+i.',
    },
    manifest: manifestToJSON(manifest),
    manifestHash: bytesToHex(mHash),
    dkg: {
      contextHash: bytesToHex(mHash),
      threshold: dkg.params.threshold,
      trusteeKeys: dkg.params.trusteeKeys.map((E) => g.toHex(E)),
      setupHash: bytesToHex(dkg.params.setupHash),
      dealings: dkg.dealings.map((d) => dealingToJSON(g, d)),
      complaints: dkg.complaints.map((c) => complaintToJSON(g, c)),
      keys: electionKeySetToJSON(g, dkg.keys),
    },
    electionHash: bytesToHex(election.electionHash),
    ballots: cast.map((b) => ({ ballot: ballotToJSON(g, b), ...withHash(b) })),
    auditedBallot: { audited: auditedBallotToJSON(g, audited), ...withHash(a.ballot), choices: AUDITED_CHOICES },
    tally: tallyToJSON(g, tally),
    decryption: {
      trustees: DECRYPTING_TRUSTEES,
      shares: shares.map((s) => decryptionShareToJSON(g, s)),
      totals,
    },
    result: resultFromTotals(manifest, totals),
  };
}

/** The file's text: JSON with one-space indentation and a final newline. */
export function serializeElectionVectors(doc: Record<string, unknown>): string {
  return JSON.stringify(doc, null, 1) + '\n';
}
