import { createCipheriv, createDecipheriv, createHash, hkdfSync, type KeyObject, randomBytes } from 'node:crypto';

// An issuer's per-election private keys at rest: AES-256-GCM under a key derived from the issuer's
// long-term private key, which never enters a database. Shared by the in-process issuers and the
// separate issuer service (src/issuer), so both store keys the same way.

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** HKDF-SHA-256 over the long-term private key's PKCS#8 bytes: a 32-byte key that exists only in memory. */
export function deriveWrapKey(privateKey: KeyObject, name: string): Buffer {
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  const salt = createHash('sha256').update('evote/v2/issuer-key-wrap').digest();
  return Buffer.from(hkdfSync('sha256', der, salt, Buffer.from(name), 32));
}

/** The associated data of one wrapped key: it opens only for this election, issuer and key id. */
export function wrapAad(electionId: string, issuerName: string, keyId: string): Buffer {
  return Buffer.from(`evote/v2/issuer-election-key|${electionId}|${issuerName}|${keyId}`);
}

export function wrapPrivateKey(wrapKey: Buffer, aad: Buffer, der: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const c = createCipheriv('aes-256-gcm', wrapKey, iv).setAAD(aad);
  const body = Buffer.concat([c.update(der), c.final()]);
  return Buffer.concat([iv, body, c.getAuthTag()]);
}

/** @throws when the key, the associated data or the bytes differ from the wrapping's. */
export function unwrapPrivateKey(wrapKey: Buffer, aad: Buffer, wrapped: Buffer): Buffer {
  const iv = wrapped.subarray(0, IV_BYTES);
  const tag = wrapped.subarray(wrapped.length - TAG_BYTES);
  const d = createDecipheriv('aes-256-gcm', wrapKey, iv).setAAD(aad);
  d.setAuthTag(tag);
  return Buffer.concat([d.update(wrapped.subarray(IV_BYTES, wrapped.length - TAG_BYTES)), d.final()]);
}
