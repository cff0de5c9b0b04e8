import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ServerRefusal, TokenRefusedError } from '../../client/voter-client';
import { de } from './de';
import { en } from './en';
import { fr } from './fr';
import { nl } from './nl';
import { describeRefusal, eligibilityReasonText, refusalKey, refusalsOf } from './refusal';

const SRC = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.spec.ts') ? [p] : [];
  });
}

/**
 * Every `error` code a server answer can carry: the domain errors the services throw
 * (`new XxxError('code', …)`), the cast check's refusals (`refuse('kind', 'code', …)`), the exception
 * filter's codes by HTTP status, and the crypto core's codes as the filter names them (`crypto_<code>`).
 */
function serverCodes(): string[] {
  const codes = new Set<string>();
  for (const dir of ['modules', 'issuer', 'common']) {
    for (const file of sources(join(SRC, dir))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/new \w+Error\(\s*'([a-z0-9_]+)'/g)) codes.add(m[1]);
      for (const m of text.matchAll(/refuse\(\s*'\w+',\s*'([a-z0-9_]+)'/g)) codes.add(m[1]);
      // `{ error: 'code', … }` bodies, also chosen by a condition (`error: status === 400 ? 'validation_failed' : code`).
      for (const m of text.matchAll(/error: (?:[^'{},]*\? )?'([a-z0-9_]+)'/g)) codes.add(m[1]);
    }
  }
  const filter = readFileSync(join(SRC, 'common', 'http', 'all-exceptions.filter.ts'), 'utf8');
  const statusCodes = /const STATUS_CODES[^{]*\{([^}]*)\}/.exec(filter)![1];
  for (const m of statusCodes.matchAll(/'([a-z_]+)'/g)) codes.add(m[1]);
  const crypto = /export type CryptoErrorCode =([^;]*);/.exec(readFileSync(join(SRC, 'crypto', 'errors.ts'), 'utf8'))![1];
  for (const m of crypto.matchAll(/'([A-Z_]+)'/g)) codes.add(`crypto_${m[1].toLowerCase()}`);
  return [...codes].sort();
}

describe('server refusals in the page language (issue 18)', () => {
  const codes = serverCodes();

  it('finds the codes the server throws (the scan itself works)', () => {
    for (const c of ['already_issued', 'not_eligible', 'invalid_token', 'stale_counter', 'revote_limit', 'audit_limit', 'election_not_open', 'election_not_found', 'bad_request', 'validation_failed', 'internal', 'service_unavailable', 'crypto_invalid_proof', 'invalid_ballot']) {
      expect(codes).toContain(c);
    }
    expect(codes.length).toBeGreaterThan(100);
  });

  it('every code the server uses has a message in every catalog, and none is left in English', () => {
    const missing = codes.filter((c) => !refusalKey(c));
    expect(missing).toEqual([]);
    for (const c of codes) {
      const key = refusalKey(c)!;
      for (const [lang, catalog] of Object.entries({ nl, fr, de })) {
        expect({ lang, key, text: (catalog as Record<string, string>)[key] }).toEqual({ lang, key, text: expect.any(String) });
        // Translated, not copied (a few short words like "internal" could coincide; none of these do).
        expect({ lang, key, same: (catalog as Record<string, string>)[key] === en[key] }).toEqual({ lang, key, same: false });
      }
    }
  });

  it('a known code is worded in the page language, without the server message or status', () => {
    const e = { status: 404, body: { error: 'election_not_found', message: 'No such election' }, message: 'No such election' };
    expect(describeRefusal(e, 'nl', 'error.generic')).toEqual({ known: [{ code: 'election_not_found', text: nl['error.code.election_not_found'] }] });
    const uuid = { status: 400, body: { error: 'bad_request', message: 'Validation failed (uuid v 4 is expected)' }, message: 'Validation failed (uuid v 4 is expected)' };
    expect(JSON.stringify(describeRefusal(uuid, 'fr', 'error.generic'))).not.toContain('Validation failed');
  });

  it('an unknown code falls back to the generic text plus the server message, once', () => {
    const e = { status: 409, body: { error: 'brand_new_code', message: 'Something new happened' }, message: 'Something new happened' };
    const d = describeRefusal(e, 'de', 'error.generic');
    expect(d).toEqual({ known: [], generic: { text: de['error.generic'], details: ['Something new happened'] } });
    expect(JSON.stringify(d).split('Something new happened').length - 1).toBe(1);
    // No code at all (a failure of the device's own check): its message, once.
    expect(describeRefusal(new Error('the board answered 500'), 'nl', 'error.refused')).toEqual({ known: [], generic: { text: nl['error.refused'], details: ['the board answered 500'] } });
    // A code that is not a code (or names some other catalog key) is not looked up.
    expect(refusalKey('generic')).toBeUndefined();
    expect(refusalKey('../lang.name')).toBeUndefined();
    expect(refusalKey(undefined)).toBeUndefined();
  });

  it("reads the voter client's refusals: an issuer's answer, and too few issuer signatures (each code once)", () => {
    const one = new ServerRefusal('issuer i1 answered 409: {...}', 409, 'already_issued', 'This issuer has already signed');
    expect(refusalsOf(one)).toEqual([{ code: 'already_issued', message: 'This issuer has already signed' }]);
    const many = new TokenRefusedError('only 0 of the 2 …', [
      { issuerId: 'a', reason: 'answered 403: …', code: 'not_eligible', status: 403 },
      { issuerId: 'b', reason: 'answered 403: …', code: 'not_eligible', status: 403 },
      { issuerId: 'c', reason: 'fetch failed' },
    ]);
    expect(describeRefusal(many, 'fr', 'error.generic')).toEqual({
      known: [{ code: 'not_eligible', text: fr['error.code.not_eligible'] }],
      generic: { text: fr['error.generic'], details: ['fetch failed'] },
    });
  });

  it('an eligibility reason never repeats itself: the rule text alone for a code the page does not know', () => {
    const roll = { rule: 'roll', message: 'You are not on the voter roll of this election' };
    expect(eligibilityReasonText(roll, 'en')).toBe(en['reason.roll']);
    expect(eligibilityReasonText({ ...roll, code: 'some_new_code' }, 'nl')).toBe(nl['reason.roll']);
    expect(eligibilityReasonText({ ...roll, code: 'not_on_roll' }, 'en')).toBe('You are not on the voter roll of this election.');
    expect(eligibilityReasonText({ rule: 'age', code: 'under_age', params: { minimumAge: 18, electionDay: '2027-10-10', reachedOn: '2027-10-11' }, message: 'x' }, 'de')).toContain('18');
    // Neither code nor rule known: the generic words and the server's message, once.
    expect(eligibilityReasonText({ rule: 'moon_phase', message: 'Wrong moon' }, 'fr')).toBe(`${fr['error.refused']} Wrong moon`);
  });
});
