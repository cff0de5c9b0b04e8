import type { IDToken } from 'openid-client';
import { makeNationalNumber } from './national-number';
import { birthdateFrom, extractClaims } from './claims';
import { acrLevel, ITSME_CLAIM } from './itsme';

const token = (c: Record<string, unknown>) => ({ iss: 'i', sub: 's', aud: 'a', iat: 0, exp: 0, ...c }) as IDToken;

describe('reading the claims itsme sends', () => {
  it('matches acr by its documented values in any case, and nothing else', () => {
    expect(acrLevel('http://itsme.services/v2/claim/acr_basic')).toBe('basic');
    expect(acrLevel('http://itsme.services/V2/claim/acr_basic')).toBe('basic');
    expect(acrLevel('HTTP://ITSME.SERVICES/V2/CLAIM/ACR_ADVANCED')).toBe('advanced');
    for (const v of ['', 'acr_basic', 'http://itsme.services/v2/claim/acr_basic ', 'urn:x', undefined, 3]) expect(acrLevel(v)).toBeNull();
  });

  it('takes birthdate, else birthdate_as_string (00 parts kept), keeps an impossible date for eligibility to refuse', () => {
    expect(birthdateFrom('1980-01-31', undefined)).toBe('1980-01-31');
    expect(birthdateFrom(undefined, '1968-00-00')).toBe('1968-00-00');
    expect(birthdateFrom(undefined, '19680500')).toBe('1968-05-00');
    expect(birthdateFrom('2006-02-29', undefined)).toBe('2006-02-29');
    expect(birthdateFrom(undefined, 'around 1970')).toBeNull();
    expect(birthdateFrom(undefined, undefined)).toBeNull();
  });

  it('a missing national number is a foreign-document account, not an error; a wrong checksum is refused', () => {
    const foreign = extractClaims(token({ [ITSME_CLAIM.citizenship]: 'NLD', [ITSME_CLAIM.citizenshipIso]: 'nld', birthdate: '1990-04-12' }));
    expect(foreign).toEqual({
      nationalNumber: null,
      session: { birthdate: '1990-04-12', citizenship: 'NLD', citizenshipIso: 'NLD', foreignDocument: true, givenName: null, familyName: null },
    });
    const nn = makeNationalNumber('1990-04-12', 5);
    expect(extractClaims(token({ [ITSME_CLAIM.nationalNumber]: nn })).session).toEqual(expect.objectContaining({ foreignDocument: false, birthdate: null, citizenship: null }));
    expect(() => extractClaims(token({ [ITSME_CLAIM.nationalNumber]: `${nn.slice(0, 9)}00` }))).toThrow(/national number/);
    expect(extractClaims(token({ [ITSME_CLAIM.nationalNumber]: nn, [ITSME_CLAIM.citizenshipIso]: 'Belgium' })).session.citizenshipIso).toBeNull();
  });
});
