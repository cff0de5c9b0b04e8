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
  /** YYYY-MM-DD: voters must be 18 on this day. */
  electionDay: string;
  /** When set, the voter's roll entry must be in this constituency. */
  constituency?: string;
}

/** The claims that matter, as verified by the identity provider (itsme `birthdate`, `claim_citizenship`). */
export interface EligibilityClaims {
  birthdate: string | null | undefined;
  citizenship: string | null | undefined;
}

export interface RollEntry {
  constituency: string;
  basis: RollBasis;
}

export type EligibilityRule = 'claims' | 'age' | 'nationality' | 'roll' | 'constituency';

export interface EligibilityReason {
  rule: EligibilityRule;
  message: string;
}

export interface EligibilityResult {
  eligible: boolean;
  reasons: EligibilityReason[];
  /** The constituency the voter votes in (from the roll), when on the roll. */
  constituency: string | null;
}

export const VOTING_AGE = 18;

/** The raw citizenship text of a Belgian eID (`Belg`), in the languages it may come in. */
const BELGIAN = new Set(['belg', 'belge', 'belgisch', 'belgische', 'belgier', 'belgierin', 'belgian', 'belgië', 'belgie', 'belgique', 'belgien', 'be', 'bel']);

export function isBelgianCitizenship(raw: string | null | undefined): boolean {
  return typeof raw === 'string' && BELGIAN.has(raw.trim().toLowerCase());
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(s: string | null | undefined): [number, number, number] | null {
  const m = typeof s === 'string' ? DATE.exec(s) : null;
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  return [y, mo, d];
}

/**
 * The day someone reaches `age`, as YYYY-MM-DD. Someone born on 29 February reaches it on 1 March
 * in a common year (the day after 28 February).
 */
export function birthdayAt(birthdate: string, age: number): string {
  const [y, m, d] = parseDate(birthdate) ?? [0, 1, 1];
  const target = new Date(Date.UTC(y + age, m - 1, d)); // 29 Feb in a common year rolls over to 1 Mar
  return target.toISOString().slice(0, 10);
}

const NATIONALITY_MESSAGES: Record<ElectionKind, string> = {
  federal: 'Only Belgian citizens vote in federal elections',
  regional: 'Only Belgian citizens vote in regional elections',
  european: 'Only Belgian citizens, and citizens of another EU country registered as voters in Belgium, vote in European elections',
  municipal: 'Only Belgian citizens, and foreign residents registered as voters in the municipality, vote in municipal elections',
};

export function evaluateEligibility(claims: EligibilityClaims, policy: EligibilityPolicy, rollEntry?: RollEntry | null): EligibilityResult {
  const reasons: EligibilityReason[] = [];

  // Age: 18 on election day (the 18th birthday may be election day itself).
  if (!parseDate(claims.birthdate)) {
    reasons.push({ rule: 'claims', message: 'Your identity provider did not confirm a birth date' });
  } else {
    const adult = birthdayAt(claims.birthdate!, VOTING_AGE);
    if (adult > policy.electionDay) {
      reasons.push({ rule: 'age', message: `You must be ${VOTING_AGE} on election day (${policy.electionDay}); you turn ${VOTING_AGE} on ${adult}` });
    }
  }

  // Nationality, per kind of election. Belgians qualify by their verified citizenship; foreign
  // residents only through a registration on the roll (the municipality checked their citizenship).
  const belgian = isBelgianCitizenship(claims.citizenship);
  if (!belgian) {
    const basis = rollEntry?.basis;
    const allowed =
      policy.kind === 'municipal' ? basis === 'eu_citizen' || basis === 'non_eu_citizen' : policy.kind === 'european' ? basis === 'eu_citizen' : false;
    if (!allowed) reasons.push({ rule: 'nationality', message: NATIONALITY_MESSAGES[policy.kind] });
  }

  // The roll, and the constituency it assigns.
  if (!rollEntry) {
    reasons.push({ rule: 'roll', message: 'You are not on the voter roll of this election' });
  } else if (policy.constituency !== undefined && rollEntry.constituency !== policy.constituency) {
    reasons.push({ rule: 'constituency', message: `You are on the roll of the constituency ${rollEntry.constituency}, not ${policy.constituency}` });
  }

  return { eligible: reasons.length === 0, reasons, constituency: rollEntry?.constituency ?? null };
}
