// Issuer blind signer: RFC 9474 vector key (exact blind_sig), input checks, and a round trip with the
// pure-TS client.
import * as nodeCrypto from 'node:crypto';
import { CryptoError } from '../../crypto/errors';
import { modInverse } from '../../crypto/tokens/bigint';
import { bigIntToBytes } from '../../crypto/tokens/bytes';
import { toBase64Url } from '../../crypto/encoding';
import { parseIssuerPublicKeyJwk } from '../../crypto/tokens/rsa-key';
import { blind, finalize, prepare, verify } from '../../crypto/tokens/rsabssa';
import { RSA_VECTORS } from '../../../test/crypto/tokens/vectors';
import { blindSign, generateIssuerKey, issuerPublicJwk } from './blind-signer';

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

/** The RFC 9474 test key as a node KeyObject (CRT parameters derived from p, q, d). */
function vectorKey(): nodeCrypto.KeyObject {
  const v = RSA_VECTORS[0];
  const b = (x: bigint): string => toBase64Url(bigIntToBytes(x, Math.ceil(x.toString(16).length / 2)));
  return nodeCrypto.createPrivateKey({
    format: 'jwk',
    key: {
      kty: 'RSA',
      n: b(v.n),
      e: b(v.e),
      d: b(v.d),
      p: b(v.p),
      q: b(v.q),
      dp: b(v.d % (v.p - 1n)),
      dq: b(v.d % (v.q - 1n)),
      qi: b(modInverse(v.q, v.p)),
    },
  });
}

describe('blindSign', () => {
  const key = vectorKey();

  it.each(RSA_VECTORS.map((v) => [v.name, v] as const))('reproduces blind_sig of %s', (_n, v) => {
    expect(Buffer.from(blindSign(key, v.blindedMsg, V4096))).toEqual(Buffer.from(v.blindSig));
  });

  it('accepts a PEM private key', () => {
    const pem = key.export({ format: 'pem', type: 'pkcs8' }) as string;
    const v = RSA_VECTORS[0];
    expect(Buffer.from(blindSign(pem, v.blindedMsg, V4096))).toEqual(Buffer.from(v.blindSig));
  });

  it('rejects bad inputs and keys with typed errors', () => {
    const v = RSA_VECTORS[0];
    expectCryptoError(() => blindSign(key, v.blindedMsg), 'ENCODING'); // 4096 bits not allowed by default
    expectCryptoError(() => blindSign(key, v.blindedMsg.subarray(1), V4096), 'ENCODING');
    expectCryptoError(() => blindSign(key, new Uint8Array(513), V4096), 'ENCODING');
    expectCryptoError(() => blindSign(key, bigIntToBytes(v.n, 512), V4096), 'ENCODING');
    expectCryptoError(() => blindSign(key, new Uint8Array(512).fill(0xff), V4096), 'ENCODING');
    expectCryptoError(() => blindSign(nodeCrypto.createPublicKey(key), v.blindedMsg, V4096), 'ENCODING');
    expectCryptoError(() => blindSign('not a pem', v.blindedMsg, V4096), 'ENCODING');
    const ec = nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expectCryptoError(() => blindSign(ec, v.blindedMsg, V4096), 'ENCODING');
  });
});

describe('generateIssuerKey', () => {
  it('makes a 3072-bit e=65537 key whose JWK round-trips with the client', async () => {
    const { privateKey, publicJwk } = await generateIssuerKey();
    expect(Object.keys(publicJwk).sort()).toEqual(['e', 'kty', 'n']);
    const pk = parseIssuerPublicKeyJwk(publicJwk);
    expect(pk.modulusBits).toBe(3072);
    expect(issuerPublicJwk(nodeCrypto.createPublicKey(privateKey))).toEqual(publicJwk);
    expect(issuerPublicJwk(privateKey.export({ format: 'pem', type: 'pkcs8' }) as string)).toEqual(publicJwk);

    const { preparedMsg } = prepare(new TextEncoder().encode('round trip'));
    const { blindedMsg, inv } = blind(pk, preparedMsg);
    const blindSig = blindSign(privateKey, blindedMsg);
    expect(blindSig.length).toBe(384);
    const sig = finalize(pk, preparedMsg, blindSig, inv);
    expect(verify(pk, preparedMsg, sig)).toBe(true);
    expectCryptoError(() => issuerPublicJwk('garbage'), 'ENCODING');
  });
});
