/**
 * node:crypto (OpenSSL) implementations of the verification accelerators (src/crypto/accelerators.ts):
 * RSASSA-PSS-SHA384 about 20× and Ed25519 about 10× faster than the pure-TypeScript reference. Installed by
 * the Node entry points (server, CLI, worker threads); positive fast path only, so verdicts do not change.
 */
import { constants, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { installVerificationAccelerators, type VerificationAccelerators } from '../crypto/accelerators';
import { toBase64Url } from '../crypto/encoding';
import type { RsaPublicKey } from '../crypto/tokens/rsa-key';
import { bigIntToBytes } from '../crypto/tokens/bytes';

const rsaKeys = new WeakMap<RsaPublicKey, KeyObject>();

function rsaKey(pk: RsaPublicKey): KeyObject {
  let k = rsaKeys.get(pk);
  if (!k) {
    const bytes = (x: bigint) => toBase64Url(bigIntToBytes(x, Math.max(1, Math.ceil(x.toString(16).length / 2))));
    k = createPublicKey({ key: { kty: 'RSA', n: bytes(pk.n), e: bytes(pk.e) }, format: 'jwk' });
    rsaKeys.set(pk, k);
  }
  return k;
}

export const nodeVerificationAccelerators: VerificationAccelerators = Object.freeze({
  rsaPssSha384: (pk: RsaPublicKey, message: Uint8Array, signature: Uint8Array, saltLength: number) =>
    signature.length === pk.modulusLength &&
    verify('sha384', message, { key: rsaKey(pk), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature),
  // OpenSSL's Ed25519: S < ℓ enforced, R compared as bytes with the encoding of [S]B − [k]A (cofactorless).
  ed25519: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) =>
    publicKey.length === 32 &&
    signature.length === 64 &&
    verify(null, message, createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: toBase64Url(publicKey) }, format: 'jwk' }), signature),
});

/** Installs the node:crypto accelerators (idempotent). */
export function installNodeAccelerators(): void {
  installVerificationAccelerators(nodeVerificationAccelerators);
}
