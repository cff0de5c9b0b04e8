/**
 * Writes test/vectors/evote-election.json: deterministic vectors for one whole small election (see
 * test/crypto/ballot/election-vectors.ts for what is in them).
 *
 *   node -r @swc-node/register scripts/gen-election-vectors.ts [seedHex]
 *
 * src/crypto/ballot/election-vectors.spec.ts regenerates the file byte for byte and verifies every step in it,
 * so re-run this only when the protocol deliberately changes (and bump the protocol version).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ELECTION_VECTOR_FILE,
  ELECTION_VECTOR_SEED_HEX,
  buildElectionVectors,
  serializeElectionVectors,
} from '../test/crypto/ballot/election-vectors';

const seed = process.argv[2] ?? ELECTION_VECTOR_SEED_HEX;
const out = resolve(__dirname, '..', ELECTION_VECTOR_FILE);
const text = serializeElectionVectors(buildElectionVectors(seed));
writeFileSync(out, text);
process.stdout.write(`wrote ${out} (${text.length} bytes, seed ${seed})\n`);
