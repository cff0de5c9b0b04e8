import fc from 'fast-check';
import { ristretto255Group as g, deterministicNonces } from './group';
import {
  addCiphertexts,
  ciphertextEquals,
  ciphertextFromJSON,
  ciphertextToJSON,
  decryptToPoint,
  decryptWithFactor,
  encrypt,
  encryptWithNonce,
  keygen,
  prepareElectionKey,
  rerandomize,
  sumCiphertexts,
} from './elgamal';
import { errorCode as code } from '../../test/crypto/proof-helpers';

const kp = keygen(g, deterministicNonces(new Uint8Array(1), 'elgamal.spec'));
const key = prepareElectionKey(g, kp.publicKey);
const L = g.order;
const small = fc.bigInt({ min: 0n, max: 1n << 40n });
const nonce = fc.bigInt({ min: 1n, max: L - 1n });

describe('exponential ElGamal', () => {
  test('Enc(m; r) = (r·G, m·G + r·K) and decrypts to m·G', () => {
    fc.assert(
      fc.property(small, nonce, (m, r) => {
        const ct = encryptWithNonce(g, key, m, r);
        expect(g.equals(ct.alpha, g.mulBase(r))).toBe(true);
        expect(g.equals(ct.beta, g.add(g.mulBase(m), g.mul(r, kp.publicKey)))).toBe(true);
        expect(g.equals(decryptToPoint(g, kp.secretKey, ct), g.mulBase(m))).toBe(true);
        expect(g.equals(decryptWithFactor(g, ct, g.mul(kp.secretKey, ct.alpha)), g.mulBase(m))).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  test('homomorphism: Enc(m1; r1) ⊕ Enc(m2; r2) = Enc(m1 + m2; r1 + r2), sums of many', () => {
    fc.assert(
      fc.property(small, small, nonce, nonce, (m1, m2, r1, r2) => {
        fc.pre(g.scalarAdd(r1, r2) !== 0n);
        const sum = addCiphertexts(g, encryptWithNonce(g, key, m1, r1), encryptWithNonce(g, key, m2, r2));
        expect(ciphertextEquals(g, sum, encryptWithNonce(g, key, m1 + m2, g.scalarAdd(r1, r2)))).toBe(true);
      }),
      { numRuns: 20 },
    );
    const cts = [1, 0, 1, 1].map((m) => encrypt(g, key, m).ciphertext);
    expect(g.equals(decryptToPoint(g, kp.secretKey, sumCiphertexts(g, cts)), g.mulBase(3n))).toBe(true);
    const empty = sumCiphertexts(g, []);
    expect(g.isIdentity(empty.alpha) && g.isIdentity(empty.beta)).toBe(true);
  });

  test('re-randomisation keeps the plaintext and changes the ciphertext', () => {
    fc.assert(
      fc.property(small, nonce, nonce, (m, r, s) => {
        fc.pre(g.scalarAdd(r, s) !== 0n);
        const ct = encryptWithNonce(g, key, m, r);
        const ct2 = rerandomize(g, key, ct, s);
        expect(ciphertextEquals(g, ct2, encryptWithNonce(g, key, m, g.scalarAdd(r, s)))).toBe(true);
        expect(ciphertextEquals(g, ct, ct2)).toBe(false);
      }),
      { numRuns: 15 },
    );
  });

  test('input validation', () => {
    expect(code(() => encryptWithNonce(g, key, -1, 1n))).toBe('INVALID_SCALAR');
    expect(code(() => encryptWithNonce(g, key, 1.5, 1n))).toBe('INVALID_SCALAR');
    expect(code(() => encryptWithNonce(g, key, L, 1n))).toBe('INVALID_SCALAR');
    expect(code(() => encryptWithNonce(g, key, 1, 0n))).toBe('INVALID_SCALAR');
    expect(code(() => rerandomize(g, key, encrypt(g, key, 1).ciphertext, 0n))).toBe('INVALID_SCALAR');
    expect(code(() => prepareElectionKey(g, g.identity))).toBe('INVALID_POINT');
    expect(code(() => keygen(g, () => 0n))).toBe('INVALID_SCALAR');
  });

  test('JSON form is strict', () => {
    const ct = encrypt(g, key, 1).ciphertext;
    const j = ciphertextToJSON(g, ct);
    expect(Object.keys(j).sort()).toEqual(['alpha', 'beta']);
    expect(j.alpha).toMatch(/^[0-9a-f]{64}$/);
    expect(ciphertextEquals(g, ciphertextFromJSON(g, JSON.parse(JSON.stringify(j))), ct)).toBe(true);
    expect(code(() => ciphertextFromJSON(g, { ...j, extra: 1 }))).toBe('ENCODING');
    expect(code(() => ciphertextFromJSON(g, { alpha: j.alpha }))).toBe('ENCODING');
    expect(code(() => ciphertextFromJSON(g, { alpha: j.alpha.toUpperCase(), beta: j.beta }))).toBe('ENCODING');
    expect(code(() => ciphertextFromJSON(g, { alpha: j.alpha, beta: j.beta.slice(2) }))).toBe('ENCODING');
    expect(code(() => ciphertextFromJSON(g, { alpha: j.alpha, beta: 'ff'.repeat(32) }))).toBe('INVALID_POINT');
    expect(code(() => ciphertextFromJSON(g, { alpha: '00'.repeat(32), beta: j.beta }))).toBe('INVALID_POINT');
    expect(ciphertextFromJSON(g, { alpha: '00'.repeat(32), beta: j.beta }, { allowIdentity: true })).toBeDefined();
    expect(code(() => ciphertextFromJSON(g, 'x'))).toBe('ENCODING');
  });
});
