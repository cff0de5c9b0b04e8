import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { ConfigurationError, type AppConfig } from '../../config/app-config';
import { assertPrivateFile } from '../../common/secrets';
import { loadOrCreateSecretFile } from './secrets';

export const RP_JWKS_FILE = 'oidc-rp-jwks.json';

/**
 * The relying party's keys: one RSA key to sign client assertions (private_key_jwt, RS256) and one RSA
 * key identity providers encrypt ID tokens and userinfo to (RSA-OAEP-256). Their public halves are
 * served as the JWKS at /auth/jwks.json.
 */
export class RpKeys {
  private constructor(
    readonly publicJwks: { keys: JWK[] },
    readonly signing: { key: CryptoKey; kid: string },
    readonly decryption: { key: CryptoKey; kid: string },
  ) {}

  static async fromConfig(config: AppConfig): Promise<RpKeys> {
    let text: string;
    let variable = 'OIDC_RP_JWKS';
    if (config.OIDC_RP_JWKS) text = config.OIDC_RP_JWKS;
    else if (config.OIDC_RP_JWKS_FILE) {
      variable = 'OIDC_RP_JWKS_FILE';
      try {
        text = readFileSync(config.OIDC_RP_JWKS_FILE, 'utf8');
      } catch {
        throw new ConfigurationError(['OIDC_RP_JWKS_FILE names a file that cannot be read']);
      }
      assertPrivateFile(config.OIDC_RP_JWKS_FILE, 'OIDC_RP_JWKS_FILE');
    } else text = await loadOrCreateSecretFile(config, RP_JWKS_FILE, 'OIDC_RP_JWKS or OIDC_RP_JWKS_FILE', generateRpJwks);
    return RpKeys.parse(text, variable);
  }

  static async parse(text: string, variable = 'OIDC_RP_JWKS'): Promise<RpKeys> {
    let jwks: { keys?: JWK[] };
    try {
      jwks = JSON.parse(text) as { keys?: JWK[] };
    } catch {
      throw new ConfigurationError([`${variable} must be a JSON Web Key Set`]);
    }
    const keys = Array.isArray(jwks.keys) ? jwks.keys : [];
    const sig = keys.find((k) => k.use === 'sig' && k.kty === 'RSA' && typeof k.d === 'string');
    const enc = keys.find((k) => k.use === 'enc' && k.kty === 'RSA' && typeof k.d === 'string');
    if (!sig || !enc) throw new ConfigurationError([`${variable} must hold one private RSA key with "use": "sig" and one with "use": "enc"`]);
    const sigKid = sig.kid ?? (await calculateJwkThumbprint(sig));
    const encKid = enc.kid ?? (await calculateJwkThumbprint(enc));
    const signing = (await importJWK({ ...sig, alg: 'RS256' }, 'RS256')) as CryptoKey;
    const decryption = (await importJWK({ ...enc, alg: 'RSA-OAEP-256' }, 'RSA-OAEP-256')) as CryptoKey;
    const pub = (k: JWK, kid: string, alg: string): JWK => ({ kty: 'RSA', n: k.n, e: k.e, kid, use: k.use, alg });
    return new RpKeys({ keys: [pub(sig, sigKid, 'RS256'), pub(enc, encKid, 'RSA-OAEP-256')] }, { key: signing, kid: sigKid }, { key: decryption, kid: encKid });
  }
}

/** A new private JWKS (RSA 2048 sig + RSA 2048 enc) as JSON text. */
export async function generateRpJwks(): Promise<string> {
  const make = async (alg: 'RS256' | 'RSA-OAEP-256', use: 'sig' | 'enc'): Promise<JWK> => {
    const { privateKey } = await generateKeyPair(alg, { modulusLength: 2048, extractable: true });
    const jwk = await exportJWK(privateKey);
    return { ...jwk, kid: await calculateJwkThumbprint(jwk), use, alg };
  };
  return `${JSON.stringify({ keys: [await make('RS256', 'sig'), await make('RSA-OAEP-256', 'enc')] }, null, 2)}\n`;
}
