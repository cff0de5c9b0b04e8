import fc from 'fast-check';
import { keygen } from '../elgamal';
import { CryptoError } from '../errors';
import { deterministicNonces, ristretto255Group as group } from '../group';
import { eciesCiphertextFromJSON, eciesCiphertextToJSON, eciesDecrypt, eciesEncrypt, eciesInfo } from './ecies';

const n = () => deterministicNonces(new TextEncoder().encode('ecies'), 'test/ecies');
const binding = { electionHash: new Uint8Array(32).fill(1), context: new Uint8Array([1, 2, 3]) };

describe('ECIES over ristretto255', () => {
  const alice = keygen(group, n());
  const bob = keygen(group, deterministicNonces(new Uint8Array([2]), 'test/ecies'));

  it('round-trips arbitrary plaintexts', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (pt) => {
        const ct = eciesEncrypt(group, alice.publicKey, pt, binding);
        expect(ct.c.length).toBe(pt.length + 16);
        expect(eciesDecrypt(group, alice.secretKey, ct, binding)).toEqual(pt);
      }),
      { numRuns: 20 },
    );
  });

  it('rejects tampering with c, R, the binding, the context or the recipient', () => {
    const pt = new Uint8Array(32).fill(5);
    const ct = eciesEncrypt(group, alice.publicKey, pt, binding, n());
    const fail = (f: () => unknown) => expect(f).toThrow(expect.objectContaining({ code: 'INVALID_PROOF' }));
    for (let i = 0; i < ct.c.length; i += 7) {
      const c = ct.c.slice();
      c[i] ^= 0x80;
      fail(() => eciesDecrypt(group, alice.secretKey, { ...ct, c }, binding));
    }
    fail(() => eciesDecrypt(group, alice.secretKey, { ...ct, R: group.add(ct.R, group.generator) }, binding));
    fail(() => eciesDecrypt(group, alice.secretKey, ct, { ...binding, electionHash: new Uint8Array(32) }));
    fail(() => eciesDecrypt(group, alice.secretKey, ct, { ...binding, context: new Uint8Array([1, 2, 4]) }));
    fail(() => eciesDecrypt(group, bob.secretKey, ct, binding));
    expect(() => eciesDecrypt(group, alice.secretKey, { ...ct, c: ct.c.slice(0, 15) }, binding)).toThrow(CryptoError);
  });

  it('is deterministic under a deterministic nonce source and has a strict JSON form', () => {
    const a = eciesEncrypt(group, alice.publicKey, new Uint8Array(32), binding, n());
    const b = eciesEncrypt(group, alice.publicKey, new Uint8Array(32), binding, n());
    expect(eciesCiphertextToJSON(group, a)).toEqual(eciesCiphertextToJSON(group, b));
    const j = eciesCiphertextToJSON(group, a);
    expect(eciesDecrypt(group, alice.secretKey, eciesCiphertextFromJSON(group, j, 32), binding)).toEqual(new Uint8Array(32));
    expect(() => eciesCiphertextFromJSON(group, j, 31)).toThrow(CryptoError);
    expect(() => eciesCiphertextFromJSON(group, { ...j, c: j.c.toUpperCase() }, 32)).toThrow(CryptoError);
    expect(() => eciesCiphertextFromJSON(group, { ...j, x: 1 }, 32)).toThrow(CryptoError);
    expect(eciesInfo(group, alice.publicKey, a.R, binding).length).toBeGreaterThan(64);
  });
});
