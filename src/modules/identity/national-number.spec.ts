import { isValidNationalNumber, makeNationalNumber, nationalNumberCentury, normalizeNationalNumber } from './national-number';
import { SANDBOX_IDENTITIES } from '../sandbox-idp/identities';
import { loadConfig } from '../../config/app-config';

describe('Belgian national numbers', () => {
  it('validates the check number, for births before 2000', () => {
    // 85.07.30-033.xx: 97 - (850730033 mod 97) = 28
    expect(isValidNationalNumber('85073003328')).toBe(true);
    expect(nationalNumberCentury('85073003328')).toBe(19);
    expect(isValidNationalNumber('85073003329')).toBe(false);
  });

  it('uses the "2" prefix rule for births from 2000', () => {
    // 17.07.30-033.xx born 2017: 97 - (2170730033 mod 97) = 84
    expect(isValidNationalNumber('17073003384')).toBe(true);
    expect(nationalNumberCentury('17073003384')).toBe(20);
    // The same digits with the pre-2000 check number are valid too, for 1917.
    expect(nationalNumberCentury(makeNationalNumber('1917-07-30', 33))).toBe(19);
  });

  it('ignores separators and refuses other shapes', () => {
    expect(normalizeNationalNumber('85.07.30-033.28')).toBe('85073003328');
    expect(isValidNationalNumber('85.07.30-033.28')).toBe(true);
    for (const bad of ['', '8507300332', '850730033288', '8507300332a', 'abcdefghijk']) expect(isValidNationalNumber(bad)).toBe(false);
  });

  it('makes valid numbers', () => {
    for (const [d, s] of [['1999-12-31', 1], ['2000-01-01', 2], ['2009-05-09', 997], ['1950-02-28', 500]] as const) {
      const nn = makeNationalNumber(d, s);
      expect(nn).toHaveLength(11);
      expect(nationalNumberCentury(nn)).toBe(Number(d.slice(0, 4)) >= 2000 ? 20 : 19);
    }
  });

  it('every sandbox identity has a valid number matching its birth date', () => {
    for (const i of SANDBOX_IDENTITIES) {
      expect(isValidNationalNumber(i.nationalNumber)).toBe(true);
      expect(i.nationalNumber.slice(0, 6)).toBe(i.birthdate.slice(2).replace(/-/g, ''));
      expect(nationalNumberCentury(i.nationalNumber)).toBe(Number(i.birthdate.slice(0, 4)) >= 2000 ? 20 : 19);
    }
    expect(new Set(SANDBOX_IDENTITIES.map((i) => i.nationalNumber)).size).toBe(SANDBOX_IDENTITIES.length);
    expect(new Set(SANDBOX_IDENTITIES.map((i) => i.sub)).size).toBe(SANDBOX_IDENTITIES.length);
  });
});

describe('identity configuration', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (e) {
      return (e as { problems: string[] }).problems;
    }
  };

  it('names the variable of a bad national number list, without echoing it', () => {
    const p = problems({ OFFICIAL_NATIONAL_NUMBERS: '85073003328,85073003329' });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^OFFICIAL_NATIONAL_NUMBERS must be/);
    expect(p[0]).not.toContain('85073003329');
    expect(problems({ OFFICIAL_NATIONAL_NUMBERS: '85.07.30-033.28, 17073003384' })).toEqual([]);
    expect(problems({ TRUSTEE_NATIONAL_NUMBERS: 'x' })[0]).toMatch(/^TRUSTEE_NATIONAL_NUMBERS/);
  });

  it('validates the other identity variables', () => {
    expect(problems({ OIDC_ISSUER: 'not a url' })[0]).toMatch(/^OIDC_ISSUER/);
    expect(problems({ SANDBOX_IDP_ENABLED: 'maybe' })[0]).toMatch(/^SANDBOX_IDP_ENABLED/);
    expect(problems({ OIDC_LOGIN_ACR: 'high' })[0]).toMatch(/^OIDC_LOGIN_ACR/);
    expect(problems({ ROLL_HMAC_KEY: 'short' })[0]).toMatch(/^ROLL_HMAC_KEY .*<redacted>/);
    expect(problems({ SESSION_TTL_SECONDS: '5' })[0]).toMatch(/^SESSION_TTL_SECONDS/);
    expect(problems({ OIDC_SERVICE_CODE: 'a b' })[0]).toMatch(/^OIDC_SERVICE_CODE/);
  });

  it('requires an issuer without the sandbox, and real keys in production', () => {
    expect(problems({ SANDBOX_IDP_ENABLED: 'false' })).toEqual([expect.stringMatching(/^OIDC_ISSUER must be set/)]);
    const p = problems({ NODE_ENV: 'production' });
    expect(p).toEqual([expect.stringMatching(/^OIDC_ISSUER/), expect.stringMatching(/^OIDC_RP_JWKS or OIDC_RP_JWKS_FILE/), expect.stringMatching(/^ROLL_HMAC_KEY/)]);
    expect(problems({ OIDC_RP_JWKS: '{}', OIDC_RP_JWKS_FILE: '/x' })).toEqual([expect.stringMatching(/exclusive/)]);
  });

  it('defaults: sandbox on outside production, issuer under PUBLIC_URL', () => {
    const dev = loadConfig({ PUBLIC_URL: 'https://vote.example.be/' });
    expect(dev.sandboxIdpEnabled).toBe(true);
    expect(dev.oidcIssuer).toBe('https://vote.example.be/sandbox-idp');
    const prod = { NODE_ENV: 'production', ROLL_HMAC_KEY: 'ab'.repeat(32), OIDC_RP_JWKS_FILE: '/etc/evote/jwks.json', OIDC_ISSUER: 'https://idp.prd.itsme.services/v2' };
    expect(loadConfig(prod).sandboxIdpEnabled).toBe(false);
    expect(loadConfig({ SANDBOX_IDP_ENABLED: 'false', OIDC_ISSUER: 'https://idp.prd.itsme.services/v2' }).oidcIssuer).toBe('https://idp.prd.itsme.services/v2');
  });
});
