import { UnauthenticatedError } from '../../common/errors/domain-error';
import { isIsoAlpha3, parseBirthDate } from '../eligibility/eligibility';
import { ITSME_CLAIM } from './itsme';
import { isValidNationalNumber } from './national-number';
import type { SessionClaims } from './session.service';

// Reading itsme's claims, shared by the platform's relying party and the separate issuers, which read
// the same ID token and must judge it the same way.

/**
 * The claims a session needs. What itsme legitimately varies is kept as absent rather than refused, so
 * eligibility can tell the voter why (never a bare `claims_invalid` for these): no national number
 * (an account enrolled with another country's document), `birthdate` absent (then
 * `birthdate_as_string`, where the national register may write an unknown month or day as 00), no
 * or unexpected citizenship text. What would be a provider error is refused: a national number with a
 * wrong check number.
 */
export function extractClaims(c: Record<string, unknown>): { nationalNumber: string | null; session: SessionClaims } {
  const nn = c[ITSME_CLAIM.nationalNumber];
  if (nn !== undefined && nn !== null && (typeof nn !== 'string' || !isValidNationalNumber(nn))) {
    throw new UnauthenticatedError('claims_invalid', 'The identity provider did not return a valid national number');
  }
  const str = (v: unknown, max = 200) => (typeof v === 'string' && v.trim() !== '' && v.length <= max ? v.trim() : null);
  const iso = c[ITSME_CLAIM.citizenshipIso];
  return {
    nationalNumber: typeof nn === 'string' ? nn : null,
    session: {
      birthdate: birthdateFrom(c.birthdate, c[ITSME_CLAIM.birthdateAsString]),
      citizenship: str(c[ITSME_CLAIM.citizenship], 100),
      citizenshipIso: typeof iso === 'string' && isIsoAlpha3(iso.trim().toUpperCase()) ? iso.trim().toUpperCase() : null,
      foreignDocument: typeof nn !== 'string',
      givenName: str(c.given_name),
      familyName: str(c.family_name),
    },
  };
}

/**
 * The birth date as `YYYY-MM-DD` (month or day possibly 00): `birthdate` when it is a calendar date,
 * else `birthdate_as_string` (`YYYY-MM-DD` or the register's `YYYYMMDD`). An impossible date
 * (2006-02-29) is kept as given, so eligibility refuses it by name; nothing usable gives null.
 */
export function birthdateFrom(birthdate: unknown, asString: unknown): string | null {
  if (typeof birthdate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(birthdate) && parseBirthDate(birthdate)?.day) return birthdate;
  const raw = typeof asString === 'string' ? asString.trim() : '';
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(raw);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  if (typeof birthdate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(birthdate)) return birthdate;
  return null;
}

