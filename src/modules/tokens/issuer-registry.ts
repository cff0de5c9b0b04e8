import { Injectable } from '@nestjs/common';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { loadSecret } from '../../common/secrets';
import { issuerKeyThumbprint } from '../../crypto/tokens/rsa-key';
import { issuerPublicJwk } from './blind-signer';
import { deriveWrapKey } from './key-wrap';

/**
 * One ballot-token issuer run by this process. Its long-term key is its identity (`name`, the key's
 * thumbprint) and the root of `wrapKey`, which wraps the fresh key pair it makes for every election
 * (issuer-keys.service.ts). The long-term key itself never signs a token: tokens are signed only with
 * an election's own key, so they count only in that election.
 */
export interface Issuer {
  readonly name: string;
  /** AES-256-GCM key for this issuer's per-election private keys at rest (never stored). */
  readonly wrapKey: Buffer;
}

/**
 * The issuers this process runs. Production configures each long-term key in its own file (ISSUER_KEYS);
 * the development platform and the demo generate ISSUER_COUNT keys into DATA_DIR/keys on first start.
 * Several issuers in one process is for demonstration: their independence is only real when each runs
 * in its own trust domain (docs/threat-model.md).
 */
@Injectable()
export class IssuerRegistry {
  readonly issuers: readonly Issuer[];

  constructor(config: AppConfig) {
    // Separate issuers (ISSUERS=separate) keep their keys in their own processes: this one holds none.
    if (config.ISSUERS === 'separate') {
      this.issuers = [];
      return;
    }
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
      const name = issuerKeyThumbprint(issuerPublicJwk(privateKey));
      return Object.freeze({ name, wrapKey: deriveWrapKey(privateKey, name) });
    });
  }

  get(name: string): Issuer | undefined {
    return this.issuers.find((i) => i.name === name);
  }
}
