import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/app-config';
import { NationalNumberHasher } from './national-number-hasher';
import { generateRpJwks, RpKeys } from './rp-keys';
import { loadOrCreateSecretFile } from './secrets';

describe('identity secrets', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'evote-secrets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a secret once, mode 0600, and agrees under concurrent starts', async () => {
    const config = loadConfig({ DATA_DIR: dir });
    let n = 0;
    const results = await Promise.all(Array.from({ length: 5 }, () => loadOrCreateSecretFile(config, 'k.key', 'K', async () => `secret-${++n}`)));
    expect(new Set(results).size).toBe(1);
    expect(statSync(join(dir, 'k.key')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['k.key']); // no temporary files left
    expect(await loadOrCreateSecretFile(config, 'k.key', 'K', () => 'other')).toBe(results[0]);
  });

  it('refuses to generate secrets in production, naming the variable', async () => {
    const config = loadConfig({ DATA_DIR: dir, NODE_ENV: 'production', OIDC_ISSUER: 'https://idp.example', OIDC_RP_JWKS_FILE: '/x', ROLL_HMAC_KEY: 'ab'.repeat(32) });
    await expect(loadOrCreateSecretFile(config, 'k.key', 'ROLL_HMAC_KEY', () => 'x')).rejects.toThrow(/ROLL_HMAC_KEY must be set in production/);
  });

  it('hashes national numbers with the configured key, ignoring separators', async () => {
    const a = await NationalNumberHasher.fromConfig(loadConfig({ DATA_DIR: dir, ROLL_HMAC_KEY: 'ab'.repeat(32) }));
    const b = await NationalNumberHasher.fromConfig(loadConfig({ DATA_DIR: dir, ROLL_HMAC_KEY: 'cd'.repeat(32) }));
    expect(a.hash('85.07.30-033.28').equals(a.hash('85073003328'))).toBe(true);
    expect(a.hash('85073003328')).toHaveLength(32);
    expect(a.hash('85073003328').equals(b.hash('85073003328'))).toBe(false);
  });

  it('loads a relying party JWKS and refuses incomplete ones', async () => {
    const keys = await RpKeys.parse(await generateRpJwks());
    expect(keys.publicJwks.keys.map((k) => k.use)).toEqual(['sig', 'enc']);
    await expect(RpKeys.parse('not json')).rejects.toThrow(/OIDC_RP_JWKS must be a JSON Web Key Set/);
    const onlySig = JSON.stringify({ keys: [JSON.parse(await generateRpJwks()).keys[0]] });
    await expect(RpKeys.parse(onlySig, 'OIDC_RP_JWKS_FILE')).rejects.toThrow(/OIDC_RP_JWKS_FILE must hold one private RSA key with "use": "sig" and at least one with "use": "enc"/);
  });
});
