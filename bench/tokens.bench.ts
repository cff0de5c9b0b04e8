// Ballot-token micro-benchmarks: node -r @swc-node/register bench/tokens.bench.ts
// Prints the mean time per operation (ms) for a 3072-bit issuer key and Ed25519 pseudonyms.
import * as nodeCrypto from 'node:crypto';
import { prepareBallotToken } from '../src/crypto/tokens/ballot-token';
import { generatePseudonymKeyPair, signBallot, verifyBallotSignature } from '../src/crypto/tokens/pseudonym';
import { parseIssuerPublicKeyJwk } from '../src/crypto/tokens/rsa-key';
import { blind, finalize, verify } from '../src/crypto/tokens/rsabssa';
import { blindSign, generateIssuerKey } from '../src/modules/tokens/blind-signer';

function bench(name: string, iterations: number, fn: () => void): void {
  for (let i = 0; i < Math.min(5, iterations); i++) fn(); // warm-up (JIT, caches)
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  const ms = (performance.now() - t0) / iterations;
  console.log(`${name.padEnd(44)} ${ms.toFixed(3).padStart(9)} ms  (n=${iterations})`);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const { privateKey, publicJwk } = await generateIssuerKey();
  console.log(`${'generateIssuerKey (3072-bit, node:crypto)'.padEnd(44)} ${(performance.now() - t0).toFixed(3).padStart(9)} ms  (n=1)`);
  const pk = parseIssuerPublicKeyJwk(publicJwk);
  const publicKey = nodeCrypto.createPublicKey(privateKey);
  const pseudonym = generatePseudonymKeyPair();
  const electionId = 'bench-election';

  const prepared = prepareBallotToken({ electionId, pseudonym: pseudonym.publicKey });
  const { blindedMsg, inv } = blind(pk, prepared.preparedMsg);
  const blindSig = blindSign(privateKey, blindedMsg);
  const sig = finalize(pk, prepared.preparedMsg, blindSig, inv);
  const pss = { key: publicKey, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 };

  bench('client prepare + blind (pure TS)', 50, () => {
    const p = prepareBallotToken({ electionId, pseudonym: pseudonym.publicKey });
    blind(pk, p.preparedMsg);
  });
  bench('server blindSign (node:crypto, incl. check)', 50, () => blindSign(privateKey, blindedMsg));
  bench('client finalize (unblind + verify, pure TS)', 50, () => finalize(pk, prepared.preparedMsg, blindSig, inv));
  bench('verify (pure TS)', 100, () => {
    if (!verify(pk, prepared.preparedMsg, sig)) throw new Error('verify failed');
  });
  bench('verify (node:crypto)', 100, () => {
    if (!nodeCrypto.verify('sha384', prepared.preparedMsg, pss, sig)) throw new Error('verify failed');
  });
  const hash = new Uint8Array(32).fill(7);
  const edSig = signBallot(pseudonym.secretKey, electionId, 1, hash);
  bench('Ed25519 ballot sign (noble)', 200, () => signBallot(pseudonym.secretKey, electionId, 1, hash));
  bench('Ed25519 ballot verify, strict (noble)', 200, () => {
    if (!verifyBallotSignature(pseudonym.publicKey, electionId, 1, hash, edSig)) throw new Error('verify failed');
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
