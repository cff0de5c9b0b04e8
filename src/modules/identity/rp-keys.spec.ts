import { CompactEncrypt, compactDecrypt, importJWK, type JWK } from 'jose';
import { ConfigurationError, loadConfig } from '../../config/app-config';
import { chooseEncryption } from './oidc-client.service';
import { generateRpKey, RpKeys } from './rp-keys';

const jwks = (...keys: JWK[]) => JSON.stringify({ keys });

describe('relying party keys', () => {
  let sig: JWK;
  let a: JWK;
  let b: JWK;
  beforeAll(async () => {
    [sig, a, b] = await Promise.all([generateRpKey('sig'), generateRpKey('enc'), generateRpKey('enc')]);
  });

  it('publishes every published enc key with its kid, and decrypts with each, chosen by kid', async () => {
    const keys = await RpKeys.parse(jwks(sig, a, { ...b, published: false } as JWK));
    expect(keys.publicJwks.keys.map((k) => [k.use, k.kid, k.alg])).toEqual([
      ['sig', sig.kid, 'RS256'],
      ['enc', a.kid, 'RSA-OAEP-256'],
    ]);
    for (const k of keys.publicJwks.keys) expect(k.d).toBeUndefined();
    expect(keys.decryption.map((k) => [k.kid, k.published])).toEqual([
      [a.kid, true],
      [b.kid, false],
    ]);
    // A token to the unpublished key still decrypts: a provider may have cached it.
    const jwe = await new CompactEncrypt(new TextEncoder().encode('x'))
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256', kid: b.kid })
      .encrypt(await importJWK({ kty: 'RSA', n: b.n, e: b.e }, 'RSA-OAEP-256'));
    const { plaintext } = await compactDecrypt(jwe, (h) => keys.decryptionKey(h.kid)!);
    expect(new TextDecoder().decode(plaintext)).toBe('x');
    expect(keys.decryptionKey(b.kid)).toBe(keys.decryption[1].key);
    expect(keys.decryptionKey('someone-elses-kid')).toBeUndefined();
    // Without a kid there is nothing to choose by: only a single key is used.
    expect(keys.decryptionKey(undefined)).toBeUndefined();
    expect((await RpKeys.parse(jwks(sig, a))).decryptionKey(undefined)).toBeDefined();
  });

  it('merges several files, each a JWKS or a single JWK', async () => {
    const keys = await RpKeys.parse([jwks(sig, a), JSON.stringify(b)], 'OIDC_RP_JWKS_FILE');
    expect(keys.publicJwks.keys.map((k) => k.kid)).toEqual([sig.kid, a.kid, b.kid]);
  });

  it('publishes the configured key management algorithm', async () => {
    const keys = await RpKeys.parse(jwks(sig, a), 'OIDC_RP_JWKS', 'RSA-OAEP-512');
    expect(keys.publicJwks.keys[1].alg).toBe('RSA-OAEP-512');
  });

  it('refuses duplicate kids, no published enc key, two sig keys, short keys and public-only keys', async () => {
    const refuse = (text: string, pattern: RegExp) => expect(RpKeys.parse(text)).rejects.toThrow(pattern);
    await refuse(jwks(sig, a, { ...b, kid: a.kid }), /the kid .* is used by more than one key/);
    await refuse(jwks(sig, { ...a, published: false } as JWK), /at least one must be published/);
    await refuse(jwks(sig, { ...a, published: 'no' } as unknown as JWK), /"published" must be true or false/);
    await refuse(jwks(sig, await generateRpKey('sig'), a), /one private RSA key with "use": "sig" and at least one with "use": "enc" \(found 2 and 1\)/);
    const { d: _d, ...publicOnly } = a;
    await refuse(jwks(sig, publicOnly), /found 1 and 0/);
    const short = { ...a, n: Buffer.alloc(128, 1).toString('base64url') };
    await refuse(jwks(sig, short), /has 1024 bits; at least 2048 are needed/);
    await refuse('{"nope": 1}', /must be a JSON Web Key Set/);
  });
});

describe('JWE algorithms from the provider metadata', () => {
  const config = (env: Record<string, string> = {}) => loadConfig({ NODE_ENV: 'test', ...env });

  it('takes enc from the metadata, preferring itsme\'s documented A128CBC-HS256', () => {
    expect(chooseEncryption({ id_token_encryption_alg_values_supported: ['RSA-OAEP-256'], id_token_encryption_enc_values_supported: ['A256GCM', 'A128CBC-HS256'] }, config())).toEqual({ alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256' });
    expect(chooseEncryption({ id_token_encryption_alg_values_supported: ['RSA-OAEP-256'], id_token_encryption_enc_values_supported: ['XYZ', 'A256GCM'] }, config())).toEqual({ alg: 'RSA-OAEP-256', enc: 'A256GCM' });
  });

  it('uses an override the provider advertises and refuses one it does not, naming the variable', () => {
    const meta = { id_token_encryption_alg_values_supported: ['RSA-OAEP-256'], id_token_encryption_enc_values_supported: ['A128CBC-HS256', 'A256GCM'] };
    expect(chooseEncryption(meta, config({ OIDC_ID_TOKEN_ENCRYPTION_ENC: 'A256GCM' })).enc).toBe('A256GCM');
    expect(() => chooseEncryption(meta, config({ OIDC_ID_TOKEN_ENCRYPTION_ENC: 'A192GCM' }))).toThrow(/OIDC_ID_TOKEN_ENCRYPTION_ENC is A192GCM, which the identity provider does not advertise/);
    expect(() => chooseEncryption(meta, config({ OIDC_ID_TOKEN_ENCRYPTION_ALG: 'RSA-OAEP-512' }))).toThrow(/OIDC_ID_TOKEN_ENCRYPTION_ALG is RSA-OAEP-512/);
    expect(() => chooseEncryption({ ...meta, id_token_encryption_enc_values_supported: ['XYZ'] }, config())).toThrow(ConfigurationError);
  });

  it('assumes the documented values, with a note, when the provider lists none', () => {
    const choice = chooseEncryption({}, config());
    expect(choice).toMatchObject({ alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256' });
    expect(choice.note).toMatch(/advertises no id_token_encryption_enc_values_supported/);
  });

  it('refuses configuration values outside the supported lists at start-up', () => {
    expect(() => config({ OIDC_ID_TOKEN_ENCRYPTION_ENC: 'A128KW' })).toThrow(/OIDC_ID_TOKEN_ENCRYPTION_ENC must be one of A128CBC-HS256/);
    expect(() => config({ OIDC_ID_TOKEN_ENCRYPTION_ALG: 'RSA1_5' })).toThrow(/OIDC_ID_TOKEN_ENCRYPTION_ALG must be one of RSA-OAEP-256/);
  });
});
