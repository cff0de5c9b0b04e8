// Issuer side of RFC 9474 (RSABSSA-SHA384-PSS-Randomized): the raw RSA private-key operation on a
// blinded message. Node only: the private key stays in OpenSSL (constant-time, CRT, RSA blinding).
import {
  type KeyObject,
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  privateDecrypt,
  publicEncrypt,
} from 'node:crypto';
import { CryptoError, cryptoAssert } from '../../crypto/errors';
import { bytesToBigInt } from '../../crypto/tokens/bytes';
import {
  ISSUER_MODULUS_BITS,
  type IssuerPublicKeyJwk,
  type RsaKeyOptions,
  issuerPublicKeyToJwk,
  parseIssuerPublicKeyJwk,
} from '../../crypto/tokens/rsa-key';

/** An issuer private key: PEM (PKCS#8 or PKCS#1) text or a KeyObject. */
export type IssuerPrivateKey = string | KeyObject;

interface KeyInfo {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly n: bigint;
  readonly modulusBits: number;
  readonly modulusLength: number;
}

const infoCache = new WeakMap<KeyObject, KeyInfo>();

function keyInfo(key: IssuerPrivateKey, options: RsaKeyOptions): KeyInfo {
  let privateKey: KeyObject;
  try {
    privateKey = typeof key === 'string' ? createPrivateKey(key) : key;
  } catch {
    throw new CryptoError('ENCODING', 'unreadable issuer private key');
  }
  cryptoAssert(
    privateKey.type === 'private' && privateKey.asymmetricKeyType === 'rsa',
    'ENCODING',
    'issuer key must be an RSA private key (not RSA-PSS, not public)',
  );
  let info = infoCache.get(privateKey);
  if (!info) {
    const publicKey = createPublicKey(privateKey);
    // Validates e = 65537, n odd and the size under the caller's options.
    const pk = parseIssuerPublicKeyJwk(issuerPublicKeyToJwkFromKey(publicKey), options);
    info = { privateKey, publicKey, n: pk.n, modulusBits: pk.modulusBits, modulusLength: pk.modulusLength };
    infoCache.set(privateKey, info);
  }
  const allowed = options.allowedModulusBits ?? [ISSUER_MODULUS_BITS];
  cryptoAssert(allowed.includes(info.modulusBits), 'ENCODING', `RSA modulus must be ${allowed.join(' or ')} bits`);
  return info;
}

function issuerPublicKeyToJwkFromKey(publicKey: KeyObject): { kty: string; n: string; e: string } {
  const jwk = publicKey.export({ format: 'jwk' });
  return { kty: String(jwk.kty), n: String(jwk.n), e: String(jwk.e) };
}

/**
 * RFC 9474 §4.3 BlindSign: s = m^d mod n on the blinded message, then checks s^e mod n = m (guards
 * against faults in the CRT computation, which would leak the key) before returning s.
 * @param blindedMsg exactly modulus_len bytes, as an integer < n.
 * @param options accepted modulus sizes (default 3072 bits).
 * @returns the blind signature, modulus_len bytes.
 * @throws CryptoError('ENCODING') for a bad key or input, ('INVALID_SIGNATURE') if the self-check fails.
 */
export function blindSign(privateKey: IssuerPrivateKey, blindedMsg: Uint8Array, options: RsaKeyOptions = {}): Uint8Array {
  const info = keyInfo(privateKey, options);
  cryptoAssert(blindedMsg instanceof Uint8Array, 'ENCODING', 'blinded message must be bytes');
  cryptoAssert(blindedMsg.length === info.modulusLength, 'ENCODING', 'unexpected input size');
  const m = bytesToBigInt(blindedMsg);
  cryptoAssert(m < info.n, 'ENCODING', 'blinded message out of range');
  let s: Buffer;
  let check: Buffer;
  try {
    s = privateDecrypt({ key: info.privateKey, padding: constants.RSA_NO_PADDING }, blindedMsg);
    check = publicEncrypt({ key: info.publicKey, padding: constants.RSA_NO_PADDING }, s);
  } catch {
    throw new CryptoError('ENCODING', 'RSA operation rejected the input');
  }
  cryptoAssert(
    s.length === info.modulusLength && Buffer.compare(check, Buffer.from(blindedMsg)) === 0,
    'INVALID_SIGNATURE',
    'signing failure: result does not verify',
  );
  return new Uint8Array(s);
}

/** A freshly generated issuer key pair. */
export interface IssuerKeyPair {
  readonly privateKey: KeyObject;
  readonly publicJwk: IssuerPublicKeyJwk;
}

/**
 * Generates a 3072-bit RSA issuer key with e = 65537 (asynchronously: it takes about a second).
 */
export async function generateIssuerKey(): Promise<IssuerKeyPair> {
  const privateKey = await new Promise<KeyObject>((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: ISSUER_MODULUS_BITS, publicExponent: 65537 }, (err, _pub, priv) =>
      err ? reject(err) : resolve(priv),
    ),
  );
  return { privateKey, publicJwk: issuerPublicJwk(privateKey) };
}

/**
 * The canonical public JWK {kty, n, e} of an issuer key (private or public, PEM or KeyObject),
 * validated like a client would (3072 bits by default).
 */
export function issuerPublicJwk(key: string | KeyObject, options: RsaKeyOptions = {}): IssuerPublicKeyJwk {
  let publicKey: KeyObject;
  try {
    // createPublicKey derives from private keys and PEM text but refuses a public KeyObject.
    publicKey = typeof key !== 'string' && key.type === 'public' ? key : createPublicKey(key);
  } catch {
    throw new CryptoError('ENCODING', 'unreadable issuer key');
  }
  cryptoAssert(publicKey.asymmetricKeyType === 'rsa', 'ENCODING', 'issuer key must be RSA');
  // Re-encode after validation so the output is the canonical {kty, n, e} whatever node emits.
  return issuerPublicKeyToJwk(parseIssuerPublicKeyJwk(issuerPublicKeyToJwkFromKey(publicKey), options));
}
