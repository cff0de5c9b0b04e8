import fc from 'fast-check';
import { ristretto255Group as g } from './group';
import { DLOG_DEFAULT_MAX, discreteLog, dlogTable } from './dlog';
import { decryptToPoint, encrypt, keygen, prepareElectionKey } from './elgamal';
import { errorCode as code } from '../../test/crypto/proof-helpers';

describe('bounded discrete log (BSGS)', () => {
  const opts = { max: 5000, babySteps: 64 };

  test('round trip including the edges 0 and max', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: opts.max }), (m) => {
        expect(discreteLog(g, g.mulBase(BigInt(m)), opts)).toBe(m);
      }),
      { numRuns: 40 },
    );
    for (const m of [0, 1, 63, 64, 65, opts.max - 1, opts.max]) expect(discreteLog(g, g.mulBase(BigInt(m)), opts)).toBe(m);
  });

  test('out of range → DLOG_OUT_OF_RANGE', () => {
    expect(code(() => discreteLog(g, g.mulBase(BigInt(opts.max + 1)), opts))).toBe('DLOG_OUT_OF_RANGE');
    expect(code(() => discreteLog(g, g.mulBase(BigInt(opts.max + 64)), opts))).toBe('DLOG_OUT_OF_RANGE');
    expect(code(() => discreteLog(g, g.neg(g.mulBase(1n)), opts))).toBe('DLOG_OUT_OF_RANGE'); // ℓ − 1
    expect(code(() => discreteLog(g, g.hashToGroup(new Uint8Array(1), 'dlog.spec'), opts))).toBe('DLOG_OUT_OF_RANGE');
    expect(code(() => discreteLog(g, g.mulBase(3n), { max: 2, babySteps: 64 }))).toBe('DLOG_OUT_OF_RANGE');
    expect(discreteLog(g, g.identity, { max: 0, babySteps: 64 })).toBe(0);
  });

  test('bad parameters', () => {
    expect(code(() => discreteLog(g, g.generator, { max: -1 }))).toBe('INVALID_STATEMENT');
    expect(code(() => discreteLog(g, g.generator, { max: 2 ** 41 }))).toBe('INVALID_STATEMENT');
    expect(code(() => dlogTable(g, 0))).toBe('INVALID_STATEMENT');
  });

  test('table is cached per (group, size)', () => {
    expect(dlogTable(g, 64)).toBe(dlogTable(g, 64));
    expect(dlogTable(g, 64).lookup(g.encode(g.mulBase(17n)))).toBe(17);
    expect(dlogTable(g, 64).lookup(g.encode(g.mulBase(64n)))).toBe(-1);
  });

  test('decrypting a tally of 10^7 with the default table (10^7-scale edge)', () => {
    const kp = keygen(g);
    const key = prepareElectionKey(g, kp.publicKey);
    const t0 = Date.now();
    const ct = encrypt(g, key, DLOG_DEFAULT_MAX).ciphertext;
    expect(discreteLog(g, decryptToPoint(g, kp.secretKey, ct))).toBe(DLOG_DEFAULT_MAX);
    expect(code(() => discreteLog(g, g.mulBase(BigInt(DLOG_DEFAULT_MAX + 1))))).toBe('DLOG_OUT_OF_RANGE');
    expect(Date.now() - t0).toBeLessThan(15000);
  });
});
