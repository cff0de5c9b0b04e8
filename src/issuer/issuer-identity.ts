import { createHash, createPrivateKey, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import { loadSecret } from '../common/secrets';
import { issuerKeyThumbprint, type IssuerPublicKeyJwk } from '../crypto/tokens/rsa-key';
import { issuerPublicJwk } from '../modules/tokens/blind-signer';
import { deriveWrapKey } from '../modules/tokens/key-wrap';
import type { IssuerConfig } from './issuer-config';

export const ISSUER_IDENTITY = Symbol('ISSUER_IDENTITY');

/**
 * The separate issuer's long-term identity: an RSA-3072 key in its own key file (never the platform's),
 * named by its thumbprint. It never signs a token; it is the root of the key that wraps the per-election
 * keys at rest and of the keyed hash of national numbers in this issuer's roll.
 */
export interface IssuerIdentity {
  readonly name: string;
  readonly publicKey: IssuerPublicKeyJwk;
  readonly wrapKey: Buffer;
  readonly rollKey: Buffer;
}

export function loadIssuerIdentity(config: IssuerConfig): IssuerIdentity {
  const pem = loadSecret(config, {
    variable: 'ISSUER_KEY',
    value: config.ISSUER_KEY,
    fileName: 'issuer.pem',
    expected: 'an RSA-3072 private key in PEM',
    isValid: (s) => /^-----BEGIN (RSA )?PRIVATE KEY-----/.test(s),
    generate: () => generateKeyPairSync('rsa', { modulusLength: 3072, publicExponent: 65537 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  });
  const privateKey: KeyObject = createPrivateKey(pem);
  const publicKey = issuerPublicJwk(privateKey);
  const name = issuerKeyThumbprint(publicKey);
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  const rollKey = Buffer.from(hkdfSync('sha256', der, createHash('sha256').update('evote/v3/issuer-roll-key').digest(), Buffer.from(name), 32));
  return Object.freeze({ name, publicKey, wrapKey: deriveWrapKey(privateKey, name), rollKey });
}
