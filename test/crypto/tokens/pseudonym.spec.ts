// Ed25519 pseudonym signatures: RFC 8032 known answers, the 12 "Taming the many EdDSAs" edge cases
// under strict verification, and the domain-separated ballot-signature message.
import fc from 'fast-check';
import { CryptoError } from '../../../src/crypto/errors';
import { hexToBytes as fromHex, bytesToHex as toHex } from '../../../src/crypto/encoding';
import {
  ballotSignatureMessage,
  generatePseudonymKeyPair,
  isValidPseudonymPublicKey,
  pseudonymPublicKey,
  pseudonymSign,
  pseudonymVerify,
  signBallot,
  verifyBallotSignature,
} from '../../../src/crypto/tokens/pseudonym';
import rfc8032 from '../../vectors/ed25519-rfc8032.json';
import edge from '../../vectors/ed25519-edge-cases.json';

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const P = 2n ** 255n - 19n;

function leBytes(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((x >> BigInt(8 * i)) & 0xffn);
  return out;
}
function leInt(b: Uint8Array): bigint {
  let x = 0n;
  for (let i = b.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]);
  return x;
}

describe('RFC 8032 known answers', () => {
  it('keeps the provenance', () => {
    expect(rfc8032.provenance).toMatch(/RFC 8032/);
    expect(rfc8032.vectors.length).toBe(1024);
  });

  // Every 8th vector plus the three RFC 8032 §7.1 tests: about 130 sign+verify, well under a second.
  const sample = rfc8032.vectors.filter((_, i) => i < 3 || i % 8 === 0);
  it(`derives the key, signs and strictly verifies (${sample.length} of 1024)`, () => {
    for (const v of sample) {
      const sk = fromHex(v.secret_key);
      const msg = fromHex(v.message);
      expect(toHex(pseudonymPublicKey(sk))).toBe(v.public_key);
      expect(toHex(pseudonymSign(sk, msg))).toBe(v.signature);
      expect(pseudonymVerify(fromHex(v.public_key), msg, fromHex(v.signature))).toBe(true);
    }
  });

  // Verification is the security-relevant side: a denser sample (every 4th), ~0.4 s.
  it('verifies every 4th of the 1024 signatures', () => {
    for (const v of rfc8032.vectors.filter((_, i) => i % 4 === 1)) {
      expect(pseudonymVerify(fromHex(v.public_key), fromHex(v.message), fromHex(v.signature))).toBe(true);
    }
  });
});

describe('strict verification edge cases (Taming the many EdDSAs, Table 5)', () => {
  it('keeps the provenance', () => {
    expect(edge.provenance).toMatch(/Taming the many EdDSAs/);
    expect(edge.cases.length).toBe(12);
  });

  it.each(edge.cases.map((c) => [c.index, c.strict_rejects ? 'rejects' : 'accepts', c] as const))(
    'case %i: %s',
    (_i, _verdict, c) => {
      const ok = pseudonymVerify(fromHex(c.pub_key), fromHex(c.message), fromHex(c.signature));
      expect(ok).toBe(!c.strict_rejects);
    },
  );

  it('rejects S + ℓ (malleability), non-canonical A and small-order A', () => {
    const v = rfc8032.vectors[1];
    const pk = fromHex(v.public_key);
    const msg = fromHex(v.message);
    const sig = fromHex(v.signature);
    const s = leInt(sig.subarray(32));
    const malleated = Uint8Array.from(sig);
    malleated.set(leBytes(s + L), 32);
    expect(pseudonymVerify(pk, msg, malleated)).toBe(false);
    // y = p + 1 encodes the same point as y = 1 (identity) non-canonically.
    expect(isValidPseudonymPublicKey(leBytes(P + 1n))).toBe(false);
    expect(isValidPseudonymPublicKey(leBytes(1n))).toBe(false); // identity: small order
    expect(isValidPseudonymPublicKey(fromHex(edge.cases[0].pub_key))).toBe(false);
    expect(isValidPseudonymPublicKey(pk)).toBe(true);
  });

  it('returns false, never throws, for malformed inputs', () => {
    const v = rfc8032.vectors[0];
    const pk = fromHex(v.public_key);
    const sig = fromHex(v.signature);
    expect(pseudonymVerify(pk.subarray(1), new Uint8Array(), sig)).toBe(false);
    expect(pseudonymVerify(pk, new Uint8Array(), sig.subarray(1))).toBe(false);
    expect(pseudonymVerify(new Uint8Array(32).fill(0xff), new Uint8Array(), sig)).toBe(false);
    expect(pseudonymVerify(pk, 'x' as unknown as Uint8Array, sig)).toBe(false);
  });
});

describe('ballot signatures', () => {
  const hash = new Uint8Array(32).fill(0xab);

  it('has the documented byte layout', () => {
    const m = ballotSignatureMessage('e1', 3, hash);
    const expected =
      '00000019' + Buffer.from('evote/v2/ballot-signature').toString('hex') + '00000002' + '6531' + '00000003' + '00000020' + 'ab'.repeat(32);
    expect(toHex(m)).toBe(expected);
  });

  it('validates its inputs', () => {
    for (const [id, h] of [
      ['', hash],
      ['x'.repeat(257), hash],
      ['\uD800', hash],
      ['e1', new Uint8Array(31)],
    ] as const) {
      expect(() => ballotSignatureMessage(id, 1, h)).toThrow(CryptoError);
    }
    for (const counter of [0, -1, 1.5, 2 ** 32, Number.NaN]) expect(() => ballotSignatureMessage('e1', counter, hash)).toThrow(CryptoError);
    expect(ballotSignatureMessage('é'.repeat(128), 2 ** 32 - 1, hash).length).toBe(4 + 25 + 4 + 256 + 4 + 4 + 32);
  });

  it('signs and verifies; any change to key, election, counter, hash or signature fails', () => {
    const a = generatePseudonymKeyPair();
    const b = generatePseudonymKeyPair();
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.length > 0),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat({ max: 63 }),
        (electionId, ballotHash, i) => {
          const counter = i + 1;
          const sig = signBallot(a.secretKey, electionId, counter, ballotHash);
          expect(verifyBallotSignature(a.publicKey, electionId, counter, ballotHash, sig)).toBe(true);
          expect(verifyBallotSignature(b.publicKey, electionId, counter, ballotHash, sig)).toBe(false);
          expect(verifyBallotSignature(a.publicKey, electionId + 'x', counter, ballotHash, sig)).toBe(false);
          expect(verifyBallotSignature(a.publicKey, electionId, counter + 1, ballotHash, sig)).toBe(false);
          const h2 = Uint8Array.from(ballotHash);
          h2[i % 32] ^= 1;
          expect(verifyBallotSignature(a.publicKey, electionId, counter, h2, sig)).toBe(false);
          const s2 = Uint8Array.from(sig);
          s2[i] ^= 0x80;
          expect(verifyBallotSignature(a.publicKey, electionId, counter, ballotHash, s2)).toBe(false);
          // Domain separation: a raw signature over the hash alone is not a ballot signature.
          expect(verifyBallotSignature(a.publicKey, electionId, counter, ballotHash, pseudonymSign(a.secretKey, ballotHash))).toBe(
            false,
          );
        },
      ),
      { numRuns: 15 },
    );
    expect(verifyBallotSignature(a.publicKey, '', 1, hash, new Uint8Array(64))).toBe(false);
    expect(verifyBallotSignature(a.publicKey, 'e1', 0, hash, signBallot(a.secretKey, 'e1', 1, hash))).toBe(false);
  });

  it('keygen uses the injected randomness', () => {
    const v = rfc8032.vectors[0];
    const kp = generatePseudonymKeyPair(() => fromHex(v.secret_key));
    expect(toHex(kp.publicKey)).toBe(v.public_key);
    expect(() => generatePseudonymKeyPair(() => new Uint8Array(16))).toThrow(CryptoError);
  });
});
