import { Injectable } from '@nestjs/common';
import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { loadSecret } from '../../common/secrets';
import { parseIssuerPublicKeyJwk, type IssuerPublicKeyJwk, type RsaPublicKey } from '../../crypto/tokens/rsa-key';
import { toBase64Url } from '../../crypto/encoding';
import { issuerPublicJwk } from './blind-signer';

/** One ballot-token issuer run by this process: its key and its public identity. */
export interface Issuer {
  /** RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key: stable, and derived from the key alone. */
  readonly id: string;
  readonly publicJwk: IssuerPublicKeyJwk;
  readonly publicKey: RsaPublicKey;
  readonly privateKey: KeyObject;
}

/** RFC 7638: SHA-256 over the JSON of the required members in lexicographic order. */
export function jwkThumbprint(jwk: IssuerPublicKeyJwk): string {
  const canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
  return toBase64Url(new Uint8Array(createHash('sha256').update(canonical).digest()));
}

/**
 * The issuers this process runs. Production configures each key in its own file (ISSUER_KEYS); the
 * development platform and the demo generate ISSUER_COUNT keys into DATA_DIR/keys on first start.
 * Several issuers in one process is for demonstration: their independence is only real when each runs
 * in its own trust domain.
 */
@Injectable()
export class IssuerRegistry {
  readonly issuers: readonly Issuer[];

  constructor(config: AppConfig) {
    const specs = config.ISSUER_KEYS
      ? config.ISSUER_KEYS.split(',').map((value, i) => ({ value, fileName: `issuer-${i + 1}.pem` }))
      : Array.from({ length: config.ISSUER_COUNT }, (_, i) => ({ value: undefined, fileName: `issuer-${i + 1}.pem` }));
    this.issuers = specs.map(({ value, fileName }) => {
      const pem = loadSecret(config, {
        variable: 'ISSUER_KEYS',
        value,
        fileName,
        expected: 'an RSA-3072 private key in PEM',
        isValid: (s) => /^-----BEGIN (RSA )?PRIVATE KEY-----/.test(s),
        generate: () =>
          generateKeyPairSync('rsa', { modulusLength: 3072, publicExponent: 65537 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      });
      const privateKey = createPrivateKey(pem);
      const publicJwk = issuerPublicJwk(privateKey);
      return Object.freeze({ id: jwkThumbprint(publicJwk), publicJwk, publicKey: parseIssuerPublicKeyJwk(publicJwk), privateKey });
    });
  }

  get(id: string): Issuer | undefined {
    return this.issuers.find((i) => i.id === id);
  }
}
