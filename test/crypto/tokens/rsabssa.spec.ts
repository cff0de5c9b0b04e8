// RFC 9474 client: published vectors (all four variants for the low-level functions), the full
// randomized path replayed from the vector, and cross-checks against node:crypto and WebCrypto.
import * as nodeCrypto from 'node:crypto';
import fc from 'fast-check';
import { CryptoError } from '../../../src/crypto/errors';
import { bitLength, gcd, modInverse, modPow } from '../../../src/crypto/tokens/bigint';
import { bigIntToBytes, bytesToBigInt } from '../../../src/crypto/tokens/bytes';
import { fromBase64Url, toBase64Url } from '../../../src/crypto/encoding';
import {
  ISSUER_MODULUS_BITS,
  issuerPublicKeyToJwk,
  parseIssuerPublicKeyJwk,
  rsaPublicKey,
  type RsaPublicKey,
} from '../../../src/crypto/tokens/rsa-key';
import {
  blind,
  blindWithParameters,
  emsaPssEncode,
  emsaPssVerify,
  finalize,
  finalizeWithSaltLength,
  prepare,
  rsassaPssVerify,
  verify,
} from '../../../src/crypto/tokens/rsabssa';
import { blindSign } from '../../../src/modules/tokens/blind-signer';
import { RSA_PROVENANCE, RSA_VECTORS, replayRandom } from './vectors';

const V4096 = { allowedModulusBits: [4096] };

function expectCryptoError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CryptoError);
    expect((e as CryptoError).code).toBe(code);
    return;
  }
  throw new Error('expected a CryptoError');
}

describe('RFC 9474 vectors', () => {
  it('keeps the provenance and all four variants', () => {
    expect(RSA_PROVENANCE).toMatch(/RFC 9474/);
    expect(RSA_VECTORS.map((v) => v.name)).toEqual([
      'RSABSSA-SHA384-PSS-Randomized',
      'RSABSSA-SHA384-PSSZERO-Randomized',
      'RSABSSA-SHA384-PSS-Deterministic',
      'RSABSSA-SHA384-PSSZERO-Deterministic',
    ]);
  });

  describe.each(RSA_VECTORS.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const pk = rsaPublicKey(v.n, v.e, V4096);

    it('input_msg = msg_prefix || msg, sLen = salt length', () => {
      expect(Buffer.from(v.inputMsg)).toEqual(Buffer.concat([v.msgPrefix, v.msg]));
      expect(v.salt.length).toBe(v.sLen);
      expect(v.msgPrefix.length).toBe(v.isRandomized ? 32 : 0);
    });

    it('EMSA-PSS encoding equals sig^e mod n and verifies', () => {
      const em = emsaPssEncode(v.inputMsg, 4095, v.salt);
      expect(bytesToBigInt(em)).toBe(modPow(bytesToBigInt(v.sig), v.e, v.n));
      expect(emsaPssVerify(v.inputMsg, em, 4095, v.sLen)).toBe(true);
      expect(emsaPssVerify(v.msg.subarray(1), em, 4095, v.sLen)).toBe(false);
      expect(emsaPssVerify(v.inputMsg, em, 4095, v.sLen === 0 ? 48 : 0)).toBe(false);
    });

    it('blind with the vector salt and r = inv^-1 gives blinded_msg and inv', () => {
      const r = modInverse(v.inv, v.n);
      const { blindedMsg, inv } = blindWithParameters(pk, v.inputMsg, v.salt, r);
      expect(Buffer.from(blindedMsg).toString('hex')).toBe(Buffer.from(v.blindedMsg).toString('hex'));
      expect(bytesToBigInt(inv)).toBe(v.inv);
      // The inversion masking must not change the result.
      const masked = blindWithParameters(pk, v.inputMsg, v.salt, r, 123456789n);
      expect(Buffer.from(masked.inv)).toEqual(Buffer.from(inv));
    });

    it('modPow (sliding window) with the private exponent reproduces blind_sig', () => {
      expect(modPow(bytesToBigInt(v.blindedMsg), v.d, v.n)).toBe(bytesToBigInt(v.blindSig));
    });

    it('finalize unblinds to sig, which verifies', () => {
      const sig = finalizeWithSaltLength(pk, v.inputMsg, v.blindSig, bigIntToBytes(v.inv, 512), v.sLen);
      expect(Buffer.from(sig)).toEqual(Buffer.from(v.sig));
      expect(rsassaPssVerify(pk, v.inputMsg, v.sig, v.sLen)).toBe(true);
    });

    it('node:crypto verifies sig as plain RSASSA-PSS-SHA384', () => {
      const key = nodeCrypto.createPublicKey({ key: { ...issuerPublicKeyToJwk(pk) }, format: 'jwk' });
      const ok = nodeCrypto.verify(
        'sha384',
        v.inputMsg,
        { key, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: v.sLen },
        v.sig,
      );
      expect(ok).toBe(true);
    });
  });

  it('the randomized PSS vector replays through prepare/blind/finalize/verify', () => {
    const v = RSA_VECTORS[0];
    const pk = rsaPublicKey(v.n, v.e, V4096);
    const prepared = prepare(v.msg, replayRandom(v.msgPrefix));
    expect(Buffer.from(prepared.preparedMsg)).toEqual(Buffer.from(v.inputMsg));
    const r = bigIntToBytes(modInverse(v.inv, v.n), 512);
    const b = blind(pk, prepared.preparedMsg, replayRandom(v.salt, r, bigIntToBytes(7n, 512)));
    expect(Buffer.from(b.blindedMsg)).toEqual(Buffer.from(v.blindedMsg));
    const sig = finalize(pk, prepared.preparedMsg, v.blindSig, b.inv);
    expect(Buffer.from(sig)).toEqual(Buffer.from(v.sig));
    expect(verify(pk, prepared.preparedMsg, sig)).toBe(true);
  });

  it('finalize rejects bad blind signatures with typed errors', () => {
    const v = RSA_VECTORS[0];
    const pk = rsaPublicKey(v.n, v.e, V4096);
    const inv = bigIntToBytes(v.inv, 512);
    expectCryptoError(() => finalize(pk, v.inputMsg, v.blindSig.subarray(1), inv), 'ENCODING');
    expectCryptoError(() => finalize(pk, v.inputMsg, bigIntToBytes(v.n, 512), inv), 'ENCODING');
    const tampered = Uint8Array.from(v.blindSig);
    tampered[100] ^= 1;
    expectCryptoError(() => finalize(pk, v.inputMsg, tampered, inv), 'INVALID_SIGNATURE');
    expectCryptoError(() => finalize(pk, v.msg, v.blindSig, inv), 'INVALID_SIGNATURE');
  });

  it('verify returns false, never throws, for malformed or altered signatures', () => {
    const v = RSA_VECTORS[0];
    const pk = rsaPublicKey(v.n, v.e, V4096);
    expect(verify(pk, v.inputMsg, v.sig.subarray(1))).toBe(false);
    expect(verify(pk, v.inputMsg, bigIntToBytes(v.n, 512))).toBe(false);
    expect(verify(pk, v.inputMsg, new Uint8Array(512))).toBe(false);
    expect(verify(pk, v.msg, v.sig)).toBe(false); // the prefix is part of what is signed
    expect(verify(pk, v.inputMsg, RSA_VECTORS[2].sig)).toBe(false); // other salt/message
    // The PSSZERO signature is not a valid salt-48 signature.
    expect(verify(pk, RSA_VECTORS[1].inputMsg, RSA_VECTORS[1].sig)).toBe(false);
    fc.assert(
      fc.property(fc.nat({ max: 511 }), fc.integer({ min: 0, max: 7 }), (i, bit) => {
        const s = Uint8Array.from(v.sig);
        s[i] ^= 1 << bit;
        return verify(pk, v.inputMsg, s) === false;
      }),
      { numRuns: 30 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 512, maxLength: 512 }), (garbage) => verify(pk, v.inputMsg, garbage) === false),
      { numRuns: 20 },
    );
  });
});

describe('modPow / modInverse', () => {
  const naive = (b: bigint, e: bigint, m: bigint): bigint => {
    let r = 1n % m;
    b %= m;
    while (e > 0n) {
      if (e & 1n) r = (r * b) % m;
      b = (b * b) % m;
      e >>= 1n;
    }
    return r;
  };

  it('agrees with square-and-multiply for all window sizes', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 1024n) - 1n }),
        fc.bigInt({ min: 0n, max: (1n << 800n) - 1n }),
        fc.bigInt({ min: 1n, max: (1n << 512n) - 1n }),
        (b, e, m) => modPow(b, e, m) === naive(b, e, m),
      ),
      { numRuns: 60 },
    );
    expect(modPow(5n, 0n, 7n)).toBe(1n);
    expect(modPow(5n, 3n, 1n)).toBe(0n);
    expect(modPow(-2n, 3n, 7n)).toBe(6n);
    expectCryptoError(() => modPow(2n, -1n, 7n), 'INVALID_SCALAR');
    expectCryptoError(() => modPow(2n, 1n, 0n), 'INVALID_SCALAR');
  });

  it('modInverse inverts coprime values and rejects the others', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: (1n << 300n) }), fc.bigInt({ min: 2n, max: (1n << 300n) }), (a, m) => {
        if (gcd(a, m) !== 1n) {
          expect(() => modInverse(a, m)).toThrow(CryptoError);
          return true;
        }
        return (a * modInverse(a, m)) % m === 1n % m;
      }),
      { numRuns: 60 },
    );
    expectCryptoError(() => modInverse(6n, 9n), 'INVALID_SCALAR');
    expect(bitLength(0n)).toBe(0);
    expect(bitLength(255n)).toBe(8);
  });
});

describe('base64url', () => {
  it('round-trips and is canonical', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        const s = toBase64Url(b);
        expect(s).toBe(Buffer.from(b).toString('base64url'));
        expect(Buffer.from(fromBase64Url(s))).toEqual(Buffer.from(b));
      }),
      { numRuns: 100 },
    );
    for (const bad of ['AR', 'AAB', 'AA==', 'A', 'AA AA', 'AA+A', 'AA/A', 'é']) {
      expectCryptoError(() => fromBase64Url(bad), 'ENCODING');
    }
  });
});

describe('issuer public keys (JWK)', () => {
  const v = RSA_VECTORS[0];
  const n = toBase64Url(bigIntToBytes(v.n, 512));

  it('accepts the canonical form and round-trips', () => {
    const pk = parseIssuerPublicKeyJwk({ kty: 'RSA', n, e: 'AQAB' }, V4096);
    expect(pk.n).toBe(v.n);
    expect(pk.modulusBits).toBe(4096);
    expect(pk.modulusLength).toBe(512);
    expect(issuerPublicKeyToJwk(pk)).toEqual({ kty: 'RSA', n, e: 'AQAB' });
    expect(parseIssuerPublicKeyJwk(JSON.stringify({ kty: 'RSA', n, e: 'AQAB', alg: 'PS384', kid: 'x' }), V4096).n).toBe(v.n);
  });

  it('rejects deviations', () => {
    const bad: unknown[] = [
      { kty: 'RSA', n, e: 'AQAB' }, // 4096 bits without the test option
      null,
      '{',
      [],
      { kty: 'EC', n, e: 'AQAB' },
      { kty: 'RSA', n, e: 'Aw' },
      { kty: 'RSA', n, e: 'AQAB', alg: 'RS256' },
      { kty: 'RSA', n, e: 'AQAB', d: 'AA' },
      { kty: 'RSA', n: n + '=', e: 'AQAB' },
      { kty: 'RSA', n: 'AA' + n, e: 'AQAB' }, // leading zero byte
      { kty: 'RSA', n: toBase64Url(bigIntToBytes(v.n - 1n, 512)), e: 'AQAB' }, // even
    ];
    bad.forEach((jwk, i) =>
      expectCryptoError(() => parseIssuerPublicKeyJwk(jwk, i === 0 ? {} : V4096), 'ENCODING'),
    );
    expectCryptoError(() => rsaPublicKey(v.n, 3n, V4096), 'ENCODING');
    expect(ISSUER_MODULUS_BITS).toBe(3072);
  });
});

describe('3072-bit round trip cross-checked with node:crypto and WebCrypto', () => {
  let priv: nodeCrypto.KeyObject;
  let pub: nodeCrypto.KeyObject;
  let pk: RsaPublicKey;

  beforeAll(() => {
    ({ privateKey: priv, publicKey: pub } = nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 3072 }));
    pk = parseIssuerPublicKeyJwk(pub.export({ format: 'jwk' }));
  });

  it('a finalized token is a plain RSASSA-PSS-SHA384 (salt 48) signature for both', async () => {
    const msg = new TextEncoder().encode('token message');
    const { preparedMsg } = prepare(msg);
    const { blindedMsg, inv } = blind(pk, preparedMsg);
    const sig = finalize(pk, preparedMsg, blindSign(priv, blindedMsg), inv);
    expect(verify(pk, preparedMsg, sig)).toBe(true);
    const pss = { key: pub, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 };
    expect(nodeCrypto.verify('sha384', preparedMsg, pss, sig)).toBe(true);
    expect(nodeCrypto.verify('sha384', msg, pss, sig)).toBe(false);

    const subtle = globalThis.crypto.subtle;
    const key = await subtle.importKey(
      'jwk',
      { ...issuerPublicKeyToJwk(pk) },
      { name: 'RSA-PSS', hash: 'SHA-384' },
      false,
      ['verify'],
    );
    expect(await subtle.verify({ name: 'RSA-PSS', saltLength: 48 }, key, new Uint8Array(sig), new Uint8Array(preparedMsg))).toBe(true);
    expect(await subtle.verify({ name: 'RSA-PSS', saltLength: 48 }, key, new Uint8Array(sig), msg)).toBe(false);
  });

  it('the pure-TS verifier agrees with node:crypto on node-made PSS signatures', () => {
    const msg = new TextEncoder().encode('independent signer');
    const sign = (saltLength: number): Uint8Array =>
      nodeCrypto.sign('sha384', msg, { key: priv, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength });
    expect(verify(pk, msg, sign(48))).toBe(true);
    expect(verify(pk, msg, sign(32))).toBe(false); // salt length is part of the scheme
    const pkcs1 = nodeCrypto.sign('sha384', msg, priv);
    expect(verify(pk, msg, pkcs1)).toBe(false);
  });

  it('blinding is fresh per call (one per issuer) and rejects keys it cannot blind for', () => {
    const { preparedMsg } = prepare(new Uint8Array([1, 2, 3]));
    const a = blind(pk, preparedMsg);
    const b = blind(pk, preparedMsg);
    expect(Buffer.from(a.blindedMsg)).not.toEqual(Buffer.from(b.blindedMsg));
    expect(a.blindedMsg.length).toBe(384);
    // A broken random source that only returns zeros cannot produce r.
    expectCryptoError(() => blind(pk, preparedMsg, (len) => new Uint8Array(len)), 'ENCODING');
    expectCryptoError(() => prepare(new Uint8Array(1), () => new Uint8Array(31)), 'ENCODING');
  });
});
