import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { ConfigurationError, OIDC_ENCRYPTION_ALGS, type AppConfig } from '../../config/app-config';
import { assertPrivateFile } from '../../common/secrets';
import { loadOrCreateSecretFile } from './secrets';

export const RP_JWKS_FILE = 'oidc-rp-jwks.json';

/** Key management algorithms our RSA `enc` keys can serve (OIDC_ID_TOKEN_ENCRYPTION_ALG). */
export type RpEncryptionAlg = (typeof OIDC_ENCRYPTION_ALGS)[number];

/** Below this an RSA key is refused (itsme and NIST: 2048 bits at least). */
const MIN_RSA_BITS = 2048;

export interface RpDecryptionKey {
  kid: string;
  key: CryptoKey;
  /** False for a key being retired: it still decrypts, but is no longer in the public JWKS. */
  published: boolean;
}

interface KeyState {
  publicJwks: { keys: JWK[] };
  signing: { key: CryptoKey; kid: string };
  decryption: RpDecryptionKey[];
}

type Source = { variable: string; read: () => Promise<string[]> };

/**
 * The relying party's keys: one RSA key to sign client assertions (private_key_jwt, RS256) and one or
 * more RSA keys identity providers encrypt ID tokens and userinfo to (each with its own `kid`). The
 * public halves of the sig key and of every published enc key are the JWKS at /auth/jwks.json.
 *
 * Several enc keys exist so that a key can be rotated without a failed login: itsme caches our JWKS
 * (30 min to 24 h) and may encrypt to any enc key it saw, so every key it may still hold must decrypt.
 * An enc key marked `"published": false` decrypts but is no longer published (the retiring phase).
 * `reload()` re-reads the key files (SIGHUP in production), so a rotation needs no restart.
 */
export class RpKeys {
  private state: KeyState;
  private readonly listeners: Array<() => void> = [];

  private constructor(
    state: KeyState,
    private readonly source: Source | undefined,
    readonly encryptionAlg: RpEncryptionAlg,
  ) {
    this.state = state;
  }

  get publicJwks(): { keys: JWK[] } {
    return this.state.publicJwks;
  }

  get signing(): { key: CryptoKey; kid: string } {
    return this.state.signing;
  }

  /** Every enc key that decrypts (published or retiring), in configuration order. */
  get decryption(): readonly RpDecryptionKey[] {
    return this.state.decryption;
  }

  /** The decryption key named by a JWE header's `kid`, or undefined (an unknown kid is refused, never guessed). */
  decryptionKey(kid: unknown): CryptoKey | undefined {
    if (typeof kid !== 'string') return this.state.decryption.length === 1 ? this.state.decryption[0].key : undefined;
    return this.state.decryption.find((k) => k.kid === kid)?.key;
  }

  /** Called after every successful reload (the OpenID Connect client rebuilds its decryption keys). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /**
   * Re-reads the configured key files. A set that does not validate is refused and the current keys stay
   * in use, so a typo in a file never takes logins down.
   */
  async reload(): Promise<void> {
    if (!this.source) return;
    this.state = await RpKeys.build(await this.source.read(), this.source.variable, this.encryptionAlg);
    for (const l of this.listeners) l();
  }

  static async fromConfig(config: AppConfig): Promise<RpKeys> {
    const alg = config.OIDC_ID_TOKEN_ENCRYPTION_ALG;
    let source: Source;
    if (config.OIDC_RP_JWKS) {
      const text = config.OIDC_RP_JWKS;
      source = { variable: 'OIDC_RP_JWKS', read: async () => [text] };
    } else if (config.OIDC_RP_JWKS_FILE) {
      // A comma-separated list: a new key can live in its own file, added to the list for a rotation.
      const paths = config.OIDC_RP_JWKS_FILE.split(',').map((p) => p.trim()).filter((p) => p !== '');
      source = {
        variable: 'OIDC_RP_JWKS_FILE',
        read: async () =>
          paths.map((path) => {
            let text: string;
            try {
              text = readFileSync(path, 'utf8');
            } catch {
              throw new ConfigurationError([`OIDC_RP_JWKS_FILE names a file that cannot be read (${path})`]);
            }
            assertPrivateFile(path, 'OIDC_RP_JWKS_FILE');
            return text;
          }),
      };
    } else {
      source = {
        variable: 'OIDC_RP_JWKS_FILE',
        read: async () => [await loadOrCreateSecretFile(config, RP_JWKS_FILE, 'OIDC_RP_JWKS or OIDC_RP_JWKS_FILE', generateRpJwks)],
      };
    }
    return new RpKeys(await RpKeys.build(await source.read(), source.variable, alg), source, alg);
  }

  /** Keys from JWKS texts, without a source to reload from (tests, tools). */
  static async parse(text: string | string[], variable = 'OIDC_RP_JWKS', alg: RpEncryptionAlg = 'RSA-OAEP-256'): Promise<RpKeys> {
    return new RpKeys(await RpKeys.build(Array.isArray(text) ? text : [text], variable, alg), undefined, alg);
  }

  private static async build(texts: string[], variable: string, alg: RpEncryptionAlg): Promise<KeyState> {
    const keys: JWK[] = [];
    for (const text of texts) {
      let parsed: { keys?: unknown; kty?: unknown };
      try {
        parsed = JSON.parse(text) as { keys?: unknown };
      } catch {
        throw new ConfigurationError([`${variable} must be a JSON Web Key Set`]);
      }
      // A file may hold a JWKS or one JWK (a new enc key in a file of its own).
      if (Array.isArray(parsed.keys)) keys.push(...(parsed.keys as JWK[]));
      else if (typeof parsed.kty === 'string') keys.push(parsed as JWK);
      else throw new ConfigurationError([`${variable} must be a JSON Web Key Set`]);
    }
    const isPrivateRsa = (k: JWK) => k !== null && typeof k === 'object' && k.kty === 'RSA' && typeof k.d === 'string' && typeof k.n === 'string';
    const sigs = keys.filter((k) => isPrivateRsa(k) && k.use === 'sig');
    const encs = keys.filter((k) => isPrivateRsa(k) && k.use === 'enc');
    if (sigs.length !== 1 || encs.length === 0) {
      throw new ConfigurationError([`${variable} must hold one private RSA key with "use": "sig" and at least one with "use": "enc" (found ${sigs.length} and ${encs.length})`]);
    }
    const problems: string[] = [];
    for (const k of [...sigs, ...encs]) {
      const bits = Buffer.from(k.n!, 'base64url').length * 8;
      if (bits < MIN_RSA_BITS) problems.push(`${variable}: the ${k.use} key ${k.kid ?? ''} has ${bits} bits; at least ${MIN_RSA_BITS} are needed`);
      if ('published' in k && typeof (k as { published?: unknown }).published !== 'boolean') problems.push(`${variable}: "published" must be true or false`);
    }
    // Node 24's WebCrypto refuses to import a short RSA key at all: say why before trying.
    if (problems.length > 0) throw new ConfigurationError(problems);
    const sig = sigs[0];
    const sigKid = sig.kid ?? (await calculateJwkThumbprint(sig));
    const decryption: RpDecryptionKey[] = [];
    const encPublic: JWK[] = [];
    for (const enc of encs) {
      const kid = enc.kid ?? (await calculateJwkThumbprint(enc));
      // The provider names the key in the JWE header: two keys under one kid could not be told apart.
      if (decryption.some((d) => d.kid === kid) || kid === sigKid) problems.push(`${variable}: the kid ${JSON.stringify(kid)} is used by more than one key`);
      const published = (enc as { published?: unknown }).published !== false;
      const { published: _p, ...jwk } = enc as JWK & { published?: unknown };
      let key: CryptoKey;
      try {
        key = (await importJWK({ ...jwk, alg }, alg)) as CryptoKey;
      } catch (e) {
        problems.push(`${variable}: the enc key ${kid} cannot be used: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      decryption.push({ kid, key, published });
      if (published) encPublic.push({ kty: 'RSA', n: enc.n, e: enc.e, kid, use: 'enc', alg });
    }
    if (encPublic.length === 0) problems.push(`${variable}: every "use": "enc" key is marked "published": false; at least one must be published`);
    if (problems.length > 0) throw new ConfigurationError(problems);
    const signing = (await importJWK({ ...sig, alg: 'RS256' }, 'RS256')) as CryptoKey;
    const sigPublic: JWK = { kty: 'RSA', n: sig.n, e: sig.e, kid: sigKid, use: 'sig', alg: 'RS256' };
    return { publicJwks: { keys: [sigPublic, ...encPublic] }, signing: { key: signing, kid: sigKid }, decryption };
  }
}

/** A new private RSA 2048 key (JWK with kid = its thumbprint). */
export async function generateRpKey(use: 'sig' | 'enc', alg: 'RS256' | RpEncryptionAlg = use === 'sig' ? 'RS256' : 'RSA-OAEP-256'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), use, alg };
}

/** A new private JWKS (RSA 2048 sig + RSA 2048 enc) as JSON text. */
export async function generateRpJwks(): Promise<string> {
  return `${JSON.stringify({ keys: [await generateRpKey('sig'), await generateRpKey('enc')] }, null, 2)}\n`;
}
