import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { ConfigurationError, loadConfig } from '../../../src/config/app-config';
import { OidcClientService } from '../../../src/modules/identity/oidc-client.service';
import { generateRpKey, RpKeys } from '../../../src/modules/identity/rp-keys';
import { SandboxClientJwks } from '../../../src/modules/sandbox-idp/client-jwks';
import { describeEachBackend } from '../../support/databases';
import { CookieJar, countRows, login, startIdentityApp, type IdentityTestApp } from './support';

/**
 * Rotating the relying party's encryption key during one run, with the sandbox caching our JWKS like
 * itsme does (docs/identity.md, "Rotating the relying party's keys"): no login may fail on the way.
 */
describeEachBackend('identity: rotating the relying party encryption keys', (db) => {
  let t: IdentityTestApp;
  let dir: string;
  let keysFile: string;
  let sig: JWK;
  let sandbox: SandboxClientJwks;

  const writeKeys = (keys: JWK[]) => writeFileSync(keysFile, JSON.stringify({ keys }), { mode: 0o600 });
  /** One rotation step on the relying party's side: the file changes, the keys are re-read (SIGHUP). */
  const setKeys = async (keys: JWK[]) => {
    writeKeys(keys);
    await t.app.get(RpKeys).reload();
  };
  const publishedEncKids = async () => ((await (await fetch(`${t.url}/auth/jwks.json`)).json()) as { keys: JWK[] }).keys.filter((k) => k.use === 'enc').map((k) => k.kid);
  const loginStatus = async () => (await login(t.url, new CookieJar(), 'voter')).status;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'evote-rpkeys-'));
    keysFile = join(dir, 'rp-keys.json');
    sig = await generateRpKey('sig');
    writeKeys([sig, await generateRpKey('enc')]);
    t = await startIdentityApp(db(), { OIDC_RP_JWKS_FILE: keysFile });
    sandbox = t.app.get(SandboxClientJwks);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves its JWKS cacheable for at least 30 minutes, as itsme asks', async () => {
    const res = await fetch(`${t.url}/auth/jwks.json`);
    const cacheControl = res.headers.get('cache-control') ?? '';
    expect(cacheControl).toMatch(/\bpublic\b/);
    expect(Number(/max-age=(\d+)/.exec(cacheControl)?.[1])).toBeGreaterThanOrEqual(1800);
  });

  it('adds a new key while the sandbox still holds the old JWKS, then retires the old one: every login succeeds', async () => {
    const oldJwk = await generateRpKey('enc');
    const oldKid = oldJwk.kid;
    await setKeys([sig, oldJwk]);
    await sandbox.refresh();
    expect(await publishedEncKids()).toEqual([oldKid]);
    const sessionsBefore = await countRows(t.db, 'identity_sessions');

    expect(await loginStatus()).toBe(303);
    expect(await sandbox.cachedKids('enc')).toEqual([oldKid]);

    // 1. Publish a new key (listed first) next to the old one; both decrypt.
    const fresh = await generateRpKey('enc');
    await setKeys([sig, fresh, oldJwk]);
    expect(await publishedEncKids()).toEqual([fresh.kid, oldKid]);
    // The sandbox does not re-fetch per login: it still encrypts to the old key, which still decrypts.
    expect(await loginStatus()).toBe(303);
    expect(await sandbox.cachedKids('enc')).toEqual([oldKid]);

    // 2. The provider's cache expires: it now knows both and encrypts to the first, the new one.
    await sandbox.refresh();
    expect(await sandbox.cachedKids('enc')).toEqual([fresh.kid, oldKid]);
    expect(await loginStatus()).toBe(303);

    // 3. Retire the old key: unpublished, but it still decrypts while caches may hold it.
    await setKeys([sig, fresh, { ...oldJwk, published: false } as JWK]);
    expect(await publishedEncKids()).toEqual([fresh.kid]);
    expect(await sandbox.cachedKids('enc')).toEqual([fresh.kid, oldKid]);
    expect(await loginStatus()).toBe(303);

    // 4. Once no cache can hold it, the old key is deleted; logins go on with the new key alone.
    await sandbox.refresh();
    expect(await sandbox.cachedKids('enc')).toEqual([fresh.kid]);
    await setKeys([sig, fresh]);
    expect(t.app.get(RpKeys).decryption.map((k) => k.kid)).toEqual([fresh.kid]);
    expect(await loginStatus()).toBe(303);

    expect(await countRows(t.db, 'identity_sessions')).toBe(sessionsBefore + 5);
  });

  it('refuses an ID token encrypted to a key it no longer holds (retired too early) with id_token_key_unknown, creating no session', async () => {
    const current = await generateRpKey('enc');
    await setKeys([sig, current]);
    await sandbox.refresh();
    // The old key deleted at once, skipping the wait: the sandbox still encrypts to it.
    await setKeys([sig, await generateRpKey('enc')]);
    expect(await sandbox.cachedKids('enc')).toEqual([current.kid]);
    const sessions = await countRows(t.db, 'identity_sessions');
    const res = await login(t.url, new CookieJar(), 'voter');
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('id_token_key_unknown');
    expect(await countRows(t.db, 'identity_sessions')).toBe(sessions);
    // Once the provider's cache has the published key again, logins work.
    await sandbox.refresh();
    expect(await loginStatus()).toBe(303);
  });

  it('keeps the current keys when a reloaded key file does not validate', async () => {
    const before = await publishedEncKids();
    writeFileSync(keysFile, JSON.stringify({ keys: [sig] }), { mode: 0o600 });
    await expect(t.app.get(RpKeys).reload()).rejects.toThrow(/at least one with "use": "enc"/);
    expect(await publishedEncKids()).toEqual(before);
    expect(await loginStatus()).toBe(303);
  });

  it('refuses at start-up a JWE enc the provider does not advertise, naming the variable', async () => {
    // The sandbox advertises A128CBC-HS256 only, as itsme documents; discovery over real HTTP.
    const base = { LOG_LEVEL: 'silent', NODE_ENV: 'test', DATA_DIR: dir, OIDC_ISSUER: `${t.url}/sandbox-idp`, OIDC_RP_JWKS_FILE: keysFile, PUBLIC_URL: t.url };
    writeKeys([sig, await generateRpKey('enc')]);
    const keys = await RpKeys.fromConfig(loadConfig(base));
    const refused = new OidcClientService(loadConfig({ ...base, OIDC_ID_TOKEN_ENCRYPTION_ENC: 'A256GCM' }), keys);
    const error = await refused.checkAtStartup().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/OIDC_ID_TOKEN_ENCRYPTION_ENC is A256GCM, which the identity provider does not advertise \(id_token_encryption_enc_values_supported: A128CBC-HS256\)/);
    // Unset, the enc comes from the metadata.
    const fromMetadata = new OidcClientService(loadConfig(base), keys);
    await fromMetadata.checkAtStartup();
    expect(fromMetadata.encryption).toEqual({ alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256' });
  });
});
