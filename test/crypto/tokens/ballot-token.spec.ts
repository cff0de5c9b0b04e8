// Ballot tokens end to end: message layout, canonical JSON, issuance against real issuer keys
// (node blind signer), k-of-n counting, and property tests that any change invalidates the token.
import * as nodeCrypto from 'node:crypto';
import fc from 'fast-check';
import { CryptoError } from '../../../src/crypto/errors';
import {
  assembleBallotToken,
  ballotTokenMessage,
  ballotTokenPreparedMessage,
  parseBallotToken,
  prepareBallotToken,
  serializeBallotToken,
  validateBallotToken,
  verifyTokenSignatures,
  type BallotToken,
  type TokenIssuer,
} from '../../../src/crypto/tokens/ballot-token';
import { fromBase64Url, hexToBytes as fromHex, toBase64Url, bytesToHex as toHex } from '../../../src/crypto/encoding';
import { generatePseudonymKeyPair } from '../../../src/crypto/tokens/pseudonym';
import { parseIssuerPublicKeyJwk } from '../../../src/crypto/tokens/rsa-key';
import { blind, finalize, verify } from '../../../src/crypto/tokens/rsabssa';
import { blindSign, generateIssuerKey } from '../../../src/modules/tokens/blind-signer';
import rfc8032 from '../../vectors/ed25519-rfc8032.json';

/** RFC 8032 §7.1 TEST 1 public key: a fixed, valid pseudonym for known answers. */
const PSEUDONYM = fromHex(rfc8032.vectors[0].public_key);
const BASE_HASH = new Uint8Array(32).fill(0x11);

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

describe('token message', () => {
  it('has the documented byte layout (known answer, also in docs/protocol.md §20)', () => {
    const hex = (s: string): string => Buffer.from(s).toString('hex');
    const withHash = ballotTokenMessage({ electionId: 'election-2026', electionBaseHash: BASE_HASH, pseudonym: PSEUDONYM });
    expect(toHex(withHash)).toBe(
      '00000015' + hex('evote/v1/ballot-token') + '0000000d' + hex('election-2026') + '00000020' + '11'.repeat(32) +
        '00000020' + rfc8032.vectors[0].public_key,
    );
    const without = ballotTokenMessage({ electionId: 'election-2026', pseudonym: PSEUDONYM });
    expect(toHex(without)).toBe(
      '00000015' + hex('evote/v1/ballot-token') + '0000000d' + hex('election-2026') + '00000000' + '00000020' +
        rfc8032.vectors[0].public_key,
    );
  });

  it('rejects bad election ids, base hashes and pseudonym keys', () => {
    const small = fromHex('0000000000000000000000000000000000000000000000000000000000000080'); // small order, x=0 sign 1
    const identity = fromHex('01' + '00'.repeat(31));
    const cases = [
      { electionId: '', pseudonym: PSEUDONYM },
      { electionId: 'a'.repeat(257), pseudonym: PSEUDONYM },
      { electionId: 'bad\uDC00', pseudonym: PSEUDONYM },
      { electionId: 'e', electionBaseHash: new Uint8Array(31), pseudonym: PSEUDONYM },
      { electionId: 'e', pseudonym: identity },
      { electionId: 'e', pseudonym: small },
      { electionId: 'e', pseudonym: PSEUDONYM.subarray(1) },
    ];
    for (const c of cases) expectCryptoError(() => ballotTokenMessage(c), 'ENCODING');
  });
});

describe('issuance and k-of-n verification', () => {
  let keys: { id: string; priv: nodeCrypto.KeyObject; issuer: TokenIssuer }[];

  beforeAll(async () => {
    // Three 3072-bit keys, generated once for the file (≈1 s each).
    const pairs = await Promise.all([generateIssuerKey(), generateIssuerKey(), generateIssuerKey()]);
    keys = pairs.map((p, i) => {
      const id = `issuer-${String.fromCharCode(97 + i)}`;
      return { id, priv: p.privateKey, issuer: { id, publicKey: parseIssuerPublicKeyJwk(p.publicJwk) } };
    });
  }, 60000);

  /** The whole voter/issuer flow: prepare once, blind per issuer, sign, finalize, assemble. */
  function issue(electionId: string, pseudonym: Uint8Array, signers: number[], electionBaseHash?: Uint8Array): BallotToken {
    const prepared = prepareBallotToken({ electionId, electionBaseHash, pseudonym });
    const signatures = signers.map((i) => {
      const { issuer, priv } = keys[i];
      const { blindedMsg, inv } = blind(issuer.publicKey, prepared.preparedMsg);
      return { issuerId: issuer.id, signature: finalize(issuer.publicKey, prepared.preparedMsg, blindSign(priv, blindedMsg), inv) };
    });
    return assembleBallotToken({ electionId, pseudonym, prefix: prepared.prefix, signatures });
  }

  const registry = (): TokenIssuer[] => keys.map((k) => k.issuer);

  it('a token with 2 of 3 issuers is valid for k = 2, not for k = 3', () => {
    const { publicKey } = generatePseudonymKeyPair();
    const token = issue('election-2026', publicKey, [2, 0]);
    expect(token.signatures.map((s) => s.issuerId)).toEqual(['issuer-a', 'issuer-c']); // sorted
    const r2 = verifyTokenSignatures(token, registry(), 2);
    expect(r2).toEqual({ valid: true, threshold: 2, validIssuers: ['issuer-a', 'issuer-c'], rejected: [] });
    const r3 = verifyTokenSignatures(token, registry(), 3);
    expect(r3.valid).toBe(false);
    expect(r3.validIssuers.length).toBe(2);
  });

  it('each signature is a plain RSASSA-PSS-SHA384 signature over prefix || message (node:crypto)', () => {
    const { publicKey } = generatePseudonymKeyPair();
    const token = issue('e', publicKey, [0, 1, 2], BASE_HASH);
    const prepared = ballotTokenPreparedMessage(token, BASE_HASH);
    for (const [i, s] of token.signatures.entries()) {
      const key = nodeCrypto.createPublicKey(keys[i].priv);
      const pss = { key, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 };
      expect(nodeCrypto.verify('sha384', prepared, pss, fromBase64Url(s.signature))).toBe(true);
    }
    expect(verifyTokenSignatures(token, registry(), 3, { electionBaseHash: BASE_HASH }).valid).toBe(true);
    // The base hash is bound: omitting or changing it invalidates every signature.
    expect(verifyTokenSignatures(token, registry(), 1).valid).toBe(false);
    expect(verifyTokenSignatures(token, registry(), 1, { electionBaseHash: new Uint8Array(32) }).valid).toBe(false);
  });

  it('counts duplicates of an issuer, and distinct ids sharing one key, once; reports unknown issuers', () => {
    const { publicKey } = generatePseudonymKeyPair();
    const token = issue('e', publicKey, [0, 1]);
    const [a, b] = token.signatures;
    const dup = { ...token, signatures: [a, a, b] };
    expect(() => serializeBallotToken(dup)).toThrow(CryptoError); // not canonical
    const r = verifyTokenSignatures(dup, registry(), 2);
    expect(r.valid).toBe(true);
    expect(r.validIssuers).toEqual(['issuer-a', 'issuer-b']);
    expect(r.rejected).toEqual([{ issuerId: 'issuer-a', reason: 'DUPLICATE_ISSUER' }]);
    expect(verifyTokenSignatures({ ...token, signatures: [a, a] }, registry(), 2).valid).toBe(false);

    // An alias id registered with issuer-a's key does not add a second vote of confidence.
    const alias: TokenIssuer = { id: 'issuer-z', publicKey: keys[0].issuer.publicKey };
    const aliased = { ...token, signatures: [a, { issuerId: 'issuer-z', signature: a.signature }] };
    const ra = verifyTokenSignatures(aliased, [...registry(), alias], 2);
    expect(ra.valid).toBe(false);
    expect(ra.rejected).toEqual([{ issuerId: 'issuer-z', reason: 'DUPLICATE_KEY' }]);

    const unknown = { ...token, signatures: [a, { issuerId: 'rogue', signature: b.signature }] };
    const ru = verifyTokenSignatures(unknown, registry(), 2);
    expect(ru.valid).toBe(false);
    expect(ru.rejected).toEqual([{ issuerId: 'rogue', reason: 'UNKNOWN_ISSUER' }]);

    // issuer-b's signature presented as issuer-c's.
    const swapped = { ...token, signatures: [a, { issuerId: 'issuer-c', signature: b.signature }] };
    expect(verifyTokenSignatures(swapped, registry(), 2).rejected).toEqual([
      { issuerId: 'issuer-c', reason: 'INVALID_SIGNATURE' },
    ]);
  });

  it('reports malformed tokens as invalid and bad configuration as THRESHOLD errors', () => {
    const { publicKey } = generatePseudonymKeyPair();
    const token = issue('e', publicKey, [0]);
    for (const bad of [null, 'x', {}, { ...token, v: 2 }, { ...token, pseudonym: 'AB' }, { ...token, signatures: [] }, { ...token, extra: 1 },
      { ...token, signatures: Array(65).fill(token.signatures[0]) }]) {
      const r = verifyTokenSignatures(bad, registry(), 1);
      expect(r.valid).toBe(false);
      expect(r.error).toBeDefined();
    }
    expectCryptoError(() => verifyTokenSignatures(token, registry(), 0), 'THRESHOLD');
    expectCryptoError(() => verifyTokenSignatures(token, registry(), 4), 'THRESHOLD');
    expectCryptoError(() => verifyTokenSignatures(token, registry(), 1.5), 'THRESHOLD');
    expectCryptoError(() => verifyTokenSignatures(token, [keys[0].issuer, keys[0].issuer], 1), 'THRESHOLD');
  });

  it('serializes canonically and parses strictly', () => {
    const { publicKey } = generatePseudonymKeyPair();
    const token = issue('élection 2026 ✓', publicKey, [1, 0]);
    const json = serializeBallotToken(token);
    expect(json.startsWith('{"v":1,"electionId":"élection 2026 ✓","pseudonym":"')).toBe(true);
    expect(parseBallotToken(json)).toEqual(token);
    expect(verifyTokenSignatures(parseBallotToken(json), registry(), 2).valid).toBe(true);
    const obj = JSON.parse(json) as Record<string, unknown>;
    const variants = [
      JSON.stringify(obj, null, 1), // whitespace
      JSON.stringify({ electionId: obj.electionId, v: 1, pseudonym: obj.pseudonym, prefix: obj.prefix, signatures: obj.signatures }),
      json.replace('{"v":1,', '{"v":1,"v":1,'), // duplicate member
      json.replace(token.pseudonym, token.pseudonym.toUpperCase()),
      json.replace(token.prefix, token.prefix + '='),
      JSON.stringify({ ...obj, signatures: [...token.signatures].reverse() }),
      JSON.stringify({ ...obj, extra: true }),
      JSON.stringify({ ...obj, v: 2 }),
      JSON.stringify({ ...obj, prefix: toBase64Url(new Uint8Array(31)) }),
      JSON.stringify({ ...obj, signatures: [{ issuerId: 'a b', signature: 'AA' }] }),
      JSON.stringify({ ...obj, signatures: [{ issuerId: 'a', signature: '' }] }),
      JSON.stringify({ ...obj, signatures: [{ issuerId: 'a', signature: 'AA', x: 1 }] }),
      '[]',
      'not json',
    ];
    for (const v of variants) expectCryptoError(() => parseBallotToken(v), 'ENCODING');
    expect(validateBallotToken(obj)).toEqual(token);
  });

  it('property: prepare → blind → sign → finalize → verify round-trips for any election id and pseudonym', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), // any code point, ≤ 160 UTF-8 bytes
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.subarray([0, 1, 2], { minLength: 1 }),
        (electionId, seed, signers) => {
          const { publicKey } = generatePseudonymKeyPair(() => seed);
          const token = issue(electionId, publicKey, signers);
          const prepared = ballotTokenPreparedMessage(token);
          for (const s of token.signatures) {
            const pk = keys.find((k) => k.id === s.issuerId)!.issuer.publicKey;
            expect(verify(pk, prepared, fromBase64Url(s.signature))).toBe(true);
          }
          const r = verifyTokenSignatures(parseBallotToken(serializeBallotToken(token)), registry(), signers.length);
          expect(r.valid).toBe(true);
          if (signers.length < 3) expect(verifyTokenSignatures(token, registry(), signers.length + 1).valid).toBe(false);
        },
      ),
      { numRuns: 8 },
    );
  });

  it('property: any change to election id, pseudonym, prefix or a signature invalidates the token', () => {
    const { publicKey } = generatePseudonymKeyPair();
    const token = issue('election-X', publicKey, [0, 1]);
    const other = generatePseudonymKeyPair().publicKey;
    expect(verifyTokenSignatures(token, registry(), 2).valid).toBe(true);
    fc.assert(
      fc.property(
        fc.constantFrom('electionId', 'pseudonym', 'prefix', 'signature'),
        fc.nat({ max: 383 }),
        fc.integer({ min: 0, max: 7 }),
        fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s !== 'election-X'),
        (field, index, bit, otherId) => {
          let t: BallotToken = token;
          if (field === 'electionId') t = { ...token, electionId: otherId };
          if (field === 'pseudonym') t = { ...token, pseudonym: toHex(other) };
          if (field === 'prefix') {
            const p = fromBase64Url(token.prefix);
            p[index % 32] ^= 1 << bit;
            t = { ...token, prefix: toBase64Url(p) };
          }
          if (field === 'signature') {
            const s = fromBase64Url(token.signatures[0].signature);
            s[index] ^= 1 << bit;
            t = { ...token, signatures: [{ ...token.signatures[0], signature: toBase64Url(s) }, token.signatures[1]] };
          }
          const r = verifyTokenSignatures(t, registry(), 2);
          expect(r.valid).toBe(false);
          // A changed election, pseudonym or prefix breaks every signature; a changed signature only its own.
          expect(r.validIssuers.length).toBe(field === 'signature' ? 1 : 0);
        },
      ),
      { numRuns: 24 },
    );
  });
});
