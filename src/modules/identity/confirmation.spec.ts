import { compactDecrypt, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { buildRequestObject, confirmationClaims, providerEncryptionKey, requestObjectEncryption } from './confirmation';
import { APPROVAL_CLAIM, confirmTextProblem, isPrintableLatin9 } from './itsme';

describe("itsme's Confirmation API: the free_text template and the request object", () => {
  it('accepts printable ISO-8859-15 only: the euro sign and Š Ž Œ Ÿ yes; ¤ ¦ ¨ ´ ¸ ¼ ½ ¾ (Latin-1 only), curly quotes, Greek, emoji and controls no', () => {
    expect(isPrintableLatin9('Open the election "Gemeenteraad Liège 2027" – no')).toBe(false); // en dash
    expect(isPrintableLatin9('Open the election "Gemeenteraad Liège 2027" (€ Š š Ž ž Œ œ Ÿ ß ÿ)')).toBe(true);
    for (const c of ['¤', '¦', '¨', '´', '¸', '¼', '½', '¾', '\u2019', 'Δ', '\u{1F5F3}', '\n', '\t', '\u007f', '\u0085']) expect(isPrintableLatin9(`a${c}b`)).toBe(false);
    expect(confirmTextProblem('x'.repeat(7500))).toBeNull();
    expect(confirmTextProblem('x'.repeat(7501))).toMatch(/7500/);
    expect(confirmTextProblem('')).toMatch(/empty/);
  });

  it('pins the subject in userinfo and the ID token and carries the exact text; refuses what itsme cannot show', () => {
    const claims = confirmationClaims('Open the election X (1)', 'sub-1');
    expect(claims).toEqual({
      userinfo: {
        sub: { essential: true, value: 'sub-1' },
        [APPROVAL_CLAIM.templateName]: { essential: true, value: 'free_text' },
        [APPROVAL_CLAIM.textKey]: { essential: true, value: 'Open the election X (1)' },
      },
      id_token: { sub: { essential: true, value: 'sub-1' } },
    });
    expect(() => confirmationClaims('Open \u2018X\u2019', 'sub-1')).toThrow(expect.objectContaining({ code: 'step_up_text_invalid', status: 400 }));
  });

  it("takes alg and enc from the provider's metadata, in its order, among those supported; none is a 503", () => {
    expect(requestObjectEncryption({ request_object_encryption_alg_values_supported: ['RSA1_5', 'RSA-OAEP', 'RSA-OAEP-256'], request_object_encryption_enc_values_supported: ['A256GCM', 'A128CBC-HS256'] })).toEqual({ alg: 'RSA-OAEP', enc: 'A256GCM' });
    expect(() => requestObjectEncryption({ request_object_encryption_alg_values_supported: ['RSA1_5'], request_object_encryption_enc_values_supported: ['A128CBC-HS256'] })).toThrow(expect.objectContaining({ status: 503 }));
    expect(() => requestObjectEncryption({})).toThrow(expect.objectContaining({ code: 'identity_provider_unavailable' }));
  });

  it('signs with the relying party key (iss = client_id, aud = issuer), then encrypts to the provider key named by its kid', async () => {
    const rp = await generateKeyPair('RS256');
    const op = await generateKeyPair('RSA-OAEP-256', { extractable: true });
    const opPublic = { ...(await exportJWK(op.publicKey)), kid: 'op-enc', use: 'enc' };
    const sigOnly = { ...(await exportJWK((await generateKeyPair('RS256', { extractable: true })).publicKey)), kid: 'op-sig', use: 'sig' };
    const encKey = await providerEncryptionKey({ keys: [sigOnly, opPublic] }, 'RSA-OAEP-256');
    expect(encKey.kid).toBe('op-enc');
    await expect(providerEncryptionKey({ keys: [sigOnly] }, 'RSA-OAEP-256')).rejects.toMatchObject({ status: 503 });
    const jwe = await buildRequestObject({
      params: { scope: 'openid service:C', claims: confirmationClaims('Close Y', 'sub-2') },
      clientId: 'evote',
      issuer: 'https://idp.example/v2',
      signing: { key: rp.privateKey, kid: 'rp-sig' },
      encryption: { ...encKey, alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256' },
    });
    const { plaintext, protectedHeader } = await compactDecrypt(jwe, op.privateKey);
    expect(protectedHeader).toMatchObject({ alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256', cty: 'JWT', kid: 'op-enc' });
    const { payload, protectedHeader: sig } = await jwtVerify(new TextDecoder().decode(plaintext), rp.publicKey, { issuer: 'evote', audience: 'https://idp.example/v2' });
    expect(sig).toMatchObject({ alg: 'RS256', kid: 'rp-sig' });
    expect(payload.client_id).toBe('evote');
    expect(typeof payload.jti).toBe('string');
    expect(payload.exp! - payload.iat!).toBe(300);
    expect((payload.claims as { userinfo: Record<string, { value: string }> }).userinfo[APPROVAL_CLAIM.textKey].value).toBe('Close Y');
  });
});
