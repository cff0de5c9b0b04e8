import { createHmac, randomBytes } from 'node:crypto';
import { ConfigurationError, type AppConfig } from '../../config/app-config';
import { normalizeNationalNumber } from './national-number';
import { loadOrCreateSecretFile } from './secrets';

export const ROLL_HMAC_KEY_FILE = 'roll-hmac.key';

/**
 * The keyed hash of national numbers: HMAC-SHA256(ROLL_HMAC_KEY, 11 digits). The roll, the sessions and
 * the role lists are compared through it; the clear number is never stored.
 */
export class NationalNumberHasher {
  private constructor(private readonly key: Buffer) {}

  static async fromConfig(config: AppConfig): Promise<NationalNumberHasher> {
    const text = config.ROLL_HMAC_KEY ?? (await loadOrCreateSecretFile(config, ROLL_HMAC_KEY_FILE, 'ROLL_HMAC_KEY', () => randomBytes(32).toString('hex'))).trim();
    const key = /^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0 ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
    if (key.length < 32) throw new ConfigurationError(['ROLL_HMAC_KEY must be at least 32 bytes (hex or base64)']);
    return new NationalNumberHasher(key);
  }

  /** A key for another purpose (its label keeps it apart from every national-number hash). */
  derive(label: string): Buffer {
    return createHmac('sha256', this.key).update(`derive:${label}`, 'utf8').digest();
  }

  hash(nationalNumber: string): Buffer {
    return createHmac('sha256', this.key).update(normalizeNationalNumber(nationalNumber), 'utf8').digest();
  }
}
