/**
 * Writes test/vectors/evote-proofs.json: deterministic known-answer vectors for ElGamal and every proof of the
 * crypto core, derived from a fixed seed (see test/crypto/crypto-vectors.ts for what is in them).
 *
 *   node -r @swc-node/register scripts/gen-crypto-vectors.ts [seedHex]
 *
 * test/crypto/evote-proofs-vectors.spec.ts recomputes the file byte for byte and verifies every proof in it,
 * so re-run this only when the protocol deliberately changes (and bump the protocol version).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { VECTOR_FILE, VECTOR_SEED_HEX, buildCryptoVectors, serializeCryptoVectors } from '../test/crypto/crypto-vectors';

const seed = process.argv[2] ?? VECTOR_SEED_HEX;
const out = resolve(__dirname, '..', VECTOR_FILE);
const text = serializeCryptoVectors(buildCryptoVectors(seed));
writeFileSync(out, text);
process.stdout.write(`wrote ${out} (${text.length} bytes, seed ${seed})\n`);
