// The node:crypto verification accelerators (src/parallel/node-accelerators.ts) are a positive fast path:
// with them installed every verdict equals the pure-TypeScript reference's — on the RFC vectors, the 12
// "Taming the many EdDSAs" edge cases, tampered and random signatures — and valid signatures do take it.
import { constants, generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import { installVerificationAccelerators } from '../../src/crypto/accelerators';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hexToBytes as fromHex } from '../../src/crypto/encoding';
import { pseudonymSign, pseudonymVerify } from '../../src/crypto/tokens/pseudonym';
import { verify as rsaVerify } from '../../src/crypto/tokens/rsabssa';
import { parseIssuerPublicKeyJwk } from '../../src/crypto/tokens/rsa-key';
import { nodeVerificationAccelerators } from '../../src/parallel/node-accelerators';
import { issuerPublicJwk } from '../../src/modules/tokens/blind-signer';
import rfc8032 from '../vectors/ed25519-rfc8032.json';
import edge from '../vectors/ed25519-edge-cases.json';

/** The verdict of `f` without accelerators, with them, and whether the fast path said yes. */
function bothWays<T extends unknown[]>(f: (...a: T) => boolean, ...args: T): { reference: boolean; accelerated: boolean; fast: number } {
  installVerificationAccelerators({});
  const reference = f(...args);
  let fast = 0;
  const count = <A extends unknown[]>(g: ((...a: A) => boolean) | undefined) => (g ? (...a: A) => { const r = g(...a); if (r) fast++; return r; } : undefined);
  installVerificationAccelerators({ rsaPssSha384: count(nodeVerificationAccelerators.rsaPssSha384), ed25519: count(nodeVerificationAccelerators.ed25519) });
  try {
    return { reference, accelerated: f(...args), fast };
  } finally {
    installVerificationAccelerators({});
  }
}

describe('Ed25519 accelerator', () => {
  it.each(edge.cases.map((c) => [c.index, c] as const))('Taming the many EdDSAs case %i: same verdict', (_i, c) => {
    const r = bothWays(pseudonymVerify, fromHex(c.pub_key), fromHex(c.message), fromHex(c.signature));
    expect(r.accelerated).toBe(r.reference);
    expect(r.reference).toBe(!c.strict_rejects);
  });

  it('RFC 8032 vectors verify through the fast path; every flipped bit is rejected by both', () => {
    for (const v of rfc8032.vectors.slice(0, 16)) {
      const [pk, msg, sig] = [fromHex(v.public_key), fromHex(v.message), fromHex(v.signature)];
      const ok = bothWays(pseudonymVerify, pk, msg, sig);
      expect(ok).toEqual({ reference: true, accelerated: true, fast: 1 });
      for (const bit of [0, 100, 255, 256, 300, 511]) {
        const bad = Uint8Array.from(sig);
        bad[bit >> 3] ^= 1 << (bit & 7);
        const r = bothWays(pseudonymVerify, pk, msg, bad);
        expect(r.accelerated).toBe(r.reference);
        expect(r.reference).toBe(false);
      }
    }
  });

  it('random keys, messages and tampering: same verdicts (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 64 }), fc.nat(511), fc.boolean(), (seed, msg, bit, tamper) => {
        const pk = ed25519.getPublicKey(seed);
        const sig = pseudonymSign(seed, msg);
        if (tamper) sig[bit >> 3] ^= 1 << (bit & 7);
        const r = bothWays(pseudonymVerify, pk, msg, sig);
        expect(r.accelerated).toBe(r.reference);
        expect(r.reference).toBe(!tamper);
      }),
      { numRuns: 100 },
    );
  });
});

describe('RSA-PSS accelerator', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 3072, publicExponent: 65537 });
  const pk = parseIssuerPublicKeyJwk(issuerPublicJwk(privateKey));
  const msg = new Uint8Array(64).fill(7);
  const good = new Uint8Array(sign('sha384', msg, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 }));

  it('a valid signature takes the fast path; tampered ones, wrong salt length, wrong length: same verdicts', () => {
    expect(bothWays(rsaVerify, pk, msg, good)).toEqual({ reference: true, accelerated: true, fast: 1 });
    const cases: Uint8Array[] = [good.slice(1), new Uint8Array(good.length), new Uint8Array(good.length).fill(0xff)];
    for (const bit of [0, 8, 1000, 3071]) {
      const bad = Uint8Array.from(good);
      bad[bit >> 3] ^= 1 << (bit & 7);
      cases.push(bad);
    }
    cases.push(new Uint8Array(sign('sha384', msg, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })));
    for (const sig of cases) {
      const r = bothWays(rsaVerify, pk, msg, sig);
      expect(r.accelerated).toBe(r.reference);
      expect(r.reference).toBe(false);
    }
    const other = bothWays(rsaVerify, pk, new Uint8Array(64).fill(8), good);
    expect(other).toEqual({ reference: false, accelerated: false, fast: 0 });
  });
});
