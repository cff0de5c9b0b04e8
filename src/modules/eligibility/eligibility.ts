/**
 * Who may vote: a pure function of the verified identity claims, the election's policy and the voter's
 * roll entry. No database, no clock: the same inputs always give the same answer, and every refusal
 * names the rule that failed so a refused voter knows why.
 */

export type ElectionKind = 'federal' | 'regional' | 'european' | 'municipal';
export const ELECTION_KINDS: readonly ElectionKind[] = ['federal', 'regional', 'european', 'municipal'];

/** Why someone is on the roll: Belgian, or a foreign resident registered as a voter. */
export type RollBasis = 'belgian' | 'eu_citizen' | 'non_eu_citizen';
export const ROLL_BASES: readonly RollBasis[] = ['belgian', 'eu_citizen', 'non_eu_citizen'];

export interface EligibilityPolicy {
  kind: ElectionKind;
  /** YYYY-MM-DD: voters must have the kind's voting age on this day. */
  electionDay: string;
  /** When set, the voter's roll entry must be in this constituency. */
  constituency?: string;
}

/**
 * The claims that matter, as verified by the identity provider. `birthdate` is `YYYY-MM-DD`, where the
 * national register may write an unknown month or day as 00 (from itsme's `birthdate_as_string`).
 * `citizenshipIso` is itsme's `claim_citizenship_as_iso` (ISO 3166-1 alpha-3); `citizenship` the raw
 * document text. `foreignDocument`: the itsme account was enrolled with another country's document,
 * so no Belgian national number came and the roll cannot be consulted.
 */
export interface EligibilityClaims {
  birthdate: string | null | undefined;
  citizenship: string | null | undefined;
  citizenshipIso?: string | null;
  foreignDocument?: boolean;
}

export interface RollEntry {
  constituency: string;
  basis: RollBasis;
}

export type EligibilityRule = 'claims' | 'age' | 'nationality' | 'roll' | 'constituency';

/**
 * Why someone may not vote. Pages translate `code` with `params` (src/web/i18n, key `reason.<code>`);
 * `message` is the same in English for API clients.
 */
export type EligibilityReasonCode =
  | 'birthdate_missing'
  | 'birthdate_invalid'
  | 'under_age'
  | 'under_age_birthdate_incomplete'
  | 'nationality'
  | 'foreign_document'
  | 'not_on_roll'
  | 'other_constituency';

export const ELIGIBILITY_REASON_CODES: readonly EligibilityReasonCode[] = [
  'birthdate_missing',
  'birthdate_invalid',
  'under_age',
  'under_age_birthdate_incomplete',
  'nationality',
  'foreign_document',
  'not_on_roll',
  'other_constituency',
];

export interface EligibilityReason {
  rule: EligibilityRule;
  code: EligibilityReasonCode;
  params: Record<string, string | number>;
  message: string;
}

export interface EligibilityResult {
  eligible: boolean;
  reasons: EligibilityReason[];
  /** The constituency the voter votes in (from the roll), when on the roll. */
  constituency: string | null;
}

/**
 * Voting age per kind of election, reached on election day at the latest.
 * - European: 16, since the law of 1 June 2022 amending the law of 23 March 1989 on the election of
 *   the European Parliament (art. 1), first applied on 9 June 2024; compulsory for 16- and 17-year-olds
 *   like for everyone since the Constitutional Court's judgment 116/2023 and the law that followed.
 * - Federal and regional (Electoral Code art. 1), municipal and provincial (Local Electoral Code and the
 *   regional decrees): 18.
 */
export const VOTING_AGE: Readonly<Record<ElectionKind, number>> = { european: 16, federal: 18, regional: 18, municipal: 18 };

/** The raw citizenship text of a Belgian eID (`Belg`), in the languages it may come in. */
const BELGIAN = new Set(['belg', 'belge', 'belgisch', 'belgische', 'belgier', 'belgierin', 'belgian', 'belgië', 'belgie', 'belgique', 'belgien', 'be', 'bel']);

export function isBelgianCitizenship(raw: string | null | undefined): boolean {
  return typeof raw === 'string' && BELGIAN.has(raw.trim().toLowerCase());
}

/** ISO 3166-1 alpha-3, as itsme's `claim_citizenship_as_iso` (best effort: absent when unknown). */
export const isIsoAlpha3 = (v: unknown): v is string => typeof v === 'string' && /^[A-Z]{3}$/.test(v);

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysInMonth = (y: number, m: number) => (m === 2 ? (isLeapYear(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);

/**
 * A real calendar date `YYYY-MM-DD` (year 1000–9999): 2006-02-29 and 1980-02-31 are not. Used for
 * every date the platform reads (birth dates, election days), so an impossible date is refused
 * rather than rolled over by `Date` into the next month.
 */
export function isCalendarDate(s: unknown): s is string {
  const m = typeof s === 'string' ? DATE.exec(s) : null;
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return y >= 1000 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** A birth date, possibly incomplete: the national register writes an unknown month or day as 00. */
export interface BirthDate {
  year: number;
  month: number | null;
  day: number | null;
}

/**
 * `YYYY-MM-DD` with `MM` or `DD` possibly 00 (unknown); anything else that is not a calendar date is
 * null. `YYYY-00-DD` with a known day but no month is not a register form and is refused.
 */
export function parseBirthDate(s: string | null | undefined): BirthDate | null {
  const m = typeof s === 'string' ? DATE.exec(s) : null;
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1000) return null;
  if (mo === 0) return d === 0 ? { year: y, month: null, day: null } : null;
  if (d === 0) return mo <= 12 ? { year: y, month: mo, day: null } : null;
  return isCalendarDate(s) ? { year: y, month: mo, day: d } : null;
}

/**
 * The latest day the person can have been born on: an unknown month is December, an unknown day the
 * last day of the month. Conservative on purpose: nobody is admitted before they may be old enough,
 * and someone whose register entry is incomplete is only refused in the year they come of age.
 */
function latestBirthDay(b: BirthDate): [number, number, number] {
  const month = b.month ?? 12;
  return [b.year, month, b.day ?? daysInMonth(b.year, month)];
}

const iso = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/**
 * The day someone born on `birthdate` reaches `age`, as YYYY-MM-DD (for an incomplete date, from the
 * latest possible birth day). Someone born on 29 February reaches it on 1 March in a common year:
 * Belgian law counts a period in years "de quantième à veille de quantième" (Judicial Code art. 54),
 * so the years are complete at the end of the eve of the anniversary; in a common year the anniversary
 * 29 February does not exist and its eve is 28 February, so the age is reached on 1 March. 1 March is
 * also the later of the two candidate days, so the choice never admits anyone early.
 */
export function birthdayAt(birthdate: string, age: number): string {
  const b = parseBirthDate(birthdate);
  if (!b) throw new Error(`not a birth date: ${birthdate}`);
  const [y, m, d] = latestBirthDay(b);
  if (m === 2 && d === 29 && !isLeapYear(y + age)) return iso(y + age, 3, 1);
  return iso(y + age, m, d);
}

const NATIONALITY_MESSAGES: Record<ElectionKind, string> = {
  federal: 'Only Belgian citizens vote in federal elections',
  regional: 'Only Belgian citizens vote in regional elections',
  european: 'Only Belgian citizens, and citizens of another EU country registered as voters in Belgium, vote in European elections',
  municipal: 'Only Belgian citizens, and foreign residents registered as voters in the municipality, vote in municipal elections',
};

/**
 * Whether the voter counts as Belgian: itsme's ISO code first (BEL), else the document text (`Belg`,
 * `Belge`, ...), else the roll's basis: the roll is drawn from the population register, the legal source
 * of the electoral list, so a document text we do not recognise does not override it.
 */
export function isBelgian(claims: EligibilityClaims, rollEntry?: RollEntry | null): boolean {
  if (isIsoAlpha3(claims.citizenshipIso)) return claims.citizenshipIso === 'BEL';
  if (isBelgianCitizenship(claims.citizenship)) return true;
  return rollEntry?.basis === 'belgian';
}

const reason = (rule: EligibilityRule, code: EligibilityReasonCode, message: string, params: Record<string, string | number> = {}): EligibilityReason => ({
  rule,
  code,
  params,
  message,
});

export function evaluateEligibility(claims: EligibilityClaims, policy: EligibilityPolicy, rollEntry?: RollEntry | null): EligibilityResult {
  if (!isCalendarDate(policy.electionDay)) throw new Error(`election day is not a calendar date: ${policy.electionDay}`);
  const reasons: EligibilityReason[] = [];
  const minimumAge = VOTING_AGE[policy.kind];

  // Age on election day (the birthday may be election day itself).
  const birth = parseBirthDate(claims.birthdate);
  if (claims.birthdate === null || claims.birthdate === undefined || claims.birthdate === '') {
    reasons.push(reason('claims', 'birthdate_missing', 'Your identity provider did not confirm a birth date'));
  } else if (!birth) {
    reasons.push(reason('claims', 'birthdate_invalid', 'Your identity provider sent a birth date that is not a real date'));
  } else {
    const reachedOn = birthdayAt(claims.birthdate, minimumAge);
    if (reachedOn > policy.electionDay) {
      const params = { minimumAge, electionDay: policy.electionDay, reachedOn };
      if (birth.month === null || birth.day === null) {
        reasons.push(
          reason('age', 'under_age_birthdate_incomplete', `Your birth date is incomplete in the national register, so you count as turning ${minimumAge} on ${reachedOn}, after election day (${policy.electionDay}); if you are already ${minimumAge}, ask your municipality`, params),
        );
      } else {
        reasons.push(reason('age', 'under_age', `You must be ${minimumAge} on election day (${policy.electionDay}); you turn ${minimumAge} on ${reachedOn}`, params));
      }
    }
  }

  // Nationality, per kind of election. Foreign residents qualify only through their registration on
  // the roll (the municipality checked their citizenship then). Without a national number the roll
  // cannot be consulted: where a registration could qualify them, the roll reason below says so.
  if (!isBelgian(claims, rollEntry)) {
    const basis = rollEntry?.basis;
    const allowed =
      policy.kind === 'municipal' ? basis === 'eu_citizen' || basis === 'non_eu_citizen' : policy.kind === 'european' ? basis === 'eu_citizen' : false;
    const unknowable = claims.foreignDocument === true && (policy.kind === 'municipal' || policy.kind === 'european');
    if (!allowed && !unknowable) reasons.push(reason('nationality', 'nationality', NATIONALITY_MESSAGES[policy.kind], { kind: policy.kind }));
  }

  // The roll, and the constituency it assigns.
  if (claims.foreignDocument === true) {
    reasons.push(
      reason('roll', 'foreign_document', 'Your itsme account was created with a foreign identity document, so it does not give your Belgian national number and the voter roll cannot be checked: ask your municipality'),
    );
  } else if (!rollEntry) {
    reasons.push(reason('roll', 'not_on_roll', 'You are not on the voter roll of this election'));
  } else if (policy.constituency !== undefined && rollEntry.constituency !== policy.constituency) {
    reasons.push(
      reason('constituency', 'other_constituency', `You are on the roll of the constituency ${rollEntry.constituency}, not ${policy.constituency}`, {
        constituency: rollEntry.constituency,
        expected: policy.constituency,
      }),
    );
  }

  return { eligible: reasons.length === 0, reasons, constituency: claims.foreignDocument === true ? null : (rollEntry?.constituency ?? null) };
}
