import { Injectable } from '@nestjs/common';
import { bytesToHex, hexToBytes, randomBytes } from '../../crypto/encoding';
import { pseudonymPublicKey } from '../../crypto/tokens/pseudonym';
import { AppConfig } from '../../config/app-config';
import { loadSecret } from '../../common/secrets';

/** The board's Ed25519 key pair; the secret comes from BOARD_SIGNING_KEY or DATA_DIR/keys (development). */
@Injectable()
export class BoardKey {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;

  constructor(config: AppConfig) {
    const seed = loadSecret(config, {
      variable: 'BOARD_SIGNING_KEY',
      value: config.BOARD_SIGNING_KEY,
      fileName: 'board-ed25519.key',
      expected: '64 lowercase hex characters (an Ed25519 seed)',
      isValid: (s) => /^[0-9a-f]{64}$/.test(s),
      generate: () => bytesToHex(randomBytes(32)),
    });
    this.secretKey = hexToBytes(seed, 32);
    this.publicKey = pseudonymPublicKey(this.secretKey);
  }

  get publicKeyHex(): string {
    return bytesToHex(this.publicKey);
  }
}
